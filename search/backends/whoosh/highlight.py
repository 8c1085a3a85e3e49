"""HTML-safe snippets with the query's terms marked.

The text is escaped before anything is marked, so an article that contains
``<script>`` shows it as text; only our own ``<mark>`` tags are markup.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
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
        self.fragmenter = highlight.ContextFragmenter(maxchars=SNIPPET_CHARS, surround=90)  # see _fragments
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

    def _fragments(self, text: str, terms: frozenset[str]) -> Iterator[highlight.Fragment]:
        """The fragments ``ContextFragmenter.fragment_tokens`` makes of the analyzer's
        tokens of ``text``, as Whoosh's ``highlight`` would, computed in one loop.

        Whoosh runs the analyzer's filter chain for every word and hands the
        fragmenter a Token object per word; here one regex pass finds the words,
        each distinct word is analysed once per build, and only matched words become
        Tokens. The loop is Whoosh's own, statement for statement (snippets were
        most of a search's time on small indexes).
        """
        fragmenter = self.fragmenter
        maxchars, surround, charlimit = fragmenter.maxchars, fragmenter.surround, fragmenter.charlimit
        word = self.word
        first = None
        firsts: deque[int] = deque()
        countdown = -1
        tks: list[Token] = []
        endchar = None
        currentlen = 0
        for match in self.pattern.finditer(text):
            startchar, endchar = match.span()
            tlength = endchar - startchar
            if charlimit and endchar > charlimit:
                break
            analysed = word(match.group())
            matched = analysed in terms
            if countdown < 0 and not matched:
                firsts.append(startchar)
                while firsts and endchar - firsts[0] > surround:
                    firsts.popleft()
            elif currentlen + tlength > maxchars:
                countdown = 0
            elif matched:
                countdown = surround
                if first is None:
                    if firsts:
                        first = firsts[0]
                    else:
                        first = startchar
                        countdown += surround
                tks.append(
                    Token(
                        text=analysed,
                        startchar=startchar,
                        endchar=endchar,
                        matched=True,
                        chars=True,
                        removestops=False,
                        mode="query",
                    )
                )
            if countdown >= 0:
                currentlen += tlength
                countdown -= tlength
                if countdown <= 0:
                    yield highlight.mkfrag(text, tks, startchar=first, endchar=endchar)
                    tks = []
                    firsts = deque()
                    first = None
                    currentlen = 0
        if tks:
            yield highlight.mkfrag(text, tks, startchar=first, endchar=endchar)

    def terms(self, q: wq.Query, reader) -> frozenset[str]:
        """The query's words in the text field, wildcards expanded against the index."""
        if isinstance(q, wq.Every):
            return frozenset()
        try:
            pairs = q.existing_terms(reader, phrases=True, expand=True)
        except Exception:  # some query types cannot expand; fall back to their own words
            pairs = q.iter_all_terms(phrases=True)
        return frozenset(
            text.decode("utf-8") if isinstance(text, bytes) else str(text) for field, text in pairs if field == "text"
        )

    def snippet(self, text: str, terms: frozenset[str]) -> str:
        if terms:
            if self.pattern is None:  # an analyzer of another shape: Whoosh's own way
                marked = highlight.highlight(text, terms, self.analyzer, self.fragmenter, self.formatter, top=2)
            else:
                fragments = self._fragments(text, terms)
                marked = self.formatter(text, highlight.top_fragments(fragments, 2, self.scorer, highlight.FIRST))
            if marked:
                return marked
        if len(text) <= SNIPPET_CHARS:
            return escape(text, quote=False)
        cut = text.rfind(" ", 0, SNIPPET_CHARS)
        return escape(text[: cut if cut > 0 else SNIPPET_CHARS], quote=False) + " …"
