"""The analyzer of the text and title fields: words, lower case, accents off, one
spelling per word, stop words out, Porter stems.

``Erdoğan`` and ``Erdogan`` are one term (``search.text.ascii_letters``), and so
are ``defence`` and ``defense`` (``search.spelling``), in the index and in the
queries alike: the same analyzer reads both. Every filter looks at one word
alone, which ``textfield.TextField`` relies on to analyse each distinct word once.
"""

from __future__ import annotations

from whoosh.analysis import LowercaseFilter, RegexTokenizer, StemFilter, StopFilter
from whoosh.analysis.filters import Filter

from search.spelling import variants
from search.text import ascii_letters


class FoldFilter(Filter):
    """Accents and marks off (after lower case): ``erdoğan`` -> ``erdogan``."""

    def __call__(self, tokens):
        for token in tokens:
            if not token.text.isascii():
                token.text = ascii_letters(token.text)
            yield token


class SpellingFilter(Filter):
    """British spellings as American ones: ``defence`` -> ``defense`` (search/data/spelling.txt)."""

    def __call__(self, tokens):
        table = variants()
        for token in tokens:
            token.text = table.get(token.text, token.text)
            yield token


def make_analyzer():
    """Whoosh's StemmingAnalyzer with accent folding and spelling variants before the stop words."""
    return RegexTokenizer() | LowercaseFilter() | FoldFilter() | SpellingFilter() | StopFilter() | StemFilter()
