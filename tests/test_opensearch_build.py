"""Reindex on the cluster, driven by search.index.build as for Whoosh: incremental builds by
content hash, the atomic switch, the lock, failures that publish nothing, a killed build,
parallel tagging workers, and what check() and live_state() find."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from opensearch_support import backend, drop, node_url, unique_name
from opensearch_support import reindex as os_reindex

URL = node_url()

from search.backends.opensearch import (  # noqa: E402
    IndexingFailed,
    connect,
    state,  # noqa: E402
)
from search.backends.opensearch import build as os_build  # noqa: E402
from search.backends.whoosh import WhooshBackend  # noqa: E402
from search.errors import IndexDamaged, IndexMissing, ReindexBusy  # noqa: E402
from search.query.params import build_request  # noqa: E402

from conftest import ROOT, SEED_FILE  # noqa: E402
from conftest import reindex as whoosh_reindex  # noqa: E402


def article(i: int, words: str = "energy cooperation", date: str = "2024-01-15") -> dict:
    return {
        "id": f"art-{i}",
        "title": f"Article {i} on {words}",
        "date": date,
        "source": "Test",
        "url": "",
        "text": f"President Joe Biden met Prime Minister Anwar Ibrahim of Malaysia about {words} number {i}.\n\n"
        f"The two leaders agreed on {words} and on defence ties, paragraph two of article {i}, "
        f"with unique marker word{i} in it.",
    }


def write(path: Path, articles: list[dict]) -> Path:
    path.write_text("".join(json.dumps(a) + "\n" for a in articles), encoding="utf-8")
    return path


@pytest.fixture()
def client():
    client = connect(URL)
    yield client
    client.close()


@pytest.fixture()
def name(client):
    name = unique_name("build")
    yield name
    drop(client, name)


def total(name: str, q: str = "") -> int:
    searcher = backend(URL, name, snapshot_seconds=0)
    try:
        return searcher.search(build_request(q)).total
    finally:
        searcher.close()


def test_incremental_builds_follow_the_sources_as_whoosh_does(tmp_path, name, client):
    src = tmp_path / "src"
    src.mkdir()
    write(src / "a.jsonl", [article(i) for i in range(3)])
    write(src / "b.jsonl", [article(i) for i in range(3, 6)])
    first = os_reindex(URL, name, [src])
    assert (first.articles, first.paragraphs, first.incremental) == (6, 12, False)
    whoosh_dir = tmp_path / "whoosh"
    whoosh_reindex([src], whoosh_dir, progress=False)
    # change one source, remove one (--prune), add one: the same report as the Whoosh build
    write(src / "a.jsonl", [article(0), article(1, "trade")])
    (src / "b.jsonl").unlink()
    write(src / "c.jsonl", [article(7, "climate")])
    w = whoosh_reindex([src], whoosh_dir, progress=False, prune=True)
    o = os_reindex(URL, name, [src], prune=True)
    for attr in (
        "articles",
        "paragraphs",
        "read_articles",
        "reused_sources",
        "removed_sources",
        "removed",
        "incremental",
    ):
        assert getattr(o, attr) == getattr(w, attr), attr
    assert o.incremental and o.reused_sources == 0 and o.removed_sources == 1 and o.read_articles == 3
    searcher, whoosh = backend(URL, name, snapshot_seconds=0), WhooshBackend(whoosh_dir)
    for q in ["", "trade", "word4", "climate", "energy"]:
        assert searcher.search(build_request(q)).total == whoosh.search(build_request(q)).total, q
    whoosh.close()
    # nothing changed: everything kept, nothing read
    again = os_reindex(URL, name, [src])
    assert (again.read_articles, again.reused_sources, again.paragraphs) == (0, 2, o.paragraphs)
    # the previous build is kept for requests that resolved the alias just before; older ones go
    builds = sorted(client.indices.get(index=f"{name}-b-*"))
    assert builds == sorted([o.build, again.build])
    assert list(client.indices.get_alias(name=name)) == [again.build]
    # naming nothing re-reads what the index holds; --full reads every source again
    full = os_reindex(URL, name, [], full=True)
    assert (full.incremental, full.read_articles, full.paragraphs) == (False, 3, o.paragraphs)
    searcher.close()


def tagged(i: int, speakers: list[str]) -> dict:
    return dict(article(i), paragraph_tags=[{"speakers": speakers}, {"speakers": []}])


def test_speaker_groups_are_merged_across_builds_as_whoosh_merges_them(tmp_path, name, client):
    """Variants of a name count under one value, recomputed over the whole index at each build:
    a copied paragraph's shown name changes when a later source changes the groups."""
    src = tmp_path / "src"
    src.mkdir()
    write(src / "a.jsonl", [tagged(0, ["Biden"]), tagged(1, ["Biden", "Joe Biden"])])
    whoosh_dir = tmp_path / "whoosh"
    searcher = backend(URL, name, snapshot_seconds=0)

    def same():
        whoosh = WhooshBackend(whoosh_dir)
        for q, speakers in [("", []), ("speaker:Biden", []), ("", ["Biden"]), ("", ["Joseph R. Biden Jr"])]:
            request = build_request(q, {"speaker": speakers})
            a, b = whoosh.search(request), searcher.search(request)
            assert a.total == b.total
            assert [(v.value, v.count, v.selected) for v in a.facets[1].values] == [
                (v.value, v.count, v.selected) for v in b.facets[1].values
            ]
            assert [h.paragraph.tags["speakers"] for h in a.hits] == [h.paragraph.tags["speakers"] for h in b.hits]
        assert [v.value for v in whoosh.facet_values("speaker", "bi")] == [
            v.value for v in searcher.facet_values("speaker", "bi")
        ]
        whoosh.close()
        return [v.value for v in b.facets[1].values]

    for sources in ([], [tagged(2, ["Joseph R. Biden Jr"]), tagged(3, ["Joseph R. Biden Jr"])]):
        if sources:
            write(src / "b.jsonl", sources)
        whoosh_reindex([src], whoosh_dir, progress=False, tag=False)
        os_reindex(URL, name, [src], tag=False)
        shown = same()
    assert shown == ["Joseph R. Biden Jr"]
    searcher.close()


def test_ties_in_facet_counts_are_broken_as_whoosh_breaks_them(tmp_path, name, client):
    names = ["DeSantis", "Deb", "de Klerk", "Émile", "emil", "Zoe", "zoë", "O'Brien", "obrien"]
    src = tmp_path / "src"
    src.mkdir()
    write(src / "a.jsonl", [tagged(i, [n]) for i, n in enumerate(names)] + [tagged(20, ["Zoe"])])
    whoosh_dir = tmp_path / "whoosh"
    whoosh_reindex([src], whoosh_dir, progress=False, tag=False)
    os_reindex(URL, name, [src], tag=False)
    searcher, whoosh = backend(URL, name), WhooshBackend(whoosh_dir)
    for size in (1, 2, 3, 5, 9, 20):
        request = build_request("", {"speaker": ["obrien"] if size == 3 else []}, facet_size=size)
        a, b = whoosh.search(request).facets[1], searcher.search(request).facets[1]
        assert [(v.value, v.count, v.selected) for v in a.values] == [(v.value, v.count, v.selected) for v in b.values]
        assert a.truncated == b.truncated
    searcher.close()
    whoosh.close()


def test_a_second_reindex_is_refused_while_one_runs(name, client):
    lock = state.BuildLock(client, name)
    lock.acquire()
    try:
        with pytest.raises(ReindexBusy, match="another reindex"):
            os_reindex(URL, name, [SEED_FILE])
    finally:
        lock.release()
    assert os_reindex(URL, name, [SEED_FILE]).paragraphs > 0


def test_a_lock_whose_holder_stopped_refreshing_it_is_taken_over(name, client):
    """A holder on another machine that died: its heartbeat goes stale."""
    dead = state.BuildLock(client, name)
    dead.acquire()
    dead._stop.set()  # its heartbeat stops (its process, this one, still runs: only the age counts)
    with pytest.raises(ReindexBusy):
        os_reindex(URL, name, [SEED_FILE], backend_options={"lock_stale_seconds": 60})
    time.sleep(1.5)
    report = os_reindex(URL, name, [SEED_FILE], backend_options={"lock_stale_seconds": 1})
    assert report.paragraphs > 0
    assert not dead.still_held()


def test_a_failed_build_leaves_the_alias_and_deletes_its_index(tmp_path, name, client):
    src = tmp_path / "src"
    src.mkdir()
    write(src / "a.jsonl", [article(i) for i in range(4)])
    first = os_reindex(URL, name, [src])
    write(src / "a.jsonl", [article(i, "changed") for i in range(4)])

    def stop(_article):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        os_reindex(URL, name, [src], after_article=stop)
    assert list(client.indices.get_alias(name=name)) == [first.build]
    assert sorted(client.indices.get(index=f"{name}-b-*")) == [first.build]
    assert total(name, "changed") == 0 and total(name) == 8
    assert client.get(index=state.state_index(name), id="lock", ignore=404)["found"] is False


def test_refused_documents_are_reported_and_nothing_is_published(tmp_path, name, client, monkeypatch):
    src = tmp_path / "src"
    src.mkdir()
    write(src / "a.jsonl", [article(i) for i in range(3)])
    first = os_reindex(URL, name, [src])
    original = os_build.to_source

    def broken(paragraph, source_path=""):
        doc = original(paragraph, source_path)
        if paragraph.doc_id == "art-11#2":
            doc["n"] = "not a number"  # the mapping refuses it
        return doc

    monkeypatch.setattr(os_build, "to_source", broken)
    write(src / "a.jsonl", [article(i) for i in range(3)] + [article(11)])
    with pytest.raises(IndexingFailed) as failed:
        os_reindex(URL, name, [src], procs=1)
    assert [doc_id for doc_id, _ in failed.value.failures] == ["art-11#2"]
    assert "art-11#2" in str(failed.value) and "mapper_parsing_exception" in str(failed.value)
    assert list(client.indices.get_alias(name=name)) == [first.build] and total(name) == 6


def test_parallel_workers_index_what_one_process_does(tmp_path, name, client):
    src = tmp_path / "src"
    src.mkdir()
    for part in range(3):
        write(src / f"p{part}.jsonl", [article(part * 20 + i, f"topic{i % 4}") for i in range(20)])
    parallel = os_reindex(URL, name, [src], procs=2, full=True)
    counts = {q: total(name, q) for q in ["", "topic1", "word33", "speaker:Biden"]}
    serial = os_reindex(URL, name, [src], procs=1, full=True)
    assert parallel.paragraphs == serial.paragraphs == 120
    assert counts == {q: total(name, q) for q in counts}


def test_a_failing_worker_ends_the_build_and_publishes_nothing(tmp_path, name, client, monkeypatch):
    from search.backends.workers import WorkerFailed

    src = tmp_path / "src"
    src.mkdir()
    write(src / "a.jsonl", [article(i) for i in range(2)])
    first = os_reindex(URL, name, [src])
    real = os_build.paragraphs_of

    def exploding(item, tag=True):  # the workers fork from this process and run it
        if item.id == "art-30":
            raise ValueError("tagger exploded")
        return real(item, tag=tag)

    monkeypatch.setattr(os_build, "paragraphs_of", exploding)
    write(src / "a.jsonl", [article(i) for i in range(40)])
    with pytest.raises(WorkerFailed, match="tagger exploded"):
        os_reindex(URL, name, [src], procs=2)
    assert list(client.indices.get_alias(name=name)) == [first.build] and total(name) == 4
    assert sorted(client.indices.get(index=f"{name}-b-*")) == [first.build]


KILLED_BUILD = """
import sys, time
import search.index.build as build
from search.backends.opensearch import OpenSearchBackend
def slow(_article):
    print("indexing", flush=True)
    time.sleep(0.2)
build.reindex(OpenSearchBackend(sys.argv[1], sys.argv[3]), [sys.argv[2]], progress=False, procs=int(sys.argv[4]),
              after_article=slow)
"""


@pytest.mark.parametrize("procs", [1, 2])
def test_a_killed_build_leaves_the_alias_and_the_next_build_cleans_up(tmp_path, name, client, procs):
    src = tmp_path / "src"
    src.mkdir()
    write(src / "a.jsonl", [article(i) for i in range(3)])
    first = os_reindex(URL, name, [src])
    write(src / "a.jsonl", [article(i, "killed") for i in range(40)])
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    child = subprocess.Popen(
        [sys.executable, "-c", KILLED_BUILD, URL, str(src), name, str(procs)],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout.readline().strip() == "indexing"
    child.send_signal(signal.SIGKILL)
    child.communicate(timeout=30)
    orphans = sorted(set(client.indices.get(index=f"{name}-b-*")) - {first.build})
    assert len(orphans) == 1  # the killed build's index, never published
    assert list(client.indices.get_alias(name=name)) == [first.build] and total(name, "killed") == 0
    assert client.get(index=state.state_index(name), id="lock")["found"]  # the lock names a dead process
    # the lock follows its process: the next reindex takes it over at once and deletes the orphan
    report = os_reindex(URL, name, [src])
    assert report.paragraphs == 80 and total(name, "killed") == 80
    assert orphans[0] not in client.indices.get(index=f"{name}-b-*")


def test_the_build_protocol_driven_directly(tmp_path, name, client):
    """Backend.begin, Build.add and finish, Backend.publish: what search.index.build calls."""
    from search.ingest.sources import read_file

    path = write(tmp_path / "a.jsonl", [article(i) for i in range(2)])
    searcher = backend(URL, name)
    assert searcher.live_state() is None  # nothing live yet
    with searcher.lock():
        build = searcher.begin(incremental=True, procs=1, tag=True)
        for item in read_file(path):
            build.add(str(path), item)
        assert build.finish({"manifest.json": b'{"sources": {}}', "other": b"\x00\xff"}) == 4
        assert searcher.publish(build) == build.name
    live = searcher.live_state()
    assert live.files == {"manifest.json": b'{"sources": {}}', "other": b"\x00\xff"}
    assert live.reusable and not live.damaged
    assert total(name) == 4
    searcher.close()


def test_check_reports_a_damaged_or_missing_index_with_the_fix(tmp_path, name, client):
    searcher = backend(URL, name, snapshot_seconds=0)
    with pytest.raises(IndexMissing, match=f"reindex SOURCE... --backend opensearch --opensearch-url {URL}"):
        searcher.check()
    report = os_reindex(URL, name, [SEED_FILE])
    ok = searcher.check()
    assert (ok.build, ok.damaged, ok.fix) == (report.build, [], "") and ok.files >= 4 and ok.bytes > 0
    searcher.check_ready()
    # a state file lost: reported, not reusable (the next reindex reads every source again)
    client.delete(index=state.state_index(name), id=f"{report.build}/{state.FILE}alternates.json/0", refresh=True)
    damaged = searcher.check()
    assert damaged.damaged == ["alternates.json: missing"]
    assert (
        damaged.fix == f"diplosearch reindex --full --backend opensearch --opensearch-url {URL} "
        f"--opensearch-index {name}"
    )
    with pytest.raises(IndexDamaged, match="alternates.json: missing"):
        searcher.check_ready()
    live = searcher.live_state()
    assert not live.reusable and live.damaged == ["alternates.json: missing"]
    repaired = os_reindex(URL, name, [])
    assert (repaired.incremental, repaired.repaired) == (False, ["alternates.json: missing"])
    assert searcher.check().damaged == []
    # paragraphs lost from the index: its count no longer matches its record
    client.delete_by_query(index=name, body={"query": {"term": {"n": 1}}}, refresh=True)
    assert "holds" in searcher.check().damaged[0]
    # the list of sources lost: only a rebuild from named sources can repair it
    live_index = next(iter(client.indices.get_alias(name=name)))
    client.delete(index=state.state_index(name), id=f"{live_index}/{state.FILE}manifest.json/0", refresh=True)
    assert "--replace SOURCE..." in searcher.check().fix
    with pytest.raises(IndexDamaged, match="list of sources"):
        searcher.live_state()
    assert os_reindex(URL, name, [SEED_FILE], replace=True).paragraphs == report.paragraphs
    searcher.close()


def test_an_unreachable_cluster_is_one_clear_error():
    from search.backends.opensearch import ClusterUnavailable

    searcher = backend("http://127.0.0.1:9", "nothing")
    for call in (searcher.check_ready, searcher.live_state, lambda: searcher.search(build_request("energy"))):
        with pytest.raises(ClusterUnavailable, match="http://127.0.0.1:9 cannot be reached"):
            call()


def test_a_lost_alias_is_damage_not_a_new_index(name, client):
    report = os_reindex(URL, name, [SEED_FILE])
    client.indices.delete_alias(index=report.build, name=name)
    searcher = backend(URL, name)
    for call in (searcher.check_ready, searcher.live_state, searcher.check):
        with pytest.raises(IndexDamaged, match=f"alias '{name}' .* is missing, though its last build {report.build}"):
            call()
    with pytest.raises(Exception, match="is missing"):  # a reindex does not quietly start a new index
        os_reindex(URL, name, [SEED_FILE])
    assert client.indices.exists(index=report.build)  # nor delete the build the alias pointed at
    rebuilt = os_reindex(URL, name, [SEED_FILE], replace=True)
    assert list(client.indices.get_alias(name=name)) == [rebuilt.build]
    assert searcher.check().damaged == []
    searcher.close()


def test_an_alias_on_two_builds_is_damage_that_a_replacing_reindex_repairs(name, client):
    first = os_reindex(URL, name, [SEED_FILE])
    second = os_reindex(URL, name, [SEED_FILE], full=True)
    client.indices.put_alias(index=first.build, name=name)  # a hand-made mistake
    searcher = backend(URL, name, snapshot_seconds=0)
    with pytest.raises(IndexDamaged, match="points at 2 indices"):
        searcher.check_ready()
    with pytest.raises(Exception, match="points at 2 indices"):
        os_reindex(URL, name, [SEED_FILE])  # an incremental build cannot tell which to keep
    repaired = os_reindex(URL, name, [SEED_FILE], replace=True)
    assert list(client.indices.get_alias(name=name)) == [repaired.build] and repaired.build != second.build
    searcher.check_ready()
    searcher.close()
