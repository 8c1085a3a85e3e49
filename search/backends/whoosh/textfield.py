"""Whoosh's TEXT field, indexed with one regex pass per value.

Whoosh indexes a text value by running its analyzer chain (tokenizer, lower
case, stop words, stemmer) as nested generators over one Token per word; that
chain was about a fifth of the CPU spent per paragraph when indexing. The
filters of a stemming analyzer act on each word alone, so here one regex pass
finds the words and each distinct word goes through the analyzer once
(cached), which gives the same terms, positions and weights. The last value's
postings are kept too: an article's title is indexed with each of its
paragraphs, and is now analysed once per article.

Queries and anything else that calls the analyzer are unchanged. A field
with an analyzer of another shape indexes the way Whoosh does.
"""

from __future__ import annotations

from functools import lru_cache

from whoosh import formats
from whoosh.analysis import LowercaseFilter, RegexTokenizer, StemFilter, StopFilter
from whoosh.analysis.analyzers import CompositeAnalyzer
from whoosh.fields import TEXT

from search.query.analysis import FoldFilter, SpellingFilter

PER_WORD_FILTERS = (LowercaseFilter, FoldFilter, SpellingFilter, StopFilter, StemFilter)  # each looks at one token only
WORD_CACHE = 200_000


@lru_cache(maxsize=4096)
def _one_position(encode, pos: int) -> bytes:
    """Most words occur once in a paragraph: their encoded positions repeat."""
    return encode([pos])


class TextField(TEXT):
    def index(self, value, **kwargs):
        fast = self._fast()
        if fast is None or not isinstance(value, str) or kwargs.get("mode", "index") != "index":
            return super().index(value, **kwargs)
        last = getattr(self, "_last", None)
        if last is not None and last[0] == value:
            return last[1]
        postings = self._postings(value, *fast)
        self._last = (value, postings)
        return postings

    def _postings(self, value: str, pattern, term, renumber: bool) -> list[tuple[bytes, int, float, bytes]]:
        positions: dict[bytes, list[int]] = {}
        pos = None
        for at, match in enumerate(pattern.finditer(value)):
            text = term(match.group())
            if text is not None:
                # As Whoosh's StopFilter renumbers: the first word kept keeps its
                # place, later ones follow it without gaps for stopped words.
                pos = at if pos is None or not renumber else pos + 1
                positions.setdefault(text, []).append(pos)
        boost = self.format.field_boost
        encode = self.format.encode
        return [
            (
                text,
                len(poses),
                len(poses) * 1.0 * boost,
                _one_position(encode, poses[0]) if len(poses) == 1 else encode(poses),
            )
            for text, poses in positions.items()
        ]

    def _fast(self):
        """(word pattern, cached word -> term bytes or None, renumber) when the
        analyzer is a regex tokenizer followed by per-word filters and the field
        records positions; else None."""
        if "_fast_parts" not in self.__dict__:
            self._fast_parts = self._fast_parts_for(self.analyzer)
        return self._fast_parts

    def _fast_parts_for(self, analyzer):
        if type(self.format) is not formats.Positions or not isinstance(analyzer, CompositeAnalyzer):
            return None
        tokenizer, *filters = analyzer.items
        if type(tokenizer) is not RegexTokenizer or tokenizer.gaps:
            return None
        if not all(type(f) in PER_WORD_FILTERS for f in filters):
            return None
        stops = [f for f in filters if isinstance(f, StopFilter)]
        renumber = all(f.renumber for f in stops)

        @lru_cache(maxsize=WORD_CACHE)
        def term(word: str) -> bytes | None:
            texts = [t.text for t in analyzer(word, mode="index")]
            if len(texts) > 1:
                raise ValueError(f"the analyzer split the word {word!r}")
            return texts[0].encode("utf-8") if texts else None

        return tokenizer.expression, term, renumber

    def __getstate__(self):
        """The caches are not part of the schema that Whoosh pickles into the index."""
        state = self.__dict__.copy()
        state.pop("_fast_parts", None)
        state.pop("_last", None)
        return state
