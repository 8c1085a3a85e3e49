"""HTML article extraction: body, metadata, encodings (search.ingest.html.read_html)."""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from pathlib import Path

import pytest

from search.errors import SourceError
from search.ingest import html as html_module
from search.ingest.encoding import decode_html, repair_mojibake
from search.ingest.html import dateline_of, read_html
from search.ingest.html_meta import parse_date, strip_site_suffix

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "html"
MOJIBAKE = re.compile("â€|Ã[\u0080-\u00bf]|Â[\u00a0-\u00bf]|\ufffd")

BODY = [
    "KUALA LUMPUR (Bernama) — Malaysia and Türkiye signed seven memoranda of understanding on "
    "Monday covering trade, defence and higher education, the two prime ministers said.",
    "The agreements were exchanged after a bilateral meeting at the prime minister’s office, where "
    "both leaders also discussed the situation in Gaza and closer cooperation within the OIC.",
    "Officials said the two countries aim to raise bilateral trade to ten billion dollars a year "
    "within the next five years, up from about five billion dollars today.",
    "The visit is the first by a Turkish president to Malaysia in more than a decade, and further "
    "talks on a free trade agreement upgrade are expected early next year.",
]


def page(body_html: str, head: str = "", charset: str = "utf-8") -> str:
    return f'<!DOCTYPE html><html><head><meta charset="{charset}">{head}</head><body>{body_html}</body></html>'


def article_page(extra_inside: str = "", extra_outside: str = "", head: str = "") -> str:
    paragraphs = "".join(f"<p>{text}</p>" for text in BODY)
    return page(
        "<header><nav><a href='/'>Home</a> <a href='/world'>World</a> <a href='/asia'>Asia</a></nav></header>"
        "<main><article><h1>Malaysia and Türkiye sign seven agreements</h1>"
        "<div class='byline'>By Jane Reporter</div>"
        f"<div class='article-body'>{paragraphs}{extra_inside}</div></article></main>"
        f"{extra_outside}<footer><p>© 2024 Example News. All rights reserved.</p></footer>",
        head=head,
    )


def words(text: str) -> list[str]:
    return re.findall(r"\w+", unicodedata.normalize("NFKC", text).casefold())


# ------------------------------------------------------------------ body


def test_plain_article_body_is_its_paragraphs():
    article = read_html(article_page().encode("utf-8"), "/tmp/pages/my-page.html")
    assert article.id == "my-page"
    assert article.path == "/tmp/pages/my-page.html"
    assert article.paragraphs == BODY
    assert article.dateline == "KUALA LUMPUR"


def test_trafilatura_is_installed_and_answers():
    """It is a pinned dependency: a broken install must fail here, not fall back silently."""
    import trafilatura  # noqa: F401  (raises when a dependency such as lxml_html_clean is missing)

    assert html_module.trafilatura_blocks(article_page()) is not None


@pytest.mark.parametrize("use_trafilatura", [True, False], ids=["trafilatura", "soup"])
def test_boilerplate_is_dropped(monkeypatch, use_trafilatura):
    if not use_trafilatura:
        monkeypatch.setattr(html_module, "trafilatura_blocks", lambda text: None)
    inside = (
        "<figure><img src='a.jpg'><figcaption>Prime Minister Anwar greets the visiting president "
        "at Perdana Putra on Monday.</figcaption></figure>"
        "<div class='share-bar'><a href='#'>Share on Facebook</a> <a href='#'>Tweet</a> <a href='#'>Email</a></div>"
        "<p>Also read: <a href='/x'>Anwar to visit Ankara next month for trade talks with Erdogan</a></p>"
        "<div class='newsletter-signup'><p>Sign up for our daily newsletter to get the top stories "
        "in your inbox every morning.</p><form><input type='email'><button>Subscribe</button></form></div>"
        "<p>Additional reporting by John Smith; Editing by Mary Jones</p>"
    )
    outside = (
        "<aside class='related-articles'><h3>Related stories</h3><ul>"
        "<li><a href='/1'>Singapore and Malaysia agree on high-speed rail revival</a></li>"
        "<li><a href='/2'>ASEAN foreign ministers meet in Laos over the Myanmar crisis</a></li></ul></aside>"
        "<section id='comments'><h3>Leave a comment</h3><form><textarea></textarea>"
        "<button>Post comment</button></form><p>3 comments</p></section>"
    )
    article = read_html(article_page(inside, outside).encode("utf-8"), "p.html")
    text = "\n".join(article.paragraphs)
    assert article.paragraphs == BODY
    for junk in (
        "Home",
        "Share on Facebook",
        "Also read",
        "newsletter",
        "Editing by",
        "Related stories",
        "high-speed rail",
        "Leave a comment",
        "greets the visiting",
        "All rights reserved",
        "By Jane Reporter",
        "sign seven agreements",
    ):
        assert junk not in text


def test_headings_and_list_items_inside_the_body_are_paragraphs():
    inside = (
        "<h2>What was signed</h2><ul><li>An agreement on defence industry cooperation between the two "
        "governments.</li><li>A memorandum on higher education and student exchanges.</li></ul>"
        "<p>Both sides said further agreements on halal certification were being prepared.</p>"
    )
    article = read_html(article_page(inside).encode("utf-8"), "p.html")
    assert "What was signed" in article.paragraphs
    assert "A memorandum on higher education and student exchanges." in article.paragraphs
    assert article.paragraphs[-1].startswith("Both sides said")


def test_dateline_line_is_metadata_not_a_paragraph():
    inside_top = "<div class='date'>November 20, 2019 - 11:28 AMT</div>"
    html_text = article_page().replace("<div class='article-body'>", "<div class='article-body'>" + inside_top)
    article = read_html(html_text.encode("utf-8"), "p.html")
    assert article.paragraphs == BODY
    assert article.date == "2019-11-20"


def test_empty_and_textless_pages_raise_source_error():
    with pytest.raises(SourceError):
        read_html(b"", "empty.html")
    with pytest.raises(SourceError):
        read_html(b"   \n ", "blank.html")
    with pytest.raises(SourceError):
        read_html(page("<nav><a href='/'>Home</a></nav>").encode(), "nav-only.html")
    with pytest.raises(SourceError):
        read_html(page("").encode(), "no-body.html")


# ------------------------------------------------------------------ metadata


def test_metadata_from_json_ld():
    ld = {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "WebSite", "name": "Example News"},
            {
                "@type": "NewsArticle",
                "headline": "Malaysia and Türkiye sign seven agreements",
                "datePublished": "2024-02-12T23:30:00+08:00",
                "url": "https://example.my/news/1",
                "publisher": {"@type": "NewsMediaOrganization", "name": "Example News Malaysia"},
            },
        ],
    }
    head = f"<title>Something else | Example News</title><script type='application/ld+json'>{json.dumps(ld)}</script>"
    article = read_html(article_page(head=head).encode("utf-8"), "p.html")
    assert article.title == "Malaysia and Türkiye sign seven agreements"
    assert article.date == "2024-02-12"  # the publisher's own calendar date, not shifted to UTC
    assert article.source == "Example News Malaysia"
    assert article.url == "https://example.my/news/1"


def test_metadata_from_open_graph_and_meta_tags():
    head = (
        "<title>Anwar hosts Erdogan - The Daily Example</title>"
        "<meta property='og:title' content='Anwar hosts Erdogan | The Daily Example'>"
        "<meta property='og:site_name' content='The Daily Example'>"
        "<meta property='og:url' content='https://daily.example/anwar-hosts-erdogan'>"
        "<meta property='article:published_time' content='2024-02-13T09:00:00Z'>"
        "<link rel='canonical' href='https://daily.example/2024/02/13/anwar-hosts-erdogan'>"
    )
    article = read_html(article_page(head=head).encode("utf-8"), "p.html")
    assert article.title == "Anwar hosts Erdogan"
    assert article.date == "2024-02-13"
    assert article.source == "The Daily Example"
    assert article.url == "https://daily.example/2024/02/13/anwar-hosts-erdogan"


def test_metadata_from_title_time_and_url():
    head = (
        "<title>Ministers meet in Colombo — Lanka Example</title><meta name='application-name' content='Lanka Example'>"
    )
    html_text = article_page(head=head).replace(
        "<div class='byline'>", "<time datetime='2024-10-03T10:00:00+05:30'>3 October 2024</time><div class='byline'>"
    )
    article = read_html(html_text.encode("utf-8"), "p.html")
    assert article.title == "Ministers meet in Colombo"
    assert article.date == "2024-10-03"
    head = "<link rel='canonical' href='https://lk.example/news/2024/10/05/ministers-meet'>"
    article = read_html(article_page(head=head).encode("utf-8"), "p.html")
    assert article.date == "2024-10-05"
    assert article.title == "Malaysia and Türkiye sign seven agreements"  # from <h1>


@pytest.mark.parametrize(
    "text,expected",
    [
        ("2019-11-20T11:06:01+05:30", "2019-11-20"),
        ("20 Nov 2019 08:02 GMT", "2019-11-20"),
        ("November 20, 2019 - 11:28 AMT", "2019-11-20"),
        ("Wed Nov 20 2019 09:28:00 GMT+0000 (UTC)", "2019-11-20"),
        ("3rd of October, 2024", "2024-10-03"),
        ("25/12/2023", "2023-12-25"),
        ("no date here", ""),
    ],
)
def test_parse_date(text, expected):
    assert parse_date(text) == expected


def test_site_suffix_stripping():
    assert strip_site_suffix("Beijing tariff demands | Deccan Herald", ["Deccan Herald"]) == "Beijing tariff demands"
    assert strip_site_suffix("Oil drifts - Reuters", ["Reuters"]) == "Oil drifts"
    assert (
        strip_site_suffix(
            "Hong Kong: a city on the brink | Editorial | Opinion | The Guardian", ["The Guardian", "Opinion"]
        )
        == "Hong Kong: a city on the brink | Editorial"
    )
    assert strip_site_suffix("US-China trade - what next", ["BBC News"]) == "US-China trade - what next"


def test_wire_datelines():
    assert dateline_of("HANOI, Vietnam (AP) — U.S. Defense Secretary Mark Esper said") == "HANOI, Vietnam"
    assert dateline_of("NEW YORK (Reuters) - Oil prices fell") == "NEW YORK"
    assert dateline_of("NEW DELHI: Their American dream shattered") == "NEW DELHI"
    assert dateline_of("The minister said - without notes - that") == ""


# ------------------------------------------------------------------ encodings


def test_cp1252_page_without_declaration_is_decoded():
    html_text = article_page().replace('<meta charset="utf-8">', "")
    data = html_text.replace("Türkiye", "Turkiye").encode("cp1252")
    assert b"\x92" in data  # the curly apostrophe of "minister’s"
    article = read_html(data, "p.html")
    assert "prime minister’s office" in article.paragraphs[1]
    assert not any(MOJIBAKE.search(p) for p in article.paragraphs)


@pytest.mark.parametrize("charset", ["windows-1252", "iso-8859-1"])
def test_declared_western_charset_is_used(charset):
    paragraphs = "".join(f"<p>{t}</p>" for t in BODY).replace("Türkiye", "Turkey")
    html_text = (
        f"<html><head><meta http-equiv='Content-Type' content='text/html; charset={charset}'>"
        f"<title>Café diplomacy</title></head><body><article><h1>Café diplomacy</h1>{paragraphs}"
        "</article></body></html>"
    )
    article = read_html(html_text.encode("cp1252"), "p.html")
    assert article.title == "Café diplomacy"
    assert "prime minister’s office" in article.paragraphs[1]


def test_declared_non_western_charset_is_used():
    russian = "Россия и Малайзия подписали соглашение о сотрудничестве в области образования и науки."
    paragraphs = "".join(f"<p>{t}</p>" for t in BODY + [russian]).replace("’", "'").replace("—", "-")
    paragraphs = paragraphs.replace("Türkiye", "Turkey")
    html_text = (
        "<html><head><meta charset='koi8-r'><title>Diplomacy</title></head><body><article>"
        f"{paragraphs}</article></body></html>"
    )
    article = read_html(html_text.encode("koi8-r"), "p.html")
    assert article.paragraphs[-1] == russian


def test_mislabelled_utf8_and_bom():
    html_text = article_page().replace('charset="utf-8"', 'charset="iso-8859-1"')
    assert "Türkiye" in read_html(html_text.encode("utf-8"), "p.html").paragraphs[0]
    bom = b"\xef\xbb\xbf" + article_page().replace('<meta charset="utf-8">', "").encode("utf-8")
    assert "Türkiye" in read_html(bom, "p.html").paragraphs[0]


def test_double_encoded_page_is_repaired():
    once = article_page().encode("utf-8").decode("cp1252", "replace").replace("\ufffd", "")
    assert "â€™" in once and "TÃ¼rkiye" in once
    article = read_html(once.encode("utf-8"), "p.html")
    assert "prime minister’s office" in article.paragraphs[1]
    assert "Türkiye" in article.paragraphs[0]
    assert not any(MOJIBAKE.search(p) for p in article.paragraphs + [article.title])


def test_repair_mojibake_leaves_good_text_alone():
    good = "Café, naïve, Türkiye, São Paulo, “quoted” — 10°C, ½ price, Ñandú, Øresund"
    assert repair_mojibake(good) == good
    assert repair_mojibake("itâ€™s â€œfineâ€\x9d") == "it’s “fine”"
    assert repair_mojibake("weâ\x80\x99re") == "we’re"
    assert repair_mojibake("a\x92b") == "a’b"  # a C1 control from &#146;
    assert decode_html("<p>caf\xe9</p>".encode("cp1252")) == "<p>café</p>"


# ------------------------------------------------------------------ real pages


def _shingles(text: str, n: int = 4) -> Counter:
    tokens = words(text)
    if len(tokens) < n:
        return Counter([tuple(tokens)]) if tokens else Counter()
    return Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))


@pytest.fixture(scope="module")
def corpus_results():
    if not (CORPUS / "manifest.json").exists():
        pytest.skip(f"corpus not found at {CORPUS}")
    manifest = json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))
    results = []
    for entry in manifest:
        path = CORPUS / entry["file"]
        article = read_html(path.read_bytes(), str(path))
        expected = (CORPUS / entry["expected"]).read_text(encoding="utf-8")
        results.append((entry, article, expected))
    return results


def test_real_pages_meet_the_bar(corpus_results):
    """The scorer's logic (score_extraction.py): mean P and R over pages of word 4-shingles."""
    precisions, recalls, titles, dates, dated = [], [], 0, 0, 0
    for entry, article, expected in corpus_results:
        pred, gold = _shingles("\n\n".join(article.paragraphs)), _shingles(expected)
        overlap = sum((pred & gold).values())
        precisions.append(overlap / sum(pred.values()) if pred else 0.0)
        recalls.append(overlap / sum(gold.values()) if gold else 0.0)
        titles += bool(article.title) and words(article.title) == words(entry.get("title") or "")
        if entry.get("date"):  # the manifest has no date for some pages: those cannot be checked
            dated += 1
            dates += article.date == entry["date"]
    n = len(corpus_results)
    precision, recall = sum(precisions) / n, sum(recalls) / n
    f1 = 2 * precision * recall / (precision + recall)
    assert f1 >= 0.975, f"F1 {f1:.3f} (P {precision:.3f}, R {recall:.3f})"
    assert titles >= 0.9 * n, f"titles right {titles}/{n}"
    assert dates >= 0.9 * dated, f"dates right {dates}/{dated} pages with a reference date"


def test_real_pages_metadata_and_text_are_clean(corpus_results):
    for entry, article, _ in corpus_results:
        assert article.id == Path(entry["file"]).stem
        assert article.paragraphs, entry["file"]
        assert article.source, entry["file"]
        assert article.url == "" or article.url.startswith("http"), entry["file"]
        assert re.fullmatch(r"\d{4}-\d\d-\d\d", article.date), entry["file"]
        for text in article.paragraphs + [article.title]:
            assert not MOJIBAKE.search(text), (entry["file"], text[:80])
            assert text == " ".join(text.split()), (entry["file"], text[:80])
        title_words = words(article.title)
        assert all(words(p) != title_words for p in article.paragraphs), entry["file"]


def test_soup_scorer_reads_form_wrapped_and_split_bodies(monkeypatch):
    """Without trafilatura: a page inside one <form> (ASP.NET), a body split over several boxes."""
    monkeypatch.setattr(html_module, "trafilatura_blocks", lambda text: None)
    boxes = "".join(
        f"<div class='col'><div class='txt'><p>{text}</p></div></div><div class='ad'>Advert</div>" for text in BODY
    )
    html_text = page(
        f"<form id='aspnet'><nav><a href='/'>Home</a></nav><article>{boxes}</article>"
        "<ul class='related'><li><a href='/a'>Another story about something else entirely</a></li></ul>"
        "</form>"
    )
    assert read_html(html_text.encode("utf-8"), "p.html").paragraphs == BODY
