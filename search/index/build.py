"""Reindex: read sources, tag paragraphs, write a new build, switch to it atomically.

What a reindex indexes is planned from the live build's manifest before
anything is written (``plan``):

- by default the named sources are added, or re-read where their content
  changed, and every other indexed source is kept: naming one folder never
  drops the rest of the index;
- ``replace`` makes the index exactly the named sources, ``remove`` drops
  the named indexed sources, ``prune`` drops indexed files that no longer
  exist; what is dropped is in the plan, so callers can say so before the
  switch;
- a named path that does not exist, or a folder with nothing to read, is
  an error and nothing changes.

Unchanged sources keep their documents (the live build's immutable segment
files are hard-linked into the new build); ``full=True`` re-reads them all.
Either way the new build is written beside the live one and only switched
to once it is complete.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm
from whoosh import index as whoosh_index
from whoosh.query import Or, Term

from search.index.dedup import DuplicateIndex
from search.errors import DiploSearchError, SourceError
from search.backends.whoosh.facetcache import FacetCache
from search.ingest.sources import discover, file_digest, read_file
from search.models import Article, Skipped
from search.backends.whoosh.savedpostings import save_build
from search.backends.whoosh.schema import make_schema
from search.backends.whoosh.store import ALTERNATES, FACETS, FORMAT_VERSION, MANIFEST, POSTINGS, IndexStore
from search.backends.whoosh.writers import ParallelWriter, SerialWriter

WHOOSH_FILES = ("_MAIN_", "MAIN_")  # Whoosh's own files in a build; the rest is ours
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
    missing: list[str] = field(default_factory=list)  # indexed files that no longer exist, kept
    skipped: list[Skipped] = field(default_factory=list)
    seconds: float = 0.0
    build: str = ""
    incremental: bool = False

    def to_dict(self) -> dict:
        data = self.__dict__.copy()
        data["skipped"] = [s.__dict__ for s in self.skipped]
        return data


@dataclass
class Plan:
    """What a reindex will do, decided before anything is written."""

    read: list[Path]  # files to read and tag (resolved)
    keep: dict[str, dict]  # manifest entries kept as they are (path -> entry)
    remove: list[str]  # indexed sources dropped from the index
    missing: list[str]  # indexed files that no longer exist, kept as indexed
    digests: dict[str, str]  # content hash of each file to read
    previous: dict[str, dict]  # the live build's sources (path -> entry)
    incremental: bool  # the live build's segments are reused


class NothingToIndex(DiploSearchError):
    """A named source does not exist or holds nothing readable: the index is left as it was."""


def reindex(sources: Iterable[str | Path] = (), index_dir: str | Path = "index", *, replace: bool = False,
            remove: Iterable[str | Path] = (), prune: bool = False, full: bool = False,
            progress: bool | None = None, procs: int | None = None, tag: bool = True,
            after_article: Callable[[Article], None] | None = None,
            on_plan: Callable[[Plan], None] | None = None) -> BuildReport:
    """Add or update ``sources`` in the index under ``index_dir`` and make the new build live.

    ``replace`` indexes exactly ``sources``; ``remove`` drops indexed sources
    (files, or every file under a folder); ``prune`` drops indexed files that
    no longer exist; ``full`` re-reads every source instead of reusing the
    live build's documents. ``on_plan`` sees the plan before anything is
    built. Raises NothingToIndex (nothing changed) for a named path that does
    not exist or holds nothing to read, ReindexBusy when another reindex runs.
    On any error (or Ctrl-C) the partial build is deleted and the previous
    build keeps serving. ``procs`` worker processes tag and index (default:
    one per core when there is enough to read). ``tag=False`` uses the tags
    given in the sources, if any. ``after_article`` is called after each
    article is handed to the writer (tests use it to interrupt a build).
    """
    store = IndexStore(index_dir)
    started = time.perf_counter()
    with store.lock():
        plan = make_plan(store, [Path(s) for s in sources], replace, [Path(r) for r in remove], prune, full)
        if on_plan:
            on_plan(plan)
        build = store.new_build_dir()
        try:
            report = _build(store, build, plan, progress, procs, tag, after_article)
        except BaseException:
            store.discard(build)
            raise
        store.switch_to(build)
    report.seconds = round(time.perf_counter() - started, 3)
    report.build = build.name
    return report


def make_plan(store: IndexStore, sources: list[Path], replace: bool, remove: list[Path], prune: bool,
              full: bool) -> Plan:
    previous, reusable = _previous_sources(store, rebuilding=replace and not remove)
    if replace and not sources:
        raise NothingToIndex("--replace needs the sources the index is to hold; the index was not changed")
    removed = set(_matching(previous, remove))
    if prune:
        removed |= {path for path in previous if not Path(path).is_file()}
    # in the order given (documents are numbered in reading order); naming nothing
    # re-reads what the index holds (its changed files)
    named = _named_files(sources) if sources else [path for path in previous if Path(path).is_file()]
    named = [path for path in named if path not in removed]
    if replace:
        removed |= {path for path in previous if path not in named}
    keep = {path: entry for path, entry in previous.items() if path not in removed and path not in named}
    missing = sorted(path for path in keep if not Path(path).is_file())
    if full or not reusable:
        if missing:
            raise NothingToIndex(
                f"{len(missing)} indexed file(s) no longer exist (first: {missing[0]}), and a full "
                "rebuild cannot keep what it cannot read; restore them, or drop them with --prune. "
                "The index was not changed")
        named += [path for path in keep if path not in named]
        keep = {}
    digests = {path: _digest(path) for path in named}
    unchanged = {path for path, digest in digests.items()
                 if digest and path in previous and previous[path]["digest"] == digest and reusable and not full}
    keep.update({path: previous[path] for path in unchanged})
    read = [Path(path) for path in named if path not in unchanged]
    return Plan(read, keep, sorted(removed), missing, digests, previous, reusable and not full)


def _digest(path: str) -> str:
    """The content hash, or "" for a file that cannot be read (reading it reports why)."""
    try:
        return file_digest(Path(path))
    except OSError:
        return ""


def _named_files(sources: list[Path]) -> list[str]:
    """The readable files of every named source, in order; a path that does not exist, or
    a folder holding no readable file, is an error (a typo must not change the index)."""
    files: dict[str, None] = {}
    for source in sources:
        found, missing = discover([source])
        if missing:
            raise NothingToIndex(f"{source}: no such file or folder; the index was not changed")
        if not found:
            raise NothingToIndex(f"{source} holds no .txt, .html or .jsonl file to index; "
                                 "the index was not changed")
        files.update(dict.fromkeys(str(path.resolve()) for path in found))
    return list(files)


def _matching(previous: dict[str, dict], paths: list[Path]) -> list[str]:
    """Indexed sources that are one of ``paths`` or lie under one of them (for --remove)."""
    found = []
    for path in paths:
        target = path.resolve()
        hits = [p for p in previous if Path(p) == target or Path(p).is_relative_to(target)]
        if not hits:
            raise NothingToIndex(f"{path} is not a source of this index; the index was not changed")
        found += hits
    return found


def _build(store: IndexStore, build: Path, plan: Plan, progress: bool | None, procs: int | None,
           tag: bool, after_article) -> BuildReport:
    report = BuildReport(incremental=plan.incremental, removed=plan.remove, missing=plan.missing)
    dedup = _previous_dedup(store) if plan.incremental else DuplicateIndex()
    if plan.incremental:
        _link_build(store.current(), build)
        ix = whoosh_index.open_dir(str(build))
    else:
        ix = whoosh_index.create_in(str(build), make_schema())
    kept = dict(plan.keep)
    stale = _forget_stale(plan.previous, kept, dedup) if plan.incremental else []
    to_read = plan.read + [Path(path) for path in plan.keep if path not in kept]
    report.reused_sources = len(kept) if plan.incremental else 0
    report.removed_sources = len(plan.remove)

    manifest_sources = dict(kept)
    # every id a source still in the index had stays that source's, also when it is read again
    old_ids = {path: _entry_ids(entry) for path, entry in plan.previous.items() if path not in plan.remove}
    seen_ids = {i: path for path, ids in old_ids.items() for i in ids}
    procs = procs if procs is not None else _default_procs(to_read)
    writer = ParallelWriter(ix, procs, tag) if procs > 1 else SerialWriter(ix, tag)
    try:
        if stale:
            writer.delete_by_query(Or([Term("source_path", path) for path in stale]))
        bar = tqdm(unit="paragraph", desc="indexing", file=sys.stderr, smoothing=0.1,
                   disable=not (sys.stderr.isatty() if progress is None else progress))
        for path, digest, items in _read_all(to_read, plan.digests):
            entry = {"digest": digest, "articles": [], "duplicates": []}
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
                writer.add(str(path), item)
                entry["articles"].append(item.id)
                report.read_articles += 1
                report.read_paragraphs += len(item.paragraphs)
                bar.update(len(item.paragraphs))
                if after_article:
                    after_article(item)
            if entry["articles"] or entry["duplicates"]:
                manifest_sources[str(path)] = entry
        bar.close()
        writer.commit()
    except BaseException:
        writer.cancel()
        raise
    with ix.reader() as reader:
        FacetCache.from_reader(reader).save(build / FACETS)
        save_build(reader, build / POSTINGS, store.current() / POSTINGS if plan.incremental else None)
        report.paragraphs = reader.doc_count()
    report.articles = sum(len(entry["articles"]) for entry in manifest_sources.values())
    dedup.save(build)
    _write_manifest(build, manifest_sources)
    _write_alternates(build, manifest_sources)
    return report


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


def _write_alternates(build: Path, sources: dict) -> None:
    """Canonical article id -> the other copies of it, for the article page."""
    alternates: dict[str, list[dict]] = {}
    for entry in sources.values():
        for copy in entry.get("duplicates", []):
            alternates.setdefault(copy["canonical"], []).append(copy)
    (build / ALTERNATES).write_text(json.dumps(alternates, ensure_ascii=False), encoding="utf-8")


def _default_procs(paths: list[Path]) -> int:
    """Workers pay off from a few megabytes of text; below that, forking costs more."""
    size = sum(path.stat().st_size for path in paths)
    return min(os.cpu_count() or 1, 8) if size > PARALLEL_FROM_BYTES else 1


def _read_all(paths: list[Path], digests: dict[str, str]) -> Iterator[tuple[Path, str, list]]:
    """Each file with its content hash and what it holds (articles, or Skipped with reasons)."""
    for path in paths:
        digest = digests.get(str(path)) or _digest(str(path))
        try:
            items = read_file(path)
        except SourceError as error:
            items = [Skipped(str(path), str(error))]
        yield path, digest, items


def _previous_sources(store: IndexStore, rebuilding: bool) -> tuple[dict[str, dict], bool]:
    """The live build's sources (path -> entry) and whether its documents can be reused.

    A build of another format is re-read from its sources; a live index whose
    list of sources cannot be read is refused (keeping it would be guessing)
    unless the caller is rebuilding from named sources alone (``--replace``)."""
    if not store.current_name() and not store.has_builds():
        return {}, False
    try:
        build = store.current()
        manifest = json.loads((build / MANIFEST).read_text(encoding="utf-8"))
        sources = manifest["sources"]
    except (DiploSearchError, OSError, ValueError, KeyError, TypeError) as error:
        if rebuilding:
            return {}, False
        raise DiploSearchError(
            f"cannot read which sources the index at {store.root} holds ({error}); nothing was changed. "
            f"To rebuild it from scratch, name every source: "
            f"`diplosearch reindex --replace SOURCE... --index {store.root}`") from None
    return sources, manifest.get("format") == FORMAT_VERSION and _dedup_readable(build)


def _dedup_readable(build: Path) -> bool:
    try:
        DuplicateIndex.load(build)
    except (OSError, ValueError):
        return False
    return True


def _previous_dedup(store: IndexStore) -> DuplicateIndex:
    return DuplicateIndex.load(store.current())


def _link_build(live: Path, build: Path) -> None:
    """Hard-link the live build's files into the new one: Whoosh never rewrites a
    segment file in place, so the two builds can share them safely."""
    for item in live.iterdir():
        if item.is_file() and item.name.startswith(WHOOSH_FILES) and "LOCK" not in item.name:
            try:
                os.link(item, build / item.name)
            except OSError:
                shutil.copy2(item, build / item.name)


def _write_manifest(build: Path, sources: dict) -> None:
    data = {"format": FORMAT_VERSION, "sources": sources}
    (build / MANIFEST).write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
