"""Reindex: plan, read sources, hand articles to a backend's build, publish it atomically.

The plan (``search.index.plan``) says which sources are read, kept and
dropped. Articles that copy an indexed one (syndicated wire copy, a page
saved twice) are not indexed but listed under their original
(``search.index.dedup``). Every article gets an id no other source holds.
The backend tags and writes (in worker processes for large inputs) into a
new build beside the live one, and only publishes it once it is complete:
a failed or interrupted reindex leaves the live build serving. A disk that
fills up is reported as DiskFull, in one line, and the new build is deleted.

Beside its documents a build keeps this stage's state as files
(``MANIFEST``: each source's content hash and articles; the near-duplicate
index; ``ALTERNATES``: the other copies of each article), so the next
reindex can keep what did not change.
"""
from __future__ import annotations

import errno
import hashlib
import json
import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

from search.backend import Backend, Build, LiveState
from search.errors import DiploSearchError, DiskFull, SourceError
from search.index.dedup import DuplicateIndex
from search.index.plan import Plan, digest, make_plan
from search.ingest.sources import read_file
from search.models import Article, Skipped

MANIFEST = "manifest.json"
ALTERNATES = "alternates.json"
PARALLEL_FROM_BYTES = 2_000_000


@dataclass
class BuildReport:
    articles: int = 0  # articles in the new index
    paragraphs: int = 0  # paragraphs in the new index
    read_articles: int = 0  # articles read (tagged) by this run
    read_paragraphs: int = 0
    duplicates: int = 0  # articles read that copy an indexed one (listed as alternatives)
    reused_sources: int = 0  # unchanged sources kept from the previous build
    removed_sources: int = 0
    removed: list[str] = field(default_factory=list)  # the sources dropped from the index
    repaired: list[str] = field(default_factory=list)  # damaged files of the live build ("path: problem"),
    # which made this run read every source again
    missing: list[str] = field(default_factory=list)  # indexed files that no longer exist, kept
    skipped: list[Skipped] = field(default_factory=list)
    seconds: float = 0.0
    build: str = ""
    incremental: bool = False

    def to_dict(self) -> dict:
        data = self.__dict__.copy()
        data["skipped"] = [s.__dict__ for s in self.skipped]
        return data


def reindex(backend: Backend, sources: Iterable[str | Path] = (), *, replace: bool = False,
            remove: Iterable[str | Path] = (), prune: bool = False, full: bool = False,
            progress: bool | None = None, procs: int | None = None, tag: bool = True,
            after_article: Callable[[Article], None] | None = None,
            on_plan: Callable[[Plan], None] | None = None) -> BuildReport:
    """Add or update ``sources`` in the backend's index and publish the new build.

    ``replace``, ``remove``, ``prune`` and ``full`` are as in ``make_plan``;
    ``on_plan`` sees the plan before anything is built. Raises NothingToIndex
    (nothing changed) for a named path that does not exist or holds nothing
    to read, ReindexBusy when another reindex runs. ``procs`` worker processes
    tag and index (default: one per core when there is enough to read).
    ``tag=False`` uses the tags given in the sources, if any. ``after_article``
    is called after each article is handed to the build (tests use it to
    interrupt a build).
    """
    try:
        return _reindex(backend, sources, replace, remove, prune, full, progress, procs, tag, after_article,
                        on_plan)
    except (OSError, DiploSearchError) as error:
        if getattr(error, "errno", None) in (errno.ENOSPC, errno.EDQUOT):
            where = f" ({error.filename})" if getattr(error, "filename", None) else ""
            raise DiskFull(f"the disk is full{where}: the new build was deleted and the index was not "
                           "changed; free some space and run the reindex again") from None
        raise


def _reindex(backend: Backend, sources, replace, remove, prune, full, progress, procs, tag, after_article,
             on_plan) -> BuildReport:
    started = time.perf_counter()
    with backend.lock():
        previous, reusable, dedup, damaged = _live(backend, rebuilding=replace and not remove)
        plan = make_plan(previous, reusable, [Path(s) for s in sources], replace,
                         [Path(r) for r in remove], prune, full)
        if on_plan:
            on_plan(plan)
        if not plan.incremental:
            dedup = DuplicateIndex()
        kept = dict(plan.keep)
        stale = _forget_stale(plan.previous, kept, dedup) if plan.incremental else []
        to_read = plan.read + [Path(path) for path in plan.keep if path not in kept]
        build = backend.begin(plan.incremental, procs if procs is not None else _default_procs(to_read), tag)
        report = BuildReport(incremental=plan.incremental, removed=plan.remove, missing=plan.missing,
                             reused_sources=len(kept), removed_sources=len(plan.remove), repaired=damaged,
                             skipped=list(plan.skipped))
        try:
            if stale:
                build.delete_sources(stale)
            sources_read = _add_all(build, plan, kept, to_read, dedup, report, progress, after_article)
            report.paragraphs = build.finish(_state(sources_read, dedup))
            report.build = backend.publish(build)
        except BaseException:
            build.cancel()
            raise
    report.articles = sum(len(entry["articles"]) for entry in sources_read.values())
    report.seconds = round(time.perf_counter() - started, 3)
    return report


def _live(backend: Backend, rebuilding: bool) -> tuple[dict[str, dict], bool, DuplicateIndex, list[str]]:
    """The live build's sources (path -> entry), whether its documents can be kept, its
    duplicate index, and its damaged files (then every source is read again).

    A live index whose state cannot be read is refused (keeping it would be
    guessing) unless the caller is rebuilding from named sources alone."""
    try:
        state = backend.live_state() or LiveState()
        sources = json.loads(state.files[MANIFEST])["sources"] if state.files else {}
    except (DiploSearchError, KeyError, ValueError, TypeError) as error:
        if rebuilding:
            return {}, False, DuplicateIndex(), []
        raise DiploSearchError(
            f"cannot read which sources the index holds ({error}); nothing was changed. To rebuild it "
            "from scratch, name every source: `diplosearch reindex --replace SOURCE...`") from None
    try:
        dedup = DuplicateIndex.from_files(state.files)
    except Exception:  # missing or unreadable (a damaged zip, an odd shape): re-read everything, finding copies afresh
        return sources, False, DuplicateIndex(), state.damaged
    return sources, state.reusable, dedup, state.damaged


def _add_all(build: Build, plan: Plan, kept: dict[str, dict], to_read: list[Path], dedup: DuplicateIndex,
             report: BuildReport, progress: bool | None, after_article) -> dict[str, dict]:
    """Read, deduplicate and add every article of ``to_read``; return the new manifest's sources."""
    manifest = dict(kept)
    # every id a source still in the index had stays that source's, also when it is read again
    old_ids = {path: _entry_ids(entry) for path, entry in plan.previous.items() if path not in plan.remove}
    seen_ids = {i: path for path, ids in old_ids.items() for i in ids}
    bar = tqdm(unit="paragraph", desc="indexing", file=sys.stderr, smoothing=0.1,
               disable=not (sys.stderr.isatty() if progress is None else progress))
    for path, content_hash, items in _read_all(to_read, plan.digests):
        entry = {"digest": content_hash, "articles": [], "duplicates": []}
        for item in items:
            if isinstance(item, Article):
                item = _with_unique_id(item, str(path), seen_ids, old_ids.get(str(path), []))
            if isinstance(item, Skipped):
                report.skipped.append(item)
                continue
            seen_ids[item.id] = str(path)
            canonical = dedup.check_and_add(item.id, "\n\n".join(item.paragraphs))
            if canonical is not None:
                entry["duplicates"].append(_alternate(item, canonical))
                report.duplicates += 1
                continue
            build.add(str(path), item)
            entry["articles"].append(item.id)
            report.read_articles += 1
            report.read_paragraphs += len(item.paragraphs)
            bar.update(len(item.paragraphs))
            if after_article:
                after_article(item)
        if entry["articles"] or entry["duplicates"]:
            manifest[str(path)] = entry
    bar.close()
    return manifest


def _with_unique_id(article: Article, path: str, seen: dict[str, str], old_ids: list[str]) -> Article | Skipped:
    """The article with an id no other source holds.

    A file read again keeps the id it had. An id the source gave itself (a
    JSON Lines ``id``) is the user's key: a second source with it is reported
    and skipped. An id made from a file name (two ``index.html`` in two
    folders) is made unique with a hash of the file's path."""
    if article.id_from_file_name:
        had = next((i for i in old_ids if i == article.id or i.startswith(f"{article.id}-")), None)
        if had is not None:
            article.id = had
            return article
    if seen.get(article.id, path) == path:
        return article
    if not article.id_from_file_name:
        return Skipped(path, f"article id {article.id!r} was already read from {seen[article.id]}; "
                             "ids must be unique")
    article.id = f"{article.id}-{hashlib.sha1(path.encode('utf-8')).hexdigest()[:8]}"
    return article


def _entry_ids(entry: dict) -> list[str]:
    return entry["articles"] + [d["id"] for d in entry.get("duplicates", [])]


def _forget_stale(old_sources: dict, kept: dict, dedup: DuplicateIndex) -> list[str]:
    """Sources whose documents must go: changed or removed ones, and kept ones
    holding a copy that becomes the canonical article when its original goes
    (that copy was never indexed, so its whole source is read again)."""
    stale = [path for path in old_sources if path not in kept]
    owner = {i: path for path, entry in kept.items() for i in _entry_ids(entry)}
    queue = list(stale)
    while queue:
        path = queue.pop()
        for article_id in _entry_ids(old_sources[path]):
            removal = dedup.remove(article_id)
            for promoted in removal.promoted:
                source = owner.get(promoted)
                if source and source in kept:
                    del kept[source]
                    stale.append(source)
                    queue.append(source)
    return stale


def _alternate(article: Article, canonical: str) -> dict:
    return {"id": article.id, "canonical": canonical, "title": article.title, "date": article.date,
            "source": article.source, "url": article.url, "path": article.path}


def _state(sources: dict[str, dict], dedup: DuplicateIndex) -> dict[str, bytes]:
    """The files a build keeps for the next reindex and for the article page."""
    alternates: dict[str, list[dict]] = {}
    for entry in sources.values():
        for copy in entry.get("duplicates", []):
            alternates.setdefault(copy["canonical"], []).append(copy)
    return {
        MANIFEST: json.dumps({"sources": sources}, ensure_ascii=False, indent=1).encode("utf-8"),
        ALTERNATES: json.dumps(alternates, ensure_ascii=False).encode("utf-8"),
        **dedup.to_files(),
    }


def _default_procs(paths: list[Path]) -> int:
    """Workers pay off from a few megabytes of text; below that, forking costs more."""
    size = sum(path.stat().st_size for path in paths if path.is_file())
    return min(os.cpu_count() or 1, 8) if size > PARALLEL_FROM_BYTES else 1


def _read_all(paths: list[Path], digests: dict[str, str]) -> Iterator[tuple[Path, str, list]]:
    """Each file with its content hash and what it holds (articles, or Skipped with reasons)."""
    for path in paths:
        content_hash = digests.get(str(path)) or digest(str(path))
        try:
            items = read_file(path)
        except SourceError as error:
            items = [Skipped(str(path), str(error))]
        yield path, content_hash, items
