"""The Whoosh schema, and conversion between Paragraph and Whoosh documents."""

from __future__ import annotations

import json
from datetime import datetime

from whoosh.fields import DATETIME, ID, KEYWORD, NUMERIC, STORED, Schema

from search.backends.stored import facet_values, plain_fields
from search.backends.whoosh.analysis import make_analyzer
from search.backends.whoosh.textfield import TextField
from search.facets import FACETS
from search.models import Paragraph
from search.text import is_fragment


def _facet_field() -> KEYWORD:
    # commas=True splits on commas, so names with spaces stay one term.
    return KEYWORD(stored=True, commas=True, lowercase=False, scorable=False)


def make_schema() -> Schema:
    analyzer = make_analyzer()
    return Schema(
        doc_id=ID(stored=True, unique=True),
        article_id=ID(stored=True),
        source_path=ID(stored=True),
        n=NUMERIC(int, stored=True, sortable=True, shift_step=0),  # never range-searched: one term, not eight
        text=TextField(analyzer=analyzer, stored=True, phrase=True),
        title=TextField(analyzer=analyzer, stored=True, field_boost=1.5),
        date=DATETIME(stored=True, sortable=True),
        shape=ID(),  # "fragment" for a heading or a one-line fragment (search.text.is_fragment), ranked lower
        dateline=STORED(),
        source=STORED(),
        url=STORED(),
        evidence=STORED(),
        **{facet.name: _facet_field() for facet in FACETS},
    )


FRAGMENT = "fragment"


def to_document(paragraph: Paragraph, source_path: str = "") -> dict:
    doc = {**plain_fields(paragraph, source_path), "evidence": json.dumps(paragraph.evidence, ensure_ascii=False)}
    if is_fragment(paragraph.text):
        doc["shape"] = FRAGMENT
    try:
        doc["date"] = datetime.strptime(paragraph.date, "%Y-%m-%d")
    except ValueError:  # no date, or not a real one: the paragraph is undated
        pass
    for facet in FACETS:
        values = facet_values(paragraph, facet)
        if values:
            doc[facet.name] = ",".join(values)
    return doc


def from_stored(fields: dict) -> Paragraph:
    date = fields.get("date")
    return Paragraph(
        article_id=fields["article_id"],
        n=int(fields["n"]),
        text=fields.get("text", ""),
        title=fields.get("title", ""),
        date=date.strftime("%Y-%m-%d") if date else "",
        dateline=fields.get("dateline", ""),
        source=fields.get("source", ""),
        url=fields.get("url", ""),
        tags={facet.key: _split(fields.get(facet.name)) for facet in FACETS},
        evidence=json.loads(fields.get("evidence") or "{}"),
    )


def _split(stored: str | None) -> list[str]:
    return [v for v in (stored or "").split(",") if v]
