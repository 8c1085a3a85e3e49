"""Read one web page (bytes) into an :class:`~search.models.Article`.

    read_html(data, path) -> Article

1. decode the bytes (:mod:`search.ingest.encoding`: BOM, declared charset, UTF-8,
   Windows-1252; mojibake repaired);
2. read the page metadata with BeautifulSoup (:mod:`search.ingest.html_meta`:
   headline, publication date, publisher, canonical URL);
3. find the article body (:mod:`search.ingest.html_body`): trafilatura's main-content
   extraction when it is installed, else a BeautifulSoup block scorer, then
   one cleaning pass that drops the headline, datelines-as-metadata, link
   lists, share/newsletter/comment boxes and credits;
4. take the wire dateline ("HANOI, Vietnam (AP) —") of the first paragraph as
   the article's dateline; the paragraph itself is kept whole.

A page with no article text raises :class:`~search.errors.SourceError`, and so
does a page over the bounds of :mod:`search.ingest.limits` (size, number of
elements, nesting depth), which is measured by one pass of lxml's parser
before anything else reads it: pruning and scoring cost grows with elements
times depth, and 100,000 nested ``<div>``s would take hours.
"""

from __future__ import annotations

import re
from pathlib import Path

from bs4 import BeautifulSoup

from search.errors import SourceError
from search.ingest.encoding import decode_html, repair_mojibake
from search.ingest.html_body import clean_blocks, soup_blocks, trafilatura_blocks
from search.ingest.html_meta import page_meta, words
from search.ingest.limits import ENV_NAMES, Limits, too_large
from search.models import Article

# "HANOI, Vietnam (AP) —", "NEW YORK (Reuters) -", "VIENNA —", "NEW DELHI:", "KUALA LUMPUR, Jan 5 (Bernama) --"
WIRE_DATELINE = re.compile(
    r"^\s*([A-Z][A-Z.'\- ]{1,40}[A-Z.](?:,\s*[A-Z][A-Za-z.]+(?:\s[A-Z][A-Za-z.]+)?)?)"
    r"(?:,\s*[A-Z][a-z]{2,8}\.?\s+\d{1,2})?"
    r"\s*(?:\([^)]{1,40}\))?\s*(?:—|–|--|-|:)\s+"
)

MIN_WORDS = 15  # less than this is not an article


def read_html(data: bytes, path: str = "", limits: Limits | None = None) -> Article:
    """The article in a web page; raises SourceError when the page has no article text
    or is over one of the ``limits`` (default: :meth:`Limits.from_env`)."""
    limits = limits or Limits.from_env()
    if not data or not data.strip():
        raise SourceError("empty page")
    if len(data) > limits.max_source_bytes:
        raise SourceError(too_large(len(data), limits, "page"))
    text = decode_html(data)
    if "\x00" in text[:2000]:
        raise SourceError("binary file, not a web page")
    check_shape(text, limits)
    try:
        soup = BeautifulSoup(text, "lxml")
    except Exception as error:  # pragma: no cover - lxml recovers from nearly anything
        raise SourceError(f"cannot parse the page: {error}") from error
    meta = page_meta(soup)
    paragraphs = extract_paragraphs(text, meta.headline_candidates)
    if sum(len(words(p)) for p in paragraphs) < MIN_WORDS:
        raise SourceError("no article text found in the page")
    return Article(
        id=Path(path).stem if path else "",
        title=meta.title,
        date=meta.date,
        dateline=dateline_of(paragraphs[0]),
        source=meta.source,
        url=meta.url,
        paragraphs=paragraphs,
        path=path,
        id_from_file_name=True,
    )


class _Shape:
    """An lxml parser target that only counts elements and the deepest nesting."""

    def __init__(self) -> None:
        self.depth = self.deepest = self.elements = 0

    def start(self, tag, attrib) -> None:
        self.depth += 1
        self.elements += 1
        self.deepest = max(self.deepest, self.depth)

    def end(self, tag) -> None:
        self.depth -= 1

    def data(self, data) -> None:
        pass

    def close(self) -> None:
        pass


def check_shape(text: str, limits: Limits) -> None:
    """Raise SourceError when the page has more elements, or deeper nesting, than ``limits``.

    The page is fed to lxml's HTML parser (the one BeautifulSoup uses here, so
    the counts are what pruning and scoring would see) 64 kB at a time, and
    the count stops as soon as a limit is passed: about 1 ms for a real page.
    """
    from lxml import etree

    shape = _Shape()
    parser = etree.HTMLParser(target=shape, huge_tree=True, no_network=True)
    step = 64 * 1024
    try:
        for at in range(0, len(text), step):
            parser.feed(text[at : at + step])
            if shape.elements > limits.max_html_elements or shape.deepest > limits.max_html_depth:
                break
        else:
            parser.close()
    except etree.LxmlError:
        pass  # what lxml cannot parse, the readers below report
    if shape.deepest > limits.max_html_depth:
        raise SourceError(
            f"HTML elements nested more than {limits.max_html_depth:,} deep "
            f"(set {ENV_NAMES['max_html_depth']} to change the limit)"
        )
    if shape.elements > limits.max_html_elements:
        raise SourceError(
            f"more than {limits.max_html_elements:,} HTML elements "
            f"(set {ENV_NAMES['max_html_elements']} to change the limit)"
        )


def extract_paragraphs(html_text: str, headlines: tuple[str, ...] = ()) -> list[str]:
    """The body paragraphs of a decoded page (trafilatura first, BeautifulSoup as fallback)."""
    blocks = trafilatura_blocks(html_text)
    paragraphs = clean_blocks(blocks, headlines) if blocks else []
    if sum(len(words(p)) for p in paragraphs) < MIN_WORDS:
        paragraphs = clean_blocks(soup_blocks(html_text), headlines)
    return [repair_mojibake(p) for p in paragraphs]


def dateline_of(paragraph: str) -> str:
    match = WIRE_DATELINE.match(paragraph)
    if not match:
        return ""
    place = match.group(1).strip(" ,.")
    # all-capital place names only ("LONDON", "HANOI, Vietnam"); not a sentence's first words
    head = place.split(",")[0]
    if head.upper() != head or len(words(head)) > 4:
        return ""
    return place
