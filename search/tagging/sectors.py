"""Sector tagging: match the terms of ``search/data/sectors.json`` in a paragraph.

The taxonomy file is the single source of truth: ids, display labels, terms,
"weak" terms (generic words that count only when nothing more specific was
found) and exclusions (job titles, office names, figurative and ceremonial
uses) are all read from it, so a user can extend it without touching code.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
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


def _in_name(words: list[str], i: int) -> bool:
    """True if words[i] continues a capitalised name ("Committee on Foreign Relations")."""
    if not words[i][:1].isupper() or i == 0:
        return False
    prev = words[i - 1]
    if prev[:1].isupper():
        return True
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
                got = tuple(words[i:i + L]) if sensitive else tuple(lows[i:i + L])
                if got == key:
                    yield i, i + L, sector, term
        if prefixes:
            for prefix, sector, term in prefixes:
                if low.startswith(prefix):
                    yield i, i + 1, sector, term


@dataclass(frozen=True)
class _Taxonomy:
    ids: tuple[str, ...]
    labels: dict[str, str]
    strong: _Terms
    weak: _Terms
    generic: _Terms
    weak_needed: dict[str, int]
    exclude: _Terms
    exclusions: tuple[tuple[re.Pattern, tuple[str, ...], str], ...]


@lru_cache(maxsize=None)
def _taxonomy(path: str = str(DATA_PATH)) -> _Taxonomy:
    with open(path, encoding="utf-8") as handle:
        data = json.load(handle)
    strong, weak, generic, exclude = [], [], [], []
    for entry in data["sectors"]:
        generic += [(entry["id"], t) for t in entry.get("generic", [])]
        strong += [(entry["id"], t) for t in entry.get("terms", [])]
        weak += [(entry["id"], t) for t in entry.get("weak", [])]
        exclude += [(entry["id"], t) for t in entry.get("exclude", [])]
    exclusions = tuple(
        (re.compile(item["pattern"]), tuple(k.lower() for k in item.get("if_contains", [])),
         item.get("why", "excluded"))
        for item in data.get("exclusions", [])
    )
    return _Taxonomy(
        ids=tuple(e["id"] for e in data["sectors"]),
        labels={e["id"]: e["label"] for e in data["sectors"]},
        strong=_build(strong),
        weak=_build(weak),
        generic=_build(generic),
        weak_needed={e["id"]: int(e.get("weak_needed", 1)) for e in data["sectors"]},
        exclude=_build(exclude),
        exclusions=exclusions,
    )


def sector_labels() -> dict[str, str]:
    """Sector id → display label, in taxonomy order."""
    return dict(_taxonomy().labels)


def _blank(match: re.Match) -> str:
    return " " * len(match.group(0))


def mask_exclusions(text: str) -> str:
    """The text with job titles, office names, figurative uses blanked out."""
    lowered = text.lower()
    for pattern, triggers, _why in _taxonomy().exclusions:
        if triggers and not any(t in lowered for t in triggers):
            continue
        text = pattern.sub(_blank, text)
    return text


def tag_sectors(text: str) -> tuple[list[str], dict[str, str]]:
    """Sectors of one paragraph (taxonomy order) and the term that triggered each."""
    tax = _taxonomy()
    words = _TOKEN.findall(mask_exclusions(text))
    lows = [w.lower() for w in words]
    stems = lows
    blocked: dict[str, set[int]] = {}
    for i, j, sector, _term in _matches(tax.exclude, words, lows, stems):
        blocked.setdefault(sector, set()).update(range(i, j))
    found: dict[str, str] = {}
    for i, j, sector, term in _matches(tax.strong, words, lows, stems):
        if sector in found or (sector in blocked and blocked[sector] & set(range(i, j))):
            continue
        found[sector] = f'matched "{" ".join(words[i:j])}"'
    weak: dict[str, dict[str, str]] = {}
    used: dict[str, set[int]] = {}
    for i, j, sector, term in _matches(tax.weak, words, lows, stems, names_off=True):
        span = set(range(i, j))
        if sector in found or (sector in blocked and blocked[sector] & span):
            continue
        if used.setdefault(sector, set()) & span:
            continue  # overlapping matches ("ties between" / "ties") count once
        used[sector] |= span
        weak.setdefault(sector, {}).setdefault(term.lower(), " ".join(words[i:j]))
    alone = not found
    for sector, terms in weak.items():
        if alone or len(terms) >= tax.weak_needed.get(sector, 1):
            shown = ", ".join(f'"{t}"' for t in list(terms.values())[:3])
            found[sector] = f"matched {shown}" + ("" if len(terms) > 1 else " (no more specific sector)")
    if not found:
        for i, j, sector, term in _matches(tax.generic, words, lows, stems, names_off=True):
            if sector in found or (sector in blocked and blocked[sector] & set(range(i, j))):
                continue
            found[sector] = f'matched "{" ".join(words[i:j])}" (no more specific sector)'
    ids = [i for i in tax.ids if i in found]
    return ids, {i: found[i] for i in ids}
