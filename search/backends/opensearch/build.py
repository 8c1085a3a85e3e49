"""An OpenSearch build: a new index beside the live one, filled by tagging workers.

``search.index.build.reindex`` drives it (what to read, keep and drop, near
duplicates, unique ids, the state files); this module only stores:

* each build is a new index ``<name>-b-<time>-<pid>-<n>``; an incremental build
  starts as a server-side ``_reindex`` copy of the live one (as the Whoosh
  build hard-links the live segments), then drops the changed and removed
  sources' paragraphs by query;
* worker processes (``search.backends.workers``) tag articles
  (``search.tagging.paragraphs.paragraphs_of``) and send their paragraphs with
  ``helpers.streaming_bulk`` (the loop under ``helpers.bulk``), retrying
  rejected chunks with back-off; every document that still fails is reported
  with its id and reason, and the build is not published. When the last bulk
  is done, the index must hold exactly the kept plus the added paragraphs, or
  the build fails: nothing is lost silently;
* spellings of a name are merged across the whole new index
  (``search.query.names``) for every facet that merges names, and written
  into ``<facet>_shown`` with ``update_by_query`` (painless);
* the index stage's state files, the merged names and last the build's record
  are stored in the cluster (``state``).

``cancel`` kills the workers and deletes the new index and its state; a build
killed before that (``kill -9``) leaves an index without a record, which the
next reindex deletes once it holds the lock.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterable

from opensearchpy import exceptions as os_errors
from opensearchpy import helpers

from search.backends.workers import WorkerPool
from search.errors import DiploSearchError
from search.facets import FACETS
from search.models import Article, Paragraph
from search.query.names import canonical_names
from search.tagging.paragraphs import paragraphs_of

from . import state
from .client import cluster_errors, connect
from .mapping import KEY_SEPARATOR, counted_field, index_body, key_field, sort_key, to_source

FORMAT_VERSION = 2  # of a build's documents and state; bumped when they change incompatibly
# (2: folding as Whoosh's, spelling variants, fragments, title words)
ALIASES = "aliases"  # the state blob of the names merged per facet
BULK_DOCS = 500
BULK_BYTES = 8 * 1024 * 1024
BATCH_ARTICLES = 8
MAX_REPORTED = 50
UPDATE_CHUNK = 20_000  # names per update_by_query
SHOWN_SCRIPT = """
String keyOf(String v, Map k, def current, String sep) {
  if (k.containsKey(v)) { return k.get(v); }
  if (current != null) { for (def c : current) { if (c.endsWith(sep + v)) { return c; } } }
  return v.toLowerCase() + sep + v;
}
List out = new ArrayList();
List keys = new ArrayList();
def raw = ctx._source[params.raw];
def current = ctx._source[params.key];
if (raw != null) {
  for (def s : raw) {
    def v = params.m.containsKey(s) ? params.m.get(s) : s;
    if (!out.contains(v)) { out.add(v); keys.add(keyOf(v, params.k, current, params.sep)); }
  }
}
ctx._source[params.shown] = out;
ctx._source[params.key] = keys;
"""


class IndexingFailed(DiploSearchError):
    """Documents the cluster refused (each named with its reason), or a build that came out
    incomplete; it was not published."""

    def __init__(self, message: str, failures: list[tuple[str, str]] | None = None):
        super().__init__(message)
        self.failures = failures or []


def _describe(failures: list[tuple[str, str]]) -> str:
    lines = [f"  {doc_id}: {reason}" for doc_id, reason in failures[:MAX_REPORTED]]
    if len(failures) > MAX_REPORTED:
        lines.append(f"  … and {len(failures) - MAX_REPORTED} more")
    return "\n".join(lines)


def _actions(index: str, source_path: str, paragraphs: Iterable[Paragraph]):
    for paragraph in paragraphs:
        yield {
            "_op_type": "index",
            "_index": index,
            "_id": paragraph.doc_id,
            "_source": to_source(paragraph, source_path),
        }


def _bulk(client, actions) -> tuple[int, list[tuple[str, str]]]:
    """Send documents; (sent, failures as (doc id, reason)) after retrying rejections."""
    sent = 0
    failures: list[tuple[str, str]] = []

    def counted():
        nonlocal sent
        for action in actions:
            sent += 1
            yield action

    for ok, item in helpers.streaming_bulk(
        client,
        counted(),
        chunk_size=BULK_DOCS,
        max_chunk_bytes=BULK_BYTES,
        raise_on_error=False,
        raise_on_exception=False,
        max_retries=6,
        initial_backoff=1,
        max_backoff=30,
        yield_ok=False,
    ):
        if not ok:
            info = next(iter(item.values()))
            error = info.get("error") or info.get("exception") or info
            if isinstance(error, dict):
                error = f"{error.get('type', '')}: {error.get('reason', error)}"
            failures.append((str(info.get("_id", "?")), f"status {info.get('status', '?')}: {error}"))
    return sent, failures


def _work(jobs, url, index: str, tag: bool) -> tuple[int, list[tuple[str, str]]]:
    """A worker: tag each batch of articles and bulk-index their paragraphs with a client of its own."""
    client = connect(url)
    added, failures = 0, []
    try:
        for batch in jobs:
            sent, failed = _bulk(
                client,
                (
                    a
                    for source_path, article in batch
                    for a in _actions(index, source_path, paragraphs_of(article, tag=tag))
                ),
            )
            added += sent
            failures.extend(failed)
    finally:
        client.close()
    return added, failures


class SerialFeeder:
    """Tag in this process, bulk in chunks."""

    def __init__(self, client, index: str, tag: bool):
        self.client, self.index, self.tag = client, index, tag
        self.pending: list[tuple[str, Paragraph]] = []
        self.added = 0
        self.failures: list[tuple[str, str]] = []

    def add(self, source_path: str, article: Article) -> None:
        self.pending.extend((source_path, p) for p in paragraphs_of(article, tag=self.tag))
        if len(self.pending) >= BULK_DOCS:
            self._flush()

    def _flush(self) -> None:
        pending, self.pending = self.pending, []
        sent, failures = _bulk(self.client, (a for path, p in pending for a in _actions(self.index, path, [p])))
        self.added += sent
        self.failures.extend(failures)

    def finish(self) -> tuple[int, list[tuple[str, str]]]:
        if self.pending:
            self._flush()
        return self.added, self.failures

    def cancel(self) -> None:
        self.pending = []


class ParallelFeeder:
    """Worker processes tag batches of articles and bulk-index them, each with its own client."""

    def __init__(self, url, index: str, procs: int, tag: bool):
        self.pool = WorkerPool(_work, (url, index, tag), procs)
        self.batch: list[tuple[str, Article]] = []

    def add(self, source_path: str, article: Article) -> None:
        self.batch.append((source_path, article))
        if len(self.batch) >= BATCH_ARTICLES:
            self.pool.send(self.batch)
            self.batch = []

    def finish(self) -> tuple[int, list[tuple[str, str]]]:
        if self.batch:
            self.pool.send(self.batch)
            self.batch = []
        done = self.pool.finish()
        return sum(n for n, _ in done), [f for _, failures in done for f in failures]

    def cancel(self) -> None:
        self.pool.cancel()


def new_index_name(client, name: str) -> str:
    stamp = time.strftime("%Y%m%dt%H%M%S")
    for attempt in range(1000):
        index = f"{name}-b-{stamp}-{os.getpid()}-{attempt}"
        if not client.indices.exists(index=index):
            return index
    raise RuntimeError("cannot name a new build index")


class OpenSearchBuild:
    """``delete_sources`` and ``add``, then ``finish`` (and the backend's ``publish``) or ``cancel``."""

    def __init__(self, client, url, name: str, live: str, incremental: bool, procs: int, tag: bool, shards: int):
        self.client = client
        self.url = url
        self.alias = name
        self.live = live if incremental else ""
        self.previous_aliases: dict[str, dict[str, str]] = {}
        self.base_count = 0
        self.feeder: SerialFeeder | ParallelFeeder | None = None
        self.finished = False
        self.published = False  # set by the backend's publish: from then on the index is live
        self.index = new_index_name(client, name)
        try:
            client.indices.create(index=self.index, body=index_body(shards, 0))
            if self.live:
                self.previous_aliases = state.get_json(client, name, self.live, ALIASES, {}) or {}
                self._copy_live()
            self.feeder = (
                ParallelFeeder(url, self.index, procs, tag) if procs > 1 else SerialFeeder(client, self.index, tag)
            )
        except BaseException:
            self.cancel()
            raise

    @property
    def name(self) -> str:
        return self.index

    def _copy_live(self) -> None:
        """The live build's paragraphs, copied server-side (the Whoosh build links its segments)."""
        answer = self.client.reindex(
            body={"source": {"index": self.live, "size": 2000}, "dest": {"index": self.index}},
            refresh=True,
            wait_for_completion=True,
            request_timeout=3600,
            slices="auto",
        )
        if answer.get("failures"):
            raise IndexingFailed(f"copying the live build {self.live} failed: {answer['failures'][:5]}")
        self.base_count = self._count()
        expected = int(self.client.count(index=self.live)["count"])
        if self.base_count != expected:
            raise IndexingFailed(
                f"copying the live build {self.live} gave {self.base_count} paragraphs instead of {expected}"
            )

    def _count(self) -> int:
        return int(self.client.count(index=self.index)["count"])

    @cluster_errors
    def delete_sources(self, paths: list[str]) -> None:
        """Drop the paragraphs of these sources (changed, removed, or holding a promoted copy)."""
        for start in range(0, len(paths), 1000):
            chunk = paths[start : start + 1000]
            answer = self.client.delete_by_query(
                index=self.index,
                body={"query": {"terms": {"source_path": chunk}}},
                refresh=True,
                conflicts="abort",
                slices="auto",
                request_timeout=3600,
            )
            if answer.get("failures"):
                raise IndexingFailed(f"deleting changed sources failed: {answer['failures'][:5]}")
        self.base_count = self._count()

    def add(self, source_path: str, article: Article) -> None:
        self.feeder.add(source_path, article)

    @cluster_errors
    def finish(self, files: dict[str, bytes]) -> int:
        """Wait for every document, check that none is missing, merge names, store the state files
        and last the build's record. Returns the paragraphs in the build. Raises IndexingFailed."""
        added, failures = self.feeder.finish()
        self.finished = True
        if failures:
            raise IndexingFailed(
                f"{len(failures)} paragraph(s) were refused by OpenSearch; the build was not "
                f"published and the live index is unchanged:\n{_describe(failures)}",
                failures,
            )
        self.client.indices.refresh(index=self.index)
        count = self._count()
        if count != self.base_count + added:
            raise IndexingFailed(
                f"the new index holds {count} paragraphs instead of "
                f"{self.base_count + added}; the build was not published"
            )
        aliases = {facet.name: self._merge_names(facet) for facet in FACETS if facet.merge_names}
        stored = {}
        for file_name, data in files.items():
            state.put_blob(self.client, self.alias, self.index, state.FILE + file_name, data, refresh=False)
            stored[file_name] = {"bytes": len(data), "sha256": state.digest(data)}
        aliases_blob = json.dumps(aliases, ensure_ascii=False).encode("utf-8")
        state.put_blob(self.client, self.alias, self.index, ALIASES, aliases_blob, refresh=False)
        stored[ALIASES] = {"bytes": len(aliases_blob), "sha256": state.digest(aliases_blob)}
        state.put_json(
            self.client,
            self.alias,
            self.index,
            state.RECORD,
            {
                "format": FORMAT_VERSION,
                "facets": FACETS.names(),
                "paragraphs": count,
                "files": stored,
                "finished": time.strftime("%Y-%m-%d %H:%M:%S"),
            },
        )
        return count

    def _merge_names(self, facet) -> dict[str, str]:
        """Count every spelling over the whole new index, group them (``canonical_names``) and
        write each paragraph's counted names where they changed; the aliases (spelling -> name shown)."""
        shown = canonical_names(dict(all_counts(self.client, self.index, facet.name, {"match_all": {}})))
        aliases = {name: label for name, label in shown.items() if name != label}
        touched = sorted(set(aliases) | set(self.previous_aliases.get(facet.name, {})))
        for start in range(0, len(touched), UPDATE_CHUNK):
            chunk = touched[start : start + UPDATE_CHUNK]
            names = {n: aliases[n] for n in chunk if n in aliases}
            keys = {value: sort_key(value) for value in {*chunk, *names.values()}}
            answer = self.client.update_by_query(
                index=self.index,
                body={
                    "query": {"terms": {facet.name: chunk}},
                    "script": {
                        "lang": "painless",
                        "source": SHOWN_SCRIPT,
                        "params": {
                            "raw": facet.name,
                            "shown": counted_field(facet),
                            "key": key_field(facet),
                            "m": names,
                            "k": keys,
                            "sep": KEY_SEPARATOR,
                        },
                    },
                },
                refresh=True,
                conflicts="abort",
                wait_for_completion=True,
                slices="auto",
                request_timeout=3600,
            )
            if answer.get("failures"):
                raise IndexingFailed(f"merging the names of {facet.name} failed: {answer['failures'][:5]}")
        return aliases

    def cancel(self) -> None:
        """Stop the workers, delete the new index and its state; never raises (it runs while
        another error is on its way). A published build is the live one: it stays."""
        if self.published:
            return
        try:
            if self.feeder is not None and not self.finished:
                self.feeder.cancel()
        except Exception:
            pass
        try:
            self.client.indices.delete(index=self.index, ignore_unavailable=True)
            state.delete_build_state(self.client, self.alias, self.index)
        except Exception:
            pass


def all_counts(client, index: str, field: str, query: dict, page: int = 10_000) -> list[tuple[str, int]]:
    """Every value of a keyword field with its count among ``query``'s documents, in value order."""
    found: list[tuple[str, int]] = []
    after = None
    while True:
        composite = {"size": page, "sources": [{"v": {"terms": {"field": field}}}]}
        if after:
            composite["after"] = after
        answer = client.search(
            index=index,
            body={"query": query, "size": 0, "track_total_hits": False, "aggs": {"c": {"composite": composite}}},
        )
        agg = answer["aggregations"]["c"]
        found.extend((b["key"]["v"], b["doc_count"]) for b in agg["buckets"])
        after = agg.get("after_key")
        if not agg["buckets"] or not after or len(agg["buckets"]) < page:
            return found


def build_indices(client, name: str) -> list[str]:
    """Every build index of ``name``, finished or not."""
    try:
        return sorted(client.indices.get(index=f"{name}-b-*", expand_wildcards="open,closed"))
    except os_errors.NotFoundError:
        return []
