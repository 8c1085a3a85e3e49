"""Grouping: at most 2 paragraphs of one article per page, "N more from this article", a
switch to turn it off; totals, pages and facet counts stay counts of paragraphs."""

import json
import re
from collections import Counter
from html import unescape

import pytest
from click.testing import CliRunner

from search.backends.whoosh import WhooshBackend
from search.cli import main
from search.query.params import build_request
from web import create_app

from conftest import index_of


def article(article_id: str, paragraphs: int, words: str = "tariff talks", sector: str = "trade-investment"):
    texts = [
        f"Paragraph {n} of {article_id}: the delegations held {words} on goods and services."
        for n in range(1, paragraphs + 1)
    ]
    return {
        "id": article_id,
        "title": f"Article {article_id}",
        "date": "2024-03-01",
        "text": "\n\n".join(texts),
        "paragraph_tags": [{"sectors": [sector]} for _ in texts],
    }


# one long article whose paragraphs would fill the page, and six short ones
ARTICLES = [article("big", 12, "tariff talks tariff talks")] + [article(f"s{i}", 2) for i in range(6)]


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory):
    return index_of(tmp_path_factory.mktemp("grouping"), ARTICLES)


@pytest.fixture(scope="module")
def index(index_dir):
    return WhooshBackend(index_dir)


@pytest.fixture(scope="module")
def client(index_dir):
    return create_app({"INDEX_DIR": str(index_dir), "TESTING": True}).test_client()


def per_article(result):
    return Counter(h.paragraph.article_id for h in result.hits)


def test_a_page_holds_at_most_two_paragraphs_of_one_article(index):
    ungrouped = index.search(build_request("tariff", group="off"))
    assert per_article(ungrouped)["big"] == 10  # the long article alone would fill the page
    result = index.search(build_request("tariff"))
    assert max(per_article(result).values()) == 2 and len(per_article(result)) == 5
    assert result.hits[0].paragraph.article_id == "big"
    assert result.hits[0].more == 10  # its other 10 matching paragraphs, none on this page
    assert all(h.more == 0 for h in result.hits[1:] if h.paragraph.article_id == "big")


def test_totals_pages_and_facet_counts_stay_counts_of_paragraphs(index):
    grouped = index.search(build_request("tariff", facet_size=50))
    plain = index.search(build_request("tariff", group="off", facet_size=50))
    assert grouped.total == plain.total == 24 and grouped.pages == plain.pages == 3
    assert [(f.name, [(v.value, v.count) for v in f.values]) for f in grouped.facets] == [
        (f.name, [(v.value, v.count) for v in f.values]) for f in plain.facets
    ]


def test_every_paragraph_is_on_exactly_one_page(index):
    seen = []
    for page in (1, 2, 3):
        result = index.search(build_request("tariff", page=page))
        assert len(result.hits) == 10 or page == 3
        seen += [(h.paragraph.article_id, h.paragraph.n) for h in result.hits]
    assert len(seen) == len(set(seen)) == 24


def test_a_page_is_filled_from_one_article_only_when_no_other_is_left(index):
    result = index.search(build_request("tariff", page=2))
    counts = per_article(result)
    assert counts["big"] > 2  # pages 2 and 3 hold what is left: the long article's paragraphs
    assert index.search(build_request("", sort="date", per_page=5)).total == 24


def test_the_api_gives_more_in_article_and_the_switch(client):
    body = client.get("/api/search?q=tariff").get_json()
    assert body["grouped"] is True and body["total"] == 24
    assert body["hits"][0]["more_in_article"] == 10
    body = client.get("/api/search?q=tariff&group=off").get_json()
    assert body["grouped"] is False and all(h["more_in_article"] == 0 for h in body["hits"])
    assert client.get("/api/search?q=tariff&group=maybe").status_code == 400


def test_the_page_shows_n_more_from_this_article_and_the_switch(client):
    html = client.get("/?q=tariff").get_data(as_text=True)
    more = re.search(r'<p class="more-in-article"><a href="([^"]+)">10 more from this article</a>', html)
    assert more, "no link to the article's other paragraphs"
    target = unescape(more.group(1))
    assert target.startswith("/article/big?q=tariff&p=")
    article_page = client.get(target.split("#")[0]).get_data(as_text=True)
    assert "12 paragraphs of this article match" in article_page
    switch = re.search(r'<a class="grouping" href="([^"]+)">show every paragraph</a>', html)
    assert switch and "group=off" in unescape(switch.group(1))
    html = client.get(unescape(switch.group(1))).get_data(as_text=True)
    assert "more from this article" not in html
    assert re.search(r'<a class="grouping" href="/\?q=tariff">at most 2 of an article per page</a>', html)
    # the switch is kept by facet links
    assert re.search(r'href="/\?q=tariff&amp;group=off&amp;sector=', html)


def test_the_cli_groups_and_has_a_switch(index_dir):
    runner = CliRunner()
    grouped = runner.invoke(main, ["search", "tariff", "--index", str(index_dir), "--json"])
    assert grouped.exit_code == 0, grouped.output
    assert Counter(h["article_id"] for h in json.loads(grouped.output)["hits"])["big"] == 2
    plain = runner.invoke(main, ["search", "tariff", "--index", str(index_dir), "--no-group", "--json"])
    assert Counter(h["article_id"] for h in json.loads(plain.output)["hits"])["big"] == 10
    text = runner.invoke(main, ["search", "tariff", "--index", str(index_dir)]).output
    assert "10 more from this article" in text


def test_the_openapi_describes_the_switch(client):
    spec = client.get("/api/openapi.json").get_json()
    params = {p["name"]: p for p in spec["paths"]["/api/search"]["get"]["parameters"]}
    assert "at most 2 paragraphs of one article" in params["group"]["description"]
    assert "more_in_article" in spec["components"]["schemas"]["Hit"]["properties"]
