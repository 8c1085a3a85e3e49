"""Names in running text: a capitalised sequence split into title and name.

``Turkish President Recep Tayyip Erdogan`` gives the name ``Recep Tayyip
Erdogan``, the roles {"president"} and the country Türkiye. Nothing here
knows the article: what a sequence says on its own is cached, because cues,
pronouns and clauses look back over the same stretch of text many times.
"""

from __future__ import annotations

from functools import lru_cache

from ...text import ABBREVIATIONS, fold
from ..countries import canonical_country
from .lexicon import (
    EXTRA_ROLE_WORDS,
    HONORIFICS,
    ORG_WORDS,
    ROLE_HEADS,
    STOP_CAPS,
    STRONG_TITLES,
    TITLE_WORDS,
)
from .patterns import (
    ACRONYM_COMPOUND,
    ADVERB,
    APPOSITIVE_TITLE,
    HYPHEN_LOWER,
    INITIALS,
    PLACE_PREPOSITION,
    PRECEDING_APPOSITIVE,
    TOKEN_SPLIT,
    TRAILING_HONORIFIC,
    WORD,
)

OBJECT_PREPOSITIONS = {"for", "of", "to", "on"}


@lru_cache(maxsize=200_000)
def token_key(tok: str) -> str:
    """The folded form of a name token: ``Erdoğan,`` and ``erdogan`` give the same key."""
    return fold(tok).strip(".,’'").replace("’", "'")


def keyset(tokens: list[str]) -> set[str]:
    """Name token keys, with hyphenated parts ("Al-Sudani" gives al-sudani, sudani)."""
    keys = set()
    for t in tokens:
        k = token_key(t)
        if not k or k in {"jr", "sr"}:
            continue
        keys.add(k)
        if "-" in k:
            keys.update(part for part in k.split("-") if len(part) > 2)
    return keys


def _without_possessive(phrase: str) -> str:
    return phrase.replace("’s", "").replace("'s", "")


def _title_span(tokens: tuple[str, ...], i: int) -> int:
    """Length of a title, honorific, country or organisation word span at i (0 if none)."""
    key = token_key(tokens[i])
    for span in (3, 2, 1):
        if i + span <= len(tokens):
            if canonical_country(_without_possessive(" ".join(tokens[i : i + span]).rstrip(","))):
                return span
    if key in TITLE_WORDS or key.rstrip(".") in TITLE_WORDS:
        return 1
    if key in HONORIFICS or key.rstrip(".") in HONORIFICS:
        return 1
    if key in ORG_WORDS and key not in {"white", "house"}:
        return 1
    return 0


def _title_end(tokens: tuple[str, ...]) -> int:
    """Where the name starts: after the last title span that leaves at least one token."""
    cut = i = 0
    while i < len(tokens) - 1:
        span = _title_span(tokens, i)
        if span and i + span < len(tokens):
            cut = i + span
            i += span
        else:
            i += 1
    return cut


def _country_positions(tokens: tuple[str, ...], cut: int) -> set[int]:
    """Positions of the title inside multi-word country names ("Sri Lanka")."""
    inside: set[int] = set()
    for j in range(cut):
        for span in (3, 2):
            if j + span <= cut and canonical_country(_without_possessive(" ".join(tokens[j : j + span]))):
                inside.update(range(j, j + span))
    return inside


def _title_roles(tokens: tuple[str, ...], cut: int) -> tuple[set[str], bool]:
    """(role words, titled) of the title part; "Sri" of "Sri Lanka" is not an honorific."""
    roles: set[str] = set()
    titled = False
    inside = _country_positions(tokens, cut)
    for k, tok in enumerate(tokens[:cut]):
        if k in inside:
            continue
        key = token_key(tok).rstrip(".")
        if key in TITLE_WORDS:
            roles.add(key)
            titled = titled or key in STRONG_TITLES
        elif key in HONORIFICS:
            titled = True
    return roles, titled


def _title_country(tokens: tuple[str, ...], cut: int) -> str | None:
    """The first country named in the title part ("Turkish President")."""
    country = None
    for j in range(cut):
        for span in (3, 2, 1):
            phrase = _without_possessive(" ".join(tokens[j : j + span]))
            if j + span <= cut and canonical_country(phrase):
                country = country or canonical_country(phrase)
                break
    return country


def split_title(tokens: list[str]) -> tuple[list[str], set[str], str | None, bool]:
    """(name tokens, role words, country, titled) from a capitalised sequence."""
    name, roles, country, titled = _split_title(tuple(tokens))
    return list(name), set(roles), country, titled


@lru_cache(maxsize=100_000)
def _split_title(tokens: tuple[str, ...]):
    """The name is what follows the last title, honorific, country or organisation word.

    ("Turkish President Recep Tayyip Erdogan", "White House Press Secretary
    Stephanie Grisham"); a title word at the very end is part of the name
    ("Kevin King").
    """
    cut = _title_end(tokens)
    roles, titled = _title_roles(tokens, cut)
    country = _title_country(tokens, cut)
    rest = tokens[cut:]
    while rest and token_key(rest[0]) in STOP_CAPS:
        rest = rest[1:]
    while rest and token_key(rest[-1]) in {"pc", "mp"} and len(rest) > 2:
        rest = rest[:-1]
    return tuple(rest), frozenset(roles), country, titled


def _has_non_name_word(tokens: list[str], keys: list[str]) -> bool:
    """An organisation word, a country, an acronym, a digit or a compound ("China-backed")."""
    if any(k in ORG_WORDS for k in keys) or keys[0] in STOP_CAPS:
        return True
    if any(canonical_country(part) for t in tokens for part in _without_possessive(t).split("-")):
        return True  # "Singapore-Thailand Political Consultations"
    # acronyms (transcript labels are title-cased before they get here)
    if any(t.isupper() and len(t) > 1 and not INITIALS.match(t) for t in tokens):
        return True
    if any(c.isdigit() for t in tokens for c in t):
        return True
    return any(HYPHEN_LOWER.search(t) or ACRONYM_COMPOUND.search(t) for t in tokens)


# Last words of a law's or document's name, also first names ("Bill Clinton"): "the Internal Market Bill".
DOCUMENT_ENDINGS = frozenset({"bill", "law"})


def is_name(tokens: list[str], titled: bool) -> bool:
    """Whether name tokens look like a person's name (a lone word only with a title)."""
    if not tokens or len(tokens) > 5:
        return False
    keys = [token_key(t) for t in tokens]
    if _has_non_name_word(tokens, keys) or (len(keys) > 1 and keys[-1] in DOCUMENT_ENDINGS):
        return False
    if len(tokens) == 1 and (not titled or ADVERB.match(tokens[0]) or len(tokens[0].strip(".")) < 2):
        return False  # a lone word is a name only with a title, never an adverb or a letter ("a post on X, the envoy")
    if len(tokens) == 1 and (keys[0] in TITLE_WORDS or keys[0] in HONORIFICS or keys[0] in STOP_CAPS):
        return False
    if canonical_country(" ".join(tokens)):
        return False
    return sum(k in TITLE_WORDS or k in EXTRA_ROLE_WORDS for k in keys) * 2 < len(keys)


def clean_tokens(seq: str) -> list[str]:
    """Tokens of a capitalised sequence, without possessives or a sentence-final period."""
    toks = [t for t in TOKEN_SPLIT.split(seq.strip()) if t]
    toks = [t[:-2] if t.endswith(("’s", "'s")) else t for t in toks]
    if toks and toks[-1].endswith(".") and not INITIALS.match(toks[-1]) and token_key(toks[-1]) not in ABBREVIATIONS:
        toks[-1] = toks[-1][:-1]
    return toks


def without_name_card(tokens: list[str]) -> list[str]:
    """Tokens up to a name repeated in a card ("Viktor Orban Orban Viktor Prime Minister of Hungary").

    Some sites print a person's card (surname, given name, title) right after
    the linked name; the text extracted from the page keeps both. A name
    already written surname first is repeated as it is ("Xi Jinping Xi Jinping
    President of ...").
    """
    for i in range(len(tokens) - 3):
        pair = tokens[i : i + 2]
        if tokens[i] != tokens[i + 1] and pair in (tokens[i + 3 : i + 1 : -1], tokens[i + 2 : i + 4]):
            return tokens[: i + 2]
    return tokens


@lru_cache(maxsize=100_000)
def _sequence_core(seq: str):
    """(tokens, name, roles, country, titled) of a capitalised sequence, or None."""
    raw = without_name_card(clean_tokens(seq))
    if not raw:
        return None
    name, roles, country, titled = split_title(raw)
    return tuple(raw), tuple(_up_to_possessive(seq, name)), frozenset(roles), country, titled


def _up_to_possessive(seq: str, name: list[str]) -> list[str]:
    """The name up to a possessive inside it: "Xi Jinping’s Belt" names Xi Jinping;
    "People’s Republic" names nobody (what follows is an organisation or a state)."""
    for i, token in enumerate(name[:-1]):
        if f"{token}’s " in seq or f"{token}'s " in seq:
            return [] if any(token_key(t) in ORG_WORDS for t in name[i + 1 :]) else name[: i + 1]
    return name


@lru_cache(maxsize=100_000)
def _lead_titles(words: tuple[str, ...]):
    """(roles, country, titled) of lowercase title words right before a name, or None."""
    lead = []
    for w in reversed(words):
        k = token_key(w)
        if k == "and":
            break  # "The Secretary and Foreign Minister Park": the Secretary is someone else
        if k in TITLE_WORDS or k in HONORIFICS or canonical_country(_without_possessive(w)):
            lead.insert(0, w)
        else:
            break
    if not lead:
        return None
    _, roles, country, titled = split_title(lead + ["X"])
    return frozenset(roles), country, titled


@lru_cache(maxsize=100_000)
def _appositive(text: str):
    """(roles, country) of an appositive title ("X, the foreign minister")."""
    _, roles, country, _ = split_title(text.split() + ["X"])
    return frozenset(roles | {token_key(w) for w in text.split() if token_key(w) in ROLE_HEADS}), country


# Words of a state's formal name before its short one ("the Republic of", "the People's Republic of").
STATE_FORM = frozenset(
    "the republic kingdom federation state states emirate sultanate commonwealth principality union democratic "
    "people's peoples islamic socialist federal arab united hashemite bolivarian plurinational".split()
)


def _without_state_form(words: tuple[str, ...]) -> tuple[str, ...]:
    """ "President of the Republic of" (Turkey X) → "President of": the title before the state's formal name."""
    if len(words) < 3 or token_key(words[-1]) != "of" or token_key(words[-2]) not in STATE_FORM:
        return words
    k = len(words) - 2
    while k > 0 and token_key(words[k - 1]) in STATE_FORM:
        k -= 1
    return words[:k]


def _words_before(before: str) -> tuple[str, ...]:
    """The words right before a sequence (up to six), when only a space separates them."""
    pre = before[-60:].split() if before[-1:].isspace() else []
    words = []
    for w in reversed(pre[-6:]):
        if not WORD.match(w):
            break
        words.append(w)
    return tuple(reversed(words))


@lru_cache(maxsize=100_000)
def analyse_sequence(seq: str, before: str, after: str):
    """What a capitalised sequence says on its own (no article state), or None.

    ``before``/``after`` are up to 60/80 characters of text around it. Returns
    (name tokens, roles, country, titled, place_like, single, looks_like_name):
    ``place_like`` means an untitled name right after "in/at/from…" (a place
    unless it is a known person), ``single`` a lone untitled word (only a known
    person's surname counts).
    """
    core = _sequence_core(seq)
    if core is None:
        return None
    tokens, name, roles, country, titled = core
    words = _without_state_form(_words_before(before))  # "spokesperson Matthew Miller"
    lead = _lead_titles(words) if words else None
    if lead and words[-1] in OBJECT_PREPOSITIONS | {"in", "at"} and (len(name) == 1 or len(name) == len(tokens)):
        lead = None  # "Secretary for Food", "the envoy in Tel Aviv": the title's object, not a name
    if lead:
        roles = roles | lead[0]
        posted = words[-1] == "to" and lead[1]  # "Sri Lankan Ambassador to Israel X": X is Sri Lankan
        country = lead[1] if posted else country or lead[1]
        titled = titled or lead[2]
    before = TRAILING_HONORIFIC.sub("", before)  # "the Deputy Secretary of State, Ms. Jane Doe"
    before_app = PRECEDING_APPOSITIVE.search(before) if not lead and before.endswith(", ") else None
    if before_app and name:  # "Ruritania's ambassador to Freedonia, Mr Karl Brandt"
        app_roles, app_country = _appositive(before_app.group(2))
        app_country = canonical_country(before_app.group("owner") or "") or app_country  # "China's envoy to X"
        roles = roles | app_roles
        country = country or app_country
        titled = True
    app = APPOSITIVE_TITLE.match(after) if after[:1] == "," else None
    if app and name:  # "Name, the foreign minister," / "Name, Sri Lankan High Commissioner"
        app_roles, app_country = _appositive(app.group(1))
        roles = roles | app_roles
        country = country or app_country
        titled = True
    if not name:
        return None
    place_like = bool(not titled and len(name) == len(tokens) and PLACE_PREPOSITION.search(before))
    single = len(name) == 1 and not titled
    looks_like_name = single or is_name(list(name), titled)
    return name, roles, country, titled, place_like, single, looks_like_name
