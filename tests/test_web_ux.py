"""The search page's UX: timeline, facets (more, search boxes, dates), did-you-mean, article marks, a11y."""

from __future__ import annotations

import json
import re
from html import unescape
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest

from web import create_app

from conftest import SEED_FILE, reindex

SEED_ID = "000_c346cf18d6c898db"
COUNTRIES = [
    "Malaysia",
    "France",
    "Germany",
    "Japan",
    "India",
    "Brazil",
    "Kenya",
    "Canada",
    "Mexico",
    "Egypt",
    "Chile",
    "Peru",
    "Norway",
    "Ghana",
    "Vietnam",
]


def _articles() -> list[dict]:
    """Fifteen small articles over two years, each about a different country."""
    articles = []
    for i, country in enumerate(COUNTRIES):
        year, month = (2023, i + 1) if i < 12 else (2024, i - 11)
        articles.append(
            {
                "id": f"ux-{i:02d}",
                "title": f"Talks with {country}",
                "date": f"{year}-{month:02d}-15",
                "source": "Test Wire",
                "url": f"https://example.org/{i}",
                "text": f"Officials of {country} discussed trade and energy cooperation.\n\n"
                f"They also agreed on a defence dialogue with {country} in {year}.",
            }
        )
    return articles


@pytest.fixture(scope="module")
def ux(tmp_path_factory):
    folder = tmp_path_factory.mktemp("ux-index")
    source = folder / "articles.jsonl"
    source.write_text("".join(json.dumps(a) + "\n" for a in _articles()), encoding="utf-8")
    reindex([source, SEED_FILE], folder / "ix", progress=False)
    return create_app({"INDEX_DIR": str(folder / "ix"), "TESTING": True}).test_client()


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def hrefs(html: str, pattern: str) -> list[str]:
    return [unescape(h) for h in re.findall(pattern, html)]


def params(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def total_of(client, url: str) -> int:
    return client.get("/api/search?" + urlsplit(url).query).get_json()["total"]


# -- timeline -----------------------------------------------------------------------
def test_timeline_is_inline_svg_with_a_labelled_link_per_bar(ux):
    html = page(ux, "/?q=trade")
    svg = re.search(r"<svg class=\"timeline-chart\".*?</svg>", html, re.S).group(0)
    bars = re.findall(
        r'<a href="([^"]+)" aria-label="([^"]+)" class="bar[^"]*" data-start="([^"]+)" '
        r'data-end="([^"]+)">\s*<title>([^<]+)</title>',
        svg,
    )
    data = ux.get("/api/search?q=trade").get_json()["timeline"]
    assert data["unit"] == "month"
    assert len(bars) == sum(1 for b in data["buckets"] if b["count"])  # empty months are not links
    for href, label, start, end, title in bars:
        href = unescape(href)
        assert unescape(label) == unescape(title)
        assert params(href)["from"] == [start] and params(href)["to"] == [end]
        assert params(href)["q"] == ["trade"]
        count = int(unescape(label).split(": ")[1].split()[0])
        assert total_of(ux, href) == count  # following a bar finds exactly its paragraphs
    assert "http" not in svg and "<script" not in svg  # drawn server-side, nothing fetched


def test_selected_bar_is_marked_and_selecting_it_again_clears_the_dates(ux):
    html = page(ux, "/?q=trade&from=2023-03-01&to=2023-03-31")
    selected = re.search(r'<a href="([^"]+)" aria-label="([^"]+)" class="bar selected" data-start="2023-03-01"', html)
    assert selected and "select again for any date" in selected.group(2)
    assert unescape(selected.group(1)) == "/?q=trade"
    assert html.count('class="bar selected"') == 1
    assert 'value="2023-03-01"' in html and 'value="2023-03-31"' in html  # the form shows the range


def test_timeline_ignores_the_date_filter_but_keeps_the_others(ux):
    full = ux.get("/api/search?q=trade").get_json()["timeline"]["buckets"]
    ranged = ux.get("/api/search?q=trade&from=2023-03&to=2023-04").get_json()["timeline"]["buckets"]
    assert [b["count"] for b in full] == [b["count"] for b in ranged]
    assert [b["start"] for b in ranged if b["selected"]] == ["2023-03-01", "2023-04-01"]
    narrowed = ux.get("/api/search?q=trade&country=France").get_json()["timeline"]["buckets"]
    assert sum(b["count"] for b in narrowed) == ux.get("/api/search?q=trade&country=France").get_json()["total"]


# -- facets ---------------------------------------------------------------------------
def country_links(html: str) -> list[str]:
    return re.findall(r'data-facet="country" data-value="([^"]+)"', html)


def test_long_facets_show_ten_then_more_via_the_url(ux):
    html = page(ux, "/?q=trade")
    assert len(country_links(html)) == 10
    more = hrefs(html, r'<a href="([^"]+)">Show more<span class="visually-hidden"> country values')
    assert more == ["/?q=trade&more=country"]
    expanded = page(ux, more[0])
    assert len(country_links(expanded)) >= 15
    assert len(re.findall(r'data-facet="sector" data-value=', expanded)) <= 10  # only that facet grows
    assert 'href="/?q=trade">Show fewer</a>' in expanded
    # choosing a value keeps the facet expanded
    toggle = hrefs(expanded, r'<a href="([^"]+)" data-facet="country" data-value="Vietnam"')[0]
    assert params(toggle) == {"q": ["trade"], "more": ["country"], "country": ["Vietnam"]}


def test_facet_values_are_sorted_by_count_then_name(ux):
    data = ux.get("/api/search?facet_size=100").get_json()["facets"]
    for name in ("sector", "speaker", "country"):
        keys = [(-v["count"], v["label"].casefold()) for v in data[name]]
        assert keys == sorted(keys), name


def test_facet_search_without_javascript_filters_server_side(ux):
    html = page(ux, "/?q=trade")
    form = re.search(r'<form class="facet-search"[^>]*data-facet="country">(.*?)</form>', html, re.S).group(1)
    assert 'name="country_prefix"' in form and '<input type="hidden" name="q" value="trade">' in form
    assert re.search(r'<label for="country_prefix"', form)
    html = page(ux, "/?q=trade&country_prefix=ge")
    assert country_links(html) == ["Germany"]
    assert "Show all country values" in html
    # accents and case do not matter; a selected value stays listed
    html = page(ux, "/?q=trade&country=France&country_prefix=VIET")
    assert set(country_links(html)) == {"France", "Vietnam"}
    assert "No country matches" in page(ux, "/?q=trade&country_prefix=zz")


def test_facet_value_api_counts_within_the_search_or_the_index(ux):
    index_wide = ux.get("/api/facets/country?prefix=mal").get_json()
    assert index_wide["scope"] == "index" and index_wide["values"][0]["value"] == "Malaysia"
    assert index_wide["values"][0]["toggle_url"] == "/?country=Malaysia"
    scoped = ux.get("/api/facets/country?prefix=mal&q=defence&sector=defence").get_json()
    assert scoped["scope"] == "search"
    sidebar = {
        v["value"]: v["count"]
        for v in ux.get("/api/search?q=defence&sector=defence&facet_size=100").get_json()["facets"]["country"]
    }
    assert scoped["values"] and all(v["count"] == sidebar[v["value"]] for v in scoped["values"])
    assert scoped["values"][0]["toggle_url"] == "/?q=defence&sector=defence&country=Malaysia"
    accents = ux.get("/api/facets/country?prefix=turkiye").get_json()["values"]
    assert [v["value"] for v in accents] == ["Türkiye"]
    assert ux.get("/api/facets/country?limit=3").get_json()["values"].__len__() == 3


def test_date_facet_years_then_months_with_toggle_urls(ux):
    html = page(ux, "/?q=trade")
    year = hrefs(html, r'<a href="([^"]+)" data-facet="date" data-value="2023"')[0]
    assert params(year) == {"q": ["trade"], "from": ["2023"], "to": ["2023"]}
    months = page(ux, year)
    assert re.search(r'<li class="selected">\s*<a href="/\?q=trade" data-facet="date" data-value="2023"', months)
    march = hrefs(months, r'<a href="([^"]+)" data-facet="date" data-value="2023-03"')[0]
    assert params(march)["from"] == ["2023-03"] and total_of(ux, march) == 1
    in_march = page(ux, march)
    # the month is selected (selecting it again clears the dates); the year now selects the whole year
    assert re.search(r'<li class="selected">\s*<a href="/\?q=trade" data-facet="date" data-value="2023-03"', in_march)
    assert hrefs(in_march, r'<a href="([^"]+)" data-facet="date" data-value="2023"')[0] == year
    assert re.search(r'href="/\?q=trade">Clear<span class="visually-hidden"> date', in_march)


# -- did you mean ------------------------------------------------------------------------
def test_did_you_mean_is_a_link_with_the_filters_kept(client):
    html = page(client, "/?q=semiconducters&sort=date")
    shown = re.search(
        r'Showing results for <a href="[^"]+"><strong>([^<]+)</strong></a>; '
        r'search instead for <a href="([^"]+)"[^>]*>([^<]+)</a>',
        html,
    )
    assert shown and shown.group(1) == "semiconductors" and shown.group(3) == "semiconducters"
    instead = unescape(shown.group(2))
    assert params(instead) == {"q": ["semiconducters"], "sort": ["date"], "correct": ["off"]}
    html = page(client, instead)
    link = re.search(r'Did you mean <a href="([^"]+)"[^>]*><strong>([^<]+)</strong></a>', html)
    assert link and link.group(2) == "semiconductors"  # the user's own word, not the stem
    assert params(unescape(link.group(1))) == {"q": ["semiconductors"], "sort": ["date"], "correct": ["off"]}
    assert total_of(client, unescape(link.group(1))) > 0


def test_did_you_mean_a_misspelt_speaker(client):
    html = page(client, "/?q=speaker%3A%22Anwar+Ibrahin%22")
    assert re.search(
        r'Showing results for <a href="[^"]+"><strong>speaker:&#34;Anwar Ibrahim&#34;</strong>', html
    ) or re.search(r'Showing results for <a href="[^"]+"><strong>speaker:&quot;Anwar Ibrahim&quot;</strong>', html)
    html = page(client, "/?q=speaker%3A%22Anwar+Ibrahin%22&correct=off")
    link = re.search(r'Did you mean <a href="([^"]+)"', html)
    assert link, "no suggestion for a misspelt speaker"
    target = unescape(link.group(1))
    assert params(target)["q"] == ['speaker:"Anwar Ibrahim"'] and total_of(client, target) > 0


# -- article page --------------------------------------------------------------------------
def test_article_marks_the_hit_and_the_other_matching_paragraphs(client):
    hits = client.get(f"/api/search?q=energy+article%3A{SEED_ID}&per_page=100").get_json()["hits"]
    matching = sorted(h["n"] for h in hits)
    assert len(matching) >= 2
    html = page(client, f"/article/{SEED_ID}?p={matching[0]}&q=energy&sector=energy")
    assert f'id="p{matching[0]}" class="paragraph target match"' in html
    for n in matching[1:]:
        assert f'id="p{n}" class="paragraph match"' in html
    assert re.findall(r'<a href="#p(\d+)"', html) == [str(n) for n in matching]
    section = re.search(rf'id="p{matching[0]}".*?</section>', html, re.S).group(0)
    assert re.search(r"<mark>energy</mark>", section, re.I)
    assert 'href="/?q=energy&amp;sector=energy">← back to the search' in html


def test_article_with_a_query_that_cannot_be_read_still_renders(client):
    html = page(client, f"/article/{SEED_ID}?p=2&q=%22open")
    assert 'class="paragraph target"' in html and "matches" in html


def test_hit_links_carry_the_search_to_the_article(client):
    html = page(client, "/?q=semiconductors&sector=science-technology")
    link = hrefs(html, r'<h2><a href="(/article/[^"]+)"')[0]
    assert link.endswith("#p12")
    assert params(link) == {"p": ["12"], "q": ["semiconductors"], "sector": ["science-technology"]}


# -- help, forms, accessibility ---------------------------------------------------------------
class Audit(HTMLParser):
    """Collects landmarks, form controls and labels of a page."""

    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def audit(html: str) -> list[tuple[str, dict]]:
    parser = Audit()
    parser.feed(html)
    return parser.tags


@pytest.mark.parametrize(
    "url",
    ["/", "/?q=energy&sector=energy", "/?q=%22open", "/help", f"/article/{SEED_ID}?p=3&q=energy", "/article/nope"],
)
def test_pages_have_landmarks_and_every_control_is_labelled(client, url):
    response = client.get(url)
    tags = audit(response.get_data(as_text=True))
    names = [t for t, _ in tags]
    assert "header" in names and "main" in names and names.count("main") == 1
    assert ("html", {"lang": "en"}) in tags
    labels = {a.get("for") for t, a in tags if t == "label"}
    for tag, attrs in tags:
        if tag in ("input", "select", "textarea") and attrs.get("type") not in ("hidden", "submit"):
            assert attrs.get("id") in labels or attrs.get("aria-label"), (url, attrs)
    ids = [a["id"] for _, a in tags if "id" in a]
    assert len(ids) == len(set(ids)), f"duplicate ids on {url}"
    assert all("aria-pressed" not in a for t, a in tags if t == "a")  # not allowed on links


def test_help_is_reachable_from_the_search_box_and_explains_the_features(client):
    html = page(client, "/?q=energy")
    form = re.search(r'<form class="searchbox" role="search".*?</form>', html, re.S).group(0)
    assert 'href="/help"' in form
    help_page = page(client, "/help")
    for needle in (
        "sector:defence",
        "date:[2024-01-01 to 2024-06-30]",
        "timeline",
        "Show more",
        "/export.csv",
        "10,000",
        "/api/openapi.json",
        "Keyboard",
        "semiconducters",
    ):
        assert needle in help_page, needle
    for example in hrefs(help_page, r'<td><a href="(/\?q=[^"]+)"'):
        assert client.get(example).status_code == 200, example


def test_search_box_keeps_the_filters_and_sort_links_keep_the_state(client):
    html = page(client, "/?q=energy&sector=energy&from=2025&more=speaker")
    form = re.search(r'<form class="searchbox".*?</form>', html, re.S).group(0)
    assert '<input type="hidden" name="sector" value="energy">' in form
    assert '<input type="hidden" name="from" value="2025">' in form
    assert 'name="more"' not in form
    newest = hrefs(html, r'<a href="([^"]+)">newest</a>')[0]
    assert params(newest) == {
        "q": ["energy"],
        "sector": ["energy"],
        "from": ["2025"],
        "more": ["speaker"],
        "sort": ["date"],
    }
    assert ">relevance</a>" not in page(client, "/") and "<strong>newest</strong>" in page(client, "/")


def test_javascript_is_local_and_optional(client):
    html = page(client, "/")
    scripts = re.findall(r'<script[^>]*src="([^"]+)"', html)
    assert scripts == ["/static/site.js"]
    with client.get("/static/site.js") as response:
        js = response.get_data(as_text=True)
    assert "/api/facets/" in js and "innerHTML" not in js  # values are inserted as text
    assert "http" not in re.sub(r"//.*", "", js)


def test_facet_links_encoded_once_per_page_equal_value_url():
    """``ValueURLs`` (the state encoded once per page) gives the same link as ``value_url``
    for unselected, selected and date values, with characters that need escaping."""
    from werkzeug.datastructures import MultiDict

    from web.views import ValueURLs, value_url

    states = [
        MultiDict(),
        MultiDict([("q", "energy & trade")]),
        MultiDict(
            [
                ("q", '"joint statement"'),
                ("sector", "energy"),
                ("sector", "defence"),
                ("country", "Türkiye"),
                ("from", "2024"),
                ("to", "2024"),
                ("sort", "date"),
                ("page", "3"),
                ("more", "speaker"),
            ]
        ),
        MultiDict([("speaker", "Recep Tayyip Erdoğan"), ("from", "2023-03"), ("to", "2023-03")]),
    ]
    values = [
        ("sector", "energy", True),
        ("sector", "energy", False),
        ("sector", "space", False),
        ("country", "Türkiye", True),
        ("country", "Côte d'Ivoire", False),
        ("speaker", "Recep Tayyip Erdoğan", True),
        ("speaker", "A & B = C?", False),
        ("date", "2024", True),
        ("date", "2024", False),
        ("date", "2023-03", False),
    ]
    for args in states:
        url = ValueURLs(args)
        for name, value, selected in values:
            selected = selected and (name == "date" or value in args.getlist(name))
            assert url(name, value, selected) == value_url(args, name, value, selected)
