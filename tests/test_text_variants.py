"""Accents, British and American spellings and curly quotes: one word whichever way it is typed."""

import pytest

from search.backends.whoosh import WhooshBackend
from search.backends.whoosh.store import FORMAT_VERSION
from search.query.params import build_request
from search.spelling import american, variants

from conftest import index_of

ARTICLES = [
    {
        "id": "tr",
        "title": "Ankara talks",
        "date": "2024-01-01",
        "text": "President Erdoğan met the delegation in Ankara to discuss the defence programme.",
    },
    {
        "id": "us",
        "title": "Washington",
        "date": "2024-01-02",
        "text": "The defense program of the organization was reviewed by the labor ministry.",
    },
    {
        "id": "uk",
        "title": "London",
        "date": "2024-01-03",
        "text": "The organisation's labour rules and the joint statement were published in London.",
    },
    {
        "id": "lt",
        "title": "Vilnius",
        "date": "2024-01-04",
        "text": "Prime Minister Šimonytė and Mr. Kılıçdaroğlu spoke about the joint energy statement.",
    },
]


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    return WhooshBackend(index_of(tmp_path_factory.mktemp("variants"), ARTICLES, tag=True))


def ids(index, q):
    return sorted(h.paragraph.article_id for h in index.search(build_request(q, per_page=50)).hits)


@pytest.mark.parametrize("q", ["Erdogan", "Erdoğan", "ERDOGAN", "erdoğan"])
def test_accents_are_folded_in_the_index_and_in_queries(index, q):
    assert ids(index, q) == ["tr"]


def test_letters_without_a_mark_are_folded_too(index):
    assert ids(index, "Simonyte") == ["lt"]
    assert ids(index, "Kilicdaroglu") == ["lt"]


@pytest.mark.parametrize(
    "british, american_form",
    [("defence", "defense"), ("programme", "program"), ("organisation", "organization"), ("labour", "labor")],
)
def test_british_and_american_spellings_find_each_other(index, british, american_form):
    assert ids(index, british) == ids(index, american_form)
    assert len(ids(index, british)) >= 2


def test_both_spellings_are_marked_in_snippets(index):
    snippets = {h.paragraph.article_id: h.snippet for h in index.search(build_request("defence")).hits}
    assert "<mark>defence</mark>" in snippets["tr"] and "<mark>defense</mark>" in snippets["us"]


def test_a_phrase_matches_across_spellings(index):
    assert ids(index, '"defense programme"') == ["tr", "us"]


def test_spelling_list_generates_families_and_leaves_other_words_alone():
    table = variants()
    assert american("organisations") == "organizations" and american("neighbouring") == "neighboring"
    assert american("centres") == "centers" and american("analysed") == "analyzed"
    for word in ("advise", "exercise", "promise", "compromise", "enterprise", "contour", "glamour"):
        assert word not in table


@pytest.mark.parametrize("q", ["“joint statement”", "„joint statement“", "«joint statement»", '"joint statement"'])
def test_curly_quotes_are_quotes(index, q):
    assert ids(index, q) == ["uk"]  # the phrase, not both words anywhere ("lt" has them apart)


def test_the_build_format_changed_with_the_analyzer():
    assert FORMAT_VERSION >= 5
