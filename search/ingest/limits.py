"""Bounds on what one source may cost: a hostile or broken file is skipped with a reason.

Every limit is far above what real articles need (measured on ../shared/corpus
and seeds/: largest source 730 kB of HTML, at most 1,709 HTML elements nested
51 deep, 194 paragraphs in an article, 3,862 characters in a paragraph), and
each can be changed with an environment variable:

- ``DIPLOSEARCH_MAX_SOURCE_MB`` (10): a ``.txt``/``.html`` file, or one JSON
  Lines line, larger than this is skipped;
- ``DIPLOSEARCH_MAX_HTML_ELEMENTS`` (50,000) and ``DIPLOSEARCH_MAX_HTML_DEPTH``
  (512): a page with more elements, or nested deeper, is skipped before any
  extraction (``search.ingest.html.check_shape``, about 1 ms for a real
  page); a page just under both limits is extracted in under 20 s on 2
  cores, where 10,000 nested ``<div>``s took 87 s and 100,000 hours;
- ``DIPLOSEARCH_MAX_PARAGRAPHS`` (10,000): an article with more paragraphs is
  skipped;
- ``DIPLOSEARCH_MAX_PARAGRAPH_CHARS`` (10,000): a longer paragraph is split,
  after the last sentence end in each piece's second half (else at a space),
  so that no search hit carries megabytes.

A JSON Lines file is a collection of articles: it is read line by line and has
no size limit of its own. Titles, publishers and datelines are cut at
:data:`MAX_FIELD_CHARS` characters, and a URL longer than :data:`MAX_URL_CHARS`
is dropped, so that no field of a search hit can be megabytes long.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, fields

from search.errors import DiploSearchError

MB = 1024 * 1024
MAX_FIELD_CHARS = 1000  # title, source (publisher), dateline, JSON Lines id
MAX_URL_CHARS = 4096
DEFAULT_FEED_ITEMS = 100  # items ``add`` reads from each feed unless told otherwise (--limit)


@dataclass(frozen=True)
class Limits:
    max_source_bytes: int = 10 * MB
    max_html_elements: int = 50_000
    max_html_depth: int = 512
    max_paragraphs: int = 10_000
    max_paragraph_chars: int = 10_000

    @classmethod
    def from_env(cls, environ: dict | None = None) -> Limits:
        """The defaults, with any ``DIPLOSEARCH_MAX_*`` variable set in ``environ`` (default os.environ)."""
        environ = os.environ if environ is None else environ
        values = {}
        for field in fields(cls):
            name = ENV_NAMES[field.name]
            raw = environ.get(name, "").strip()
            if not raw:
                continue
            try:
                number = float(raw) * MB if field.name == "max_source_bytes" else float(raw)
            except ValueError:
                number = 0
            if not number >= 1:
                raise DiploSearchError(f"{name} must be a positive number, not {raw!r}")
            values[field.name] = int(number)
        return cls(**values)


ENV_NAMES = {
    "max_source_bytes": "DIPLOSEARCH_MAX_SOURCE_MB",
    "max_html_elements": "DIPLOSEARCH_MAX_HTML_ELEMENTS",
    "max_html_depth": "DIPLOSEARCH_MAX_HTML_DEPTH",
    "max_paragraphs": "DIPLOSEARCH_MAX_PARAGRAPHS",
    "max_paragraph_chars": "DIPLOSEARCH_MAX_PARAGRAPH_CHARS",
}


def size_text(n: int) -> str:
    """A byte count for a message: "10 MB", "52.4 MB", "3.1 kB"."""
    if n >= MB:
        return f"{n / MB:.1f}".removesuffix(".0") + " MB"
    if n >= 1024:
        return f"{n / 1024:.1f}".removesuffix(".0") + " kB"
    return f"{n} B"


def too_large(size: int, limits: Limits, what: str = "source") -> str:
    """The skip reason for a source (or a JSON Lines line) over the size limit."""
    return (
        f"{size_text(size)}, larger than the {size_text(limits.max_source_bytes)} limit for one {what} "
        f"(set {ENV_NAMES['max_source_bytes']} to change it)"
    )


_SENTENCE_END = re.compile(r"[.!?…。][\"'”’)\]]*\s")


def split_long(paragraph: str, limit: int) -> list[str]:
    """``paragraph`` in pieces of at most ``limit`` characters, cut after the last sentence
    end in each piece's second half, else at the last space, else anywhere."""
    if len(paragraph) <= limit:
        return [paragraph]
    pieces = []
    start = 0
    while len(paragraph) - start > limit:
        window = paragraph[start : start + limit]
        cut = 0
        for match in _SENTENCE_END.finditer(window, limit // 2):
            cut = match.end()
        if not cut:
            space = window.rfind(" ", limit // 2)
            cut = space + 1 if space > 0 else limit
        piece = window[:cut].strip()
        if piece:
            pieces.append(piece)
        start += cut
    rest = paragraph[start:].strip()
    if rest:
        pieces.append(rest)
    return pieces


def cut_field(value: str, limit: int = MAX_FIELD_CHARS) -> str:
    """A metadata field cut at a word within ``limit`` characters (with "…")."""
    if len(value) <= limit:
        return value
    cut = value[: limit - 1]
    space = cut.rfind(" ", limit // 2)
    return (cut[:space] if space > 0 else cut).rstrip() + "…"
