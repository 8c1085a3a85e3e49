"""Turn a user's query string into a query plan, or a clear error.

Whoosh's parser never fails: it quietly turns a stray quote or an unknown
field into something else. A search product should say what is wrong
instead, so the string is checked first and the parsed tree afterwards.

A plain query (words and "phrases", with field filters and NOT if any) becomes
a *relaxed* plan: each word or phrase is a clause matched in the paragraph's
text; paragraphs matching every clause rank first, then those matching most of
them (Elasticsearch's ``minimum_should_match``, Meilisearch's matching
strategy), so a query is never empty because one word is missing. Field
filters (``sector:``, ``date:``, ``title:``…) and NOT stay required. A query
with explicit AND or OR is read exactly as written (a *strict* plan). Question
and filler words (``what``, ``did``, ``how many``) are left out of a relaxed
plan when other words remain. In both, a word matches the paragraph's text or
its article's title, the title counting for less (``title_weight``).
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field

from whoosh import query as wq
from whoosh.qparser import AndGroup, GtLtPlugin
from whoosh.qparser import QueryParser as WhooshQueryParser
from whoosh.qparser.dateparse import DateParserPlugin

from search.errors import QueryError
from search.facets import FACETS

TEXT, TITLE = "text", "title"
# query field -> index field, besides each facet's name and key (``sector:``, ``sectors:``)
FIELDS = {"text": "text", "title": "title", "date": "date", "article": "article_id", "article_id": "article_id"}
FIELD_PREFIX = re.compile(r"(?<![\w\"'])([A-Za-z_]+):(?=\S|$)")  # $: before a quote, 'sector:"x"'
MAX_LENGTH = 1000
PLAN_CACHE = 1024  # query strings whose plans are kept
# Typographic quotes typed or pasted: read as the ASCII quote.
QUOTES = str.maketrans(
    {
        "“": '"',
        "”": '"',
        "„": '"',
        "‟": '"',
        "«": '"',
        "»": '"',
        "″": '"',
        "〝": '"',
        "〞": '"',
        "‘": "'",
        "’": "'",
        "‚": "'",
        "‛": "'",
    }
)
OPERATOR = re.compile(r"(?<![\w:])(AND|OR)(?![\w:])")
# A "?" ending a question of several words is punctuation, not a one-letter wildcard.
QUESTION_MARK = re.compile(r"(?<=\w)\?+\s*$")

# Words that ask rather than say what is asked about: dropped from a relaxed plan
# (when other words remain), as a search engine's question-word stop list.
FILLER_WORDS = """
what which who whom whose why how where when whether did do does doing done was were is are am be been
being has had have having many much there their they them these those it its any some about please tell
me show find give list search i my our he she his her would could should shall might must than then so
such also just very really
""".split()


def query_fields() -> dict[str, str]:
    """What a query may write before a colon, and the index field it means."""
    fields = dict(FIELDS)
    for facet in FACETS:
        fields[facet.name] = fields[facet.key] = facet.name
    return fields


def syntax_help() -> str:
    named = ", ".join([*FACETS.names(), "title", "date"])
    return (
        f'Try words, "a phrase", AND / OR / NOT, field:value ({named}), wildcards such as defen*, '
        "or date:[2024-01-01 to 2024-06-30]."
    )


@dataclass
class QueryPlan:
    """What to match: ``strict`` when every part is required as written, else the
    ``clauses`` (words and phrases on the text field) are optional and ranked by how
    many a paragraph matches, and ``required`` (filters, NOT) keep or drop paragraphs."""

    query: wq.Query  # the whole query, text words also matching the title (title boosted down)
    strict: bool = True
    clauses: list[wq.Query] = field(default_factory=list)  # relaxed: each on the text field
    required: list[wq.Query] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)  # filler words left out

    @property
    def everything(self) -> bool:
        return isinstance(self.query, wq.Every)

    def matching_query(self, title_weight: float = 1.0) -> wq.Query:
        """One Whoosh query that matches exactly the paragraphs this plan matches (any clause,
        in the text or the title, and every required part); for comparisons with Whoosh."""
        if self.strict:
            return self.query
        anything = wq.Or([with_titles(clause, title_weight) for clause in self.clauses])
        return wq.And([anything, *self.required]) if self.required else anything

    def text_terms(self) -> wq.Query:
        """The text part of the query (what snippets mark)."""
        return self.query if self.strict else wq.Or(self.clauses) if self.clauses else self.query


class QueryParser:
    """One parser per schema."""

    def __init__(self, schema, title_weight: float = 1.0):
        self.parser = WhooshQueryParser(TEXT, schema, group=AndGroup)
        self.parser.add_plugin(GtLtPlugin())
        self.parser.add_plugin(DateParserPlugin(free=False))
        self.title_weight = title_weight
        self._plans: dict[str, QueryPlan] = {}
        self._lock = threading.Lock()
        self.analyzer = schema[TEXT].analyzer
        self.fillers = frozenset(self._analysed(word) for word in FILLER_WORDS) - {None}

    def _analysed(self, word: str) -> str | None:
        texts = [t.text for t in self.analyzer(word, mode="query")]
        return texts[0] if len(texts) == 1 else None

    def parse(self, text: str) -> wq.Query:
        """The strict query of ``text`` (every part as written)."""
        return self.plan(text).query

    def plan(self, text: str) -> QueryPlan:
        """The plan of a query string (kept for the most recent queries: plans are not changed
        after they are made)."""
        plan = self._plans.get(text)
        if plan is None:
            plan = self._plan(text)
            with self._lock:
                if len(self._plans) >= PLAN_CACHE:
                    self._plans.pop(next(iter(self._plans)), None)
                self._plans[text] = plan
        return plan

    def _plan(self, text: str) -> QueryPlan:
        text = normalise(text)
        if not text:
            return QueryPlan(wq.Every())
        if len(text) > MAX_LENGTH:
            raise QueryError(f"the query is {len(text)} characters long; the limit is {MAX_LENGTH}")
        prepared = _prepare(text)
        try:
            parsed = self.parser.parse(prepared)
        except Exception as error:  # Whoosh raises assorted types for odd input
            raise QueryError(f"cannot read the query {text!r}: {error}. {syntax_help()}") from error
        for node in _walk(parsed):
            if getattr(node, "error", None):
                raise QueryError(f"cannot read part of the query {text!r}: {node.error}. {syntax_help()}")
        if parsed is wq.NullQuery:
            raise QueryError(
                f"the query {text!r} has nothing to search for: very common words such as 'the' or 'of' "
                f"are not indexed. {syntax_help()}"
            )
        strict = with_titles(parsed, self.title_weight)
        if _has_operator(prepared) or isinstance(parsed, wq.Or):
            return QueryPlan(strict)
        parts = list(parsed.subqueries) if isinstance(parsed, wq.And) else [parsed]
        # "(a b) c" as "a b c": a bracketed run of words is words, not one clause
        parts = [
            child
            for part in parts
            for child in (part.subqueries if isinstance(part, wq.And) and _text_only(part) else [part])
        ]
        clauses = [part for part in parts if _text_only(part)]
        required = [part for part in parts if not _text_only(part)]
        if not clauses:
            return QueryPlan(strict)
        kept = [c for c in clauses if not (isinstance(c, wq.Term) and c.text in self.fillers)]
        dropped = []
        if kept and len(kept) < len(clauses):
            dropped = [c.text for c in clauses if c not in kept]
            clauses = kept
        return QueryPlan(strict, strict=False, clauses=clauses, required=required, dropped=dropped)


def normalise(text: str) -> str:
    """Curly quotes as straight ones; a question's closing "?" as punctuation."""
    text = (text or "").translate(QUOTES).strip()
    if len(text.split()) > 1:
        text = QUESTION_MARK.sub("", text).strip()
    return text


def with_titles(q: wq.Query, weight: float) -> wq.Query:
    """Each part on the text field also matches the article title, its score times ``weight``."""
    if q.is_leaf():
        if getattr(q, "fieldname", None) == TEXT:
            return wq.Or([q, on_field(q, TITLE, weight)])
        return q
    return q.apply(lambda child: with_titles(child, weight))


def on_field(q: wq.Query, name: str, boost: float = 1.0) -> wq.Query:
    """``q`` with its text-field leaves moved to field ``name`` (boost multiplied)."""
    if q.is_leaf():
        if getattr(q, "fieldname", None) != TEXT:
            return q
        moved = q.copy()
        moved.fieldname = name
        if boost != 1.0:
            moved.boost = moved.boost * boost
        return moved
    return q.apply(lambda child: on_field(child, name, boost))


def _text_only(q: wq.Query) -> bool:
    """True for a word, a phrase, a wildcard or an OR of them on the text field (no NOT)."""
    nodes = list(_walk(q))
    if any(isinstance(node, (wq.Not, wq.AndNot)) for node in nodes):
        return False
    leaves = [node for node in nodes if node.is_leaf()]
    return bool(leaves) and all(getattr(leaf, "fieldname", None) == TEXT for leaf in leaves)


def _has_operator(text: str) -> bool:
    return any(OPERATOR.search(piece) for piece in text.split('"')[0::2])


def _prepare(text: str) -> str:
    """Check quotes, brackets and field names; map field aliases to index fields."""
    if text.count('"') % 2:
        raise QueryError(f'the query {text!r} has an unclosed quote ("). {syntax_help()}')
    pieces = text.split('"')
    outside = pieces[0::2]
    depth = 0
    for char in "".join(outside):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth < 0:
            break
    if depth != 0:
        raise QueryError(f"the query {text!r} has unbalanced parentheses. {syntax_help()}")
    joined = "".join(outside)
    if joined.count("[") != joined.count("]") or joined.count("{") != joined.count("}"):
        raise QueryError(f"the query {text!r} has an unclosed range bracket. {syntax_help()}")

    fields = query_fields()

    def rename(match: re.Match) -> str:
        field_name = fields.get(match.group(1).lower())
        if field_name is None:
            names = ["text", "title", *FACETS.names(), "date", "article"]
            raise QueryError(
                f"unknown field {match.group(1)!r} in the query; fields are: {', '.join(names)}. {syntax_help()}"
            )
        return f"{field_name}:"

    pieces[0::2] = [FIELD_PREFIX.sub(rename, piece) for piece in outside]
    return '"'.join(pieces)


# -- the words of a query string, for spelling corrections ---------------------------
WORD = re.compile(r"\w+(?:[.'’]\w+)*")
FIELD_VALUE = re.compile(r"(?<![\w\"'])[A-Za-z_]+:(\"[^\"]*\"|\[[^\]]*\]|\{[^}]*\}|\([^)]*\)|\S+)")


def query_words(text: str) -> list[tuple[int, int]]:
    """(start, end) of each word of ``text`` that is searched for in the paragraphs' text:
    not operators, field values (``sector:defence``), dates, wildcards or numbers."""
    skip = [m.span() for m in FIELD_VALUE.finditer(text)]
    spans = []
    for match in WORD.finditer(text):
        start, end = match.span()
        word = match.group()
        if any(a <= start < b for a, b in skip) or word in ("AND", "OR", "NOT", "ANDNOT", "ANDMAYBE"):
            continue
        if end < len(text) and text[end] in "*?" or start and text[start - 1] in "*?":
            continue
        if not any(ch.isalpha() for ch in word):
            continue
        spans.append((start, end))
    return spans


def field_values(text: str) -> list[tuple[int, int, str, str]]:
    """(start, end, facet name, value) of each ``facet:value`` of a query string (the value's
    span, quotes excluded)."""
    fields = query_fields()
    found = []
    for match in FIELD_VALUE.finditer(text):
        name = fields.get(match.group(0).split(":", 1)[0].lower())
        if FACETS.get(name or "") is None:
            continue
        start, end = match.span(1)
        value = match.group(1)
        if value.startswith('"') and value.endswith('"') and len(value) > 1:
            start, end, value = start + 1, end - 1, value[1:-1]
        found.append((start, end, name, value))
    return found


def _walk(node: wq.Query):
    yield node
    for child in node.children():
        yield from _walk(child)
