import threading

import pytest
from click.testing import CliRunner

from search.backends.whoosh import WhooshBackend
from search.backends.whoosh.store import IndexStore
from search.errors import ReindexBusy
from search.models import SearchRequest
from search.query.params import build_request
from web.cli import main

from conftest import SEED_FILE, SEEDS, reindex


def search_total(index_dir, q):
    return WhooshBackend(index_dir).search(SearchRequest(q=q)).total


def test_reindex_builds_the_seed_index(seed_index_dir):
    store = IndexStore(seed_index_dir)
    assert store.exists()
    index = WhooshBackend(seed_index_dir)
    paragraphs = index.article("000_c346cf18d6c898db")
    assert [p.n for p in paragraphs] == list(range(1, 16))
    assert paragraphs[0].date == "2025-11-02" and paragraphs[0].dateline == "PUTRAJAYA"


def test_default_seeds_folder_holds_the_seed_and_the_white_house_articles(tmp_path):
    report = reindex([SEEDS], tmp_path / "ix", progress=False)
    assert report.articles == 91 and not report.skipped
    assert WhooshBackend(tmp_path / "ix").search(SearchRequest(q="semiconductors")).total > 1


def test_cli_reindex_prints_a_summary_with_skipped_sources(tmp_path):
    sources = tmp_path / "src"
    sources.mkdir()
    (sources / "seed.txt").write_text(SEED_FILE.read_text(encoding="utf-8"), encoding="utf-8")
    (sources / "bad.jsonl").write_text("{oops\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["reindex", str(sources), "--index", str(tmp_path / "ix")])
    assert result.exit_code == 3, result.output  # built, with a source skipped
    assert "Indexed 1 articles, 15 paragraphs" in result.output
    assert "bad.jsonl" in result.output and "not JSON" in result.output
    assert search_total(tmp_path / "ix", "semiconductors") == 1


def test_failed_reindex_leaves_the_previous_index_serving(tmp_path, make_articles):
    index_dir = tmp_path / "ix"
    reindex([SEED_FILE], index_dir, progress=False)
    live_before = IndexStore(index_dir).current_name()
    index = WhooshBackend(index_dir)
    assert index.search(SearchRequest(q="semiconductors")).total == 1

    more = make_articles([{"id": f"a{i}", "text": f"Talks on fisheries number {i}."} for i in range(5)])

    def explode(article):
        if article.id == "a2":
            raise RuntimeError("disk on fire")

    with pytest.raises(RuntimeError):
        reindex([SEED_FILE, more], index_dir, full=True, progress=False, after_article=explode)
    assert IndexStore(index_dir).current_name() == live_before
    assert index.search(SearchRequest(q="semiconductors")).total == 1
    assert index.search(SearchRequest(q="fisheries")).total == 0
    assert [p.name for p in (index_dir / "builds").iterdir()] == [live_before]


def test_a_second_reindex_is_refused_while_one_runs(tmp_path):
    index_dir = tmp_path / "ix"
    started, release = threading.Event(), threading.Event()
    errors = []

    def hold(article):
        started.set()
        release.wait(10)

    thread = threading.Thread(target=lambda: reindex([SEEDS], index_dir, progress=False, after_article=hold))
    thread.start()
    try:
        assert started.wait(10)
        with pytest.raises(ReindexBusy, match="another reindex"):
            reindex([SEEDS], index_dir, progress=False)
        result = CliRunner().invoke(main, ["reindex", str(SEEDS), "--index", str(index_dir)])
        assert result.exit_code == 1 and "another reindex" in result.output
    finally:
        release.set()
        thread.join()
    assert not errors


def test_incremental_reindex_rereads_only_changed_sources(tmp_path, make_articles):
    index_dir = tmp_path / "ix"
    first = make_articles([{"id": "f1", "text": "Fisheries talks opened."}], "first.jsonl")
    second = make_articles([{"id": "s1", "text": "Aviation talks opened."}], "second.jsonl")
    report = reindex([tmp_path], index_dir, progress=False)
    assert (report.articles, report.paragraphs, report.incremental) == (2, 1 + 1, False)

    second.write_text('{"id": "s1", "text": "Shipping talks opened."}\n', encoding="utf-8")
    report = reindex([tmp_path], index_dir, progress=False)
    assert report.incremental and report.reused_sources == 1 and report.read_articles == 1
    assert search_total(index_dir, "aviation") == 0
    assert search_total(index_dir, "shipping") == 1
    assert search_total(index_dir, "fisheries") == 1

    first.unlink()
    report = reindex([tmp_path], index_dir, progress=False)
    assert report.missing == [str(first)] and report.articles == 2  # kept until dropped explicitly
    report = reindex([], index_dir, prune=True, progress=False)
    assert report.removed == [str(first)] and report.articles == 1
    assert search_total(index_dir, "fisheries") == 0
    assert search_total(index_dir, "talks") == 1

    report = reindex([tmp_path], index_dir, full=True, progress=False)
    assert not report.incremental and report.paragraphs == 1


def _state(index_dir):
    index = WhooshBackend(index_dir)
    result = index.search(SearchRequest(q="", per_page=100, facet_size=1000))
    docs = sorted((h.paragraph.article_id, h.paragraph.n, tuple(h.paragraph.tags["sectors"])) for h in result.hits)
    facets = {f.name: {v.value: v.count for v in f.values} for f in result.facets}
    return result.total, docs, facets


def test_parallel_workers_build_the_same_index_as_one_process(tmp_path, make_articles):
    arts = [
        {
            "id": f"a{i}",
            "date": f"2024-0{1 + i % 9}-01",
            "text": f"Defence talks {i}.\n\nEnergy and trade deal {i}.\n\nSpace agency visit {i}.",
        }
        for i in range(30)
    ]
    source = make_articles(arts)
    reindex([source], tmp_path / "one", progress=False, procs=1)
    reindex([source], tmp_path / "two", progress=False, procs=2)
    assert _state(tmp_path / "one") == _state(tmp_path / "two")
    assert _state(tmp_path / "two")[0] == 90


def test_a_failing_worker_fails_the_build_and_keeps_the_old_index(tmp_path, make_articles, monkeypatch):
    import search.backends.whoosh.writers

    index_dir = tmp_path / "ix"
    reindex([SEED_FILE], index_dir, progress=False)
    before = IndexStore(index_dir).current_name()
    real = search.backends.whoosh.writers.paragraphs_of

    def broken(article, tag=True):
        if article.id == "a7":
            raise ValueError("tagger exploded")
        return real(article, tag=tag)

    monkeypatch.setattr(search.backends.whoosh.writers, "paragraphs_of", broken)
    source = make_articles([{"id": f"a{i}", "text": f"Fisheries {i}."} for i in range(20)])
    with pytest.raises(search.backends.whoosh.writers.WorkerFailed, match="tagger exploded"):
        reindex([source], index_dir, full=True, progress=False, procs=2)
    assert IndexStore(index_dir).current_name() == before
    assert search_total(index_dir, "semiconductors") == 1
    assert search_total(index_dir, "fisheries") == 0


def test_sources_can_carry_their_own_tags_when_tagging_is_off(tmp_path, make_articles):
    source = make_articles(
        [
            {
                "id": "t1",
                "text": "One.\n\nTwo.",
                "paragraph_tags": [{"sectors": ["space"], "speakers": ["Ada Lovelace"]}, {"countries": ["Malaysia"]}],
            }
        ]
    )
    reindex([source], tmp_path / "ix", progress=False, tag=False)
    paragraphs = WhooshBackend(tmp_path / "ix").article("t1")
    assert paragraphs[0].tags["sectors"] == ["space"] and paragraphs[0].tags["speakers"] == ["Ada Lovelace"]
    assert paragraphs[1].tags["countries"] == ["Malaysia"]


def test_an_index_from_another_version_gets_a_clear_message(tmp_path):
    import json

    reindex([SEED_FILE], tmp_path / "ix", progress=False)
    build = IndexStore(tmp_path / "ix").current()
    (build / "format.json").write_text(json.dumps({"format": 1}))
    (build / "checksums.json").unlink()  # an older version wrote no checksums
    result = CliRunner().invoke(main, ["search", "x", "--index", str(tmp_path / "ix")])
    assert result.exit_code == 1 and "another version of diplosearch" in result.output
    result = CliRunner().invoke(main, ["serve", "--index", str(tmp_path / "ix")])
    assert result.exit_code == 1 and "reindex --full" in result.output
    report = reindex([SEED_FILE], tmp_path / "ix", progress=False)
    assert not report.incremental and search_total(tmp_path / "ix", "semiconductors") == 1


def test_the_live_index_answers_throughout_a_reindex_and_then_switches(tmp_path, make_articles):
    index_dir = tmp_path / "ix"
    reindex([SEED_FILE], index_dir, progress=False)
    index = WhooshBackend(index_dir)
    more = make_articles([{"id": f"f{i}", "text": f"Fisheries talks {i}."} for i in range(3)])
    midway, release = threading.Event(), threading.Event()

    def hold(article):
        midway.set()
        release.wait(10)

    thread = threading.Thread(
        target=lambda: reindex([SEED_FILE, more], index_dir, full=True, progress=False, after_article=hold)
    )
    thread.start()
    try:
        assert midway.wait(10)
        assert index.search(SearchRequest(q="semiconductors")).total == 1
        assert index.search(SearchRequest(q="fisheries")).total == 0
    finally:
        release.set()
        thread.join()
    assert index.search(SearchRequest(q="fisheries")).total == 3
    assert index.search(SearchRequest(q="semiconductors")).total == 1


def test_undated_articles_first_then_dated_ones_keep_their_dates(tmp_path, make_articles):
    """A segment holding no date at all beside one with dates (Whoosh's multi-segment column misread it)."""
    undated = make_articles([{"id": f"u{i}", "text": f"Aviation talks {i}."} for i in range(5)], "undated.jsonl")
    dated = make_articles(
        [{"id": f"d{i}", "date": "2024-03-04", "text": f"Fisheries talks {i}."} for i in range(5)], "dated.jsonl"
    )
    reindex([undated], tmp_path / "ix", progress=False)
    reindex([dated], tmp_path / "ix", progress=False)
    index = WhooshBackend(tmp_path / "ix")
    assert index.search(build_request("talks", date_from="2024-03")).total == 5
    assert index.search(build_request("talks")).total == 10
