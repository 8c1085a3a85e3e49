"""The Whoosh schema, and conversion between Paragraph and Whoosh documents."""
from __future__ import annotations

import json
from datetime import datetime

from whoosh.analysis import StemmingAnalyzer
from whoosh.fields import DATETIME, ID, KEYWORD, NUMERIC, STORED, Schema

from search.models import Paragraph
from search.backends.whoosh.textfield import TextField

# Facet field in the index -> attribute of Paragraph.
FACET_ATTRS = {"sector": "sectors", "speaker": "speakers", "country": "countries"}


def _facet_field() -> KEYWORD:
    # commas=True splits on commas, so names with spaces stay one term.
    return KEYWORD(stored=True, commas=True, lowercase=False, scorable=False)


def make_schema() -> Schema:
    analyzer = StemmingAnalyzer()
    return Schema(
        doc_id=ID(stored=True, unique=True),
        article_id=ID(stored=True),
        source_path=ID(stored=True),
        n=NUMERIC(int, stored=True, sortable=True, shift_step=0),  # never range-searched: one term, not eight
        text=TextField(analyzer=analyzer, stored=True, phrase=True),
        title=TextField(analyzer=analyzer, stored=True, field_boost=1.5),
        date=DATETIME(stored=True, sortable=True),
        dateline=STORED(),
        source=STORED(),
        url=STORED(),
        sector=_facet_field(),
        speaker=_facet_field(),
        country=_facet_field(),
        evidence=STORED(),
    )


def _clean_value(value: str) -> str:
    return value.replace(",", " ").strip()


def to_document(paragraph: Paragraph, source_path: str = "") -> dict:
    doc = {
        "doc_id": paragraph.doc_id,
        "article_id": paragraph.article_id,
        "source_path": source_path,
        "n": paragraph.n,
        "text": paragraph.text,
        "title": paragraph.title,
        "dateline": paragraph.dateline,
        "source": paragraph.source,
        "url": paragraph.url,
        "evidence": json.dumps(paragraph.evidence, ensure_ascii=False),
    }
    try:
        doc["date"] = datetime.strptime(paragraph.date, "%Y-%m-%d")
    except ValueError:  # no date, or not a real one: the paragraph is undated
        pass
    for field, attr in FACET_ATTRS.items():
        values = [_clean_value(v) for v in getattr(paragraph, attr) if _clean_value(v)]
        if values:
            doc[field] = ",".join(dict.fromkeys(values))
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
        sectors=_split(fields.get("sector")),
        speakers=_split(fields.get("speaker")),
        countries=_split(fields.get("country")),
        evidence=json.loads(fields.get("evidence") or "{}"),
    )


def _split(stored: str | None) -> list[str]:
    return [v for v in (stored or "").split(",") if v]
