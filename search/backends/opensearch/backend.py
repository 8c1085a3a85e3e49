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
from dataclasses import dataclass, field, replace
from html import escape

import numpy as np
from opensearchpy import exceptions as os_errors

from search.backend import CheckReport, LiveState
from search.backends.grouping import deal_pages
from search.errors import IndexDamaged, IndexMissing, QueryError
from search.facets import FACETS, FacetSpec
from search.index.build import ALTERNATES, MANIFEST
from search.models import Facet, FacetValue, FilterNote, Hit, Paragraph, SearchRequest, SearchResult
from search.query.filters import read_values
from search.query.filters import resolve as resolve_filter
from search.query.names import prefix_matches
from search.query.parse import QueryPlan, field_values, normalise, query_words
from search.query.timeline import counted_timeline, date_facet, is_week_timeline, month_timeline
from search.query.typos import damerau_levenshtein, in_case_of, tolerance
from search.text import ascii_letters, fold

from . import state
from .build import ALIASES, FORMAT_VERSION, IndexingFailed, OpenSearchBuild, all_counts, build_indices
from .client import DEFAULT_NAME, cluster_errors, connect, reason, unavailable
from .mapping import MAX_RESULT_WINDOW, counted_field, from_source, key_field, key_value, sort_key
from .translate import Translator, surface_word
from .translate import plan as parse_plan

SNAPSHOT_SECONDS = 1.0
PER_ARTICLE = 2  # paragraphs of one article on a page, as the Whoosh backend groups them
PROXIMITY_WINDOW = 200  # paragraphs rescored for proximity, as on the Whoosh backend
SUGGESTIONS = 5  # words the suggester proposes for a misspelt one, the closest then most frequent taken
SNIPPET_CHARS = 320  # as the Whoosh backend's snippets
SORT_TIEBREAK = [{"article_id": "asc"}, {"n": "asc"}]
HIGHLIGHT = {
    "pre_tags": ["<mark>"],
    "post_tags": ["</mark>"],
    "encoder": "html",
    "fields": {
        "text": {"type": "unified", "number_of_fragments": 2, "fragment_size": SNIPPET_CHARS // 2, "no_match_size": 0}
    },
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
    values: dict[str, list[str]] = field(default_factory=dict)  # facet -> its values, once needed
    readings: dict = field(default_factory=dict)  # (facet, typed value) -> FilterNote
    corrections: dict[str, str] = field(default_factory=dict)  # query -> its correction or ""

    def shown(self, facet: str, value: str) -> str:
        return self.aliases.get(facet, {}).get(value, value)


@dataclass
class Run:
    """One query matched: its plan and query, the filters it was given, the hits of a page."""

    plan: QueryPlan
    query: dict
    filters: dict[str, dict]
    notes: list[FilterNote]
    total: int = 0
    answer: dict = field(default_factory=dict)  # the first response (with the aggregations asked for)
    hits: list[dict] = field(default_factory=list)  # the page's hits, with their sources and highlights
    more: dict[str, tuple[int, int]] = field(default_factory=dict)  # hit id -> (more in its article, first n)


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

    def __init__(
        self,
        url: str | list[str],
        name: str = DEFAULT_NAME,
        *,
        shards: int | None = None,
        replicas: int | None = None,
        client=None,
        snapshot_seconds: float = SNAPSHOT_SECONDS,
        lock_stale_seconds: float = state.STALE_SECONDS,
    ):
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
    def _alias_holders(self) -> list[str]:
        """The indices the alias points at (one, or none before the first build)."""
        try:
            return sorted(self.client.indices.get_alias(name=self.name))
        except os_errors.NotFoundError:
            return []
        except (os_errors.TransportError, os_errors.ImproperlyConfigured) as error:
            raise unavailable(self.url, error) from error

    def _live_index(self) -> str:
        """The index the alias points at, "" when there is none."""
        indices = self._alias_holders()
        if not indices:
            return ""
        if len(indices) != 1:
            raise IndexDamaged(
                f"the alias {self.name!r} on {self.url} points at {len(indices)} indices "
                f"({', '.join(indices)}); it must point at one build. Rebuild with "
                f"`diplosearch reindex --replace SOURCE... {self._target()}`"
            )
        return indices[0]

    def _missing(self) -> IndexMissing:
        return IndexMissing(
            f"no index {self.name!r} on the OpenSearch cluster at {self.url}: build one with "
            f"`diplosearch reindex SOURCE... {self._target()}`"
        )

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
            raise IndexDamaged(
                f"the alias {self.name!r} on {self.url} is missing, though its last build {current} "
                f"is there: point it at that build again (POST _aliases), or rebuild with "
                f"`diplosearch reindex --replace SOURCE... {self._target()}`"
            )
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
                damaged.append(
                    f"{index}: red ({health.get('unassigned_shards', '?')} shard(s) unassigned; "
                    "some paragraphs cannot be read)"
                )
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
        shown = "; ".join(verdict.damaged[:3]) + (
            f" and {len(verdict.damaged) - 3} more" if len(verdict.damaged) > 3 else ""
        )
        return IndexDamaged(
            f"the OpenSearch index {self.name!r} on {self.url} is damaged (build {verdict.index}: "
            f"{shown}); rebuild it with `{self._fix(verdict)}`"
        )

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
        keep = {*self._alias_holders(), pointer.get("current", ""), pointer.get("previous", "")}
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
                f"`diplosearch reindex --replace SOURCE... {self._target()}`"
            )
        record = verdict.record
        reusable = (
            record.get("format") == FORMAT_VERSION and record.get("facets") == FACETS.names() and not verdict.damaged
        )
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
        return OpenSearchBuild(
            self.client, self.url, self.name, live, incremental and bool(live), procs, tag, self.shards
        )

    @cluster_errors
    def publish(self, build: OpenSearchBuild) -> str:
        """Make the new build live: replicas on, then one ``_aliases`` call; keep the previous
        build, delete older ones."""
        client = self.client
        nodes = int(client.cluster.health()["number_of_data_nodes"])
        replicas = self.replicas if self.replicas is not None else (1 if nodes > 1 else 0)
        client.indices.put_settings(
            index=build.index, body={"index": {"number_of_replicas": replicas, "refresh_interval": None}}
        )
        wanted = "green" if replicas < nodes else "yellow"
        health = client.cluster.health(
            index=build.index, params={"wait_for_status": wanted, "timeout": "120s"}, request_timeout=130
        )
        if health.get("timed_out"):
            raise IndexingFailed(f"the new index {build.index} did not become {wanted} within 120 s")
        if self._held is None or not self._held.still_held():
            raise IndexingFailed(
                "the reindex lock was taken over by another reindex (this one was stalled for "
                f"{self.lock_stale_seconds:.0f} s); not publishing"
            )
        holders = self._alias_holders()  # one, or several after a hand-made mistake that --replace repairs
        live = holders[0] if len(holders) == 1 else ""
        actions = [{"remove": {"index": index, "alias": self.name}} for index in holders]
        actions.append({"add": {"index": build.index, "alias": self.name}})
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

    # -- filter values in the forms users type --------------------------------------------
    def _resolve(self, snap: Snapshot, facet: str, value: str) -> FilterNote:
        """How a typed filter value reads among this build's values (``search.query.filters``),
        kept per build: the value itself or one of its merged spellings, else its other forms."""
        key = (facet, value)
        note = snap.readings.get(key)
        if note is None:
            spec = FACETS.get(facet)
            aliases = snap.aliases.get(facet, {})
            if value in aliases:
                note = FilterNote(facet, value, [aliases[value]])
            elif value in self._known(snap, spec, [value]):
                note = FilterNote(facet, value, [value])
            else:
                labels = spec.value_labels()
                values = {v: labels.get(v, v) for v in self._values(snap, spec)}
                note = resolve_filter(spec, value, values, aliases)
            if len(snap.readings) > 10_000:
                snap.readings.clear()
            snap.readings[key] = note
        return note

    def _values(self, snap: Snapshot, facet: FacetSpec) -> list[str]:
        """Every value of a facet in the build (read once per build, when a typed value is not one)."""
        values = snap.values.get(facet.name)
        if values is None:
            try:
                values = [v for v, _ in all_counts(self.client, snap.index, counted_field(facet), {"match_all": {}})]
            except (os_errors.TransportError, os_errors.ImproperlyConfigured) as error:
                raise unavailable(self.url, error) from error
            snap.values[facet.name] = values
        return values

    def _notes(self, snap: Snapshot, request: SearchRequest) -> list[FilterNote]:
        return [self._resolve(snap, name, value) for name, values in request.filters.items() for value in values]

    # -- pieces of a request -------------------------------------------------------------
    def _translator(self, snap: Snapshot) -> Translator:
        return Translator(lambda facet, value: self._resolve(snap, facet, value).matched)

    @staticmethod
    def _filters(request: SearchRequest, notes: list[FilterNote]) -> dict[str, dict]:
        """facet name (and "date") -> the filter clause of the request's selection of it (the
        values its typed values were read as; none: nothing matches)."""
        filters = {}
        for facet in FACETS:
            if request.filters.get(facet.name):
                wanted = list(dict.fromkeys(v for note in notes if note.facet == facet.name for v in note.matched))
                filters[facet.name] = {"terms": {counted_field(facet): wanted}}
        if request.date_from or request.date_to:
            bounds = {"format": "strict_date"}
            if request.date_from:
                bounds["gte"] = request.date_from
            if request.date_to:
                bounds["lte"] = request.date_to
            filters["date"] = {"range": {"date": bounds}}
        return filters

    @staticmethod
    def _sort(plan: QueryPlan, request: SearchRequest) -> list:
        if request.sort == "relevance" and not plan.everything:
            return ["_score", *SORT_TIEBREAK]
        if request.sort == "date-asc":  # undated paragraphs first, as the Whoosh backend orders them
            return [{"date": {"order": "asc", "missing": "_first"}}, *SORT_TIEBREAK]
        return [{"date": {"order": "desc", "missing": "_last"}}, *SORT_TIEBREAK]

    def _aggregations(
        self, snap: Snapshot, filters: dict, selected: dict[str, list[str]], request: SearchRequest
    ) -> dict:
        aggs = {
            f"f_{facet.name}": self._facet_agg(snap, facet, filters, selected.get(facet.name, []), request)
            for facet in FACETS
        }
        aggs["undated"] = {
            "filter": _and([c for f, c in filters.items() if f != "date"]),
            "aggs": {
                "months": {"date_histogram": {"field": "date", "calendar_interval": "month", "min_doc_count": 1}},
                "first": {"min": {"field": "date"}},
                "last": {"max": {"field": "date"}},
            },
        }
        return aggs

    # -- searching --------------------------------------------------------------------------
    def search(self, request: SearchRequest) -> SearchResult:
        start = (request.page - 1) * request.per_page
        if start + request.per_page > MAX_RESULT_WINDOW:
            raise QueryError(
                f"results beyond the first {MAX_RESULT_WINDOW} cannot be paged to; narrow the search or export it"
            )
        snap = self.snapshot()
        run, corrected, suggestion, suggestion_total = self._searched(
            snap, request, start, start + request.per_page, aggregate=True
        )
        selected = read_values(run.notes)
        aggregations = run.answer["aggregations"]
        facets = [
            self._facet(
                snap,
                facet,
                aggregations[f"f_{facet.name}"],
                run.filters,
                run.query,
                selected.get(facet.name, []),
                request,
            )
            for facet in FACETS
        ]
        undated = _and([c for f, c in run.filters.items() if f != "date"])
        date, unit, buckets = self._dates(aggregations["undated"], run.query, undated, request)
        facets.append(date)
        hits = []
        for raw in run.hits:
            hit = self._hit(raw)
            if raw["_id"] in run.more:
                hit.more, hit.more_first = run.more[raw["_id"]]
            hits.append(hit)
        return SearchResult(
            request=request,
            total=run.total,
            hits=hits,
            facets=facets,
            suggestion=suggestion,
            suggestion_total=suggestion_total,
            timeline=buckets,
            timeline_unit=unit,
            corrected_query=corrected,
            filter_notes=run.notes,
        )

    def _searched(
        self, snap: Snapshot, request: SearchRequest, start: int, end: int, aggregate: bool = False
    ) -> tuple[Run, str, str, int]:
        """The run of the query, or of its correction when a word of it is in no paragraph
        (and ``request.correct``): (run, the corrected query searched or "", a suggestion
        not searched or "", the suggestion's total), as the Whoosh backend's."""
        fixed = self._correction(snap, request)
        if fixed and request.correct:
            run = self._run(snap, replace(request, q=fixed), start, end, aggregate)
            if run.total:
                return run, fixed, "", 0
        run = self._run(snap, request, start, end, aggregate)
        if fixed and not request.correct:
            total = self._run(snap, replace(request, q=fixed), 0, 0).total
            if total:
                return run, "", fixed, total
        return run, "", "", 0

    def _run(self, snap: Snapshot, request: SearchRequest, start: int, end: int, aggregate: bool = False) -> Run:
        """Match the query: its total, the hits ``start`` to ``end`` (at most ``PER_ARTICLE``
        of one article on a page when ``request.group``, as ``search.backends.grouping`` deals
        them), and with ``aggregate`` the facets' and dates' aggregations."""
        plan = parse_plan(request.q)
        notes = self._notes(snap, request)
        filters = self._filters(request, notes)
        relevance = request.sort == "relevance" and not plan.everything
        query, rescore = self._translator(snap).plan(plan, proximity=relevance)
        body: dict = {"query": query, "post_filter": _and(filters.values()), "track_total_hits": True}
        if aggregate:
            body["aggs"] = self._aggregations(snap, filters, read_values(notes), request)
        if relevance and rescore is not None:
            # proximity: the best paragraphs rescored (OpenSearch allows no sort beside a rescore)
            body["rescore"] = {
                "window_size": PROXIMITY_WINDOW,
                "query": {"rescore_query": rescore, "query_weight": 1.0, "rescore_query_weight": 1.0},
            }
        else:
            body["sort"] = self._sort(plan, request)
        run = Run(plan, query, filters, notes)
        if end <= start:
            snap, run.answer = self._call("search", body=dict(body, size=0))
            run.total = run.answer["hits"]["total"]["value"]
            return run
        if not request.group:
            snap, run.answer = self._call(
                "search", body=dict(body, **{"from": start}, size=end - start, highlight=HIGHLIGHT)
            )
            run.total = run.answer["hits"]["total"]["value"]
            run.hits = run.answer["hits"]["hits"]
            return run
        depth = min(max(4 * end, 200), MAX_RESULT_WINDOW)
        while True:
            snap, run.answer = self._call(
                "search", body=dict(body, size=depth, _source=False, docvalue_fields=["article_id"])
            )
            run.total = run.answer["hits"]["total"]["value"]
            ranked = run.answer["hits"]["hits"]
            articles = (
                np.unique([h["fields"]["article_id"][0] for h in ranked], return_inverse=True)[1]
                if ranked
                else np.zeros(0, dtype=np.int64)
            )
            more_exist = len(ranked) < run.total
            page, complete = deal_pages(
                articles, start, end - start, PER_ARTICLE, more_exist and depth < MAX_RESULT_WINDOW
            )
            if complete or not more_exist or depth >= MAX_RESULT_WINDOW:
                break
            depth = min(depth * 4, MAX_RESULT_WINDOW)
        ids = [ranked[i]["_id"] for i in page.tolist()]
        if not ids:
            return run
        page_query = {"bool": {"must": [query], "filter": [{"ids": {"values": ids}}]}}
        _, found = self._call("search", body={"query": page_query, "size": len(ids), "highlight": HIGHLIGHT})
        by_id = {h["_id"]: h for h in found["hits"]["hits"]}
        run.hits = [by_id[i] for i in ids if i in by_id]
        run.more = self._more_in_articles(query, filters, run.hits)
        return run

    def _more_in_articles(self, query: dict, filters: dict, hits: list[dict]) -> dict[str, tuple[int, int]]:
        """For the first hit of each article on the page that has other matching paragraphs not
        on it: (how many, the number of the first of them)."""
        firsts: dict[str, str] = {}
        for hit in hits:
            firsts.setdefault(hit["_source"]["article_id"], hit["_id"])
        body = {
            "query": {
                "bool": {
                    "must": [query],
                    "filter": [*filters.values(), {"terms": {"article_id": list(firsts)}}],
                    "must_not": [{"ids": {"values": [h["_id"] for h in hits]}}],
                }
            },
            "size": 0,
            "track_total_hits": False,
            "aggs": {
                "a": {"terms": {"field": "article_id", "size": len(firsts)}, "aggs": {"first": {"min": {"field": "n"}}}}
            },
        }
        _, answer = self._call("search", body=body)
        return {
            firsts[b["key"]]: (int(b["doc_count"]), int(b["first"]["value"]))
            for b in answer["aggregations"]["a"]["buckets"]
            if b["doc_count"]
        }

    def search_grouped(self, request: SearchRequest, per_article: int = 3) -> GroupedResult:
        """One result per article (``collapse`` on article_id, OpenSearch's own grouping), with up
        to ``per_article`` of its matching paragraphs and the number of matching articles."""
        start = (request.page - 1) * request.per_page
        if start + request.per_page > MAX_RESULT_WINDOW:
            raise QueryError(
                f"results beyond the first {MAX_RESULT_WINDOW} cannot be paged to; narrow the search or export it"
            )
        snap = self.snapshot()
        plan = parse_plan(request.q)
        notes = self._notes(snap, request)
        filters = self._filters(request, notes)
        query, _ = self._translator(snap).plan(plan, proximity=False)
        sort = self._sort(plan, request)
        body = {
            "query": query,
            "post_filter": _and(filters.values()),
            "sort": sort,
            "from": start,
            "size": request.per_page,
            "track_total_hits": True,
            "highlight": HIGHLIGHT,
            "collapse": {
                "field": "article_id",
                "inner_hits": {"name": "more", "size": per_article, "sort": sort, "highlight": HIGHLIGHT},
            },
            "aggs": {
                "articles": {
                    "filter": _and(filters.values()),
                    "aggs": {"n": {"cardinality": {"field": "article_id", "precision_threshold": 40000}}},
                }
            },
        }
        _, answer = self._call("search", body=body)
        hits = answer["hits"]["hits"]
        result = SearchResult(
            request=request,
            total=answer["hits"]["total"]["value"],
            hits=[self._hit(h) for h in hits],
            facets=[],
            filter_notes=notes,
        )
        more = {
            h["_source"]["article_id"]: [self._hit(i) for i in h["inner_hits"]["more"]["hits"]["hits"]] for h in hits
        }
        return GroupedResult(result, int(answer["aggregations"]["articles"]["n"]["value"]), more)

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
        body = {
            "query": {"bool": {"must": [query], "filter": [undated]}},
            "size": 0,
            "track_total_hits": False,
            "aggs": {"days": {"date_histogram": {"field": "date", "calendar_interval": "day", "min_doc_count": 1}}},
        }
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
    def _facet_agg(
        self,
        snap: Snapshot,
        facet: FacetSpec,
        filters: dict,
        selected: list[str],
        request: SearchRequest,
        shard_size: int | None = None,
    ) -> dict:
        """The facet's filter aggregation: every selection but its own; the top values by count,
        then case-insensitive name (the sort keys make that the aggregation's own order); the
        counts of its selected values."""
        others = [c for f, c in filters.items() if f != facet.name]
        terms = {
            "field": key_field(facet),
            "size": request.facet_size + 1,
            "order": [{"_count": "desc"}, {"_key": "asc"}],
        }
        if shard_size:
            terms["shard_size"] = shard_size
        sub = {"values": {"terms": terms}}
        chosen = [sort_key(v) for v in self._shown(snap, facet, selected)]
        if chosen:
            sub["chosen"] = {"terms": {"field": key_field(facet), "include": chosen, "size": len(chosen)}}
        return {"filter": _and(others), "aggs": sub}

    @staticmethod
    def _shown(snap: Snapshot, facet: FacetSpec, values: list[str]) -> list[str]:
        return list(dict.fromkeys(snap.shown(facet.name, v) for v in values))

    def _known(self, snap: Snapshot, facet: FacetSpec, values: list[str]) -> set[str]:
        """Which of these values the build has at all (an unknown selected value is listed
        last, as the Whoosh backend does); looked up once per build and value."""
        missing = [v for v in values if (facet.name, v) not in snap.known]
        if missing:
            field_name = counted_field(facet)
            _, answer = self._call(
                "search",
                body={
                    "query": {"terms": {field_name: missing}},
                    "size": 0,
                    "track_total_hits": False,
                    "aggs": {"v": {"terms": {"field": field_name, "include": missing, "size": len(missing)}}},
                },
            )
            present = {b["key"] for b in answer["aggregations"]["v"]["buckets"]}
            if len(snap.known) > 100_000:
                snap.known.clear()
            snap.known.update({(facet.name, v): v in present for v in missing})
        return {v for v in values if snap.known[(facet.name, v)]}

    def _facet(
        self,
        snap: Snapshot,
        facet: FacetSpec,
        agg: dict,
        filters: dict,
        query: dict,
        selected: list[str],
        request: SearchRequest,
    ) -> Facet:
        """As the Whoosh backend's: the most frequent values (ties in case-insensitive
        alphabetical order), then the selected values that are not among them (``selected``:
        the values the request's typed values were read as, or as typed when they mean none)."""
        size = request.facet_size
        shard_size = None
        while agg["values"].get("doc_count_error_upper_bound", 0) and (shard_size or 0) < 1_000_000:
            # several shards, and a shard's top values may have left out a value's count: ask the
            # shards for more (only with several primaries, and only for this facet)
            shard_size = max(1000, (shard_size or 0) * 10)
            body = {
                "query": query,
                "size": 0,
                "track_total_hits": False,
                "aggs": {"f": self._facet_agg(snap, facet, filters, selected, request, shard_size)},
            }
            snap, answer = self._call("search", body=body)
            agg = answer["aggregations"]["f"]
        values = agg["values"]
        labels = facet.value_labels()
        top = [(key_value(b["key"]), b["doc_count"]) for b in values["buckets"][:size]]
        listed = {value for value, _ in top}
        chosen = self._shown(snap, facet, selected)
        result = [FacetValue(value, labels.get(value, value), count, value in chosen) for value, count in top]
        if chosen:
            known = self._known(snap, facet, chosen)
            counts = {key_value(b["key"]): b["doc_count"] for b in agg["chosen"]["buckets"]}
            for value in chosen:
                if value in known and value not in listed:
                    result.append(FacetValue(value, labels.get(value, value), counts.get(value, 0), True))
                    listed.add(value)
            for value in selected:
                if snap.shown(facet.name, value) not in known:
                    result.append(FacetValue(value, labels.get(value, value), 0, True))
        truncated = len(values["buckets"]) > size or values.get("sum_other_doc_count", 0) > 0
        return Facet(facet.name, facet.label, result, truncated=truncated)

    def facet_values(
        self, field: str, prefix: str = "", limit: int = 20, request: SearchRequest | None = None
    ) -> list[FacetValue]:
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
            run = self._searched(snap, request, 0, 0)[0]
            scope = {"bool": {"must": [run.query], "filter": [c for f, c in run.filters.items() if f != field]}}
            selected = set(self._shown(snap, facet, request.filters.get(field, [])))
            selected |= {v for note in run.notes if note.facet == field for v in note.matched}
        labels = facet.value_labels()
        try:
            counts = all_counts(self.client, snap.index, counted_field(facet), scope)
        except os_errors.RequestError as error:
            raise QueryError(f"OpenSearch cannot run this search: {reason(error)}") from error
        except (os_errors.TransportError, os_errors.ImproperlyConfigured) as error:
            raise unavailable(self.url, error) from error
        matches = [
            FacetValue(value, labels.get(value, value), count, value in selected)
            for value, count in counts
            if count and prefix_matches(prefix, value, labels.get(value, ""))
        ]
        matches.sort(key=lambda v: (-v.count, v.label.casefold()))
        return matches[:limit]

    # -- misspelt words -----------------------------------------------------------------------
    def _correction(self, snap: Snapshot, request: SearchRequest) -> str:
        """The query with its misspelt words corrected, or "" when there is nothing to correct
        (kept per build): each word in no paragraph and no title replaced by the closest word
        of the paragraphs (OpenSearch's term suggester over their unstemmed words: same first
        letter, within the typo tolerance of the word's length, Damerau-Levenshtein), in the
        case it was typed; each ``facet:value`` that means no value by the closest value within
        that tolerance."""
        if not request.q.strip():
            return ""
        fixed = snap.corrections.get(request.q)
        if fixed is None:
            try:
                fixed = self._corrected(snap, request.q)
            except QueryError:
                fixed = ""
            if len(snap.corrections) > 4096:
                snap.corrections.clear()
            snap.corrections[request.q] = fixed
        return fixed

    def _corrected(self, snap: Snapshot, query: str) -> str:
        """The corrected query string, or "" (see ``_correction``). A hyphenated word whose parts
        are not all known is tried as one word first (``semi-conductors``, ``co-operaton``), as
        the Whoosh backend tries it."""
        text = normalise(query)
        spans = query_words(text)
        groups, i = [], 0  # runs of words joined by single hyphens
        while i < len(spans):
            j = i
            while j + 1 < len(spans) and spans[j + 1][0] == spans[j][1] + 1 and text[spans[j][1]] == "-":
                j += 1
            groups.append(spans[i : j + 1])
            i = j + 1
        words = {text[a:b] for group in groups for a, b in group}
        words |= {"".join(text[a:b] for a, b in group) for group in groups if len(group) > 1}
        known, fixes = self._spelling(words)
        pieces, last, changes = [], 0, 0
        for group in groups:
            parts = [(a, b) for a, b in group]
            if len(group) > 1 and not all(known[text[a:b]] for a, b in group):
                joined = "".join(text[a:b] for a, b in group)
                fixed = joined if known[joined] else fixes.get(joined)
                if fixed:
                    parts = [(group[0][0], group[-1][1], fixed)]
            for part in parts:
                start, end = part[0], part[1]
                fixed = part[2] if len(part) == 3 else fixes.get(text[start:end])
                if fixed and fixed != text[start:end]:
                    pieces += [text[last:start], fixed]
                    last = end
                    changes += 1
        text = "".join(pieces) + text[last:]
        text, values = self._correct_values(snap, text)
        if not (changes or values) or text.strip() == normalise(query):
            return ""
        parse_plan(text)  # a correction that cannot be read is none
        return text

    def _spelling(self, words: set[str]) -> tuple[dict[str, bool], dict[str, str]]:
        """Which typed words are words of the index (in a paragraph or a title, stemmed; stop
        words and words the analyzer splits count as known), and the correction of each other
        one that has one, in the case it was typed. One request."""
        known = {word: True for word in words}
        asked = {}
        for word in sorted(words):
            term = surface_word(word)
            plain = ascii_letters(word).lower()
            if term and term.isalpha():
                asked[word] = (term, tolerance(plain))
        if not asked:
            return known, {}
        names = {word: f"w{i}" for i, word in enumerate(asked)}
        body = {
            "size": 0,
            "track_total_hits": False,
            "aggs": {
                names[w]: {"filter": {"bool": {"should": [{"match": {"text": term}}, {"match": {"title": term}}]}}}
                for w, (term, _) in asked.items()
            },
            "suggest": {
                names[w]: {
                    "text": term,
                    "term": {
                        "field": "text.words",
                        "suggest_mode": "missing",
                        "prefix_length": 1,
                        "max_edits": allowed,
                        "min_word_length": 5,
                        "string_distance": "damerau_levenshtein",
                        "size": SUGGESTIONS,
                    },
                }
                for w, (term, allowed) in asked.items()
                if allowed
            },
        }
        _, answer = self._call("search", body=body)
        fixes = {}
        for word, name in names.items():
            known[word] = bool(answer["aggregations"][name]["doc_count"])
            options = (answer.get("suggest", {}).get(name) or [{}])[0].get("options") or []
            if not known[word] and options:
                term = asked[word][0]  # the closest word, then the most frequent, as on Whoosh
                best = min(options, key=lambda o: (damerau_levenshtein(term, o["text"]), -o.get("freq", 0), o["text"]))
                fixes[word] = in_case_of(word, best["text"])
        return known, fixes

    def _correct_values(self, snap: Snapshot, text: str) -> tuple[str, int]:
        """``text`` with each ``facet:value`` that means no value of the index replaced by the
        closest value, when that is within the typo tolerance of a word of its length."""
        changed = 0
        for start, end, facet, value in reversed(field_values(text)):
            note = self._resolve(snap, facet, value)
            if note.matched or not note.closest:
                continue
            closest = note.closest[0]
            if damerau_levenshtein(fold(value), fold(closest)) > tolerance(fold(value)):
                continue
            quoted = " " in closest and not (start and text[start - 1] == '"')
            text = text[:start] + (f'"{closest}"' if quoted else closest) + text[end:]
            changed += 1
        return text, changed

    # -- export, articles ---------------------------------------------------------------------
    def export(self, request: SearchRequest, cap: int) -> tuple[int, list[Paragraph]]:
        """All matching paragraphs in the request's order (not grouped; a misspelt query
        corrected as the search page corrects it), up to ``cap``: (total, rows)."""
        snap = self.snapshot()
        request = replace(request, group=False)
        run = self._searched(snap, request, 0, 0)[0]
        body = {
            "query": {"bool": {"must": [run.query], "filter": list(run.filters.values())}},
            "sort": self._sort(run.plan, request),
            "track_total_hits": True,
        }
        rows: list[Paragraph] = []
        total = run.total
        after = None
        while len(rows) < cap:
            page = dict(body, size=min(cap - len(rows), MAX_RESULT_WINDOW))
            if after is not None:
                page["search_after"] = after
            snap, answer = self._call("search", body=page)
            hits = answer["hits"]["hits"]
            rows.extend(from_source(h["_source"], shown=True) for h in hits)
            if len(hits) < page["size"]:
                break
            after = hits[-1]["sort"]
            body["track_total_hits"] = False
        return total, rows

    def article(self, article_id: str) -> list[Paragraph]:
        _, answer = self._call(
            "search",
            body={"query": {"term": {"article_id": article_id}}, "sort": [{"n": "asc"}], "size": MAX_RESULT_WINDOW},
        )
        return [from_source(h["_source"]) for h in answer["hits"]["hits"]]

    def alternates(self, article_id: str) -> list[dict]:
        """Other copies of an article (syndicated or saved twice) that were not indexed:
        each with id, title, date, source and url."""
        return [
            {k: copy.get(k, "") for k in ("id", "title", "date", "source", "url")}
            for copy in self.snapshot().alternates.get(article_id, [])
        ]

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
    return escape(text[: cut if cut > 0 else SNIPPET_CHARS], quote=False) + " …"


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
