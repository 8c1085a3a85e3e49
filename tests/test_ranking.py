"""Ranking: the paragraph's own text decides, the title is context; phrases and nearby words
above scattered words; headings and one-line fragments below paragraphs of substance."""

import pytest

from search.backends.whoosh import WhooshBackend
from search.query.params import build_request
from search.text import is_fragment

from conftest import index_of

FILLER = "Officials from both sides met on Tuesday and reviewed the progress made since the last meeting."

ARTICLES = [
    # the title has the words; its paragraphs do not
    {
        "id": "titled",
        "title": "Hydrogen corridor agreed",
        "date": "2024-02-01",
        "text": "\n\n".join([FILLER, "The leaders also spoke about fishing rights and student visas.", FILLER]),
    },
    # the text has the words
    {
        "id": "texted",
        "title": "Regional meeting",
        "date": "2024-02-02",
        "text": "\n\n".join(
            [FILLER, "Both governments agreed to build a hydrogen corridor linking their ports.", FILLER]
        ),
    },
    # the words together, and the words apart
    {
        "id": "phrase",
        "title": "Summit",
        "date": "2024-02-03",
        "text": "The ministers signed a critical minerals agreement covering lithium and cobalt mining.",
    },
    {
        "id": "apart",
        "title": "Summit two",
        "date": "2024-02-04",
        "text": "The ministers agreed that minerals trade matters, and called the agreement critical for jobs.",
    },
    # a heading above the paragraph that says something
    {
        "id": "heading",
        "title": "Fact sheet",
        "date": "2024-02-05",
        "text": "Resilient Semiconductor Supply Chains\n\nThe partners will map semiconductor supply chains "
        "and share early warnings about shortages of chips and wafers.",
    },
]


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    return WhooshBackend(index_of(tmp_path_factory.mktemp("ranking"), ARTICLES, tag=True))


def keys(result):
    return [(h.paragraph.article_id, h.paragraph.n) for h in result.hits]


def test_the_paragraph_text_decides_and_the_title_is_context(index):
    result = index.search(build_request("hydrogen corridor", group="off"))
    ranked = keys(result)
    assert ranked[0] == ("texted", 2)
    # the titled article's paragraphs still match (through the title), after the paragraph that says it
    assert {("titled", 1), ("titled", 2), ("titled", 3)} <= set(ranked[1:])
    # the title is a tie-break, not 40% of the score: the text match scores far more
    scores = {key: h.score for key, h in zip(ranked, result.hits)}
    assert scores[("texted", 2)] > 2 * scores[("titled", 1)]


def test_a_phrase_ranks_above_the_same_words_scattered(index):
    ranked = keys(index.search(build_request("critical minerals agreement")))
    assert ranked.index(("phrase", 1)) < ranked.index(("apart", 1))


def test_a_heading_does_not_outrank_the_paragraph_under_it(index):
    ranked = keys(index.search(build_request("semiconductor supply chains", group="off")))
    assert ranked[:2] == [("heading", 2), ("heading", 1)]


@pytest.mark.parametrize(
    "text, fragment",
    [
        ("Resilient Semiconductor Supply Chains", True),
        ("2:08 P.M. EDT", True),
        ("Thank you.", True),
        ("The United States and the Republic of Korea welcome:", True),
        ("State Minister Tennakoon said Sri Lankan military is already into arms manufacturing.", False),
        ("A number of bilateral documents were signed following the talks.", False),
        (" ".join(["word"] * 20), False),  # a long line without a full stop is a paragraph
    ],
)
def test_what_counts_as_a_fragment(text, fragment):
    assert is_fragment(text) is fragment


@pytest.mark.parametrize(
    "q",
    [
        "hydrogen corridor",
        "the ministers agreed",
        "semiconductor supply chains NOT wafers",
        "minerals date:2024-02-03",
        '"critical minerals" agreement jobs',
    ],
)
def test_many_and_few_matches_are_ranked_alike(index, monkeypatch, q):
    """Large match sets are added up in one slot per document, small ones by sorted lookups."""
    from search.backends.whoosh import ranking

    def ranked():
        result = index.search(build_request(q, per_page=50, group="off"))
        return [(h.paragraph.article_id, h.paragraph.n, round(h.score, 6)) for h in result.hits], result.total

    monkeypatch.setattr(ranking, "DENSE_FRACTION", 0)  # never dense
    sparse = ranked()
    monkeypatch.setattr(ranking, "DENSE_FRACTION", 10**9)  # always dense
    assert ranked() == sparse and sparse[1] > 0
