"""The Whoosh backend: builds written beside the live one, and searches of the live build.

``WhooshBackend`` follows the store's CURRENT pointer, so a reindex that
switches builds is picked up by the next request without a restart; each
build's facet arrays are loaded once, and each thread gets its own Whoosh
searcher.

Before a build is served its files' sizes are checked against its checksums
(cheap; ``serve`` reads every byte once at its start), and an unexpected
error while opening or searching it has the whole build verified: a damaged
build is then reported as IndexDamaged on every request (the site answers
503 with the fix), never as an error on every request. A byte changed in
place that breaks no request is only found by ``diplosearch check`` or the
next start.
"""

from __future__ import annotations

import functools
import json
import threading
import time
import weakref
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
from whoosh import index as whoosh_index
from whoosh import query as wq
from whoosh.support.levenshtein import damerau_levenshtein

from search.backend import CheckReport, LiveState
from search.backends.grouping import page_order
from search.backends.whoosh import checksums
from search.backends.whoosh.build import WhooshBuild
from search.backends.whoosh.facetcache import FacetCache
from search.backends.whoosh.fastmatch import FastMatcher, PostingsCache
from search.backends.whoosh.highlight import Snippeter
from search.backends.whoosh.ranking import RANKING, Ranker
from search.backends.whoosh.savedpostings import load_build
from search.backends.whoosh.schema import from_stored
from search.backends.whoosh.store import FACET_ARRAYS, FORMAT_VERSION, POSTINGS, STATE, IndexStore, damaged_error
from search.backends.whoosh.typos import Corrections, Corrector
from search.errors import DiploSearchError, IndexDamaged, QueryError
from search.facets import FACETS, FacetSpec
from search.index.build import ALTERNATES, MANIFEST
from search.models import Facet, FacetValue, FilterNote, Hit, Paragraph, SearchRequest, SearchResult
from search.query.filters import read_values
from search.query.filters import resolve as resolve_filter
from search.query.names import prefix_matches
from search.query.parse import QueryParser, QueryPlan, field_values, normalise
from search.query.timeline import NO_DATE, date_facet, day_number, timeline
from search.query.typos import tolerance
from search.text import fold

MAX_RESULT_WINDOW = 10_000  # deepest result reachable by paging, as in Elasticsearch
REVERIFY_SECONDS = 60  # an intact verdict is trusted this long before an error has the build verified again


def _guarded(method):
    """Report an unexpected error from a damaged live build as IndexDamaged (with the fix)."""

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except DiploSearchError:
            raise
        except Exception as error:
            self._raise_if_damaged(error)
            raise

    return wrapper


@dataclass
class Snapshot:
    """Everything opened for one build: shared by all threads until the next switch."""

    name: str
    ix: object
    facets: FacetCache
    parser: QueryParser
    snippeter: Snippeter
    alternates: dict[str, list[dict]]
    matcher: FastMatcher
    ranker: Ranker
    readings: dict = field(default_factory=dict)  # (facet, typed value) -> FilterNote, kept per build
    corrections: Corrections = field(default_factory=Corrections)  # misspelt words, per build

    def resolve(self, facet: str, value: str) -> FilterNote:
        """How a typed filter value reads among this build's values (``FacetSpec.resolve``)."""
        key = (facet, value)
        note = self.readings.get(key)
        if note is None:
            spec = FACETS.get(facet)
            table = self.facets.tables[facet]
            if value in table.index:  # a value of the index, or one of its spellings
                note = FilterNote(facet, value, [table.shown(value)])
            else:
                labels = spec.value_labels()
                values = {v: labels.get(v, v) for v in table.values}
                note = resolve_filter(spec, value, values, table.aliases)
            if len(self.readings) > 10_000:
                self.readings.clear()
            self.readings[key] = note
        return note


@dataclass
class Run:
    """One query matched against one snapshot."""

    plan: QueryPlan
    docs: np.ndarray  # every live document the query matches, sorted
    keep: dict[str, np.ndarray]  # facet field -> which of ``docs`` its filter keeps
    date_keep: np.ndarray | None
    total: int  # documents left after every filter
    ranked: list[tuple[int, float]]  # (docnum, score) of the requested slice
    final: np.ndarray  # the documents left after every filter, sorted
    notes: list[FilterNote]  # how each filter value was read

    @property
    def q(self) -> wq.Query:
        return self.plan.text_terms()


class WhooshBackend:
    """The embedded backend (``search.backend.Backend``) over an index folder."""

    def __init__(self, root: str | Path):
        self.store = IndexStore(root)
        self._snapshot: Snapshot | None = None
        self._lock = threading.Lock()
        self._local = threading.local()
        self._searchers: set = set()  # every open searcher, of every thread, closed with the backend
        weakref.finalize(self, _close_all, self._searchers)
        self._verdicts: dict[str, tuple[float, checksums.Verdict]] = {}  # build -> (when, full verdict)
        self._known: tuple[str, checksums.Known] | None = None  # digests of the live build, verified

    # -- building ----------------------------------------------------------
    def lock(self):
        return self.store.lock()

    def live_state(self) -> LiveState | None:
        if not self.store.current_name() and not self.store.has_builds():
            return None
        build = self.store.current()
        current = self.store.format_of(build) == FORMAT_VERSION
        known: checksums.Known = {}
        # an older version's build has no checksums (and is read again anyway, not kept)
        listed = current or (build / checksums.CHECKSUMS).exists()
        damaged = checksums.verify(build, known=known).damaged if listed else []
        self._known = (build.name, known)
        bad = {d.path for d in damaged}
        if f"{STATE}/{MANIFEST}" in bad:
            raise IndexDamaged(
                f"the index at {self.store.root} is damaged: its list of sources ({STATE}/{MANIFEST}) "
                f"is {next(d.problem for d in damaged if d.path == f'{STATE}/{MANIFEST}')}; rebuild it "
                f"from every source: `diplosearch reindex --replace SOURCE... --index {self.store.root}`"
            )
        folder = build / STATE
        files = (
            {path.name: path.read_bytes() for path in folder.iterdir() if f"{STATE}/{path.name}" not in bad}
            if folder.is_dir()
            else {}
        )
        return LiveState(files, reusable=current and not damaged, damaged=[str(d) for d in damaged])

    def check_ready(self) -> None:
        self.store.check_build(self.store.current())

    def check(self) -> CheckReport:
        build = self.store.current()
        if not (build / checksums.CHECKSUMS).exists() and self.store.format_of(build) != FORMAT_VERSION:
            self.store.check_format(build)  # another version's build: says so, with the fix
        verdict = checksums.verify(build)
        fix = ""
        if any(d.path == f"{STATE}/{MANIFEST}" for d in verdict.damaged):  # which sources it holds is lost
            fix = f"diplosearch reindex --replace SOURCE... --index {self.store.root}"
        elif verdict.damaged:
            fix = f"diplosearch reindex --full --index {self.store.root}"
        return CheckReport(build.name, verdict.files, verdict.bytes, [str(d) for d in verdict.damaged], fix)

    def begin(self, incremental: bool, procs: int, tag: bool) -> WhooshBuild:
        # the live build's digests, when live_state has just verified it, spare reading it again
        known = self._known[1] if self._known and self._known[0] == self.store.current_name() else None
        return WhooshBuild(self.store, incremental, procs, tag, known=known)

    def _raise_if_damaged(self, error: Exception) -> None:
        """After an unexpected error: raise IndexDamaged if the live build fails its checksums."""
        try:
            build = self.store.current()
        except DiploSearchError as missing:
            raise missing from error
        seen = self._verdicts.get(build.name)
        if seen is None or (not seen[1].damaged and time.monotonic() - seen[0] > REVERIFY_SECONDS):
            seen = (time.monotonic(), checksums.verify(build))
            self._verdicts[build.name] = seen
        if seen[1].damaged:
            raise damaged_error(self.store.root, seen[1].damaged) from error

    def publish(self, build: WhooshBuild) -> str:
        self.store.switch_to(build.folder)
        return build.name

    # -- opening ---------------------------------------------------------
    def snapshot(self) -> Snapshot:
        """The live build, reopened when a reindex has switched CURRENT; IndexDamaged once an
        error has had it found damaged."""
        name = self.store.current_name()
        current = self._snapshot
        if current is not None and current.name == name:
            seen = self._verdicts.get(name)
            if seen is not None and seen[1].damaged:
                raise damaged_error(self.store.root, seen[1].damaged)
            return current
        with self._lock:
            if self._snapshot is None or self._snapshot.name != self.store.current_name():
                self._snapshot = self._open()
            return self._snapshot

    def _open(self) -> Snapshot:
        build = self.store.current()
        seen = self._verdicts.get(build.name)
        if seen is not None and seen[1].damaged:
            raise damaged_error(self.store.root, seen[1].damaged)
        self.store.check_build(build, quick=True)
        try:
            ix = whoosh_index.open_dir(str(build))
            cache = FacetCache.load(build / FACET_ARRAYS)
            matcher = FastMatcher(cache, PostingsCache(saved=load_build(build / POSTINGS)))
            snap = Snapshot(
                build.name,
                ix,
                cache,
                QueryParser(ix.schema, RANKING.title_weight),
                Snippeter(ix.schema),
                _load_alternates(build),
                matcher,
                Ranker(matcher),
            )
        except Exception as error:
            self._raise_if_damaged(error)
            raise
        matcher.resolve = lambda facet, value: snap.resolve(facet, value).matched
        return snap

    def searcher(self, snap: Snapshot):
        cached = getattr(self._local, "searcher", None)
        if cached is not None and cached[0] == snap.name:
            return cached[1]
        if cached is not None:
            cached[1].close()
            self._searchers.discard(cached[1])
        searcher = snap.ix.searcher()
        self._searchers.add(searcher)
        self._local.searcher = (snap.name, searcher)
        return searcher

    # -- searching -------------------------------------------------------
    @_guarded
    def search(self, request: SearchRequest) -> SearchResult:
        start = (request.page - 1) * request.per_page
        if start + request.per_page > MAX_RESULT_WINDOW:
            raise QueryError(
                f"results beyond the first {MAX_RESULT_WINDOW} cannot be paged to; narrow the search or export it"
            )
        snap = self.snapshot()
        searcher = self.searcher(snap)
        cache = snap.facets
        run, corrected, suggestion, suggestion_total = self._searched(
            snap, searcher, request, start, start + request.per_page
        )
        docs, keep, date_keep = run.docs, run.keep, run.date_keep
        resolved = read_values(run.notes)  # a value matching none stays shown, as typed
        facets = []
        for spec in FACETS:
            others = [k for f, k in keep.items() if f != spec.name]
            subset = docs[_all(others, date_keep, len(docs))]
            facets.append(_facet(spec, cache, subset, resolved.get(spec.name, []), request.facet_size))
        undated = docs[_all(keep.values(), None, len(docs))]  # every filter but the dates
        months = cache.months[undated]
        facets.append(date_facet(months, request))
        unit, buckets = timeline(cache.days[undated], months, request)
        terms = snap.snippeter.terms(run.q, searcher.reader())
        more = _more_in_articles(cache, run.final, [d for d, _ in run.ranked]) if request.group else {}
        hits = []
        for docnum, score in run.ranked:
            paragraph = self._stored(snap, searcher, docnum)
            hit = Hit(paragraph, snap.snippeter.snippet(paragraph.text, terms), float(score))
            if docnum in more:
                count, first = more[docnum]
                hit.more, hit.more_first = count, int(searcher.stored_fields(first)["n"])
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

    @_guarded
    def export(self, request: SearchRequest, cap: int) -> tuple[int, list[Paragraph]]:
        """All matching paragraphs in the request's order (not grouped; a misspelt query
        corrected as the search page corrects it), up to ``cap``: (total, rows)."""
        snap = self.snapshot()
        searcher = self.searcher(snap)
        run = self._searched(snap, searcher, replace(request, group=False), 0, cap)[0]
        return run.total, [self._stored(snap, searcher, d) for d, _ in run.ranked]

    def _searched(
        self, snap: Snapshot, searcher, request: SearchRequest, start: int, end: int
    ) -> tuple[Run, str, str, int]:
        """The run of the query, or of its correction when a word of it is in no paragraph
        (and ``request.correct``): (run, the corrected query searched or "", a suggestion
        not searched or "", the suggestion's total)."""
        fixed = self._correction(snap, searcher, request)
        if fixed and request.correct:
            run = self._run(snap, searcher, replace(request, q=fixed), start, end)
            if run.total:
                return run, fixed, "", 0
        run = self._run(snap, searcher, request, start, end)
        if fixed and not request.correct:
            total = self._run(snap, searcher, replace(request, q=fixed), 0, 0).total
            if total:
                return run, "", fixed, total
        return run, "", "", 0

    def _stored(self, snap: Snapshot, searcher, docnum: int) -> Paragraph:
        """A stored paragraph, its names as their facet shows them (merged spellings)."""
        paragraph = from_stored(searcher.stored_fields(docnum))
        for spec in FACETS:
            if spec.merge_names:
                table = snap.facets.tables[spec.name]
                paragraph.tags[spec.key] = list(dict.fromkeys(table.shown(v) for v in paragraph.tags[spec.key]))
        return paragraph

    def _run(self, snap: Snapshot, searcher, request: SearchRequest, start: int, end: int) -> Run:
        """Match the query once: every matching document (for the facets), which of
        them each filter keeps, and the ranked documents ``start`` to ``end``."""
        cache = snap.facets
        plan = snap.parser.plan(request.q)
        notes = [snap.resolve(name, value) for name, values in request.filters.items() for value in values]
        masks = {}
        for name, values in request.filters.items():
            if values:
                wanted = [v for note in notes if note.facet == name for v in note.matched]
                masks[name] = cache.mask_for(name, wanted)
        date_mask = _date_mask(cache, request)
        scored = snap.ranker.score(plan, searcher)
        docs = scored.docs
        keep = {field: mask[docs] for field, mask in masks.items()}
        date_keep = date_mask[docs] if date_mask is not None else None
        allowed = _all(keep.values(), date_keep, len(docs))
        final = docs[allowed]
        per_article = RANKING.per_article if request.group else 0
        if request.sort == "relevance" and not plan.everything:
            keys = snap.ranker.rescore(scored, allowed, searcher) if end > start else scored.keys[allowed]
        else:
            # newest first (or oldest first), then by document number
            days = cache.days[final].astype(np.float64)
            keys = -days if request.sort == "date-asc" else days
        order = page_order(final, keys, cache.articles, start, end, per_article)
        ranked = [(int(final[i]), float(keys[i])) for i in order]
        return Run(plan, docs, keep, date_keep, int(len(final)), ranked, final, notes)

    def _correction(self, snap: Snapshot, searcher, request: SearchRequest) -> str:
        """The query with its misspelt words corrected (words in no paragraph or title,
        see ``typos``), or "" when there is nothing to correct."""
        if not request.q.strip():
            return ""
        try:
            fixed, changes = Corrector(searcher, snap.parser.analyzer, snap.corrections).correct(request.q)
            fixed, values = self._correct_values(snap, fixed)
        except Exception:  # a correction is a convenience: it never breaks a search
            return ""
        if not (changes or values) or fixed.strip() == normalise(request.q):
            return ""
        try:
            snap.parser.plan(fixed)
        except QueryError:
            return ""
        return fixed

    def _correct_values(self, snap: Snapshot, text: str) -> tuple[str, int]:
        """``text`` with each ``facet:value`` that means no value of the index replaced by the
        closest value, when that is within the typo tolerance of a word of its length."""
        changed = 0
        for start, end, facet, value in reversed(field_values(text)):
            note = snap.resolve(facet, value)
            if note.matched or not note.closest:
                continue
            closest = note.closest[0]
            if damerau_levenshtein(fold(value), fold(closest)) > tolerance(fold(value)):
                continue
            quoted = " " in closest and not (start and text[start - 1] == '"')
            text = text[:start] + (f'"{closest}"' if quoted else closest) + text[end:]
            changed += 1
        return text, changed

    # -- articles and facet values ----------------------------------------
    @_guarded
    def article(self, article_id: str) -> list[Paragraph]:
        snap = self.snapshot()
        searcher = self.searcher(snap)
        paragraphs = [from_stored(fields) for fields in searcher.documents(article_id=article_id)]
        return sorted(paragraphs, key=lambda p: p.n)

    @_guarded
    def alternates(self, article_id: str) -> list[dict]:
        """Other copies of an article (syndicated or saved twice) that were not indexed:
        each with id, title, date, source and url."""
        return [
            {k: copy.get(k, "") for k in ("id", "title", "date", "source", "url")}
            for copy in self.snapshot().alternates.get(article_id, [])
        ]

    @_guarded
    def facet_values(
        self, field: str, prefix: str = "", limit: int = 20, request: SearchRequest | None = None
    ) -> list[FacetValue]:
        """Values of one facet whose words start with ``prefix`` (case and accents
        ignored), most frequent first. With a ``request``, counts are within that
        search as in its sidebar (the facet's own selection does not narrow them);
        without one, over the whole index."""
        spec = FACETS.get(field)
        if spec is None:
            raise QueryError(f"unknown facet {field!r}; facets are: {', '.join(FACETS.names())}")
        snap = self.snapshot()
        table = snap.facets.tables[field]
        selected: set[str] = set()
        if request is None:
            counts = np.diff(table.value_offsets)
        else:
            run = self._searched(snap, self.searcher(snap), request, 0, 0)[0]
            others = [k for f, k in run.keep.items() if f != field]
            counts = table.counts(run.docs[_all(others, run.date_keep, len(run.docs))])
            selected = {table.shown(v) for v in request.filters.get(field, [])}
            selected |= {v for note in run.notes if note.facet == field for v in note.matched}
        labels = spec.value_labels()
        matches = [
            FacetValue(value, labels.get(value, value), int(counts[i]), value in selected)
            for i, value in enumerate(table.values)
            if counts[i] and prefix_matches(prefix, value, labels.get(value, ""))
        ]
        matches.sort(key=lambda v: (-v.count, v.label.casefold()))
        return matches[:limit]

    def close(self) -> None:
        """Close every searcher this backend opened (also done when it is garbage-collected)."""
        _close_all(self._searchers)
        self._local = threading.local()


def _close_all(searchers: set) -> None:
    while searchers:
        searchers.pop().close()


def _load_alternates(build: Path) -> dict[str, list[dict]]:
    try:
        return json.loads((build / STATE / ALTERNATES).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _date_mask(cache: FacetCache, request: SearchRequest) -> np.ndarray | None:
    if not request.date_from and not request.date_to:
        return None
    mask = cache.days != NO_DATE
    if request.date_from:
        mask &= cache.days >= day_number(request.date_from)
    if request.date_to:
        mask &= cache.days <= day_number(request.date_to)
    return mask


def _more_in_articles(cache: FacetCache, final: np.ndarray, shown: list[int]) -> dict[int, tuple[int, int]]:
    """For the first shown document of each article that has other matching documents not
    on this page: (how many, the first of them)."""
    if not shown:
        return {}
    shown_articles = cache.articles[np.array(shown, dtype=np.int64)]
    candidates = final[np.isin(cache.articles[final], shown_articles)]
    candidates = candidates[~np.isin(candidates, shown)]
    owners = cache.articles[candidates]
    found: dict[int, tuple[int, int]] = {}
    seen: set[int] = set()
    for docnum, article in zip(shown, shown_articles.tolist()):
        if article in seen:
            continue
        seen.add(article)
        others = candidates[owners == article]
        if len(others):
            found[docnum] = (len(others), int(others.min()))
    return found


def _all(keeps, date_keep, size: int) -> np.ndarray:
    result = np.ones(size, dtype=bool)
    for keep in keeps:
        result &= keep
    if date_keep is not None:
        result &= date_keep
    return result


def _facet(spec: FacetSpec, cache: FacetCache, docs: np.ndarray, selected: list[str], size: int) -> Facet:
    table = cache.tables[spec.name]
    counts = table.counts(docs)
    labels = spec.value_labels()
    nonzero = np.flatnonzero(counts)
    order = nonzero[np.lexsort((table.order[nonzero], -counts[nonzero]))]
    shown = order[:size].tolist()
    chosen = {table.shown(v) for v in selected}
    for value_id in table.ids_of(selected):
        if value_id not in shown:
            shown.append(value_id)
    values = [
        FacetValue(
            table.values[i], labels.get(table.values[i], table.values[i]), int(counts[i]), table.values[i] in chosen
        )
        for i in shown
    ]
    values += [FacetValue(v, labels.get(v, v), 0, True) for v in selected if v not in table.index]
    return Facet(spec.name, spec.label, values, truncated=len(order) > size)
