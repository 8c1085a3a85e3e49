"""Turn a user's query string into a Whoosh query, or a clear error.

Whoosh's parser never fails: it quietly turns a stray quote or an unknown
field into something else. A search product should say what is wrong
instead, so the string is checked first and the parsed tree afterwards.
"""
from __future__ import annotations

import re

from whoosh import query as wq
from whoosh.qparser import AndGroup, GtLtPlugin, MultifieldParser
from whoosh.qparser.dateparse import DateParserPlugin

from search.errors import QueryError
from search.facets import FACETS

SEARCH_FIELDS = ["text", "title"]
# query field -> index field, besides each facet's name and key (``sector:``, ``sectors:``)
FIELDS = {"text": "text", "title": "title", "date": "date", "article": "article_id", "article_id": "article_id"}
FIELD_PREFIX = re.compile(r"(?<![\w\"'])([A-Za-z_]+):(?=\S)")
MAX_LENGTH = 1000


def query_fields() -> dict[str, str]:
    """What a query may write before a colon, and the index field it means."""
    fields = dict(FIELDS)
    for facet in FACETS:
        fields[facet.name] = fields[facet.key] = facet.name
    return fields


def syntax_help() -> str:
    named = ", ".join([*FACETS.names(), "title", "date"])
    return (f'Try words, "a phrase", AND / OR / NOT, field:value ({named}), wildcards such as defen*, '
            'or date:[2024-01-01 to 2024-06-30].')


class QueryParser:
    """One parser per schema; words are ANDed, as in web search engines."""

    def __init__(self, schema):
        self.parser = MultifieldParser(SEARCH_FIELDS, schema, group=AndGroup)
        self.parser.add_plugin(GtLtPlugin())
        self.parser.add_plugin(DateParserPlugin(free=False))

    def parse(self, text: str) -> wq.Query:
        text = (text or "").strip()
        if not text:
            return wq.Every()
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
            raise QueryError(f"the query {text!r} has nothing to search for: very common words such as 'the' or 'of' are not indexed. {syntax_help()}")
        return parsed


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
        field = fields.get(match.group(1).lower())
        if field is None:
            names = ["text", "title", *FACETS.names(), "date", "article"]
            raise QueryError(f"unknown field {match.group(1)!r} in the query; fields are: "
                             f"{', '.join(names)}. {syntax_help()}")
        return f"{field}:"

    pieces[0::2] = [FIELD_PREFIX.sub(rename, piece) for piece in outside]
    return '"'.join(pieces)


def _walk(node: wq.Query):
    yield node
    for child in node.children():
        yield from _walk(child)
