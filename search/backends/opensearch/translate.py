"""The engine's query syntax on OpenSearch: the engine's own parser, its tree translated to the query DSL.

The parser is the engine's own, so the grammar and every error message are the
same on both backends. It parses against ``surface_schema``: the fields a
query may name, typed as the Whoosh backend types them, whose text fields do
not stem. The tree's leaves then hold the words as written (lower cased, stop
words removed exactly as Whoosh removes them), and OpenSearch's own analyzer
stems them at search time, as it did when indexing. (Whoosh's Porter port and
Lucene's disagree on about 3 % of words, so sending Whoosh's stems as exact
terms would miss documents.) A query part that cannot be translated raises
``Unsupported``, naming it.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from functools import lru_cache

from whoosh import query as wq
from whoosh.analysis import StemmingAnalyzer
from whoosh.fields import DATETIME, ID, KEYWORD, NUMERIC, TEXT, Schema

from search.errors import QueryError
from search.facets import FACETS
from search.query.parse import QueryParser

from .mapping import TITLE_BOOST, counted_field

TEXT_FIELDS = ("text", "title")
_QUERY_STRING_SPECIAL = re.compile(r'([+\-=&|><!(){}\[\]^"~:\\/])')


class Unsupported(QueryError):
    """A part of the query (or a feature) that the OpenSearch backend cannot run like Whoosh: named."""


def _same_word(word: str) -> str:
    return word


@lru_cache(maxsize=1)
def _schema(facets: tuple[str, ...]) -> Schema:
    words = StemmingAnalyzer(stemfn=_same_word)
    return Schema(
        doc_id=ID(), article_id=ID(), source_path=ID(), n=NUMERIC(int),
        text=TEXT(analyzer=words, phrase=True), title=TEXT(analyzer=words, field_boost=TITLE_BOOST),
        date=DATETIME(),
        **{name: KEYWORD(commas=True, lowercase=False, scorable=False) for name in facets},
    )


def surface_schema() -> Schema:
    """The fields a query may name, typed as the Whoosh backend types them, text not stemmed."""
    return _schema(tuple(FACETS.names()))


@lru_cache(maxsize=4)
def _parser(facets: tuple[str, ...]) -> QueryParser:
    return QueryParser(_schema(facets))


def parse(text: str) -> wq.Query:
    return _parser(tuple(FACETS.names())).parse(text)


class Translator:
    """Whoosh query tree -> OpenSearch query. ``shown(facet, value)`` is the value a name is
    counted under in the build (``speaker:Biden`` finds the whole group)."""

    def __init__(self, shown: Callable[[str, str], str] = lambda facet, value: value):
        self.shown = shown

    def __call__(self, q: wq.Query) -> dict:
        dsl = self._node(q)
        boost = getattr(q, "boost", 1.0)
        if boost != 1.0 and "match_all" not in dsl:
            dsl = {"bool": {"must": [dsl], "boost": boost}}
        return dsl

    def _node(self, q: wq.Query) -> dict:
        if q is wq.NullQuery or isinstance(q, type(wq.NullQuery)):
            return {"match_none": {}}
        if isinstance(q, wq.Every):
            # ``field:*`` included: the Whoosh backend answers every paragraph
            return {"match_all": {}}
        if isinstance(q, wq.Term):
            return self._term(q.fieldname, q.text)
        if isinstance(q, wq.And):
            return {"bool": {"must": [self(c) for c in q.subqueries]}}
        if isinstance(q, wq.Or):
            return {"bool": {"should": [self(c) for c in q.subqueries],
                             "minimum_should_match": getattr(q, "minmatch", 0) or 1}}
        if isinstance(q, wq.DisjunctionMax):
            return {"dis_max": {"queries": [self(c) for c in q.subqueries], "tie_breaker": q.tiebreak}}
        if isinstance(q, wq.Not):
            # Whoosh scores a negated match 1.0
            return {"bool": {"must": [{"match_all": {}}], "must_not": [self(q.query)]}}
        if isinstance(q, wq.AndNot):
            return {"bool": {"must": [self(q.a)], "must_not": [self(q.b)]}}
        if isinstance(q, wq.AndMaybe):
            return {"bool": {"must": [self(q.a)], "should": [self(q.b)]}}
        if isinstance(q, wq.Require):
            return {"bool": {"must": [self(q.a)], "filter": [self(q.b)]}}
        if isinstance(q, wq.Phrase):
            return self._phrase(q)
        if isinstance(q, (wq.Prefix, wq.Wildcard)):
            return self._wildcard(q)
        if isinstance(q, wq.DateRange):
            return {"range": {"date": _date_range(q)}}
        if isinstance(q, wq.TermRange):
            return self._term_range(q)
        raise Unsupported(f"the OpenSearch backend cannot run the query part {q!r} "
                          f"({type(q).__name__} queries are not translated)")

    @staticmethod
    def _field(field: str) -> str:
        facet = FACETS.get(field)
        if facet is not None:
            return counted_field(facet)
        if field in (*TEXT_FIELDS, "date", "article_id"):
            return field
        raise Unsupported(f"the OpenSearch backend cannot search the field {field!r}")

    def _term(self, field: str, text) -> dict:
        text = text.decode("utf-8") if isinstance(text, bytes) else str(text)
        if field in TEXT_FIELDS:
            boost = TITLE_BOOST if field == "title" else 1.0
            return {"match": {field: {"query": text, "operator": "and", "boost": boost}}}
        facet = FACETS.get(field)
        if facet is not None and facet.merge_names:
            text = self.shown(field, text)
        return {"term": {self._field(field): text}}

    def _phrase(self, q: wq.Phrase) -> dict:
        field = q.fieldname
        words = [w.decode("utf-8") if isinstance(w, bytes) else w for w in q.words]
        if len(words) == 1:
            return self._term(field, words[0])
        if field not in TEXT_FIELDS:
            raise Unsupported(f"the OpenSearch backend cannot run a phrase in the field {field!r}")
        boost = TITLE_BOOST if field == "title" else 1.0
        return {"match_phrase": {field: {"query": " ".join(words), "slop": max(0, q.slop - 1), "boost": boost}}}

    def _wildcard(self, q) -> dict:
        field = q.fieldname
        text = q.text.decode("utf-8") if isinstance(q.text, bytes) else q.text
        if isinstance(q, wq.Prefix):
            text += "*"
        if field in TEXT_FIELDS:
            # analyze_wildcard: the pattern's word is stemmed and folded as the index's words
            # were (Whoosh also runs its analyzer over the pattern's text)
            escaped = _QUERY_STRING_SPECIAL.sub(r"\\\1", text)
            return {"query_string": {"query": escaped, "fields": [field], "analyze_wildcard": True,
                                     "default_operator": "AND",
                                     "boost": TITLE_BOOST if field == "title" else 1.0}}
        return {"wildcard": {self._field(field): {"value": text}}}

    def _term_range(self, q: wq.TermRange) -> dict:
        bounds = {}
        if q.start is not None:
            bounds["gt" if q.startexcl else "gte"] = q.start
        if q.end is not None:
            bounds["lt" if q.endexcl else "lte"] = q.end
        return {"range": {self._field(q.fieldname): bounds}}


def _iso(moment: datetime) -> str:
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.isoformat(timespec="milliseconds") + "Z"


def _date_range(q: wq.DateRange) -> dict:
    """Whoosh compares midnight of each paragraph's date with the range's instants."""
    bounds = {"format": "strict_date_optional_time"}
    if q.startdate is not None:
        bounds["gt" if q.startexcl else "gte"] = _iso(q.startdate)
    if q.enddate is not None:
        bounds["lt" if q.endexcl else "lte"] = _iso(q.enddate)
    return bounds


def leaves(q: wq.Query, fields: set[str]) -> list[wq.Term]:
    """The Term leaves of the query in ``fields`` (for did-you-mean), in order."""
    found = []

    def walk(node):
        if isinstance(node, wq.Term) and node.fieldname in fields:
            found.append(node)
        for child in node.children():
            walk(child)

    walk(q)
    return found
