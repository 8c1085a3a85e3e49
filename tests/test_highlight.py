"""Snippets: the same marked fragments as Whoosh's own highlighter, safely escaped."""

import pytest
from whoosh import highlight

from search.backends.whoosh.highlight import Snippeter
from search.backends.whoosh.schema import make_schema
from search.ingest.sources import discover, read_file
from search.models import Article

from conftest import SEEDS

QUERIES = [
    "energy",
    "defence security",
    "Prime Minister",
    "the",
    "semiconductors space trade",
    "leaders both two",
    "a",
    "Türkiye Malaysia",
    "U.S. officials",
    "COVID-19 vaccines",
]


@pytest.fixture(scope="module")
def paragraphs():
    files, _ = discover([SEEDS])
    return [p for path in files for item in read_file(path) if isinstance(item, Article) for p in item.paragraphs]


@pytest.mark.parametrize("words", QUERIES)
def test_snippets_equal_whoosh_highlight(paragraphs, words):
    snippeter = Snippeter(make_schema())
    terms = frozenset(t.text for t in snippeter.analyzer(words, mode="query"))
    marked = 0
    for text in paragraphs:
        theirs = highlight.highlight(text, terms, snippeter.analyzer, snippeter.fragmenter, snippeter.formatter, top=2)
        ours = snippeter.snippet(text, terms)
        if theirs:
            marked += 1
            assert ours == theirs
    assert marked or words in ("the", "a")  # stop words are never marked


def test_markup_in_the_text_is_escaped():
    snippeter = Snippeter(make_schema())
    assert (
        snippeter.snippet('Energy <script>alert("x")</script> & trade', frozenset(["energi"]))
        == '<mark>Energy</mark> &lt;script&gt;alert("x")&lt;/script&gt; &amp; trade'
    )


@pytest.mark.parametrize("words", ["energy", "defence security", "Türkiye Malaysia"])
def test_snippets_of_long_texts_equal_whoosh_highlight(paragraphs, words):
    """Many matches (fragments cut at their maximum size) and a text past Whoosh's
    character limit, where the fragmenter stops."""
    snippeter = Snippeter(make_schema())
    terms = frozenset(t.text for t in snippeter.analyzer(words, mode="query"))
    joined = " ".join(paragraphs)
    for text in (joined, " ".join([joined] * (1 + 40_000 // len(joined)))):
        theirs = highlight.highlight(text, terms, snippeter.analyzer, snippeter.fragmenter, snippeter.formatter, top=2)
        assert theirs and snippeter.snippet(text, terms) == theirs
