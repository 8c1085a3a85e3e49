"""How words are read in the index and in queries, before each backend stems them.

Words, lower case, accents off, one spelling per word, stop words out.

``Erdoğan`` and ``Erdogan`` are one term (``search.text.ascii_letters``), and so are
``defence`` and ``defense`` (``search.spelling``). Every filter looks at one word
alone, which the Whoosh backend's text field relies on to analyse each distinct word
once. The Whoosh backend adds Porter stems; the OpenSearch backend's query translation
reads words with this analyzer and leaves stemming to OpenSearch.
"""

from __future__ import annotations

from whoosh.analysis import Filter, LowercaseFilter, RegexTokenizer, StopFilter

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


def surface_analyzer():
    """Words, lower case, accents off, one spelling, stop words out: everything but the stems."""
    return RegexTokenizer() | LowercaseFilter() | FoldFilter() | SpellingFilter() | StopFilter()
