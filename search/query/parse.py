"""Turn a user's query string into a Whoosh query, or a clear error.

Whoosh's parser never fails: it quietly turns a stray quote or an unknown
field into something else. A search product should say what is wrong
instead, so the string is checked first and the parsed tree afterwards.
"""
from __future__ import annotations

import re

from whoosh import query as wq
from whoosh.qparser import AndGroup, FieldAliasPlugin, GtLtPlugin, MultifieldParser
from whoosh.qparser.dateparse import DateParserPlugin

from search.errors import QueryError
from search.facets import FACETS

SEARCH_FIELDS = ["text", "title"]
# query field -> index field, besides each facet's name and key (``sector:``, ``sectors:``)
FIELDS = {"text": "text", "title": "title", "date": "date", "article": "article_id", "article_id": "article_id"}
FIELD_PREFIX = re.compile(r"(?<![\w\"'])([A-Za-z_]+):(?=\S|$)")  # $: before a quote, 'sector:"x"'
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
        self.schema = schema
        self.parser = MultifieldParser(SEARCH_FIELDS, schema, group=AndGroup)
        self.parser.add_plugin(GtLtPlugin())
        self.parser.add_plugin(DateParserPlugin(free=False))
        aliases: dict[str, list[str]] = {}
        for alias, field in query_fields().items():
            if alias != field:
                aliases.setdefault(field, []).append(alias)
        # aliases are renamed by the parser, not in the string, so that every word's
        # place in the parsed query is its place in the user's query
        self.parser.add_plugin(FieldAliasPlugin(aliases))

    def parse(self, text: str) -> wq.Query:
        text = (text or "").strip()
        if not text:
            return wq.Every()
        if len(text) > MAX_LENGTH:
            raise QueryError(f"the query is {len(text)} characters long; the limit is {MAX_LENGTH}")
        prepared = _prepare(text)
        try:
            parsed = self.parser.parse(prepared, normalize=False)
            _place_parts(parsed, text, self.schema)  # before normalising drops the groups' places
            parsed = parsed.normalize()
        except Exception as error:  # Whoosh raises assorted types for odd input
            raise QueryError(f"cannot read the query {text!r}: {error}. {syntax_help()}") from error
        for node in _walk(parsed):
            if getattr(node, "error", None):
                raise QueryError(f"cannot read part of the query {text!r}: {node.error}. {syntax_help()}")
        if parsed is wq.NullQuery:
            raise QueryError(f"the query {text!r} has nothing to search for: very common words such as 'the' or 'of' are not indexed. {syntax_help()}")
        return parsed


def _prepare(text: str) -> str:
    """Check quotes, brackets and field names; field names lower-cased in place
    (the parser maps aliases), so the string keeps its length."""
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
        return f"{match.group(1).lower()}:"

    pieces[0::2] = [FIELD_PREFIX.sub(rename, piece) for piece in outside]
    return '"'.join(pieces)


def _place_parts(node: wq.Query, text: str, schema) -> None:
    """Give each part of a word the analyzer splits (``semi-conductors``,
    ``trade/enrgy``) its own place in ``text``.

    Whoosh makes such a word one group of terms with the word's place and
    none for the terms, and its did-you-mean (``correct_query``) rewrites the
    query string by the terms' places. A part that cannot be placed is left
    without one (the suggestion step leaves such terms alone)."""
    start, end = getattr(node, "startchar", None), getattr(node, "endchar", None)
    children = list(node.children())
    if start is not None and end is not None:
        if isinstance(node, wq.Phrase) and not node.char_ranges:
            places = _part_places(schema, node.fieldname, text[start:end], node.words)
            if places:
                node.char_ranges = [(start + a, start + b) for a, b in places]
        elif children and all(isinstance(c, wq.Term) and c.startchar is None for c in children) \
                and len({c.fieldname for c in children}) == 1:
            places = _part_places(schema, children[0].fieldname, text[start:end], [c.text for c in children])
            for child, (a, b) in zip(children, places or ()):
                child.startchar, child.endchar = start + a, start + b
            return
    for child in children:
        _place_parts(child, text, schema)


def _part_places(schema, fieldname: str, word: str, parts: list) -> list[tuple[int, int]] | None:
    """Where in ``word`` the field's analyzer finds ``parts``, in order; None if it finds others."""
    if fieldname not in schema:
        return None
    try:
        tokens = [(t.text, t.startchar, t.endchar)
                  for t in schema[fieldname].tokenize(word, mode="query", chars=True, removestops=True)]
    except Exception:  # a field that cannot analyse text this way
        return None
    if [t[0] for t in tokens] != list(parts) or any(t[1] is None for t in tokens):
        return None
    return [(a, b) for _, a, b in tokens]


def _walk(node: wq.Query):
    yield node
    for child in node.children():
        yield from _walk(child)
