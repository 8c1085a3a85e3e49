"""Text helpers shared by every stage: accent folding, sentence splitting, link URLs.

One definition each, so the ingester, the taggers, facet search and the
query side agree on what "the same word" and "a sentence" mean.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlsplit

MONTH_ABBREVIATIONS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
MONTH_NAMES = "January February March April May June July August September October November December".split()

# Words ending in a period that end no sentence ("Mr. Biden", "the U.S. side").
ABBREVIATIONS = {
    "mr",
    "mrs",
    "ms",
    "dr",
    "prof",
    "st",
    "jr",
    "sr",
    "lt",
    "col",
    "gen",
    "no",
    "sen",
    "rep",
    "gov",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "vs",
    "etc",
    "inc",
    "ltd",
    "co",
    "corp",
    "hon",
    "capt",
    "maj",
    "adm",
    "cdr",
    "brig",
    "u.s",
    "u.k",
    "u.n",
    "e.g",
    "i.e",
    "a.m",
    "p.m",
    "h.e",
    "mt",
    "ft",
    "approx",
    "dept",
    "govt",
}
_SENTENCE_END = re.compile(r"[.!?][”\"’)]*\s+(?=[“\"‘(]?[A-Z0-9])")
_DOTTED_LETTERS = re.compile(r"^(?:[a-z]\.)*[a-z]$")
_INITIAL = re.compile(r"^[A-Z]$")


def http_url(value: object) -> str:
    """``value`` when it is an absolute http(s) URL, else "".

    Only these become links: a ``javascript:``, ``data:`` or ``vbscript:`` URL
    from a source (a JSON Lines ``url``, a page's ``og:url``) must never be
    the "original article" link. Browsers drop tabs and newlines inside a
    URL and spaces and control characters around it (``java\tscript:``),
    and so does ``urlsplit``; a URL with other control characters is refused.
    """
    url = str(value or "").strip()
    if any(ord(char) < 0x20 or 0x7F <= ord(char) < 0xA0 for char in url):
        return ""
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    return url if parts.scheme.lower() in ("http", "https") and parts.netloc else ""


def strip_accents(text: str) -> str:
    """``Erdoğan`` -> ``Erdogan``, case kept."""
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


# Letters that Unicode does not decompose into a base letter and a mark.
_LETTERS = str.maketrans(
    {
        "ı": "i",
        "İ": "I",
        "ø": "o",
        "Ø": "O",
        "ł": "l",
        "Ł": "L",
        "đ": "d",
        "Đ": "D",
        "ð": "d",
        "Ð": "D",
        "þ": "th",
        "Þ": "Th",
        "ß": "ss",
        "æ": "ae",
        "Æ": "Ae",
        "œ": "oe",
        "Œ": "Oe",
    }
)


def ascii_letters(text: str) -> str:
    """``Erdoğan`` -> ``Erdogan``, ``Kılıç`` -> ``Kilic``, ``Øresund`` -> ``Oresund``: what the
    search index and the queries make of a word (``strip_accents`` plus letters without a mark)."""
    if text.isascii():
        return text
    return strip_accents(text.translate(_LETTERS))


def fold(text: str) -> str:
    """Case- and accent-insensitive form: ``Erdoğan`` and ``erdogan`` compare equal."""
    return strip_accents(text.casefold())


def _last_word(text: str, start: int, end: int) -> str:
    """The non-space run ending at ``end`` (not before ``start``); read backwards, so a
    sentence of many abbreviations ("U.S. U.S. ...") costs its length, not its square."""
    begin = end
    while begin > start and not text[begin - 1].isspace():
        begin -= 1
    return text[begin:end]


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence; a period after an abbreviation or initial ("Mr.", "U.S.") ends none."""
    spans = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        dot = match.start()
        w = _last_word(text, start, dot + 1)
        key = w.lower().rstrip(".").lstrip('(“"')
        if text[dot] == "." and (key in ABBREVIATIONS or _DOTTED_LETTERS.match(key) or _INITIAL.match(w.rstrip("."))):
            continue
        spans.append((start, match.end()))
        start = match.end()
    spans.append((start, len(text)))
    return [s for s in spans if text[s[0] : s[1]].strip()]


_WORDS = re.compile(r"\w+")
_ENDS_A_SENTENCE = re.compile(r"[.!?…][\"'”’)\]]*$")
FRAGMENT_WORDS = 15  # a line shorter than this without a full stop is a heading or a fragment


def is_fragment(text: str) -> bool:
    """True for a heading, a dateline, a time, a salutation or a one-line lead-in:
    fewer than 5 words, or fewer than ``FRAGMENT_WORDS`` that do not end a sentence
    ("Resilient Semiconductor Supply Chains", "2:08 P.M. EDT", "Thank you.", "…welcome:")."""
    words = len(_WORDS.findall(text))
    if words < 5:
        return True
    return words < FRAGMENT_WORDS and not _ENDS_A_SENTENCE.search(text.rstrip())
