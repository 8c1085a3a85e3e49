"""Filters in the forms users type: sector ids and labels in either spelling, country aliases
through the country tagger's data, speaker surnames and unaccented names; a value matching
nothing says so, with the closest values, on the page, in the API and on the command line."""

import json
import re
from html import unescape

import pytest
from click.testing import CliRunner

from search.backends.whoosh import WhooshBackend
from search.cli import main
from search.facets import FACETS
from search.query.filters import resolve
from search.query.params import build_request
from web import create_app

from conftest import index_of

ARTICLES = [
    {
        "id": "tr",
        "title": "Ankara",
        "date": "2024-06-01",
        "text": "Defence ministers of the two countries met in Ankara.\n\nThey also discussed trade.",
        "paragraph_tags": [
            {"sectors": ["defence"], "speakers": ["Recep Tayyip Erdoğan"], "countries": ["Türkiye"]},
            {"sectors": ["trade-investment"], "speakers": ["Erdoğan"], "countries": ["Türkiye"]},
        ],
    },
    {
        "id": "fr",
        "title": "Paris",
        "date": "2024-06-02",
        "text": "France and India agreed on a defence roadmap.",
        "paragraph_tags": [{"sectors": ["defence"], "speakers": ["Emmanuel Macron"], "countries": ["France", "India"]}],
    },
    {
        "id": "kr",
        "title": "Seoul",
        "date": "2024-06-03",
        "text": "Science and technology cooperation with Korea grew.",
        "paragraph_tags": [
            {"sectors": ["science-technology"], "speakers": ["Yoon Suk Yeol"], "countries": ["South Korea"]}
        ],
    },
]


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory):
    return index_of(tmp_path_factory.mktemp("filters"), ARTICLES)


@pytest.fixture(scope="module")
def index(index_dir):
    return WhooshBackend(index_dir)


@pytest.fixture(scope="module")
def client(index_dir):
    return create_app({"INDEX_DIR": str(index_dir), "TESTING": True}).test_client()


def found(index, **filters):
    result = index.search(
        build_request("", {k: v if isinstance(v, list) else [v] for k, v in filters.items()}, per_page=50)
    )
    return sorted((h.paragraph.article_id, h.paragraph.n) for h in result.hits), result


@pytest.mark.parametrize(
    "typed", ["defence", "defense", "Defense", "Defence & military", "defense and military", "military"]
)
def test_sectors_by_id_or_label_in_either_spelling(index, typed):
    assert found(index, sector=typed)[0] == [("fr", 1), ("tr", 1)]


def test_a_sector_word_of_one_label_only(index):
    assert found(index, sector="science")[0] == [("kr", 1)]


@pytest.mark.parametrize("typed", ["Türkiye", "Turkiye", "Turkey", "turkey", "Republic of Turkey", "Turkish"])
def test_country_aliases_through_the_tagger_data(index, typed):
    keys, result = found(index, country=typed)
    assert keys == [("tr", 1), ("tr", 2)]
    if typed != "Türkiye":
        assert [n.matched for n in result.filter_notes] == [["Türkiye"]]


def test_the_facet_shows_the_value_read_selected_and_its_link_removes_the_typed_one(client):
    html = client.get("/?country=Turkey").get_data(as_text=True)
    item = re.search(r'<li class="selected">\s*<a href="([^"]+)" data-facet="country" data-value="Türkiye"', html)
    assert item and unescape(item.group(1)) == "/"
    assert re.search(r"Country <q>Turkey</q> read as <strong>Türkiye</strong>", html)


@pytest.mark.parametrize("typed", ["Erdogan", "erdogan", "Recep Tayyip Erdogan", "Tayyip Erdoğan"])
def test_speakers_by_surname_or_without_accents(index, typed):
    assert found(index, speaker=typed)[0] == [("tr", 1), ("tr", 2)]


def test_query_syntax_filters_read_the_same_forms(index):
    result = index.search(build_request("defence country:Turkey"))
    assert {h.paragraph.article_id for h in result.hits} == {"tr"}
    result = index.search(build_request("sector:defense"))
    assert {h.paragraph.article_id for h in result.hits} == {"tr", "fr"}


def test_exact_values_get_no_note(index):
    assert found(index, country="France")[1].filter_notes == []


def test_a_value_matching_nothing_gets_a_message_with_the_closest_values(index, client, index_dir):
    keys, result = found(index, country="Frnace")
    assert keys == [] and result.total == 0
    note = result.filter_notes[0]
    assert note.matched == [] and note.closest[0] == "France"
    assert "no country 'Frnace'" in note.message and "France" in note.message
    body = client.get("/api/search?country=Frnace&sector=defense").get_json()
    by_facet = {n["facet"]: n for n in body["filter_notes"]}
    assert by_facet["country"]["matched"] == [] and by_facet["country"]["closest"][0] == "France"
    assert by_facet["sector"]["matched"] == ["defence"]
    html = client.get("/?q=defence&country=Frnace").get_data(as_text=True)
    closest = re.search(
        r"No country <q>Frnace</q> in the index, so nothing matches this filter\. "
        r'Closest: <a href="([^"]+)">France</a>',
        html,
    )
    assert closest and unescape(closest.group(1)) == "/?q=defence&country=France"
    out = CliRunner().invoke(main, ["search", "", "--country", "Frnace", "--index", str(index_dir)])
    assert "No country 'Frnace' in the index" in out.stderr and "'France'" in out.stderr
    out = CliRunner().invoke(main, ["search", "", "--speaker", "Macronn", "--index", str(index_dir), "--json"])
    assert json.loads(out.output)["filter_notes"][0]["closest"] == ["Emmanuel Macron"]


def test_the_registry_names_each_facet_s_reading_of_typed_values():
    sector, country = FACETS.get("sector"), FACETS.get("country")
    values = {"defence": "Defence & military", "energy": "Energy & critical minerals"}
    assert resolve(sector, "Defense", values).matched == ["defence"]
    assert resolve(country, "Turkiye", {"Türkiye": "Türkiye"}).matched == ["Türkiye"]
    assert resolve(country, "Atlantis", {"Türkiye": "Türkiye"}).matched == []
