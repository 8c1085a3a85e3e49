"""Typos: a word in no paragraph is corrected, the corrected query searched and said so, in the
user's own words; tolerance by word length (Meilisearch: none under 5 letters, 1 from 5, 2 from 9)."""

import json
import re
from html import unescape

import pytest
from click.testing import CliRunner

from search.backends.whoosh import WhooshBackend
from search.backends.whoosh.typos import tolerance
from search.cli import main
from search.errors import QueryError
from search.query.params import build_request
from web import create_app

from conftest import index_of

ARTICLES = [
    {
        "id": "chips",
        "title": "Technology",
        "date": "2024-04-01",
        "text": "The partners will invest in semiconductors and intimidating new export controls were criticised.",
    },
    {
        "id": "chips2",
        "title": "Technology two",
        "date": "2024-04-02",
        "text": "Semiconductor supply chains need resilience, the ministers said.",
    },
    {
        "id": "india",
        "title": "Visit",
        "date": "2024-04-03",
        "text": "External Affairs Minister Jaishankar met his counterpart and discussed cooperation with Malaysia.",
    },
    {
        "id": "kz",
        "title": "Kazakhstan",
        "date": "2024-04-04",
        "text": "Sri Lanka and Kazakhstan held their first foreign office consultations in Astana.",
    },
    {
        "id": "port",
        "title": "Ports",
        "date": "2024-04-05",
        "text": "The port of Hambantota handled more ships and the fleet grew.",
    },
]


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory):
    return index_of(tmp_path_factory.mktemp("typos"), ARTICLES, tag=True)


@pytest.fixture(scope="module")
def index(index_dir):
    return WhooshBackend(index_dir)


def search(index, q, **kw):
    return index.search(build_request(q, **kw))


@pytest.mark.parametrize(
    "typed, corrected",
    [
        ("semicondctors", "semiconductors"),  # the user's own form: plural, not the stem
        ("Jaishnkar", "Jaishankar"),  # capitalised as typed
        ("JAISHNKAR", "JAISHANKAR"),
        ("Sri Lanka Kazakstan consultations", "Sri Lanka Kazakhstan consultations"),  # other words kept
        ("semicondutor supply chains", "semiconductor supply chains"),
        ("cooperaton", "cooperation"),  # a typo in the ending, where the stem differs
    ],
)
def test_the_corrected_query_is_searched_and_said(index, typed, corrected):
    result = search(index, typed)
    assert result.corrected_query == corrected
    assert result.total >= 1 and not result.suggestion


def test_a_name_in_capitals_does_not_set_the_case_of_its_correction(tmp_path):
    # transcript labels shout the name; which paragraphs are sampled must not change the answer
    labels = [
        {"id": f"t{i}", "title": "Transcript", "date": "2024-04-10", "text": f"PRIME MINISTER KISHIDA: Point {i}."}
        for i in range(5)
    ]
    labels.append({"id": "r", "title": "Readout", "date": "2024-04-10", "text": "Prime Minister Kishida spoke."})
    index = WhooshBackend(index_of(tmp_path, labels))
    assert search(index, "Kishda").corrected_query == "Kishida"
    assert search(index, "KISHDA").corrected_query == "KISHIDA"
    (tmp_path / "shouted").mkdir()
    shouted_only = WhooshBackend(index_of(tmp_path / "shouted", labels[:5]))
    assert search(shouted_only, "Kishda").corrected_query == "Kishida"


def test_words_are_never_shown_as_stems(index):
    assert search(index, "intimidatin").corrected_query == "intimidating"  # not "intimid"


def test_tolerance_grows_with_word_length():
    assert [tolerance(w) for w in ("port", "ports", "semicondu", "semiconductor")] == [0, 1, 2, 2]


def test_short_words_are_not_corrected_and_far_words_not_at_all(index):
    assert search(index, "shipz").corrected_query == "ships"  # 5 letters: one typo
    assert search(index, "shpz").corrected_query == ""  # 4 letters: none
    assert search(index, "smeiconductrs").corrected_query == "semiconductors"  # 13 letters: two (a swap is one)
    assert search(index, "xemiconducxxrs").corrected_query == ""  # first letter kept, three typos


def test_known_words_are_left_alone(index):
    result = search(index, "semiconductors")
    assert result.corrected_query == "" and result.suggestion == ""


def test_correct_off_searches_as_typed_and_suggests(index):
    result = search(index, "semicondctors", correct="off")
    assert result.total == 0 and result.corrected_query == ""
    assert result.suggestion == "semiconductors" and result.suggestion_total == 2


@pytest.mark.parametrize(
    "q",
    [
        "semi-conductors",
        "U.S.-Malysia",
        "co-operaton",
        "semi-conductors U.S.-Malysia",
        "a-b-c-d",
        "--",
        "x-",
        "-semicondctors",
        '"semi-conductors"',
        "title:semicondctors",
        "semicondctors*",
        "sector:defense semicondctors",
        "(semicondctors OR chips)",
    ],
)
def test_odd_words_never_break_a_search(index, q):
    try:
        result = search(index, q)
    except QueryError as error:  # nothing to search for: a clear message, not a crash
        assert "nothing to search for" in str(error)
    else:
        assert result.total >= 0


def test_hyphenated_words_are_read_as_one_when_their_parts_are_not_known(index):
    assert search(index, "semi-conductors").corrected_query == "semiconductors"
    assert search(index, "co-operaton").corrected_query == "cooperation"
    assert search(index, "U.S.-Malysia").corrected_query == "U.S.-Malaysia"


def test_the_page_says_showing_results_for_and_links_the_typed_query(index_dir):
    client = create_app({"INDEX_DIR": str(index_dir), "TESTING": True}).test_client()
    html = client.get("/?q=semicondctors").get_data(as_text=True)
    found = re.search(
        r'Showing results for <a href="[^"]+"><strong>semiconductors</strong></a>; '
        r'search instead for <a href="([^"]+)"[^>]*>semicondctors</a>',
        html,
    )
    assert found
    instead = client.get(unescape(found.group(1))).get_data(as_text=True)
    assert "No paragraph matches" in instead and "Did you mean" in instead
    body = client.get("/api/search?q=semicondctors").get_json()
    assert body["corrected_query"] == "semiconductors" and body["query"] == "semicondctors" and body["total"] == 2


def test_the_cli_says_showing_results_for(index_dir):
    out = CliRunner().invoke(main, ["search", "Jaishnkar", "--index", str(index_dir)]).output
    assert "Showing results for: Jaishankar" in out
    out = CliRunner().invoke(main, ["search", "Jaishnkar", "--index", str(index_dir), "--no-correct", "--json"])
    assert json.loads(out.output)["suggestion"] == "Jaishankar"
