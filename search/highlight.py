"""HTML-safe snippets with the query's terms marked.

The text is escaped before anything is marked, so an article that contains
``<script>`` shows it as text; only our own ``<mark>`` tags are markup.
"""
from __future__ import annotations

from functools import lru_cache
from html import escape

from whoosh import highlight
from whoosh import query as wq
from whoosh.analysis import RegexTokenizer, Token

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
        self.scorer = highlight.BasicFragmentScorer()
        tokenizer = getattr(self.analyzer, "items", [self.analyzer])[0]
        self.pattern = tokenizer.expression if isinstance(tokenizer, RegexTokenizer) and not tokenizer.gaps else None
        self.word = lru_cache(maxsize=100_000)(self._word)

    def _word(self, word: str) -> str:
        """What the text analyzer makes of one word (lower-cased, stemmed; a stop word
        left as it is): it treats each word on its own, so this is its token text."""
        texts = [t.text for t in self.analyzer(word, mode="query", removestops=False)]
        return texts[0] if len(texts) == 1 else word.lower()

    def _tokens(self, text: str, terms: frozenset[str]):
        """The analyzer's tokens of ``text`` marked as matched or not, as Whoosh's
        ``highlight`` makes them, but with one regex pass and each distinct word
        analysed once per build instead of through the filter chain every time
        (the chain was most of a search's time on small indexes)."""
        token = Token(chars=True, removestops=False, mode="query")
        word = self.word
        for match in self.pattern.finditer(text):
            token.startchar, token.endchar = match.span()
            token.text = word(match.group())
            token.matched = token.text in terms
            yield token

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
            if self.pattern is None:  # an analyzer of another shape: Whoosh's own way
                marked = highlight.highlight(text, terms, self.analyzer, self.fragmenter, self.formatter, top=2)
            else:
                fragments = self.fragmenter.fragment_tokens(text, self._tokens(text, terms))
                marked = self.formatter(text, highlight.top_fragments(fragments, 2, self.scorer, highlight.FIRST))
            if marked:
                return marked
        if len(text) <= SNIPPET_CHARS:
            return escape(text, quote=False)
        cut = text.rfind(" ", 0, SNIPPET_CHARS)
        return escape(text[:cut if cut > 0 else SNIPPET_CHARS], quote=False) + " …"
