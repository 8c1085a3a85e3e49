"""Injection: links, security headers, CSV formulas and marks inside entities (issue 13, items 5-8)."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from test_fetch import Site, fast

from search.ingest.fetch import fetch
from search.text import http_url
from web import create_app

from conftest import SEED_FILE, reindex

SEED_ID = "000_c346cf18d6c898db"
HOSTILE_URLS = [
    "javascript:alert(document.domain)",
    "JaVaScRiPt:alert(1)",
    "  javascript:alert(1)",
    "java\tscript:alert(1)",
    "java\nscript:alert(1)",
    "\x01javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "file:///etc/passwd",
    "//evil.example/x",
    "/relative/path",
    "https:evil",
    "http://",
]
TEXT = "Energy ministers met in Kuala Lumpur to discuss a new grid interconnection and trade in power."


def unique_text(key: str) -> str:
    """A text no other article shares a word sequence with (identical texts are kept once, as copies)."""
    return " ".join(f"{word}{key}" for word in TEXT.rstrip(".").split()) + "."


def article_html(client, article_id: str) -> str:
    response = client.get(f"/article/{article_id}")
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def links(html: str) -> list[str]:
    return re.findall(r'href="([^"]*)"', html)


def assert_no_script_links(html: str) -> None:
    for href in links(html):
        target = re.sub(r"[\x00-\x20]", "", href.replace("&#9;", "").replace("&#10;", "")).lower()
        assert not target.startswith(("javascript:", "data:", "vbscript:", "file:")), href
    assert "original article" not in html


# -- item 5: only http(s) URLs become links ------------------------------------------
@pytest.mark.parametrize("url", HOSTILE_URLS)
def test_only_http_urls_are_links(url):
    assert http_url(url) == ""


@pytest.mark.parametrize("url", ["https://example.org/a?x=1&y=2", "http://example.org", " HTTPS://Example.org/x "])
def test_http_urls_are_kept(url):
    assert http_url(url) == url.strip()


def test_a_json_lines_url_that_is_not_http_is_dropped_at_ingest(tmp_path, make_articles):
    sources = make_articles(
        [
            {"id": f"a{i}", "title": f"Article {i}", "url": url, "text": unique_text(f"x{i}")}
            for i, url in enumerate(HOSTILE_URLS)
        ]
        + [{"id": "good", "title": "Good", "url": "https://example.org/good", "text": unique_text("good")}]
    )
    reindex([sources], tmp_path / "ix", progress=False)
    client = create_app({"INDEX_DIR": str(tmp_path / "ix")}).test_client()
    for i in range(len(HOSTILE_URLS)):
        assert client.get(f"/api/article/a{i}").get_json()["url"] == ""
        assert_no_script_links(article_html(client, f"a{i}"))
    good = article_html(client, "good")
    assert 'href="https://example.org/good" rel="noopener noreferrer">original article' in good


def page_with(key: str, og_url: str, json_ld_url: str = "") -> str:
    """A news page about grids whose og:url (and JSON-LD url) are given."""
    ld = (
        f'<script type="application/ld+json">{{"@type": "NewsArticle", "url": "{json_ld_url}"}}</script>'
        if json_ld_url
        else ""
    )
    body = "".join(f"<p>Grid {unique_text(f'{key}p{n}')}</p>" for n in range(1, 4))
    return (
        f'<!doctype html><html><head><meta charset="utf-8"><title>Grid talks {key}</title>'
        f'<meta property="og:url" content="{og_url}">{ld}</head>'
        f"<body><article><h1>Grid talks {key}</h1>{body}</article></body></html>"
    )


def test_an_og_url_that_is_not_http_is_dropped_at_ingest(tmp_path):
    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / "hostile.html").write_text(page_with("h", "javascript:alert(document.cookie)"), encoding="utf-8")
    (folder / "data.html").write_text(
        page_with("d", "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="), encoding="utf-8"
    )
    (folder / "fallback.html").write_text(
        page_with("f", "javascript:alert(1)", "https://example.org/real"), encoding="utf-8"
    )
    reindex([folder], tmp_path / "ix", progress=False)
    client = create_app({"INDEX_DIR": str(tmp_path / "ix")}).test_client()
    hits = client.get("/api/search?q=grid&per_page=100").get_json()["hits"]
    urls = {hit["article_id"]: hit["url"] for hit in hits}
    assert len(urls) == 3, urls
    # a hostile og:url does not hide the page's real URL given elsewhere (here its JSON-LD)
    assert sorted(urls.values()) == ["", "", "https://example.org/real"]
    for article_id, url in urls.items():
        html = article_html(client, article_id)
        if url:
            assert 'href="https://example.org/real" rel="noopener noreferrer">original article' in html
        else:
            assert_no_script_links(html)


def test_a_fetched_page_with_a_script_url_links_to_where_it_was_fetched(tmp_path):
    site = Site()
    try:
        site.page("/news/hostile.html", page_with("s", "javascript:alert(document.domain)"))
        report = fetch([site.url("/news/hostile.html")], [], tmp_path / "sources", fast())
        assert [r.outcome for r in report.results] == ["fetched"], report.results
    finally:
        site.close()
    reindex([tmp_path / "sources"], tmp_path / "ix", progress=False)
    client = create_app({"INDEX_DIR": str(tmp_path / "ix")}).test_client()
    hit = client.get("/api/search?q=grid").get_json()["hits"][0]
    assert hit["url"] == site.url("/news/hostile.html")  # the sidecar's URL, not the page's og:url
    html = article_html(client, hit["article_id"])
    assert f'href="{site.url("/news/hostile.html")}" rel="noopener noreferrer">original article' in html
    assert "javascript:" not in html


def test_an_index_that_already_holds_a_script_url_shows_no_link(tmp_path, make_articles, monkeypatch):
    """An index built before URLs were checked at ingest: the page checks again when it renders."""
    import search.ingest.sources as sources_module

    monkeypatch.setattr(sources_module, "http_url", lambda url: url, raising=False)  # ingest as it was
    first = make_articles([{"id": "evil", "title": "Evil", "url": "javascript:alert(1)", "text": TEXT}], "a.jsonl")
    copy = make_articles(
        [{"id": "evil-copy", "title": "Evil copy", "url": "data:text/html,<script>x</script>", "text": TEXT}], "b.jsonl"
    )
    reindex([first, copy], tmp_path / "ix", progress=False)
    client = create_app({"INDEX_DIR": str(tmp_path / "ix")}).test_client()
    assert client.get("/api/article/evil").get_json()["url"] == "javascript:alert(1)"  # stored as it came
    html = article_html(client, "evil")
    assert "Also published as" in html  # the syndicated copy is listed, without its URL as a link
    assert_no_script_links(html)


# -- item 6: security headers on every route ------------------------------------------
@pytest.fixture(scope="module")
def header_app(seed_index_dir):
    app = create_app({"INDEX_DIR": str(seed_index_dir), "TESTING": False})

    @app.get("/api/boom")  # an unexpected error, answered by the 500 handler
    def boom():
        raise RuntimeError("boom")

    @app.get("/boom")
    def page_boom():
        raise RuntimeError("boom")

    return app


EVERY_ROUTE = [
    ("GET", "/", 200),
    ("GET", "/?q=energy", 200),
    ("GET", "/?q=%22open", 400),
    ("GET", "/help", 200),
    ("GET", "/api/search?q=energy", 200),
    ("GET", "/api/search?page=x", 400),
    ("GET", f"/article/{SEED_ID}?q=energy", 200),
    ("GET", "/article/nope", 404),
    ("GET", f"/api/article/{SEED_ID}", 200),
    ("GET", "/api/article/nope", 404),
    ("GET", "/export.csv?q=energy", 200),
    ("GET", "/export.csv?from=x", 400),
    ("GET", "/export.json?q=energy", 200),
    ("GET", "/export.json?from=x", 400),
    ("GET", "/api/facets/speaker", 200),
    ("GET", "/api/facets/colour", 400),
    ("GET", "/api/openapi.json", 200),
    ("GET", "/static/site.js", 200),
    ("GET", "/static/style.css", 200),
    ("GET", "/static/favicon.svg", 200),
    ("GET", "/nowhere", 404),
    ("POST", "/", 405),
    ("POST", "/api/search", 405),
    ("HEAD", "/", 200),
    ("OPTIONS", "/api/search", 200),
    ("GET", "/boom", 500),
    ("GET", "/api/boom", 500),
]


def policy(response) -> dict[str, list[str]]:
    value = response.headers.get("Content-Security-Policy", "")
    return {part.split()[0]: part.split()[1:] for part in value.split(";") if part.strip()}


@pytest.mark.parametrize("method, url, status", EVERY_ROUTE)
def test_every_route_has_the_security_headers(header_app, method, url, status):
    with header_app.test_client().open(url, method=method) as response:
        response.get_data()
    assert response.status_code == status
    assert response.headers.get("X-Content-Type-Options") == "nosniff"
    assert response.headers.get("X-Frame-Options") == "DENY"
    assert response.headers.get("Referrer-Policy") in ("no-referrer", "same-origin", "strict-origin-when-cross-origin")
    directives = policy(response)
    assert directives.get("default-src") == ["'self'"]
    assert directives.get("frame-ancestors") == ["'none'"]
    assert directives.get("object-src") == ["'none'"] and directives.get("base-uri") == ["'none'"]
    everything = " ".join(v for values in directives.values() for v in values)
    assert "unsafe-inline" not in everything and "unsafe-eval" not in everything and "*" not in everything


def test_the_missing_index_answer_has_the_security_headers(tmp_path):
    client = create_app({"INDEX_DIR": str(tmp_path / "none")}).test_client()
    for url in ("/", "/api/search?q=x", "/export.csv"):
        response = client.get(url)
        assert response.status_code == 503 and "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/?q=energy",
        "/?q=energy&from=2025&to=2025",
        "/?q=semiconducters",
        "/?q=energy&more=speaker&speaker_prefix=an",
        "/?q=%22open",
        "/help",
        f"/article/{SEED_ID}?p=3&q=energy",
        "/article/nope",
    ],
)
def test_pages_need_nothing_the_policy_forbids(client, url):
    """No inline script, style sheet, style attribute, event handler or javascript: link."""
    html = client.get(url).get_data(as_text=True)
    scripts = re.findall(r"<script\b[^>]*>", html)
    assert scripts and all(re.search(r'\bsrc="/static/', tag) for tag in scripts), scripts
    assert "<style" not in html and not re.search(r"\sstyle\s*=", html)
    assert not re.search(r"<[^>]+\son[a-z]+\s*=", html)
    assert not any(href.lower().startswith(("javascript:", "data:")) for href in links(html))
    assert not re.search(r'\bsrc="(?!/static/)', html)


# -- item 7: CSV cells that could start a formula ---------------------------------------
FORMULAS = {
    "f1": '=HYPERLINK("https://evil.example","x")',
    "f2": "+1+2 energy",
    "f3": "-2+3 energy",
    "f4": "@SUM(1+1) energy",
    "f5": "\tenergy tab",
    "f6": "\renergy cr",
}


@pytest.fixture()
def formula_client(tmp_path, make_articles):
    sources = make_articles(
        [
            {"id": key, "title": value, "source": value, "text": f"{value}\n\n{unique_text(key)}"}
            for key, value in FORMULAS.items()
        ]
        + [{"id": "plain", "title": "Plain", "source": "Plain", "text": unique_text("plain")}]
    )
    reindex([sources], tmp_path / "ix", progress=False, tag=False)
    return create_app({"INDEX_DIR": str(tmp_path / "ix")}).test_client()


def test_csv_cells_that_could_start_a_formula_are_neutralised(formula_client):
    body = formula_client.get("/export.csv?per_page=100").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(body)))
    assert rows
    for row in rows:
        for name, cell in row.items():
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), (name, cell)
    titles = {row["article_id"]: row["title"] for row in rows}
    for key in ("f1", "f2", "f3", "f4"):  # shown as text: the value with a ' in front
        assert titles[key] == "'" + FORMULAS[key]
    assert titles["plain"] == "Plain" and "Plain" in {row["source"] for row in rows}
    assert "'" + FORMULAS["f3"] in {row["text"] for row in rows}


def test_the_json_export_keeps_values_as_they_are(formula_client):
    rows = json.loads(formula_client.get("/export.json").get_data(as_text=True))["rows"]
    titles = {row["article_id"]: row["title"] for row in rows}
    assert titles["f1"] == FORMULAS["f1"] and titles["f3"] == FORMULAS["f3"]


# -- item 8: a mark never splits an entity -----------------------------------------------
@pytest.fixture(scope="module")
def entity_client(tmp_path_factory):
    from conftest import write_jsonl

    folder = tmp_path_factory.mktemp("entities")
    sources = write_jsonl(
        folder / "a.jsonl",
        [
            {
                "id": "ents",
                "title": "AT&T <b>talks</b>",
                "text": "AT&T and R&D met: 'quoted' and \"double\" and <b>bold</b>. "
                "The words amp, lt, gt, quot, 39 and 34 appear too, and energy.",
            }
        ],
    )
    reindex([sources, SEED_FILE], folder / "ix", progress=False)
    return create_app({"INDEX_DIR": str(folder / "ix")}).test_client()


@pytest.mark.parametrize("q", ["amp", "lt", "gt", "quot", "39", "34", "amp OR 39 OR 34 OR lt", "energy"])
def test_marks_never_split_an_entity_on_the_article_page(entity_client, q):
    html = entity_client.get(f"/article/ents?q={q}").get_data(as_text=True)
    body = html.split("<main", 1)[1]
    assert "<mark>" in body, f"nothing marked for {q}"
    assert not re.search(r"&[#\w]*<mark>|&[#\w]*</mark>", body), re.findall(r".{20}<mark>.{20}", body)
    # without its marks, the text is escaped whole
    text = re.sub(r"</?mark>", "", body)
    assert "AT&amp;T" in text and "R&amp;D" in text and "&lt;b&gt;bold&lt;/b&gt;" in text
    assert "&#39;quoted&#39;" in text and "&#34;double&#34;" in text
    assert "<b>bold</b>" not in body


def test_the_marked_words_themselves_are_marked(entity_client):
    body = entity_client.get("/article/ents?q=amp OR 39").get_data(as_text=True).split("<main", 1)[1]
    assert "words <mark>amp</mark>, lt" in body and "<mark>39</mark> and 34" in body
