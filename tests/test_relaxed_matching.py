"""Matching: all words first, then most of them; question words do not block; AND/OR as written."""

import pytest

from search.backends.whoosh import WhooshBackend
from search.query.params import build_request

from conftest import index_of

ARTICLES = [
    {
        "id": "all",
        "title": "Trade talks",
        "date": "2024-05-01",
        "text": "The ministers agreed on a new fisheries quota and a maritime patrol plan for the strait.",
    },
    {
        "id": "two",
        "title": "Fisheries",
        "date": "2024-05-02",
        "text": "Officials discussed the fisheries quota at length during the visit.",
    },
    {
        "id": "one",
        "title": "Another visit",
        "date": "2024-05-03",
        "text": "The quota for imported steel was raised by the commerce ministry last week.",
    },
    {
        "id": "none",
        "title": "Weather",
        "date": "2024-05-04",
        "text": "Heavy rain delayed the opening ceremony of the new bridge on Monday morning.",
    },
    {
        "id": "gas",
        "title": "Energy",
        "date": "2024-05-05",
        "text": "Russia and Turkey agreed to build a gas hub near Istanbul, the two presidents said.",
    },
]


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    return WhooshBackend(index_of(tmp_path_factory.mktemp("relaxed"), ARTICLES, tag=True))


def ids(result):
    return [h.paragraph.article_id for h in result.hits]


def test_all_words_first_then_most_of_them(index):
    result = index.search(build_request("fisheries quota maritime patrol", group="off"))
    assert ids(result)[:3] == ["all", "two", "one"]  # 4 words, then 2, then 1
    assert "none" not in ids(result) and result.total == 3


def test_a_word_no_paragraph_has_does_not_empty_the_results(index):
    result = index.search(build_request("fisheries quota zanzibarian"))
    assert result.total >= 2 and ids(result)[0] in ("all", "two")


def test_question_words_do_not_block_a_match(index):
    result = index.search(build_request("what did Russia and Turkey agree on gas?"))
    assert ids(result)[0] == "gas"
    plan = index.snapshot().parser.plan("what did Russia and Turkey agree on gas?")
    assert not plan.strict and {"what", "did"} <= set(plan.dropped)
    # a query of question words alone still searches them
    assert not index.snapshot().parser.plan("what").strict


def test_a_closing_question_mark_is_punctuation_but_a_lone_word_keeps_its_wildcard(index):
    assert index.search(build_request("Did Russia agree on gas?")).hits[0].paragraph.article_id == "gas"
    assert index.search(build_request("quot?")).total == 3  # one-letter wildcard: quota


def test_explicit_and_or_are_read_as_written(index):
    assert ids(index.search(build_request("fisheries AND maritime"))) == ["all"]
    assert sorted(ids(index.search(build_request("maritime OR steel")))) == ["all", "one"]


def test_not_and_field_filters_stay_required(index):
    result = index.search(build_request("fisheries quota NOT maritime"))
    assert "all" not in ids(result) and "two" in ids(result)
    result = index.search(build_request("quota date:2024-05-03"))
    assert ids(result) == ["one"]


def test_totals_count_every_paragraph_that_matches_a_word(index):
    result = index.search(build_request("quota rain"))
    assert result.total == 4
    assert sum(v.count for v in next(f for f in result.facets if f.name == "date").values) == 4
