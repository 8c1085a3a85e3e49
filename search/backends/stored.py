"""What both backends store of a paragraph, so that they answer the same fields and values.

Each backend adds its own forms on top (Whoosh stores the evidence as JSON text and a
facet's values joined by commas; OpenSearch keeps them as lists).
"""

from __future__ import annotations

from search.facets import FacetSpec
from search.models import Paragraph


def plain_fields(paragraph: Paragraph, source_path: str = "") -> dict:
    """The paragraph's fields that both backends store as they are."""
    return {
        "doc_id": paragraph.doc_id,
        "article_id": paragraph.article_id,
        "source_path": source_path,
        "n": paragraph.n,
        "text": paragraph.text,
        "title": paragraph.title,
        "dateline": paragraph.dateline,
        "source": paragraph.source,
        "url": paragraph.url,
    }


def facet_values(paragraph: Paragraph, facet: FacetSpec) -> list[str]:
    """A facet's values as stored: a comma (Whoosh's separator of values) becomes a space,
    blank values are dropped and each value is kept once."""
    cleaned = (value.replace(",", " ").strip() for value in paragraph.tags.get(facet.key, []))
    return list(dict.fromkeys(value for value in cleaned if value))
