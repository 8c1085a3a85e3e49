"""The site in a real browser: headless Chromium (Debian's) driven by Playwright.

A real ``diplosearch serve`` runs on a free 127.0.0.1 port against an index of
the repository's seeds/ built in a temporary folder. Screenshots of the main
states go to test-artifacts/ (gitignored). Skipped, with the reason, where
Playwright or Chromium is missing.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import urllib.request
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = os.environ.get("DIPLOSEARCH_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

sync_api = pytest.importorskip(
    "playwright.sync_api",
    reason="Playwright for Python is not installed (pip install playwright==1.65.2); browser tests skipped",
)
if not Path(CHROMIUM).exists():
    pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium); browser tests skipped", allow_module_level=True)
expect = sync_api.expect


# -- a real server (the same helpers as the live-server test) ---------------------
from test_live_server import start_server, stop_server  # noqa: E402

from conftest import reindex  # noqa: E402

pytestmark = pytest.mark.slow  # a real browser / server / benchmark: seconds per test


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("browser-index")
    reindex([ROOT / "seeds"], folder / "index", progress=False)
    process, base = start_server(folder / "index", folder / "server.log")
    yield base
    stop_server(process)


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture()
def page(browser, server):
    """A fresh page at desktop size that fails the test on any console error or page error."""
    context = browser.new_context(base_url=server, viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    problems: list[str] = []
    page.on(
        "console",
        lambda msg: (
            problems.append(f"console {msg.type}: {msg.text} ({msg.location})")
            if msg.type in ("error", "warning")
            else None
        ),
    )
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.problems = problems
    yield page
    context.close()
    assert not problems, "browser console:\n" + "\n".join(problems)


def shot(page, name: str, full_page: bool = True) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=full_page)


def api(server: str, path: str) -> dict:
    with urllib.request.urlopen(server + path, timeout=10) as response:
        return json.load(response)


def query_of(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def shown_total(page) -> int:
    return int(page.locator("#result-count").inner_text().split()[0].replace(",", ""))


# -- scenarios ---------------------------------------------------------------------
def test_type_a_query_and_submit(page, server):
    page.goto("/")
    shot(page, "01-home", full_page=False)
    page.get_by_role("searchbox", name="Search paragraphs").fill("semiconductors")
    page.keyboard.press("Enter")
    page.wait_for_url("**/?q=semiconductors*")
    expected = api(server, "/api/search?q=semiconductors")["total"]
    assert expected > 0 and shown_total(page) == expected
    expect(page.locator(".hit mark").first).to_be_visible()
    expect(page.locator("figure.timeline svg a.bar").first).to_be_attached()
    expect(page.get_by_role("link", name="CSV")).to_be_visible()
    shot(page, "02-results-semiconductors")


def test_did_you_mean_is_a_working_link(page, server):
    page.goto("/?q=semiconducters")
    correction = page.locator(".correction")
    expect(correction).to_contain_text("Showing results for semiconductors; search instead for semiconducters")
    assert shown_total(page) > 0
    shot(page, "03-showing-results-for", full_page=False)
    correction.get_by_role("link", name="semiconducters").click()
    page.wait_for_url("**/?q=semiconducters&correct=off")
    suggestion = page.locator(".suggestion a")
    expect(suggestion).to_be_visible()
    suggestion.click()
    page.wait_for_url("**/?q=semiconductors*")
    assert shown_total(page) > 0


def test_grouped_results_link_to_the_article_s_other_paragraphs(page, server):
    page.goto("/?q=energy")
    hits = page.locator("li.hit")
    articles = [hits.nth(i).locator("h2 a").get_attribute("href").split("?")[0] for i in range(hits.count())]
    assert max(articles.count(a) for a in articles) <= 2
    more = page.locator(".more-in-article a").first
    expect(more).to_contain_text("more from this article")
    shot(page, "03b-grouped", full_page=False)
    more.click()
    page.wait_for_url("**/article/**")
    expect(page.locator("nav.matches")).to_contain_text("paragraphs of this article match")
    page.goto("/?q=energy")
    page.get_by_role("link", name="show every paragraph").click()
    page.wait_for_url("**group=off*")
    expect(page.locator(".more-in-article")).to_have_count(0)


def test_toggle_two_sectors_updates_results_and_counts(page, server):
    page.goto("/?q=energy")
    sectors = page.locator('.facet-sector a[data-facet="sector"]')
    first, second = sectors.nth(0).get_attribute("data-value"), sectors.nth(1).get_attribute("data-value")
    page.locator(f'.facet-sector a[data-value="{first}"]').click()
    page.wait_for_url(f"**sector={first}*")
    page.locator(f'.facet-sector a[data-value="{second}"]').click()
    page.wait_for_url(f"**sector={second}*")
    assert query_of(page.url)["sector"] == [first, second]
    data = api(server, f"/api/search?q=energy&sector={first}&sector={second}")
    assert shown_total(page) == data["total"] > 0
    counts = {v["value"]: v["count"] for v in data["facets"]["sector"]}
    for value in (first, second):
        item = page.locator(f'.facet-sector li:has(a[data-value="{value}"])')
        expect(item).to_have_class("selected")
        assert int(item.locator(".count").inner_text()) == counts[value]
    assert counts[first] + counts[second] >= data["total"]  # any of the two (disjunctive)
    expect(page.locator(".active-filters")).to_contain_text("sector:")
    shot(page, "04-two-sectors")


def test_timeline_bar_filters_by_its_dates(page, server):
    page.goto("/?q=energy")
    bars = page.locator("svg.timeline-chart a.bar")
    assert bars.count() > 3
    best = max(
        range(bars.count()), key=lambda i: int(bars.nth(i).get_attribute("aria-label").split(": ")[1].split()[0])
    )
    bar = bars.nth(best)
    start, end = bar.get_attribute("data-start"), bar.get_attribute("data-end")
    label = bar.get_attribute("aria-label")
    assert bar.locator("title").text_content() == label
    bar.focus()
    expect(page.locator(".timeline-readout")).to_have_text(label)  # the focused bar's label is shown
    bar.click()
    page.wait_for_url(f"**from={start}*")
    assert query_of(page.url)["to"] == [end]
    expect(page.locator("#from")).to_have_value(start)
    expect(page.locator("#to")).to_have_value(end)
    assert shown_total(page) == int(label.split(": ")[1].split()[0])
    expect(page.locator(f'svg.timeline-chart a.bar.selected[data-start="{start}"]')).to_have_count(1)
    for text in page.locator(".hit .meta").all_inner_texts():
        assert start <= text[:10] <= end
    shot(page, "05-timeline-bar-selected")
    # the date form changes the range; the results follow
    page.fill("#from", start[:4] + "-01-01")
    page.fill("#to", start[:4] + "-12-31")
    page.get_by_role("button", name="Apply dates").click()
    page.wait_for_url(f"**to={start[:4]}-12-31*")
    assert shown_total(page) == api(server, f"/api/search?q=energy&from={start[:4]}&to={start[:4]}")["total"]


def test_open_a_hit_and_land_on_its_paragraph(page, server):
    page.goto("/?q=semiconductors&sort=date")
    link = page.locator(".hit h2 a").nth(2)
    href = link.get_attribute("href")
    fragment = href.split("#")[1]
    link.click()
    page.wait_for_url(f"**#{fragment}")
    target = page.locator(f"#{fragment}")
    expect(target).to_be_in_viewport()
    expect(target).to_have_class("paragraph target match")
    expect(target.locator("mark").first).to_be_visible()
    expect(page.get_by_role("navigation", name="Paragraphs matching the query")).to_be_visible()
    shot(page, "06-article-paragraph", full_page=False)
    page.get_by_role("link", name="← back to the search").click()
    page.wait_for_url("**/?q=semiconductors&sort=date")


def test_download_the_csv(page, server):
    page.goto("/?q=semiconductors&sector=science-technology")
    with page.expect_download() as info:
        page.get_by_role("link", name="CSV").click()
    download = info.value
    assert download.suggested_filename.startswith("diplosearch-semiconductors-")
    assert download.suggested_filename.endswith(".csv")
    rows = list(csv.DictReader(io.StringIO(Path(download.path()).read_text(encoding="utf-8"))))
    data = api(
        server, "/api/search?q=semiconductors&sector=science-technology&per_page=100&group=off"
    )  # exports are not grouped
    assert len(rows) == data["total"] > 0
    assert list(rows[0]) == [
        "article_id",
        "n",
        "title",
        "date",
        "source",
        "url",
        "text",
        "sectors",
        "speakers",
        "countries",
    ]
    assert [(r["article_id"], int(r["n"])) for r in rows] == [(h["article_id"], h["n"]) for h in data["hits"]]
    assert all("science-technology" in r["sectors"].split("; ") for r in rows)


def test_keyboard_alone_reaches_the_search_box_and_facet_links(page, server):
    page.goto("/")

    def tab_until(predicate: str, most: int) -> int:
        for presses in range(1, most + 1):
            page.keyboard.press("Tab")
            if page.evaluate(predicate):
                return presses
        raise AssertionError(f"{predicate} not reached in {most} Tab presses")

    tab_until("document.activeElement.classList.contains('skip')", 2)
    tab_until("document.activeElement.id === 'q'", 4)
    page.keyboard.type("trade")
    page.keyboard.press("Enter")
    page.wait_for_url("**/?q=trade*")
    tab_until("document.activeElement.matches('.facets a[data-facet=sector]')", 40)
    value = page.evaluate("document.activeElement.dataset.value")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"  # a visible focus ring
    shot(page, "07-keyboard-focus-facet", full_page=False)
    page.keyboard.press("Enter")
    page.wait_for_url(f"**sector={value}*")
    # the timeline bars are reachable and usable by keyboard too
    tab_until("document.activeElement.matches('svg.timeline-chart a.bar')", 120)
    start = page.evaluate("document.activeElement.dataset.start")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**from={start}*")


def test_facet_search_box_filters_speakers(page, server):
    page.goto("/")
    box = page.get_by_role("searchbox", name="Find a speaker")
    expect(box).to_be_visible()
    box.fill("bid")
    page.wait_for_selector('.facet-speaker ul.facet-values[data-filtered="bid"]')
    items = page.locator(".facet-speaker ul.facet-values li")
    expect(items.first).to_contain_text("Biden")
    for label in items.locator(".label").all_inner_texts():
        assert "bid" in label.lower()
    shot(page, "08-facet-search", full_page=False)
    href = items.first.locator("a").get_attribute("href")
    items.first.locator("a").click()
    page.wait_for_url("**speaker=*")
    assert query_of(page.url)["speaker"] == query_of(href)["speaker"]


def test_without_javascript_facets_still_search_and_expand(browser, server):
    context = browser.new_context(base_url=server, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto("/")
        page.get_by_role("searchbox", name="Find a speaker").fill("bid")
        page.get_by_role("button", name="Find").first.click()
        page.wait_for_url("**speaker_prefix=bid*")
        labels = page.locator(".facet-speaker .label").all_inner_texts()
        assert labels and all("bid" in label.lower() for label in labels)
        page.goto("/")
        before = page.locator(".facet-country li").count()
        page.get_by_role("link", name="Show more country values").click()
        page.wait_for_url("**more=country*")
        assert page.locator(".facet-country li").count() > before
    finally:
        context.close()


def test_phone_width_layout(browser, server):
    context = browser.new_context(
        base_url=server, viewport={"width": 375, "height": 740}, device_scale_factor=2, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    try:
        for path, name in (
            ("/?q=energy", "09-phone-results"),
            ("/article/000_c346cf18d6c898db?p=12&q=semiconductors#p12", "10-phone-article"),
            ("/help", "11-phone-help"),
        ):
            page.goto(path)
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 375, f"{path} scrolls sideways at 375px ({width}px wide)"
            expect(page.locator("#q")).to_be_visible()
            shot(page, name, full_page=False)
        page.goto("/?q=energy")
        box = page.locator("#q").bounding_box()
        assert box["width"] >= 150
        page.get_by_role("link", name="Filters", exact=True).click()
        expect(page.locator("#filters")).to_be_in_viewport()
        assert not errors, errors
    finally:
        context.close()


def test_no_console_errors_on_the_main_pages(page, server):
    for path in (
        "/",
        "/?q=semiconducters",
        "/?q=energy&more=speaker",
        "/help",
        "/article/000_c346cf18d6c898db?p=3&q=energy#p3",
        "/?q=energy&from=2022&to=2022",
        "/?q=energy&from=2022-03&to=2022-03",
    ):
        page.goto(path)
        page.wait_for_load_state("load")
    assert not page.problems
    page.goto("/?q=trade&from=2022&to=2022")
    shot(page, "12-year-selected")


# -- the Content-Security-Policy in a real browser ------------------------------------------
CSP_WATCH = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__csp.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + (e.sample || ''));
});
"""


def test_the_pages_work_under_the_content_security_policy(page, server):
    """Every main page, the facet search box (fetch) and the timeline, with no CSP violation."""
    page.add_init_script(CSP_WATCH)
    for path in (
        "/",
        "/?q=energy",
        "/?q=semiconducters",
        "/?q=energy&more=speaker",
        "/help",
        "/article/000_c346cf18d6c898db?p=3&q=energy#p3",
        "/?q=%22open",
        "/article/nope",
    ):
        response = page.goto(path)
        policy = response.headers.get("content-security-policy", "")
        assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy, path
        assert (
            response.headers.get("x-frame-options") == "DENY"
            and response.headers.get("x-content-type-options") == "nosniff"
        )
        page.wait_for_load_state("load")
        assert page.evaluate("window.__csp") == [], (path, page.evaluate("window.__csp"))
    # the two error pages are logged as failed loads (400, 404), as they should be; nothing else
    page.problems[:] = [
        p for p in page.problems if not ("Failed to load resource" in p and ("%22open" in p or "/article/nope" in p))
    ]
    page.goto("/?q=energy")
    expect(
        page.locator("svg.ticks text").first
    ).to_be_visible()  # the timeline's labels, drawn without style attributes
    page.get_by_role("searchbox", name="Find a speaker").fill("bid")  # site.js fetches /api/facets
    page.wait_for_selector('.facet-speaker ul.facet-values[data-filtered="bid"]')
    assert page.evaluate("window.__csp") == []
    assert not page.problems


def test_the_policy_blocks_injected_script(browser, server):
    """Were markup ever injected, its inline script, handler and javascript: link would not run."""
    context = browser.new_context(base_url=server)
    page = context.new_page()
    try:
        page.add_init_script(CSP_WATCH)
        page.goto("/?q=energy")
        page.evaluate("""() => {
            const s = document.createElement('script'); s.textContent = 'window.__ran = (window.__ran || 0) + 1';
            document.body.appendChild(s);
            const img = document.createElement('div');
            img.innerHTML = '<img src="/static/favicon.svg" onload="window.__ran = (window.__ran || 0) + 1">';
            document.body.appendChild(img);
            const a = document.createElement('a'); a.id = 'evil'; a.textContent = 'evil';
            a.setAttribute('href', 'javascript:window.__ran = (window.__ran || 0) + 1');
            document.body.appendChild(a);
        }""")
        page.locator("#evil").click()
        page.wait_for_timeout(300)
        assert page.evaluate("window.__ran || 0") == 0
        violations = page.evaluate("window.__csp")
        assert any(v.startswith("script-src") for v in violations), violations
    finally:
        context.close()


def test_a_script_url_from_a_source_is_never_the_original_article_link(browser, tmp_path):
    """A javascript: or data: URL given by a source shows no link, in an index built now or before
    ingest checked URLs (its stored URL is checked again when the page is drawn)."""
    from unittest import mock

    import search.ingest.sources as sources_module

    from conftest import write_jsonl

    text = "Energy ministers met to discuss a grid interconnection and trade in power, officials said."
    articles = [
        {"id": "js", "title": "Grid talks", "url": "javascript:document.title='pwned'", "text": text},
        {
            "id": "data",
            "title": "Power talks",
            "url": "data:text/html,<script>alert(1)</script>",
            "text": "Trade ministers agreed on tariffs and customs cooperation at the border, both sides said.",
        },
    ]
    sources = write_jsonl(tmp_path / "hostile.jsonl", articles)
    for built_before_the_fix in (False, True):
        index = tmp_path / f"index-{built_before_the_fix}"
        with mock.patch.object(
            sources_module,
            "http_url",
            (lambda url: url) if built_before_the_fix else getattr(sources_module, "http_url", lambda url: url),
            create=True,
        ):
            reindex([sources], index, progress=False)
        process, base = start_server(index, tmp_path / f"server-{built_before_the_fix}.log")
        context = browser.new_context(base_url=base)
        page = context.new_page()
        try:
            for article_id in ("js", "data"):
                page.goto(f"/article/{article_id}")
                expect(page.locator("h1")).to_be_visible()
                expect(page.get_by_role("link", name="original article")).to_have_count(0)
                hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
                assert not [h for h in hrefs if not h.startswith(base) and not h.startswith("http")], hrefs
                assert page.title() != "pwned"
        finally:
            context.close()
            stop_server(process)
