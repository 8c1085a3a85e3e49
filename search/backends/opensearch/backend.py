"""The OpenSearch backend: builds published by moving an alias, and searches of the live build.

An alias (``name``, default ``diplosearch``) points at the live build's
index; ``publish`` moves it in one ``_aliases`` call. Like the Whoosh backend
following its CURRENT pointer, each request works on a *snapshot*: the alias
is resolved (at most once a second) to the build's concrete index, whose
per-build data (merged names, other copies of articles) is loaded once, and
every query of the request goes to that index, so a request never mixes two
builds. The previous build is kept until the next publish, so a request that
resolved the alias just before a switch still finds its index.

Disjunctive facets are filter aggregations, each leaving out its own facet's
selection, with the selections applied to the hits by ``post_filter``; the
date facet and the timeline come from a monthly ``date_histogram`` of the
paragraphs matching every filter but the dates, with their first and last
dates (the days of that span are asked for only for a week timeline), by the
rules of ``search.query.timeline``.

The client is made on first use in each process (``serve`` forks its workers
after opening the backend), and a cluster that cannot be reached is
``ClusterUnavailable`` (the site answers 503 with the message).
"""
from __future__ import annotations

import os
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from html import escape

import numpy as np
from opensearchpy import exceptions as os_errors
from whoosh import query as wq

from search.backend import CheckReport, LiveState
from search.errors import IndexDamaged, IndexMissing, QueryError
from search.facets import FACETS, FacetSpec
from search.index.build import ALTERNATES, MANIFEST
from search.models import Facet, FacetValue, Hit, Paragraph, SearchRequest, SearchResult
from search.query.names import prefix_matches
from search.query.timeline import counted_timeline, date_facet, is_week_timeline, month_timeline

from . import state
from .build import ALIASES, FORMAT_VERSION, IndexingFailed, OpenSearchBuild, all_counts, build_indices
from .client import DEFAULT_NAME, cluster_errors, connect, reason, unavailable
from .mapping import MAX_RESULT_WINDOW, counted_field, from_source, key_field, key_value, sort_key
from .translate import Translator, leaves, parse

SNAPSHOT_SECONDS = 1.0
SNIPPET_CHARS = 320  # as the Whoosh backend's snippets
SORT_TIEBREAK = [{"article_id": "asc"}, {"n": "asc"}]
HIGHLIGHT = {
    "pre_tags": ["<mark>"], "post_tags": ["</mark>"], "encoder": "html",
    "fields": {"text": {"type": "unified", "number_of_fragments": 2, "fragment_size": SNIPPET_CHARS // 2,
                        "no_match_size": 0}},
}
FRAGMENT_SEPARATOR = " … "  # as Whoosh's formatter joins fragments
DAY_MS = 86_400_000


@dataclass
class Snapshot:
    index: str  # the build's concrete index
    aliases: dict[str, dict[str, str]]  # facet -> {spelling: the name it is counted under} (those that differ)
    alternates: dict[str, list[dict]]
    resolved_at: float = 0.0
    known: dict = field(default_factory=dict)  # (facet, value) -> whether the build has it

    def shown(self, facet: str, value: str) -> str:
        return self.aliases.get(facet, {}).get(value, value)


@dataclass
class GroupedResult:
    """Results grouped by article (``collapse`` on article_id): ``result.hits`` holds each
    article's best paragraph; ``more`` up to ``per_article`` of its matching paragraphs."""

    result: SearchResult
    articles: int  # matching articles (exact up to 40,000, OpenSearch's cardinality estimate beyond)
    more: dict[str, list[Hit]] = field(default_factory=dict)


@dataclass
class Verdict:
    """What verifying the live build found."""

    index: str
    record: dict | None
    files: dict[str, bytes]
    damaged: list[str]
    bytes: int = 0


class OpenSearchBackend:
    """The OpenSearch backend (``search.backend.Backend``) over the alias ``name`` of the cluster at ``url``.

    ``shards`` and ``replicas`` are those of new builds (default 1 shard, and 1
    replica on a cluster of several data nodes, else none)."""

    def __init__(self, url: str | list[str], name: str = DEFAULT_NAME, *, shards: int | None = None,
                 replicas: int | None = None, client=None, snapshot_seconds: float = SNAPSHOT_SECONDS,
                 lock_stale_seconds: float = state.STALE_SECONDS):
        self.url = url
        self.name = name
        self.shards = shards or 1
        self.replicas = replicas
        self.snapshot_seconds = snapshot_seconds
        self.lock_stale_seconds = lock_stale_seconds
        self._given_client = client
        self._client = None
        self._client_pid = 0
        self._snapshot: Snapshot | None = None
        self._lock = threading.Lock()
        self._client_lock = threading.Lock()
        self._held: state.BuildLock | None = None

    @property
    def client(self):
        """This process's client (made on first use: a forked server worker makes its own)."""
        if self._given_client is not None:
            return self._given_client
        if self._client is None or self._client_pid != os.getpid():
            with self._client_lock:
                if self._client is None or self._client_pid != os.getpid():
                    self._client = connect(self.url)
                    self._client_pid = os.getpid()
        return self._client

    def _target(self) -> str:
        """The command line options that name this index, for the fixes messages give."""
        url = self.url if isinstance(self.url, str) else ",".join(self.url)
        named = f" --opensearch-index {self.name}" if self.name != DEFAULT_NAME else ""
        return f"--backend opensearch --opensearch-url {url}{named}"

    # -- the live build -------------------------------------------------------------
    def _live_index(self) -> str:
        """The index the alias points at, "" when there is none."""
        try:
            answer = self.client.indices.get_alias(name=self.name)
        except os_errors.NotFoundError:
            return ""
        except (os_errors.TransportError, os_errors.ImproperlyConfigured) as error:
            raise unavailable(self.url, error) from error
        indices = sorted(answer)
        if len(indices) != 1:
            raise IndexDamaged(f"the alias {self.name!r} on {self.url} points at {len(indices)} indices "
                               f"({', '.join(indices)}); it must point at one build. Rebuild with "
                               f"`diplosearch reindex --full {self._target()}`")
        return indices[0]

    def _missing(self) -> IndexMissing:
        return IndexMissing(f"no index {self.name!r} on the OpenSearch cluster at {self.url}: build one with "
                            f"`diplosearch reindex SOURCE... {self._target()}`")

    def _pointer(self) -> dict:
        """The live build and the one before it, as the last publish recorded them."""
        pointer = state.get_json(self.client, self.name, "_", "pointer", {})
        return pointer if isinstance(pointer, dict) else {}

    def _require_live(self, missing_ok: bool = False) -> str:
        """The live build's index; IndexMissing when there is none ("" with ``missing_ok``), and
        IndexDamaged when the alias was lost while the build it pointed at is still there (never
        a new index silently)."""
        index = self._live_index()
        if index:
            return index
        current = self._pointer().get("current", "")
        if current and self.client.indices.exists(index=current):
            raise IndexDamaged(f"the alias {self.name!r} on {self.url} is missing, though its last build {current} "
                               f"is there: point it at that build again (POST _aliases), or rebuild with "
                               f"`diplosearch reindex --replace SOURCE... {self._target()}`")
        if missing_ok:
            return ""
        raise self._missing()

    def _verify(self, index: str) -> Verdict:
        """Read and check the live build: its record, its state files against their checksums,
        its health, and that it holds the paragraphs its record says."""
        client = self.client
        try:
            record = state.get_json(client, self.name, index, state.RECORD)
            if not isinstance(record, dict) or not isinstance(record.get("files"), dict):
                return Verdict(index, None, {}, [f"{state.RECORD}: missing or unreadable"])
            files, damaged, size = {}, [], 0
            for file_name, expected in sorted(record["files"].items()):
                kind = file_name if file_name == ALIASES else state.FILE + file_name
                data = state.get_blob(client, self.name, index, kind)
                if data is None:
                    damaged.append(f"{file_name}: missing")
                elif len(data) != expected.get("bytes") or state.digest(data) != expected.get("sha256"):
                    damaged.append(f"{file_name}: changed (checksum differs)")
                else:
                    size += len(data)
                    if file_name != ALIASES:
                        files[file_name] = data
            health = client.cluster.health(index=index)
            if health.get("status") == "red":
                damaged.append(f"{index}: red ({health.get('unassigned_shards', '?')} shard(s) unassigned; "
                               "some paragraphs cannot be read)")
            else:
                count = int(client.count(index=index)["count"])
                if count != record.get("paragraphs"):
                    damaged.append(f"{index}: holds {count} paragraphs, its build wrote {record.get('paragraphs')}")
                stats = client.indices.stats(index=index, metric="store")
                size += int(stats["indices"][index]["primaries"]["store"]["size_in_bytes"])
        except os_errors.NotFoundError:
            return Verdict(index, None, {}, [f"{index}: missing"])
        except (os_errors.TransportError, os_errors.ImproperlyConfigured) as error:
            raise unavailable(self.url, error) from error
        return Verdict(index, record, files, damaged, size)

    def _damaged_error(self, verdict: Verdict) -> IndexDamaged:
        shown = "; ".join(verdict.damaged[:3]) + (f" and {len(verdict.damaged) - 3} more"
                                                   if len(verdict.damaged) > 3 else "")
        return IndexDamaged(f"the OpenSearch index {self.name!r} on {self.url} is damaged (build {verdict.index}: "
                            f"{shown}); rebuild it with `{self._fix(verdict)}`")

    def _fix(self, verdict: Verdict) -> str:
        if verdict.record is None or MANIFEST in {d.split(":")[0] for d in verdict.damaged}:
            return f"diplosearch reindex --replace SOURCE... {self._target()}"
        return f"diplosearch reindex --full {self._target()}"

    # -- building ---------------------------------------------------------------------
    @contextmanager
    def lock(self):
        """Hold the cluster-wide reindex lock (ReindexBusy if another live reindex has it); builds
        a killed reindex left behind are deleted once it is held."""
        lock = state.BuildLock(self.client, self.name, stale_seconds=self.lock_stale_seconds)
        try:
            lock.acquire()
        except (os_errors.TransportError, os_errors.ImproperlyConfigured) as error:
            raise unavailable(self.url, error) from error
        self._held = lock
        try:
            self.discard_unfinished()
            yield
        finally:
            self._held = None
            lock.release()

    @cluster_errors
    def discard_unfinished(self) -> list[str]:
        """Delete build indices that are neither live nor the one before it (killed or failed
        builds); only called with the lock held. Returns their names."""
        pointer = self._pointer()
        keep = {self._live_index(), pointer.get("current", ""), pointer.get("previous", "")}
        left = [index for index in build_indices(self.client, self.name) if index not in keep]
        for index in left:
            self.client.indices.delete(index=index, ignore_unavailable=True)
            state.delete_build_state(self.client, self.name, index)
        return left

    @cluster_errors
    def live_state(self) -> LiveState | None:
        index = self._require_live(missing_ok=True)
        if not index:
            return None
        verdict = self._verify(index)
        if verdict.record is None or MANIFEST not in verdict.files:
            raise IndexDamaged(
                f"the OpenSearch index {self.name!r} on {self.url} is damaged: its list of sources "
                f"({MANIFEST}) is missing or changed; rebuild it from every source: "
                f"`diplosearch reindex --replace SOURCE... {self._target()}`")
        record = verdict.record
        reusable = (record.get("format") == FORMAT_VERSION and record.get("facets") == FACETS.names()
                    and not verdict.damaged)
        return LiveState(verdict.files, reusable=reusable, damaged=verdict.damaged)

    @cluster_errors
    def check_ready(self) -> None:
        verdict = self._verify(self._require_live())
        if verdict.damaged:
            raise self._damaged_error(verdict)

    @cluster_errors
    def check(self) -> CheckReport:
        index = self._require_live()
        verdict = self._verify(index)
        files = len((verdict.record or {}).get("files", {})) + 1  # the state files and the index
        return CheckReport(index, files, verdict.bytes, verdict.damaged, self._fix(verdict) if verdict.damaged else "")

    @cluster_errors
    def begin(self, incremental: bool, procs: int, tag: bool) -> OpenSearchBuild:
        live = self._live_index() if incremental else ""
        return OpenSearchBuild(self.client, self.url, self.name, live, incremental and bool(live), procs, tag,
                               self.shards)

    @cluster_errors
    def publish(self, build: OpenSearchBuild) -> str:
        """Make the new build live: replicas on, then one ``_aliases`` call; keep the previous
        build, delete older ones."""
        client = self.client
        nodes = int(client.cluster.health()["number_of_data_nodes"])
        replicas = self.replicas if self.replicas is not None else (1 if nodes > 1 else 0)
        client.indices.put_settings(index=build.index, body={"index": {"number_of_replicas": replicas,
                                                                       "refresh_interval": None}})
        wanted = "green" if replicas < nodes else "yellow"
        health = client.cluster.health(index=build.index, params={"wait_for_status": wanted, "timeout": "120s"},
                                       request_timeout=130)
        if health.get("timed_out"):
            raise IndexingFailed(f"the new index {build.index} did not become {wanted} within 120 s")
        if self._held is None or not self._held.still_held():
            raise IndexingFailed("the reindex lock was taken over by another reindex (this one was stalled for "
                                 f"{self.lock_stale_seconds:.0f} s); not publishing")
        live = self._live_index()
        actions = [{"add": {"index": build.index, "alias": self.name}}]
        if live:
            actions.insert(0, {"remove": {"index": live, "alias": self.name}})
        client.indices.update_aliases(body={"actions": actions})
        build.published = True
        state.put_json(client, self.name, "_", "pointer", {"current": build.index, "previous": live})
        for index in build_indices(client, self.name):
            if index not in (build.index, live):
                client.indices.delete(index=index, ignore_unavailable=True)
                state.delete_build_state(client, self.name, index)
        return build.index

    # -- snapshots ------------------------------------------------------------------------
    def snapshot(self, force: bool = False) -> Snapshot:
        current = self._snapshot
        if not force and current is not None and time.monotonic() - current.resolved_at < self.snapshot_seconds:
            return current
        with self._lock:
            index = self._live_index()
            if not index:
                raise self._missing()
            if self._snapshot is not None and self._snapshot.index == index:
                self._snapshot.resolved_at = time.monotonic()
                return self._snapshot
            try:
                aliases = state.get_json(self.client, self.name, index, ALIASES, {}) or {}
                alternates = state.get_json(self.client, self.name, index, state.FILE + ALTERNATES, {}) or {}
            except (os_errors.TransportError, os_errors.ImproperlyConfigured) as error:
                raise unavailable(self.url, error) from error
            self._snapshot = Snapshot(index, aliases, alternates, time.monotonic())
            return self._snapshot

    def _call(self, method: str, **kwargs) -> tuple[Snapshot, dict]:
        """One request to the snapshot's index; a build removed meanwhile is resolved again once."""
        for attempt in (0, 1):
            snap = self.snapshot(force=attempt == 1)
            try:
                return snap, getattr(self.client, method)(index=snap.index, **kwargs)
            except os_errors.NotFoundError:
                if attempt:
                    raise IndexMissing(f"the OpenSearch index {snap.index} disappeared") from None
            except os_errors.RequestError as error:
                raise QueryError(f"OpenSearch cannot run this search: {reason(error)}") from error
            except (os_errors.TransportError, os_errors.ImproperlyConfigured) as error:
                raise unavailable(self.url, error) from error
        raise AssertionError("unreachable")

    # -- pieces of a request -------------------------------------------------------------
    @staticmethod
    def _query(snap: Snapshot, text: str) -> tuple[wq.Query, dict]:
        q = parse(text)
        return q, Translator(snap.shown)(q)

    @staticmethod
    def _chosen(snap: Snapshot, facet: FacetSpec, request: SearchRequest) -> list[str]:
        values = request.filters.get(facet.name, [])
        return list(dict.fromkeys(snap.shown(facet.name, v) for v in values)) if facet.merge_names else list(values)

    def _filters(self, snap: Snapshot, request: SearchRequest) -> dict[str, dict]:
        """facet name (and "date") -> the filter clause of the request's selection of it."""
        filters = {}
        for facet in FACETS:
            chosen = self._chosen(snap, facet, request)
            if chosen:
                filters[facet.name] = {"terms": {counted_field(facet): chosen}}
        if request.date_from or request.date_to:
            bounds = {"format": "strict_date"}
            if request.date_from:
                bounds["gte"] = request.date_from
            if request.date_to:
                bounds["lte"] = request.date_to
            filters["date"] = {"range": {"date": bounds}}
        return filters

    @staticmethod
    def _sort(q: wq.Query, request: SearchRequest) -> list:
        if request.sort == "relevance" and not isinstance(q, wq.Every):
            return ["_score", *SORT_TIEBREAK]
        if request.sort == "date-asc":  # undated paragraphs first, as the Whoosh backend orders them
            return [{"date": {"order": "asc", "missing": "_first"}}, *SORT_TIEBREAK]
        return [{"date": {"order": "desc", "missing": "_last"}}, *SORT_TIEBREAK]

    # -- searching --------------------------------------------------------------------------
    def search(self, request: SearchRequest) -> SearchResult:
        return self._search(request)

    def search_grouped(self, request: SearchRequest, per_article: int = 3) -> GroupedResult:
        """The search with one result per article (``collapse`` on article_id)."""
        grouped = GroupedResult(None, 0)  # type: ignore[arg-type]
        grouped.result = self._search(request, collapse=per_article, grouped=grouped)
        return grouped

    def _search(self, request: SearchRequest, collapse: int = 0,
                grouped: GroupedResult | None = None) -> SearchResult:
        start = (request.page - 1) * request.per_page
        if start + request.per_page > MAX_RESULT_WINDOW:
            raise QueryError(f"results beyond the first {MAX_RESULT_WINDOW} cannot be paged to; "
                             "narrow the search or export it")
        snap = self.snapshot()
        q, query = self._query(snap, request.q)
        filters = self._filters(snap, request)
        aggs = {f"f_{facet.name}": self._facet_agg(snap, facet, filters, request) for facet in FACETS}
        undated = _and([c for f, c in filters.items() if f != "date"])
        aggs["undated"] = {"filter": undated, "aggs": {
            "months": {"date_histogram": {"field": "date", "calendar_interval": "month", "min_doc_count": 1}},
            "first": {"min": {"field": "date"}}, "last": {"max": {"field": "date"}}}}
        body = {"query": query, "post_filter": _and(filters.values()), "aggs": aggs,
                "sort": self._sort(q, request), "from": start, "size": request.per_page,
                "track_total_hits": True, "highlight": HIGHLIGHT}
        spelled = {"text", *FACETS.names()}  # a word missing from the titles alone is no misspelling
        words = [] if isinstance(q, wq.Every) else leaves(q, spelled)
        if words:
            body["suggest"] = {f"s{i}": {"text": leaf.text, "term": {
                "field": "text.words" if leaf.fieldname == "text" else leaf.fieldname,
                "suggest_mode": "missing", "prefix_length": 1, "max_edits": 2, "min_word_length": 2, "size": 1}}
                for i, leaf in enumerate(words)}
        if collapse:
            body["collapse"] = {"field": "article_id", "inner_hits": {
                "name": "more", "size": collapse, "sort": self._sort(q, request), "highlight": HIGHLIGHT}}
            aggs["articles"] = {"filter": _and(filters.values()),
                                "aggs": {"n": {"cardinality": {"field": "article_id", "precision_threshold": 40000}}}}
        snap, answer = self._call("search", body=body)
        aggregations = answer["aggregations"]
        facets = [self._facet(snap, facet, aggregations[f"f_{facet.name}"], filters, query, request)
                  for facet in FACETS]
        date, unit, buckets = self._dates(aggregations["undated"], query, undated, request)
        facets.append(date)
        hits = [self._hit(h) for h in answer["hits"]["hits"]]
        suggestion, suggestion_total = self._suggestion(snap, request, words, answer.get("suggest", {}), filters)
        result = SearchResult(request=request, total=answer["hits"]["total"]["value"], hits=hits, facets=facets,
                              suggestion=suggestion, suggestion_total=suggestion_total,
                              timeline=buckets, timeline_unit=unit)
        if grouped is not None:
            grouped.articles = int(aggregations["articles"]["n"]["value"])
            grouped.more = {h["_source"]["article_id"]: [self._hit(i) for i in h["inner_hits"]["more"]["hits"]["hits"]]
                            for h in answer["hits"]["hits"]}
        return result

    def _dates(self, agg: dict, query: dict, undated: dict, request: SearchRequest) -> tuple[Facet, str, list]:
        """The date facet and the timeline (unit, buckets)."""
        months, counts = _histogram(agg["months"]["buckets"], "M")
        facet = date_facet(months, request, counts)
        if not len(months):
            return facet, "", []
        first, last = (int(agg[k]["value"]) // DAY_MS for k in ("first", "last"))
        if not is_week_timeline(first, last):
            return facet, *month_timeline(first, last, months, counts, request)
        # a week timeline: the days of that span (few paragraphs)
        body = {"query": {"bool": {"must": [query], "filter": [undated]}}, "size": 0, "track_total_hits": False,
                "aggs": {"days": {"date_histogram": {"field": "date", "calendar_interval": "day",
                                                     "min_doc_count": 1}}}}
        _, answer = self._call("search", body=body)
        days, day_counts = _histogram(answer["aggregations"]["days"]["buckets"], "D")
        return facet, *counted_timeline(days, day_counts, request)

    @staticmethod
    def _hit(raw: dict) -> Hit:
        paragraph = from_source(raw["_source"], shown=True)
        fragments = raw.get("highlight", {}).get("text")
        snippet = FRAGMENT_SEPARATOR.join(fragments) if fragments else plain_snippet(paragraph.text)
        return Hit(paragraph, snippet, float(raw.get("_score") or 0.0))

    # -- facets ---------------------------------------------------------------------------
    def _facet_agg(self, snap: Snapshot, facet: FacetSpec, filters: dict, request: SearchRequest,
                   shard_size: int | None = None) -> dict:
        """The facet's filter aggregation: every selection but its own; the top values by count,
        then case-insensitive name (the sort keys make that the aggregation's own order); the
        counts of its selected values."""
        others = [c for f, c in filters.items() if f != facet.name]
        terms = {"field": key_field(facet), "size": request.facet_size + 1,
                 "order": [{"_count": "desc"}, {"_key": "asc"}]}
        if shard_size:
            terms["shard_size"] = shard_size
        sub = {"values": {"terms": terms}}
        chosen = [sort_key(v) for v in self._chosen(snap, facet, request)]
        if chosen:
            sub["chosen"] = {"terms": {"field": key_field(facet), "include": chosen, "size": len(chosen)}}
        return {"filter": _and(others), "aggs": sub}

    def _known(self, snap: Snapshot, facet: FacetSpec, values: list[str]) -> set[str]:
        """Which of these values the build has at all (an unknown selected value is listed
        last, as the Whoosh backend does); looked up once per build and value."""
        missing = [v for v in values if (facet.name, v) not in snap.known]
        if missing:
            field_name = counted_field(facet)
            _, answer = self._call("search", body={
                "query": {"terms": {field_name: missing}}, "size": 0, "track_total_hits": False,
                "aggs": {"v": {"terms": {"field": field_name, "include": missing, "size": len(missing)}}}})
            present = {b["key"] for b in answer["aggregations"]["v"]["buckets"]}
            if len(snap.known) > 100_000:
                snap.known.clear()
            snap.known.update({(facet.name, v): v in present for v in missing})
        return {v for v in values if snap.known[(facet.name, v)]}

    def _facet(self, snap: Snapshot, facet: FacetSpec, agg: dict, filters: dict, query: dict,
               request: SearchRequest) -> Facet:
        """As the Whoosh backend's: the most frequent values (ties in case-insensitive
        alphabetical order), then the selected values that are not among them."""
        size = request.facet_size
        shard_size = None
        while agg["values"].get("doc_count_error_upper_bound", 0) and (shard_size or 0) < 1_000_000:
            # several shards, and a shard's top values may have left out a value's count: ask the
            # shards for more (only with several primaries, and only for this facet)
            shard_size = max(1000, (shard_size or 0) * 10)
            body = {"query": query, "size": 0, "track_total_hits": False,
                    "aggs": {"f": self._facet_agg(snap, facet, filters, request, shard_size)}}
            snap, answer = self._call("search", body=body)
            agg = answer["aggregations"]["f"]
        values = agg["values"]
        labels = facet.value_labels()
        top = [(key_value(b["key"]), b["doc_count"]) for b in values["buckets"][:size]]
        listed = {value for value, _ in top}
        chosen = self._chosen(snap, facet, request)
        result = [FacetValue(value, labels.get(value, value), count, value in chosen) for value, count in top]
        if chosen:
            known = self._known(snap, facet, chosen)
            counts = {key_value(b["key"]): b["doc_count"] for b in agg["chosen"]["buckets"]}
            for value in chosen:
                if value in known and value not in listed:
                    result.append(FacetValue(value, labels.get(value, value), counts.get(value, 0), True))
                    listed.add(value)
            for value in request.filters.get(facet.name, []):
                if snap.shown(facet.name, value) not in known:
                    result.append(FacetValue(value, labels.get(value, value), 0, True))
        truncated = len(values["buckets"]) > size or values.get("sum_other_doc_count", 0) > 0
        return Facet(facet.name, facet.label, result, truncated=truncated)

    def facet_values(self, field: str, prefix: str = "", limit: int = 20,
                     request: SearchRequest | None = None) -> list[FacetValue]:
        """Values of one facet whose words start with ``prefix`` (case and accents ignored),
        most frequent first; with a ``request``, counted within that search with the facet's
        own selection left out, else over the whole index."""
        facet = FACETS.get(field)
        if facet is None:
            raise QueryError(f"unknown facet {field!r}; facets are: {', '.join(FACETS.names())}")
        snap = self.snapshot()
        selected: set[str] = set()
        if request is None:
            scope = {"match_all": {}}
        else:
            _, query = self._query(snap, request.q)
            filters = self._filters(snap, request)
            scope = {"bool": {"must": [query], "filter": [c for f, c in filters.items() if f != field]}}
            selected = set(self._chosen(snap, facet, request))
        labels = facet.value_labels()
        try:
            counts = all_counts(self.client, snap.index, counted_field(facet), scope)
        except os_errors.RequestError as error:
            raise QueryError(f"OpenSearch cannot run this search: {reason(error)}") from error
        except (os_errors.TransportError, os_errors.ImproperlyConfigured) as error:
            raise unavailable(self.url, error) from error
        matches = [FacetValue(value, labels.get(value, value), count, value in selected)
                   for value, count in counts if count and prefix_matches(prefix, value, labels.get(value, ""))]
        matches.sort(key=lambda v: (-v.count, v.label.casefold()))
        return matches[:limit]

    # -- did you mean -----------------------------------------------------------------------
    def _suggestion(self, snap: Snapshot, request: SearchRequest, words: list, suggest: dict,
                    filters: dict) -> tuple[str, int]:
        """A corrected query: each word the index lacks replaced by the nearest word it has
        (OpenSearch's term suggester: edit distance ≤ 2, same first letter), kept only when it
        finds paragraphs with the same filters."""
        if not words or not suggest:
            return "", 0
        replacements = {}
        for i, leaf in enumerate(words):
            options = (suggest.get(f"s{i}") or [{}])[0].get("options") or []
            start, end = getattr(leaf, "startchar", None), getattr(leaf, "endchar", None)
            if options and start is not None and end is not None:
                replacements[(start, end)] = options[0]["text"]
        if not replacements:
            return "", 0
        corrected = request.q
        for (start, end), word in sorted(replacements.items(), reverse=True):
            corrected = corrected[:start] + word + corrected[end:]
        if corrected.strip() == request.q.strip():
            return "", 0
        try:
            _, query = self._query(snap, corrected)
        except QueryError:
            return "", 0
        _, answer = self._call("count", body={"query": {"bool": {"must": [query], "filter": list(filters.values())}}})
        total = int(answer["count"])
        return (corrected, total) if total else ("", 0)

    # -- export, articles ---------------------------------------------------------------------
    def export(self, request: SearchRequest, cap: int) -> tuple[int, list[Paragraph]]:
        """All matching paragraphs in the request's order, up to ``cap``: (total, rows)."""
        snap = self.snapshot()
        q, query = self._query(snap, request.q)
        filters = self._filters(snap, request)
        body = {"query": {"bool": {"must": [query], "filter": list(filters.values())}},
                "sort": self._sort(q, request), "track_total_hits": True}
        rows: list[Paragraph] = []
        total = 0
        after = None
        while len(rows) < cap:
            page = dict(body, size=min(cap - len(rows), MAX_RESULT_WINDOW))
            if after is not None:
                page["search_after"] = after
            snap, answer = self._call("search", body=page)
            if after is None:
                total = answer["hits"]["total"]["value"]
            hits = answer["hits"]["hits"]
            rows.extend(from_source(h["_source"], shown=True) for h in hits)
            if len(hits) < page["size"]:
                break
            after = hits[-1]["sort"]
            body["track_total_hits"] = False
        if cap <= 0:
            snap, answer = self._call("count", body={"query": body["query"]})
            total = int(answer["count"])
        return total, rows

    def article(self, article_id: str) -> list[Paragraph]:
        _, answer = self._call("search", body={"query": {"term": {"article_id": article_id}},
                                               "sort": [{"n": "asc"}], "size": MAX_RESULT_WINDOW})
        return [from_source(h["_source"]) for h in answer["hits"]["hits"]]

    def alternates(self, article_id: str) -> list[dict]:
        """Other copies of an article (syndicated or saved twice) that were not indexed:
        each with id, title, date, source and url."""
        return [{k: copy.get(k, "") for k in ("id", "title", "date", "source", "url")}
                for copy in self.snapshot().alternates.get(article_id, [])]

    def close(self) -> None:
        """Close this process's connections (the next request opens new ones)."""
        if self._client is not None:
            try:
                self._client.close()
            except Exception:
                pass
            self._client = None


def plain_snippet(text: str) -> str:
    """The snippet of a paragraph without marked words, as the Whoosh backend makes it."""
    if len(text) <= SNIPPET_CHARS:
        return escape(text, quote=False)
    cut = text.rfind(" ", 0, SNIPPET_CHARS)
    return escape(text[:cut if cut > 0 else SNIPPET_CHARS], quote=False) + " …"


def _histogram(buckets: list[dict], unit: str) -> tuple[np.ndarray, np.ndarray]:
    """(day or month numbers since 1970, counts) from ``date_histogram`` buckets keyed in epoch
    milliseconds (``unit`` "D" for a daily histogram, "M" for a monthly one)."""
    pairs = [(int(b["key"]), int(b["doc_count"])) for b in buckets if b["doc_count"]]
    if not pairs:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    keys, counts = zip(*pairs, strict=True)
    numbers = np.array(keys, dtype="datetime64[ms]").astype(f"datetime64[{unit}]").astype(np.int64)
    return numbers, np.array(counts, dtype=np.int64)


def _and(clauses) -> dict:
    clauses = [c for c in clauses if c]
    return {"bool": {"filter": clauses}} if clauses else {"match_all": {}}

