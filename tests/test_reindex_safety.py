"""Reindex semantics that cannot lose data: naming sources adds, dropping is explicit."""

from __future__ import annotations

import shutil

from click.testing import CliRunner

from search.backends.whoosh import WhooshBackend
from search.backends.whoosh.store import IndexStore
from search.models import SearchRequest
from web.cli import main

from conftest import SEED_FILE, reindex, write_jsonl

HTML = """<html><head><title>{title}</title></head><body><article>
<h1>{title}</h1><p>{body} The ministers met in the capital and agreed to deepen cooperation on
fisheries, shipping and ports over the coming years, their offices said.</p></article></body></html>"""


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def articles(index_dir) -> set[str]:
    result = WhooshBackend(index_dir).search(SearchRequest(q="", per_page=100))
    return {hit.paragraph.article_id for hit in result.hits}


def two_folders(tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    write_jsonl(first / "a.jsonl", [{"id": "a1", "text": "Fisheries talks opened."}])
    write_jsonl(second / "b.jsonl", [{"id": "b1", "text": "Aviation talks opened."}])
    return first, second


def test_naming_a_folder_adds_it_and_keeps_every_other_source(tmp_path):
    first, second = two_folders(tmp_path)
    index_dir = tmp_path / "ix"
    assert run("reindex", first, "--index", index_dir).exit_code == 0
    result = run("reindex", second, "--index", index_dir)
    assert result.exit_code == 0, result.output
    assert articles(index_dir) == {"a1", "b1"}


def test_a_path_that_does_not_exist_changes_nothing(tmp_path):
    index_dir = tmp_path / "ix"
    reindex([SEED_FILE], index_dir, progress=False)
    live = IndexStore(index_dir).current_name()
    result = run("reindex", tmp_path / "nonexistent.txt", "--index", index_dir)
    assert result.exit_code == 1
    assert "no such file or folder" in result.output and "not changed" in result.output
    assert IndexStore(index_dir).current_name() == live
    assert articles(index_dir) == {SEED_FILE.stem}


def test_a_folder_with_nothing_to_read_changes_nothing(tmp_path):
    index_dir = tmp_path / "ix"
    reindex([SEED_FILE], index_dir, progress=False)
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "notes.pdf").write_bytes(b"%PDF")
    result = run("reindex", tmp_path / "empty", "--index", index_dir)
    assert result.exit_code == 1 and "holds no .txt, .html or .jsonl" in result.output
    assert articles(index_dir) == {SEED_FILE.stem}


def test_replace_says_what_it_removes_and_keeps_only_the_named_sources(tmp_path):
    first, second = two_folders(tmp_path)
    index_dir = tmp_path / "ix"
    reindex([first, second], index_dir, progress=False)
    result = run("reindex", "--replace", second, "--index", index_dir)
    assert result.exit_code == 0, result.output
    assert f"Removing from the index: {(first / 'a.jsonl').resolve()}" in result.output
    assert "1 removed" in result.output
    assert articles(index_dir) == {"b1"}


def test_remove_drops_the_named_sources_and_refuses_unknown_ones(tmp_path):
    first, second = two_folders(tmp_path)
    index_dir = tmp_path / "ix"
    reindex([first, second], index_dir, progress=False)
    live = IndexStore(index_dir).current_name()
    result = run("reindex", "--remove", tmp_path / "elsewhere", "--index", index_dir)
    assert result.exit_code == 1 and "not a source of this index" in result.output
    assert IndexStore(index_dir).current_name() == live
    result = run("reindex", "--remove", first, "--index", index_dir)
    assert result.exit_code == 0, result.output
    assert articles(index_dir) == {"b1"}


def test_deleted_files_stay_indexed_until_pruned(tmp_path):
    first, second = two_folders(tmp_path)
    index_dir = tmp_path / "ix"
    reindex([first, second], index_dir, progress=False)
    shutil.rmtree(first)
    result = run("reindex", "--index", index_dir)
    assert result.exit_code == 0 and "no longer exist" in result.output and "--prune" in result.output
    assert articles(index_dir) == {"a1", "b1"}
    result = run("reindex", "--full", "--index", index_dir)
    assert result.exit_code == 1 and "--prune" in result.output
    assert run("reindex", "--prune", "--index", index_dir).exit_code == 0
    assert articles(index_dir) == {"b1"}


def test_reindex_without_sources_rereads_what_the_index_holds(tmp_path):
    first, _ = two_folders(tmp_path)
    index_dir = tmp_path / "ix"
    reindex([first], index_dir, progress=False)
    write_jsonl(first / "a.jsonl", [{"id": "a1", "text": "Shipping talks opened."}])
    result = run("reindex", "--index", index_dir)
    assert result.exit_code == 0, result.output
    assert WhooshBackend(index_dir).search(SearchRequest(q="shipping")).total == 1


def test_pages_with_the_same_file_name_in_two_folders_are_two_articles(tmp_path):
    for folder in ("gov.example", "news.example"):
        (tmp_path / "src" / folder).mkdir(parents=True)
        (tmp_path / "src" / folder / "index.html").write_text(
            HTML.format(title=f"Talks reported by {folder}", body=f"Report from {folder}."), encoding="utf-8"
        )
    index_dir = tmp_path / "ix"
    report = reindex([tmp_path / "src"], index_dir, progress=False)
    assert report.articles == 2 and not report.skipped
    ids = articles(index_dir)
    assert len(ids) == 2 and "index" in ids
    # read again, changed or rebuilt from scratch, each page keeps its id
    page = tmp_path / "src" / "gov.example" / "index.html"
    page.write_text(page.read_text(encoding="utf-8").replace("Report from", "Statement from"), encoding="utf-8")
    reindex([tmp_path / "src"], index_dir, progress=False)
    assert articles(index_dir) == ids
    reindex([tmp_path / "src"], index_dir, full=True, progress=False)
    assert articles(index_dir) == ids


def test_serve_never_rebuilds_a_damaged_index_or_a_mistyped_folder(tmp_path):
    index_dir = tmp_path / "ix"
    reindex([SEED_FILE], index_dir, progress=False)
    store = IndexStore(index_dir)
    build = store.current_name()
    store.pointer.write_text("20000101T000000-1-0\n", encoding="utf-8")
    result = run("serve", "--index", index_dir)
    assert result.exit_code == 1 and "damaged" in result.output and "--replace" in result.output
    assert [p.name for p in store.builds.iterdir()] == [build]
    store.pointer.unlink()
    result = run("serve", "--index", index_dir)
    assert result.exit_code == 1 and "no CURRENT file" in result.output
    assert [p.name for p in store.builds.iterdir()] == [build]
    result = run("serve", "--index", tmp_path / "typo")
    assert result.exit_code == 1 and "no index at" in result.output
    assert not (tmp_path / "typo").exists()


def test_a_damaged_index_is_only_rebuilt_on_request(tmp_path):
    index_dir = tmp_path / "ix"
    reindex([SEED_FILE], index_dir, progress=False)
    IndexStore(index_dir).pointer.write_text("gone\n", encoding="utf-8")
    result = run("reindex", SEED_FILE, "--index", index_dir)
    assert result.exit_code == 1 and "nothing was changed" in result.output
    result = run("reindex", "--replace", SEED_FILE, "--index", index_dir)
    assert result.exit_code == 0, result.output
    assert articles(index_dir) == {SEED_FILE.stem}


def test_a_first_build_with_nothing_readable_is_an_empty_index(tmp_path):
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "bad.jsonl").write_text("{oops\n", encoding="utf-8")
    index_dir = tmp_path / "ix"
    result = run("reindex", tmp_path / "src", "--index", index_dir)
    assert result.exit_code == 3 and "not JSON" in result.output
    assert WhooshBackend(index_dir).search(SearchRequest(q="")).total == 0
    assert run("reindex", SEED_FILE, "--index", index_dir).exit_code == 0
    assert articles(index_dir) == {SEED_FILE.stem}
