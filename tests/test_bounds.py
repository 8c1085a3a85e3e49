"""Hostile and unreadable sources: every bound is a skip with a reason, in bounded time (#13 items 12, 15).

Inputs are generated here; each test runs in a second or two.
"""

from __future__ import annotations

import json
import os
import socket
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from search.errors import DiploSearchError, SourceError
from search.ingest.html import read_html
from search.ingest.limits import Limits, split_long
from search.ingest.sources import discover, read_file, read_sources
from search.models import Article, Skipped
from web.cli import main

from conftest import SEED_FILE, write_jsonl

SENTENCE = (
    "The foreign ministers met in the capital on Tuesday to discuss trade, energy and defence "
    "cooperation between the two countries. "
)


def run(*args, env=None):
    return CliRunner().invoke(main, [str(a) for a in args], env=env)


def page(body: str) -> str:
    return f"<!doctype html><html><head><meta charset='utf-8'><title>Talks</title></head><body>{body}</body></html>"


def paragraphs(n: int) -> str:
    return "".join(f"<p>Paragraph {i}. {SENTENCE}</p>" for i in range(n))


def skipped_reasons(items) -> dict[str, str]:
    return {Path(i.path).name: i.reason for i in items if isinstance(i, Skipped)}


def timed(function, *args):
    started = time.perf_counter()
    try:
        result = function(*args)
    except SourceError as error:
        result = error
    return result, time.perf_counter() - started


# ---------------------------------------------------------------- HTML


def test_100000_nested_divs_are_refused_at_once(tmp_path):
    path = tmp_path / "deep.html"
    path.write_text(page("<div>" * 100_000 + paragraphs(3) + "</div>" * 100_000), encoding="utf-8")
    result, seconds = timed(read_file, path)
    assert isinstance(result, SourceError), result  # before: pruning ran for hours
    assert "nested more than 512 deep" in str(result) and "DIPLOSEARCH_MAX_HTML_DEPTH" in str(result)
    assert seconds < 3
    unclosed = tmp_path / "unclosed.html"  # the same depth without a single closing tag
    unclosed.write_text(page("<div>" * 100_000 + paragraphs(3)), encoding="utf-8")
    assert "nested more than 512 deep" in str(timed(read_file, unclosed)[0])


def test_pruning_costs_the_elements_not_elements_times_depth():
    """BeautifulSoup's ``tag.decomposed`` searched the whole subtree of every tag it was
    asked about, so pruning a page 500 deep cost 500 times its size."""
    from bs4 import BeautifulSoup

    from search.ingest.html_body import prune

    soup = BeautifulSoup(page("<div class='wrap'>" * 500 + "<b>x</b>" * 3000 + "</div>" * 500), "lxml")
    started = time.perf_counter()
    prune(soup)
    assert time.perf_counter() - started < 0.5  # before: 2.6 s
    assert len(soup.find_all("b")) == 3000


def test_a_page_nested_just_under_the_limit_is_read(tmp_path):
    html = page("<div class='wrap'>" * 500 + "<article>" + paragraphs(40) + "</article>" + "</div>" * 500)
    article, seconds = timed(read_html, html.encode(), "nested.html")
    assert isinstance(article, Article) and len(article.paragraphs) == 40
    assert seconds < 4


def test_a_page_with_too_many_elements_is_refused_before_extraction(tmp_path):
    path = tmp_path / "many.html"
    path.write_text(page("<article>" + paragraphs(60_000) + "</article>"), encoding="utf-8")
    assert path.stat().st_size < Limits().max_source_bytes
    result, seconds = timed(read_file, path)
    assert isinstance(result, SourceError), "the 60,000 paragraphs were extracted"
    assert "more than 50,000 HTML elements" in str(result)
    assert seconds < 3


def test_a_page_over_the_size_limit_is_refused_unread(tmp_path):
    path = tmp_path / "huge.html"
    with open(path, "w", encoding="utf-8") as out:  # 30 MB, a million <p>
        out.write("<html><body><article>")
        out.write("<p>Short paragraph of words.</p>" * 1_000_000)
        out.write("</article></body></html>")
    result, seconds = timed(read_file, path)
    assert isinstance(result, SourceError)
    assert str(result).startswith("30.5 MB, larger than the 10 MB limit for one source")
    assert "DIPLOSEARCH_MAX_SOURCE_MB" in str(result)
    assert seconds < 1
    with pytest.raises(SourceError, match="larger than the 1 kB limit for one page"):
        read_html(page(paragraphs(20)).encode(), "p.html", Limits(max_source_bytes=1024))


def test_the_shape_check_never_refuses_the_real_pages():
    from search.ingest.html import check_shape

    from conftest import shared_path

    pages = sorted(shared_path("corpus", "html").glob("*.html"))
    tight = Limits(max_html_depth=60, max_html_elements=2_000)  # corpus: at most 51 deep, 1,709 elements
    for path in pages:
        check_shape(path.read_text(encoding="utf-8", errors="replace"), tight)


# ---------------------------------------------------------------- text, paragraphs, JSON Lines


def test_a_text_file_over_the_size_limit_is_skipped(tmp_path):
    path = tmp_path / "huge.txt"
    path.write_bytes((SENTENCE * 100 + "\n\n").encode() * 1200)  # 11.6 MB
    result, seconds = timed(read_file, path)
    assert isinstance(result, SourceError) and "larger than the 10 MB limit" in str(result)
    assert seconds < 1


def test_an_article_with_too_many_paragraphs_is_skipped(tmp_path):
    path = tmp_path / "many.txt"
    path.write_text("".join(f"Paragraph {i} about trade.\n\n" for i in range(20_000)), encoding="utf-8")
    with pytest.raises(SourceError, match=r"^20,000 paragraphs, more than the 10,000 limit for one article"):
        read_file(path)
    html = tmp_path / "many.html"
    html.write_text(page("<article>" + paragraphs(300) + "</article>"), encoding="utf-8")
    with pytest.raises(SourceError, match="300 paragraphs, more than the 200 limit"):
        read_file(html, Limits(max_paragraphs=200))


def test_a_huge_paragraph_is_split_at_sentence_ends_and_nothing_is_lost(tmp_path):
    path = tmp_path / "one.txt"
    text = SENTENCE * 5000  # 600 kB without a blank line
    path.write_text(text, encoding="utf-8")
    [article] = read_file(path)
    assert len(article.paragraphs) > 50
    assert all(len(p) <= 10_000 for p in article.paragraphs)
    assert all(p.endswith("countries.") for p in article.paragraphs)  # cut after a sentence
    assert " ".join(article.paragraphs) == text.strip()
    assert article.title == headline_of(SENTENCE)


def headline_of(sentence: str) -> str:
    from search.ingest.sources import headline

    return headline(sentence)


def test_split_long_without_sentences_or_spaces():
    words = "word " * 5000
    pieces = split_long(words.strip(), 1000)
    assert all(len(p) <= 1000 for p in pieces) and " ".join(pieces) == words.strip()
    blob = "x" * 2500
    assert split_long(blob, 1000) == ["x" * 1000, "x" * 1000, "x" * 500]
    assert split_long("short", 1000) == ["short"]


def test_a_paragraph_of_abbreviations_is_tagged_in_linear_time():
    """Sentence splitting read the text before each period again ("U.S. U.S. ..." was quadratic)."""
    from search.text import sentence_spans

    started = time.perf_counter()
    spans = sentence_spans("U.S. " * 20_000 + "End. Next one.")
    assert time.perf_counter() - started < 1
    assert len(spans) == 2


def test_jsonl_lines_are_held_to_the_limit_one_by_one(tmp_path):
    path = write_jsonl(
        tmp_path / "a.jsonl",
        [
            {"id": "small", "title": "Small", "text": "One paragraph about trade."},
            {"id": "big", "title": "Big", "text": "word " * 3000},
            {"id": "many", "text": "\n\n".join(f"Paragraph {i}." for i in range(30))},
            {"id": "long-title", "title": "T " * 1000, "url": "https://e.org/" + "x" * 5000, "text": "Fine."},
            {"id": "i" * 1200, "text": "Fine."},
        ],
    )
    items = read_file(path, Limits(max_source_bytes=8 * 1024, max_paragraphs=20))
    articles = {a.id: a for a in items if isinstance(a, Article)}
    reasons = {i.path.rsplit(":", 1)[-1]: i.reason for i in items if isinstance(i, Skipped)}
    assert set(articles) == {"small", "long-title"}
    assert reasons["2"].startswith("14.7 kB, larger than the 8 kB limit for one article")
    assert reasons["3"].startswith("30 paragraphs, more than the 20 limit")
    assert reasons["5"].startswith("an id of 1,200 characters")
    long_title = articles["long-title"]
    assert len(long_title.title) <= 1000 and long_title.title.endswith("…") and long_title.url == ""


def test_a_jsonl_line_with_its_own_tags_keeps_them_on_each_piece(tmp_path):
    long_paragraph = SENTENCE * 200  # 24 kB
    path = write_jsonl(
        tmp_path / "t.jsonl",
        [
            {
                "id": "tagged",
                "text": f"Short one.\n\n{long_paragraph}",
                "paragraph_tags": [{"sectors": ["trade"]}, {"sectors": ["energy"]}],
            }
        ],
    )
    [article] = read_file(path)
    assert len(article.paragraphs) == 4 and len(article.given_tags) == 4
    assert [t["sectors"] for t in article.given_tags] == [["trade"], ["energy"], ["energy"], ["energy"]]


def test_limits_come_from_the_environment(tmp_path, monkeypatch):
    path = tmp_path / "six.txt"
    path.write_text("\n\n".join(f"Paragraph {i}." for i in range(6)), encoding="utf-8")
    monkeypatch.setenv("DIPLOSEARCH_MAX_PARAGRAPHS", "5")
    with pytest.raises(SourceError, match="6 paragraphs, more than the 5 limit"):
        read_file(path)
    monkeypatch.setenv("DIPLOSEARCH_MAX_SOURCE_MB", "0.5")
    assert Limits.from_env().max_source_bytes == 512 * 1024
    monkeypatch.setenv("DIPLOSEARCH_MAX_SOURCE_MB", "lots")
    with pytest.raises(DiploSearchError, match="DIPLOSEARCH_MAX_SOURCE_MB must be a positive number"):
        Limits.from_env()


def test_a_huge_paragraph_never_makes_a_huge_answer(tmp_path):
    source = tmp_path / "wall.txt"
    source.write_text("Zanzibar " + SENTENCE * 2000, encoding="utf-8")  # 240 kB, one paragraph
    index = tmp_path / "index"
    built = run("reindex", source, "--index", index)
    assert built.exit_code == 0, built.output
    found = run("search", "zanzibar", "--json", "--index", index)
    assert found.exit_code == 0, found.output
    hits = json.loads(found.output)["hits"]  # the title (its first words) matches in every piece
    assert hits and all(len(hit["text"]) <= 10_000 for hit in hits)
    assert len(found.output) < 150_000  # ten hits; before, one hit was the whole 240 kB


# ---------------------------------------------------------------- unreadable entries


@pytest.fixture()
def odd_folder(tmp_path):
    """A source folder with a good file and every kind of entry that cannot be read."""
    folder = tmp_path / "src"
    (folder / "sub").mkdir(parents=True)
    (folder / "good.txt").write_text("A paragraph about trade between Malaysia and Turkiye.", encoding="utf-8")
    os.symlink(folder / "b.txt", folder / "a.txt")  # a loop: a -> b -> a
    os.symlink(folder / "a.txt", folder / "b.txt")
    os.symlink(folder / "missing.txt", folder / "dangling.txt")
    os.symlink(folder, folder / "sub" / "back")  # a folder loop
    os.mkfifo(folder / "pipe.txt")
    unix = socket.socket(socket.AF_UNIX)
    unix.bind(str(folder / "sock.html"))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "linked.txt").write_text("A paragraph about energy cooperation with Japan.", encoding="utf-8")
    os.symlink(elsewhere, folder / "linked-folder")  # followed
    os.symlink(SEED_FILE, folder / "seed-link.txt")  # followed
    (folder / "notes.pdf").write_bytes(b"%PDF")  # not a source: passed over as before
    os.mkfifo(folder / "other-pipe")  # no source extension: passed over as before
    yield folder
    unix.close()


EXPECTED = {
    "a.txt": "symbolic link loop",
    "b.txt": "symbolic link loop",
    "dangling.txt": "broken symbolic link (to {folder}/missing.txt, which does not exist)",
    "back": "symbolic link loop (back to {folder}, a folder already being read)",
    "pipe.txt": "not a regular file: a named pipe (FIFO)",
    "sock.html": "not a regular file: a socket",
}


def test_unreadable_entries_are_reported_with_reasons(odd_folder):
    started = time.perf_counter()
    files, skipped = discover([odd_folder])
    items = list(read_sources([odd_folder]))
    assert time.perf_counter() - started < 5  # the pipe was never opened for reading
    assert {f.name for f in files} == {"good.txt", "linked.txt", "seed-link.txt"}
    expected = {name: reason.format(folder=odd_folder) for name, reason in EXPECTED.items()}
    assert skipped_reasons(skipped) == expected
    assert skipped_reasons(items) == expected
    assert {a.id for a in items if isinstance(a, Article)} == {"good", "linked", "seed-link"}


def test_reindex_reports_unreadable_entries_and_exits_3(odd_folder, tmp_path):
    index = tmp_path / "index"
    result = run("reindex", odd_folder, "--index", index)
    assert result.exit_code == 3, result.output
    assert "Indexed 3 articles" in result.output
    assert "Skipped 6 source(s):" in result.output
    assert f"{odd_folder / 'pipe.txt'}: not a regular file: a named pipe (FIFO)" in result.output
    assert f"{odd_folder / 'dangling.txt'}: broken symbolic link" in result.output
    as_json = run("reindex", odd_folder, "--index", index, "--json")
    assert as_json.exit_code == 3
    assert len(json.loads(as_json.output)["skipped"]) == 6


def test_reindex_of_a_named_pipe_or_a_broken_link_changes_nothing(tmp_path):
    os.mkfifo(tmp_path / "pipe.txt")
    os.symlink(tmp_path / "gone.txt", tmp_path / "link.txt")
    index = tmp_path / "index"
    for path, reason in (("pipe.txt", "not a regular file: a named pipe (FIFO)"), ("link.txt", "broken symbolic link")):
        result = run("reindex", tmp_path / path, "--index", index)
        assert result.exit_code == 1 and reason in result.output, result.output
    only_bad = tmp_path / "only-bad"
    only_bad.mkdir()
    os.mkfifo(only_bad / "p.txt")
    result = run("reindex", only_bad, "--index", index)
    assert result.exit_code == 1 and "holds no .txt, .html or .jsonl file to index (1 cannot be read" in result.output
    assert not (index / "CURRENT").exists()


def test_a_pipe_that_appears_after_discovery_does_not_block(tmp_path):
    pipe = tmp_path / "late.txt"
    os.mkfifo(pipe)
    started = time.perf_counter()
    with pytest.raises(SourceError, match="named pipe"):
        read_file(pipe)
    from search.index.plan import digest

    assert digest(str(pipe)) == ""
    assert time.perf_counter() - started < 2


# ---------------------------------------------------------------- annotate's exit status


def test_annotate_exit_status(tmp_path):
    good = tmp_path / "good.txt"
    good.write_text("A paragraph about trade between Malaysia and Turkiye.", encoding="utf-8")
    (tmp_path / "empty.txt").write_text(" \n", encoding="utf-8")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02\x03garbage")
    (tmp_path / "nothing").mkdir()
    ok = run("annotate", good)
    assert ok.exit_code == 0 and json.loads(ok.stdout.splitlines()[0])["article_id"] == "good"
    for name, reason in (
        ("missing.txt", "no such file or folder"),
        ("empty.txt", "empty file"),
        ("binary.txt", "binary file"),
    ):
        result = run("annotate", tmp_path / name)
        assert result.exit_code == 1, (name, result.output)
        assert f"{tmp_path / name}: {reason}" in result.stderr
        assert result.stdout == ""
    some = run("annotate", good, tmp_path / "missing.txt")
    assert some.exit_code == 3 and "Skipped 1 source(s)" in some.stderr
    assert len(some.stdout.splitlines()) == 1
    empty_folder = run("annotate", tmp_path / "nothing")
    assert empty_folder.exit_code == 1 and "no .txt, .html or .jsonl file to annotate" in empty_folder.stderr
