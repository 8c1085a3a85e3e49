"""Sector tagging: match the terms of ``search/data/sectors.json`` in a paragraph.

The taxonomy file is the single source of truth: ids, display labels, terms,
"weak" terms (generic words that count only when nothing more specific was
found) and exclusions (job titles, office names, figurative and ceremonial
uses) are all read from it, so a user can extend it without touching code.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

DATA_PATH = Path(__file__).resolve().parents[1] / "data" / "sectors.json"

_TOKEN = re.compile(r"[A-Za-z0-9]+(?:[&'’.][A-Za-z0-9]+)*|&")


def stem(word: str) -> str:
    """A crude, consistent stem so that a term matches its simple inflections."""
    w = word.lower().replace("’", "'")
    if w.endswith("'s"):
        w = w[:-2]
    if len(w) > 5 and w.endswith("ies"):
        return w[:-3] + "y"
    for suffix, keep in (("ing", 4), ("ed", 4), ("es", 4), ("s", 3)):
        if w.endswith(suffix) and len(w) - len(suffix) >= keep and not w.endswith("ss"):
            w = w[: -len(suffix)]
            break
    if len(w) > 4 and w.endswith("e"):
        w = w[:-1]
    return w


@dataclass
class _Terms:
    """Terms of one kind for all sectors, indexed by their first word."""

    # first key -> list of (key tuple, sector id, term, sensitive)
    index: dict[str, list[tuple[tuple[str, ...], str, str, bool]]]
    prefixes: list[tuple[str, str, str]]  # (lower prefix, sector, term) for 'word*' terms


def _term_key(term: str) -> tuple[tuple[str, ...], bool, bool]:
    sensitive = any(c.isupper() for c in term)
    wildcard = term.endswith("*")
    words = _TOKEN.findall(term.rstrip("*"))
    if not sensitive:
        words = [w.lower() for w in words]
    return tuple(words), sensitive, wildcard


def inflections(word: str) -> set[str]:
    """The word with its plural and possessive endings."""
    forms = {word, word + "s", word + "'s", word + "’s"}
    if word.endswith(("s", "x", "z", "ch", "sh")):
        forms.add(word + "es")
    if len(word) > 2 and word.endswith("y") and word[-2] not in "aeiou":
        forms.add(word[:-1] + "ies")
    return forms


def _build(entries: list[tuple[str, str]], exact_case: bool = False) -> _Terms:
    index: dict[str, list] = {}
    prefixes = []
    for sector, term in entries:
        key, sensitive, wildcard = _term_key(term)
        if not key:
            continue
        sensitive = sensitive or exact_case
        if wildcard and len(key) == 1:
            prefixes.append((term.rstrip("*").lower(), sector, term))
            continue
        lasts = {key[-1]} if wildcard else inflections(key[-1])
        for last in lasts:
            full = key[:-1] + (last,)
            index.setdefault(full[0], []).append((full, sector, term, sensitive))
    for items in index.values():
        items.sort(key=lambda item: -len(item[0]))
    return _Terms(index, prefixes)


_LINKING = frozenset({"on", "with", "between", "in", "of", "to", "from", "for", "the", "by", "at"})
_DETERMINERS = frozenset({"The", "A", "An", "This", "That", "These", "Its", "Our", "Their", "His", "Her"})
_SENTENCE_END = frozenset()  # tokens carry no punctuation; only paragraph-initial determiners are skipped


def _in_name(words: list[str], i: int) -> bool:
    """True if words[i] continues a capitalised name ("Committee on Foreign Relations")."""
    if not words[i][:1].isupper() or i == 0:
        return False
    prev = words[i - 1]
    if prev[:1].isupper():
        # a capitalised determiner opening the sentence is not part of a name ("The Embassy")
        return not (prev in _DETERMINERS and (i == 1 or words[i - 2] in _SENTENCE_END))

    return i >= 2 and prev in {"on", "of", "for", "and", "&"} and words[i - 2][:1].isupper()


def _matches(terms: _Terms, words: list[str], lows: list[str], stems: list[str], names_off: bool = False):
    """Yield (start, end, sector, term) for every term occurrence.

    With ``names_off`` a lower-case term does not match inside a capitalised name.
    """
    n = len(words)
    index = terms.index
    prefixes = terms.prefixes
    for i in range(n):
        word, low = words[i], lows[i]
        candidates = index.get(word)
        if low != word:
            more = index.get(low)
            if more:
                candidates = (candidates or []) + more
        if candidates:
            if names_off and _in_name(words, i):
                continue
            for key, sector, term, sensitive in candidates:
                L = len(key)
                if L == 1:
                    if (word if sensitive else low) == key[0]:
                        yield i, i + 1, sector, term
                    continue
                if i + L > n:
                    continue
                got = tuple(words[i : i + L]) if sensitive else tuple(lows[i : i + L])
                if got == key:
                    yield i, i + L, sector, term
        if prefixes:
            for prefix, sector, term in prefixes:
                if low.startswith(prefix):
                    yield i, i + 1, sector, term


# kinds of terms, in the order the combined index keeps them
EXCLUDE, STRONG, WEAK, GENERIC = range(4)


@dataclass
class _Index:
    """All kinds of terms in one index, so that a paragraph is scanned once."""

    index: dict[str, list[tuple[tuple[str, ...], str, str, bool, int]]]
    prefixes: dict[str, list[tuple[str, str, str, int]]]  # first 3 letters -> (prefix, sector, term, kind)
    cache: dict = field(default_factory=dict)  # word -> what _word_terms found for it


def _combine(kinds: list[_Terms]) -> _Index:
    index: dict[str, list] = {}
    prefixes: dict[str, list] = {}
    for kind, terms in enumerate(kinds):
        for first, items in terms.index.items():
            index.setdefault(first, []).extend(item + (kind,) for item in items)
        for prefix, sector, term in terms.prefixes:
            if len(prefix) < 3:
                raise ValueError(f"wildcard term {term!r} needs at least three letters")
            prefixes.setdefault(prefix[:3], []).append((prefix, sector, term, kind))
    return _Index(index, prefixes)


def _word_terms(combined: _Index, word: str, low: str):
    """The terms that can start at this word, cached per word, or () if none.

    (one-word terms, {second word: multi-word terms} matched as written,
    {second word: multi-word terms} matched in lower case, wildcard terms that
    match the word); each term is paired with its rank in the index, so that
    matches keep the order of the plain scan.
    """
    cache = combined.cache
    hit = cache.get(word)
    if hit is None:
        index = combined.index
        candidates = index.get(word)
        if low != word:
            more = index.get(low)
            if more:
                candidates = (candidates + more) if candidates else more
        single: list = []
        by_word: dict = {}
        by_low: dict = {}
        for rank, item in enumerate(candidates or ()):
            key, sensitive = item[0], item[3]
            if len(key) == 1:
                single.append((rank, item))
            else:
                (by_word if sensitive else by_low).setdefault(key[1], []).append((rank, item))
        more = combined.prefixes.get(low[:3]) if combined.prefixes else None
        wild = tuple(item for item in more if low.startswith(item[0])) if more else ()
        hit = (single, by_word, by_low, wild) if (candidates or wild) else ()
        if len(cache) > 200_000:
            cache.clear()
        cache[word] = hit
    return hit


def _scan(combined: _Index, words: list[str], lows: list[str], names_off: bool):
    """Matches of every kind in one pass: a list of (start, end, sector, term) per kind.

    The same matches, in the same order, as :func:`_matches` run once per kind (weak and
    generic terms with ``names_off``).
    """
    out: tuple[list, list, list, list] = ([], [], [], [])
    n = len(words)
    for i in range(n):
        word, low = words[i], lows[i]
        hit = _word_terms(combined, word, low)
        if not hit:
            continue
        single, by_word, by_low, wild = hit
        candidates = single
        if i + 1 < n and (by_word or by_low):
            a = by_word.get(words[i + 1]) if by_word else None
            b = by_low.get(lows[i + 1]) if by_low else None
            if a or b:
                candidates = sorted(single + (a or []) + (b or []), key=_rank)
        in_name = None
        for _, (key, sector, term, sensitive, kind) in candidates:
            if names_off and kind >= WEAK:
                if in_name is None:
                    in_name = _in_name(words, i)
                if in_name:
                    continue
            L = len(key)
            if L == 1:
                if (word if sensitive else low) == key[0]:
                    out[kind].append((i, i + 1, sector, term))
                continue
            if i + L > n:
                continue
            got = tuple(words[i : i + L]) if sensitive else tuple(lows[i : i + L])
            if got == key:
                out[kind].append((i, i + L, sector, term))
        for _prefix, sector, term, kind in wild:
            if names_off and kind >= WEAK:
                if in_name is None:
                    in_name = _in_name(words, i)
                if in_name:
                    continue
            out[kind].append((i, i + 1, sector, term))
    return out


def _rank(pair):
    return pair[0]


@dataclass(frozen=True)
class _Exclusion:
    pattern: re.Pattern
    lowered: re.Pattern | None  # the same pattern for lower-cased text, when it has one
    triggers: re.Pattern | None  # words one of which a match needs (lower case), to skip the pattern fast
    why: str
    keep_names: bool = False  # the taxonomy's own names inside a match stay unmasked


def _lowered_form(pattern: str) -> re.Pattern | None:
    """``X`` compiled case-sensitively when the pattern is a whole ``(?i:X)`` in lower case.

    Python's ``re`` scans a case-insensitive alternation several times slower than a
    case-sensitive one, so such an exclusion is matched on the lower-cased text instead.
    ``X`` compiles only if the ``(?i:`` group spans the whole pattern.
    """
    if not (pattern.startswith("(?i:") and pattern.endswith(")")):
        return None
    inner = pattern[4:-1]
    if any(c.isupper() for c in re.sub(r"\\.", "", inner)):
        return None
    try:
        return re.compile(inner)
    except re.error:
        return None


@dataclass(frozen=True)
class _Taxonomy:
    ids: tuple[str, ...]
    strong: _Terms
    weak: _Terms
    generic: _Terms
    weak_needed: dict[str, int]
    weak_max_other: dict[str, int]
    exclude: _Terms
    exclusions: tuple[_Exclusion, ...]
    combined: _Index
    heads: dict[str, frozenset[str]]
    modifiers: dict[str, frozenset[str]]
    patterns: tuple[tuple[str, _Exclusion], ...]  # sector id, pattern (with its fast forms)
    yields: dict[str, dict[str, frozenset[str]]]  # sector -> {other sector: terms it yields to it}
    names: re.Pattern | None  # the multi-word names among the terms ("Security Council"), kept unmasked


def _compiled(item: dict, why: str) -> _Exclusion:
    """An exclusion or a sector pattern: the regex, its lower-case form and its trigger words."""
    return _Exclusion(
        pattern=re.compile(item["pattern"]),
        lowered=_lowered_form(item["pattern"]),
        triggers=re.compile("|".join(re.escape(k.lower()) for k in item["if_contains"]))
        if item.get("if_contains")
        else None,
        why=item.get("why", why),
        keep_names=bool(item.get("keep_names")),
    )


@cache
def _taxonomy(path: str = str(DATA_PATH)) -> _Taxonomy:
    with open(path, encoding="utf-8") as handle:
        data = json.load(handle)
    strong, weak, generic, exclude = [], [], [], []
    for entry in data["sectors"]:
        generic += [(entry["id"], t) for t in entry.get("generic", [])]
        strong += [(entry["id"], t) for t in entry.get("terms", [])]
        weak += [(entry["id"], t) for t in entry.get("weak", [])]
        exclude += [(entry["id"], t) for t in entry.get("exclude", [])]
    exclusions = tuple(_compiled(item, "excluded") for item in data.get("exclusions", []))
    built = {
        kind: _build(entries)
        for kind, entries in (("strong", strong), ("weak", weak), ("generic", generic), ("exclude", exclude))
    }
    return _Taxonomy(
        ids=tuple(e["id"] for e in data["sectors"]),
        strong=built["strong"],
        weak=built["weak"],
        generic=built["generic"],
        weak_needed={e["id"]: int(e.get("weak_needed", 1)) for e in data["sectors"]},
        weak_max_other={e["id"]: int(e["weak_max_other"]) for e in data["sectors"] if "weak_max_other" in e},
        exclude=built["exclude"],
        exclusions=exclusions,
        combined=_combine([built["exclude"], built["strong"], built["weak"], built["generic"]]),
        heads={e["id"]: frozenset(t.lower() for t in e.get("heads", [])) for e in data["sectors"]},
        modifiers={e["id"]: frozenset(t.lower() for t in e.get("modifiers", [])) for e in data["sectors"]},
        patterns=tuple((e["id"], _compiled(p, "pattern")) for e in data["sectors"] for p in e.get("patterns", [])),
        yields={
            e["id"]: {other: frozenset(t.lower() for t in ts) for other, ts in e["yields_to"].items()}
            for e in data["sectors"]
            if "yields_to" in e
        },
        names=_names(strong + weak),
    )


def _names(entries: list[tuple[str, str]]) -> re.Pattern | None:
    """A pattern for the terms that are names of several words, written with capitals.

    An exclusion blanks the name of an organisation ("Committee on Foreign Relations")
    so that its words are not taken for sectors; a name that is itself a sector's term
    ("the UN Security Council", "the Gulf Cooperation Council") is kept.
    """
    keys = {t: _term_key(t) for _, t in entries}
    names = [t for t, (words, sensitive, _) in keys.items() if sensitive and len(words) > 1]
    names.sort(key=len, reverse=True)
    if not names:
        return None
    return re.compile(r"\b(?:" + "|".join(re.escape(n).replace(r"\ ", r"[\s-]+") for n in names) + r")(?:s|'s|’s)?\b")


def _blank_spans(text: str, spans: list[tuple[int, int]]) -> str:
    parts, at = [], 0
    for start, end in spans:
        parts += [text[at:start], " " * (end - start)]
        at = end
    parts.append(text[at:])
    return "".join(parts)


def _without(spans: list[tuple[int, int]], kept: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The spans with the kept ones cut out of them."""
    out = []
    for start, end in spans:
        for k_start, k_end in kept:
            if k_start < end and start < k_end:
                if start < k_start:
                    out.append((start, k_start))
                start = max(start, k_end)
        if start < end:
            out.append((start, end))
    return out


def mask_exclusions(text: str) -> str:
    """The text with job titles, office names, figurative uses blanked out."""
    tax = _taxonomy()
    original = text
    unmasked = lowered = text.lower()
    same_length = len(lowered) == len(text)  # else spans found in the lower-cased text would shift
    for exclusion in tax.exclusions:
        if exclusion.triggers is not None and exclusion.triggers.search(unmasked) is None:
            continue
        if exclusion.lowered is not None and same_length:
            spans = [m.span() for m in exclusion.lowered.finditer(lowered)]
        else:
            spans = [m.span() for m in exclusion.pattern.finditer(text)]
        if spans and exclusion.keep_names and tax.names is not None:
            spans = _without(spans, [m.span() for m in tax.names.finditer(original)])
        if spans:
            text = _blank_spans(text, spans)
            if same_length:
                lowered = _blank_spans(lowered, spans)
    return text


def _is_heading(words: list[str], text: str) -> bool:
    """A short title-case line ("Strategic and Enduring Partnership"): capitals are not names there."""
    if not words or len(words) > 12 or text.rstrip().endswith((".", "”", '"', ":")):
        return False
    long_words = [w for w in words if len(w) > 3 and w[0].isalpha()]
    return bool(long_words) and sum(w[0].isupper() for w in long_words) >= 0.75 * len(long_words)


def tag_sectors(text: str) -> tuple[list[str], dict[str, str]]:
    """Sectors of one paragraph (taxonomy order) and the term that triggered each.

    A "head" word of a sector (``partnership``, ``business``) does not count for that
    sector when another sector's term qualifies it ("security partnership", "shipping
    business"), and a "modifier" (``bilateral``) does not count when it qualifies another
    sector's term ("bilateral debt restructuring"): the paragraph is then about that
    other sector only.
    """
    tax = _taxonomy()
    masked = mask_exclusions(text)
    tokens = list(_TOKEN.finditer(masked))
    words = [m.group() for m in tokens]
    lows = [w.lower() for w in words]
    names_off = not _is_heading(words, text)
    excluded, strong, weak_hits, generic_hits = _scan(tax.combined, words, lows, names_off)
    blocked: dict[str, set[int]] = {}
    for i, j, sector, _term in excluded:
        blocked.setdefault(sector, set()).update(range(i, j))

    def free(i: int, j: int, sector: str) -> bool:
        spans = blocked.get(sector)
        return not spans or not any(k in spans for k in range(i, j))

    if blocked:
        strong = [m for m in strong if free(m[0], m[1], m[2])]
        weak_hits = [m for m in weak_hits if free(m[0], m[1], m[2])]
    heads, modifiers = tax.heads, tax.modifiers
    covered: dict[int, set[str]] = {}  # token -> sectors whose terms cover it
    for i, j, sector, _term in strong + weak_hits:
        if lows[j - 1] in _LINKING:
            continue  # "call on technology firms": a verb phrase does not qualify the noun after it
        for k in range(i, j):
            covered.setdefault(k, set()).add(sector)

    def qualified(i: int, j: int, sector: str, term: str) -> bool:
        # the word just before a head, or just after a modifier, is another sector's term
        low = term.lower()
        if low in heads.get(sector, ()) and any(s != sector for s in covered.get(i - 1, ())):
            return _joined(masked, tokens, i)
        return (
            low in modifiers.get(sector, ())
            and any(s != sector for s in covered.get(j, ()))
            and _joined(masked, tokens, j)
        )

    found = _pattern_matches(tax, masked)
    terms: dict[str, set[str]] = {s: {""} for s in found}  # sector -> the terms that found it ("": a pattern)
    for i, j, sector, term in strong:
        if qualified(i, j, sector, term):
            continue
        terms.setdefault(sector, set()).add(term.lower())
        found.setdefault(sector, f'matched "{" ".join(words[i:j])}"')
    _yield(tax, found, terms)
    weak = _weak_terms(weak_hits, found, qualified, words)
    return _decide(tax, found, weak, words, generic_hits, free, qualified)


def _yield(tax: _Taxonomy, found: dict[str, str], terms: dict[str, set[str]]) -> None:
    """Drop a sector found only by terms it yields to another sector that is found too.

    Crimes named beside a war are war crimes: humanitarian, not security.
    """
    for sector, yielded in tax.yields.items():
        for other, words in yielded.items():
            if other in found and sector in found and terms[sector] <= words:
                del found[sector]


def _joined(text: str, tokens: list[re.Match], k: int) -> bool:
    """Token k is joined to the one before by spaces or a hyphen ("trade wars, technology": not)."""
    return 0 < k < len(tokens) and text[tokens[k - 1].end() : tokens[k].start()].strip() in ("", "-")


def _pattern_matches(tax: _Taxonomy, masked: str) -> dict[str, str]:
    """The sectors the taxonomy's regular expressions find, with the matched text."""
    found: dict[str, str] = {}
    low = masked.lower() if tax.patterns else ""
    for sector, pattern in tax.patterns:
        if sector in found or (pattern.triggers is not None and pattern.triggers.search(low) is None):
            continue
        if pattern.lowered is not None and len(low) == len(masked):
            m = pattern.lowered.search(low)
        else:
            m = pattern.pattern.search(masked)
        if m:
            found[sector] = f'matched "{masked[m.start() : m.end()]}"'
    return found


def _weak_terms(weak_hits, found: dict[str, str], qualified, words: list[str]) -> dict[str, dict[str, str]]:
    """The distinct weak terms of each sector not found already: {sector: {term: text}}."""
    weak: dict[str, dict[str, str]] = {}
    used: dict[str, set[int]] = {}
    for i, j, sector, term in weak_hits:
        if sector in found or qualified(i, j, sector, term):
            continue
        span = set(range(i, j))
        if used.setdefault(sector, set()) & span:
            continue  # overlapping matches ("ties between" / "ties") count once
        used[sector] |= span
        weak.setdefault(sector, {}).setdefault(term.lower(), " ".join(words[i:j]))
    return weak


def _decide(tax, found, weak, words, generic_hits, free, qualified):
    alone = not found
    strong_found = len(found)
    for sector, terms in weak.items():
        if strong_found > tax.weak_max_other.get(sector, strong_found):
            continue
        if alone or len(terms) >= tax.weak_needed.get(sector, 1):
            shown = ", ".join(f'"{t}"' for t in list(terms.values())[:3])
            found[sector] = f"matched {shown}" + ("" if len(terms) > 1 else " (no more specific sector)")
    if not found:
        for i, j, sector, term in generic_hits:
            if sector in found or not free(i, j, sector) or qualified(i, j, sector, term):
                continue
            found[sector] = f'matched "{" ".join(words[i:j])}" (no more specific sector)'
    ids = [i for i in tax.ids if i in found]
    return ids, {i: found[i] for i in ids}
