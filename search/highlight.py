"""HTML-safe snippets with the query's terms marked.

The text is escaped before anything is marked, so an article that contains
``<script>`` shows it as text; only our own ``<mark>`` tags are markup.
"""
from __future__ import annotations

from html import escape

from whoosh import highlight
from whoosh import query as wq

SNIPPET_CHARS = 320


class MarkFormatter(highlight.HtmlFormatter):
    def __init__(self):
        super().__init__(tagname="mark", classname="", termclass="", between=" … ")

    def format_token(self, text, token, replace=False):
        return f"<mark>{escape(highlight.get_text(text, token, replace), quote=False)}</mark>"


class Snippeter:
    def __init__(self, schema):
        self.analyzer = schema["text"].analyzer
        self.fragmenter = highlight.ContextFragmenter(maxchars=SNIPPET_CHARS, surround=90)
        self.formatter = MarkFormatter()

    def terms(self, q: wq.Query, reader) -> frozenset[str]:
        """The query's words in the text field, wildcards expanded against the index."""
        if isinstance(q, wq.Every):
            return frozenset()
        try:
            pairs = q.existing_terms(reader, phrases=True, expand=True)
        except Exception:  # some query types cannot expand; fall back to their own words
            pairs = q.iter_all_terms(phrases=True)
        return frozenset(
            text.decode("utf-8") if isinstance(text, bytes) else str(text)
            for field, text in pairs if field == "text"
        )

    def snippet(self, text: str, terms: frozenset[str]) -> str:
        if terms:
            marked = highlight.highlight(text, terms, self.analyzer, self.fragmenter,
                                         self.formatter, top=2)
            if marked:
                return marked
        if len(text) <= SNIPPET_CHARS:
            return escape(text, quote=False)
        cut = text.rfind(" ", 0, SNIPPET_CHARS)
        return escape(text[:cut if cut > 0 else SNIPPET_CHARS], quote=False) + " …"
