from search.ingest.sources import headline, read_file, read_sources
from search.models import Article, Skipped

from conftest import SEED_FILE, write_jsonl


def test_seed_article_gives_fifteen_paragraphs_with_date_and_dateline():
    [article] = read_file(SEED_FILE)
    assert article.id == "000_c346cf18d6c898db"
    assert article.date == "2025-11-02"
    assert article.dateline == "PUTRAJAYA"
    assert len(article.paragraphs) == 15
    assert article.paragraphs[0].startswith("Malaysia and Turkiye have reaffirmed")
    assert article.paragraphs[-1].startswith("Erdogan arrived in Malaysia")
    assert article.title == (
        "Malaysia and Turkiye have reaffirmed their strong commitment to deepening bilateral ties…"
    )


def test_headline_is_the_first_sentence_cut_at_a_word():
    assert (
        headline("Mr. Smith met Dr. Jones in Paris on Monday. Talks went on.")
        == "Mr. Smith met Dr. Jones in Paris on Monday"
    )
    assert headline("The U.S. and Japan agreed. More.") == "The U.S. and Japan agreed"
    assert headline("word " * 40).endswith("word…") and len(headline("word " * 40)) <= 91
    assert headline("Ok") == "Ok"


def test_plain_text_without_header_is_read(tmp_path):
    path = tmp_path / "note.txt"
    path.write_text("First block\nwrapped line.\n\nSecond block.\n", encoding="utf-8")
    [article] = read_file(path)
    assert article.id == "note" and article.date == ""
    assert article.paragraphs == ["First block wrapped line.", "Second block."]


def test_jsonl_articles_keep_their_fields(tmp_path):
    path = write_jsonl(
        tmp_path / "a.jsonl",
        [
            {
                "id": "x1",
                "title": "T",
                "date": "2024-03-05",
                "source": "S",
                "url": "https://e.org/1",
                "text": "One.\n\nTwo.",
            },
        ],
    )
    [article] = read_file(path)
    assert (article.id, article.title, article.date, article.source, article.url) == (
        "x1",
        "T",
        "2024-03-05",
        "S",
        "https://e.org/1",
    )
    assert article.paragraphs == ["One.", "Two."]


def test_bad_sources_are_reported_with_reasons_and_the_rest_is_read(tmp_path):
    (tmp_path / "good.txt").write_text("A paragraph about trade.", encoding="utf-8")
    (tmp_path / "empty.txt").write_text("  \n", encoding="utf-8")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02garbage")
    (tmp_path / "latin.txt").write_bytes("caf\xe9".encode("latin-1"))
    write_jsonl(tmp_path / "mixed.jsonl", [{"id": "ok", "text": "Fine."}])
    with open(tmp_path / "mixed.jsonl", "a", encoding="utf-8") as handle:
        handle.write("{not json\n")
    (tmp_path / "broken.jsonl").write_text("[1, 2]\n", encoding="utf-8")
    items = list(read_sources([tmp_path, tmp_path / "missing.txt"]))
    articles = {i.id for i in items if isinstance(i, Article)}
    reasons = {i.path.split("/")[-1]: i.reason for i in items if isinstance(i, Skipped)}
    assert articles == {"good", "ok"}
    assert reasons["empty.txt"] == "empty file"
    assert "binary" in reasons["binary.txt"]
    assert "UTF-8" in reasons["latin.txt"]
    assert "not JSON" in reasons["mixed.jsonl:2"]
    assert "no readable articles" in reasons["broken.jsonl"]
    assert reasons["missing.txt"] == "no such file or folder"


def test_a_fetched_page_takes_url_date_and_title_from_its_fetch_record(tmp_path):
    import json

    page = tmp_path / "talks.html"
    body = "".join(
        f"<p>In session {i}, the two foreign ministers discussed fisheries, trade, maritime "
        f"security and student exchanges at length, and agreed to meet again next year.</p>"
        for i in range(6)
    )
    page.write_text(f"<html><body><article>{body}</article></body></html>", encoding="utf-8")
    page.with_suffix(".json").write_text(
        json.dumps(
            {
                "url": "http://example.org/talks",
                "final_url": "https://example.org/talks",
                "feed_item": {"title": "Ministers meet", "published": "2024-05-06"},
            }
        ),
        encoding="utf-8",
    )
    [article] = read_file(page)
    assert article.url == "https://example.org/talks"
    assert article.date == "2024-05-06" and article.title == "Ministers meet"


def test_impossible_dates_leave_the_article_undated(tmp_path):
    path = write_jsonl(
        tmp_path / "a.jsonl",
        [
            {"id": "x", "date": "2024-02-30", "text": "One."},
            {"id": "y", "date": "2024-02-29T10:00:00Z", "text": "Two."},
        ],
    )
    assert [a.date for a in read_file(path)] == ["", "2024-02-29"]
    text = tmp_path / "t.txt"
    text.write_text("date 2024-13-01 COLOMBO: Talks opened.", encoding="utf-8")
    [article] = read_file(text)
    assert article.date == "" and article.dateline == "COLOMBO" and article.paragraphs == ["Talks opened."]
