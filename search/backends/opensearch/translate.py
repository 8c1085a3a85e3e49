"""The engine's query syntax on OpenSearch: the engine's own parser, its tree translated to the query DSL.

The parser is the engine's own, so the grammar, the query plans (relaxed or
strict, filler words left out) and every error message are the same on both
backends. It parses against a schema of the fields a query may name,
typed as the Whoosh backend types them, whose text fields fold accents and
spell words the American way as Whoosh's analyzer does, but do not stem. The
tree's leaves then hold the words as the index knows them before stemming, and
OpenSearch's own analyzer stems them at search time, as it did when indexing.
(Whoosh's Porter port and Lucene's disagree on about 3 % of words, so sending
Whoosh's stems as exact terms would miss documents.) Filler words are
recognised by their stems, as Whoosh recognises them.

A relaxed plan becomes one ``bool`` query whose score ranks as the Whoosh
backend's keys do: per clause, a constant ``TIER`` when the text matches it
(half of it when only the title does) plus its BM25 on the text and
``TITLE_WEIGHT`` times its BM25 on the title; ``FRAGMENT`` more for a paragraph
that is not a heading or fragment; the required parts (field filters, NOT) as
filters; neighbouring words within 2 positions as a rescore (``proximity``).
A query part that cannot be translated raises ``Unsupported``, naming it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from functools import lru_cache

from whoosh import query as wq
from whoosh.analysis import StemFilter
from whoosh.fields import DATETIME, ID, KEYWORD, NUMERIC, TEXT, Schema

from search.errors import QueryError
from search.facets import FACETS
from search.query.analysis import surface_analyzer
from search.query.parse import FILLER_WORDS, TITLE, QueryParser, QueryPlan, on_field

from .mapping import TITLE_BOOST, counted_field

TEXT_FIELDS = ("text", "title")
_QUERY_STRING_SPECIAL = re.compile(r'([+\-=&|><!(){}\[\]^"~:\\/])')
# The ranking of a relaxed plan, as the Whoosh backend's (its ``Ranking``): the title's share of
# a word's score, the coverage a clause found in the title only counts, the proximity slop.
TITLE_WEIGHT = 0.2
TITLE_COVERAGE = 0.5
SLOP = 2
# Score steps (OpenSearch scores are 32-bit floats: a coverage of 10 clauses is 1e5, where
# steps are below 0.01): a clause matched, and a paragraph that is no fragment. BM25 sums
# stay below FRAGMENT for queries of fewer than about 80 words.
TIER = 10_000.0
FRAGMENT = 2_500.0


class Unsupported(QueryError):
    """A part of the query (or a feature) that the OpenSearch backend cannot run like Whoosh: named."""


class _FillerStems:
    """Whether a word is a filler word, by its stem, as the Whoosh backend's parser tells them."""

    def __init__(self):
        self.stemming = surface_analyzer() | StemFilter()
        self.stems = {stem for stem in map(self._stem, FILLER_WORDS) if stem}

    def _stem(self, word: str) -> str | None:
        texts = [t.text for t in self.stemming(word, mode="query")]
        return texts[0] if len(texts) == 1 else None

    def __contains__(self, word: str) -> bool:
        return self._stem(word) in self.stems


@lru_cache(maxsize=1)
def _schema(facets: tuple[str, ...]) -> Schema:
    words = surface_analyzer()
    return Schema(
        doc_id=ID(),
        article_id=ID(),
        source_path=ID(),
        n=NUMERIC(int),
        text=TEXT(analyzer=words, phrase=True),
        title=TEXT(analyzer=words, field_boost=TITLE_BOOST),
        date=DATETIME(),
        **{name: KEYWORD(commas=True, lowercase=False, scorable=False) for name in facets},
    )


@lru_cache(maxsize=4)
def _parser(facets: tuple[str, ...]) -> QueryParser:
    parser = QueryParser(_schema(facets), TITLE_WEIGHT)
    parser.fillers = _FillerStems()
    return parser


@lru_cache(maxsize=100_000)
def surface_word(word: str) -> str | None:
    """What the index's words are before stemming for one typed word (None for a stop word, or
    a word the analyzer splits)."""
    texts = [t.text for t in _schema(tuple(FACETS.names()))["text"].analyzer(word, mode="query")]
    return texts[0] if len(texts) == 1 else None


def plan(text: str) -> QueryPlan:
    """The engine's plan of a query string (kept for the most recent queries)."""
    return _parser(tuple(FACETS.names())).plan(text)


def parse(text: str) -> wq.Query:
    """The strict query of a query string (every part as written, words also in the title)."""
    return plan(text).query


class Translator:
    """Whoosh query tree -> OpenSearch query. ``resolve(facet, value)`` is the values of the
    build a facet value in a query means (``speaker:Biden`` finds the whole group,
    ``country:Turkey`` finds Türkiye; none: nothing matches)."""

    def __init__(self, resolve: Callable[[str, str], list[str]] = lambda facet, value: [value]):
        self.resolve = resolve

    def plan(self, plan: QueryPlan, proximity: bool = True) -> tuple[dict, dict | None]:
        """The query of a plan and its proximity rescore query (None when there is none)."""
        if plan.strict:
            return self(plan.query), None
        clauses = []
        for clause in plan.clauses:
            text, title = self(clause), self(on_field(clause, TITLE))
            clauses += [
                {
                    "dis_max": {
                        "queries": [
                            {"constant_score": {"filter": text, "boost": TIER}},
                            {"constant_score": {"filter": title, "boost": TIER * TITLE_COVERAGE}},
                        ]
                    }
                },
                text,
                {"bool": {"should": [title], "boost": TITLE_WEIGHT}},
            ]
        query = {
            "bool": {
                "must": [{"bool": {"should": clauses, "minimum_should_match": 1}}],
                "should": [
                    {
                        "constant_score": {
                            "filter": {"bool": {"must_not": [{"term": {"fragment": True}}]}},
                            "boost": FRAGMENT,
                        }
                    }
                ],
            }
        }
        if plan.required:
            query["bool"]["filter"] = [self(part) for part in plan.required]
        pairs = _pairs(plan.clauses) if proximity else []
        rescore = (
            {"bool": {"should": [{"match_phrase": {"text": {"query": f"{a} {b}", "slop": SLOP}}} for a, b in pairs]}}
            if pairs
            else None
        )
        return query, rescore

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
            return {
                "bool": {
                    "should": [self(c) for c in q.subqueries],
                    "minimum_should_match": getattr(q, "minmatch", 0) or 1,
                }
            }
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
        raise Unsupported(
            f"the OpenSearch backend cannot run the query part {q!r} ({type(q).__name__} queries are not translated)"
        )

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
        if FACETS.get(field) is not None:
            values = self.resolve(field, text)
            return {"terms": {self._field(field): values}} if values else {"match_none": {}}
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
            return {
                "query_string": {
                    "query": escaped,
                    "fields": [field],
                    "analyze_wildcard": True,
                    "default_operator": "AND",
                    "boost": TITLE_BOOST if field == "title" else 1.0,
                }
            }
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


def _pairs(clauses: list[wq.Query]) -> list[tuple[str, str]]:
    """Neighbouring words of the query across clauses (inside a phrase they are adjacent already),
    as the Whoosh backend's proximity takes them."""
    words = []
    for clause in clauses:
        if isinstance(clause, wq.Term):
            words.append([str(clause.text)])
        elif isinstance(clause, wq.Phrase):
            words.append([str(w) for w in clause.words])
        else:
            words.append([None])
    pairs = [
        (left[-1], right[0])
        for left, right in zip(words, words[1:], strict=False)
        if left[-1] is not None and right[0] is not None and left[-1] != right[0]
    ]
    return list(dict.fromkeys(pairs))
