"""Reindex: read sources, tag paragraphs, write a new build, switch to it atomically.

A reindex is incremental by default: a source whose content hash is the same
as in the live build keeps its documents (the live build's immutable segment
files are hard-linked into the new build), changed sources are re-read, and
removed sources lose their paragraphs. ``full=True`` rebuilds from scratch.
Either way the new build is written beside the live one and only switched
to once it is complete.
"""
from __future__ import annotations

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

from .dedup import DuplicateIndex
from .errors import SourceError
from .facetcache import FacetCache
from .ingest import discover, file_digest, read_file
from .models import Article, Skipped
from .savedpostings import save_build
from .schema import make_schema
from .store import ALTERNATES, FACETS, FORMAT_VERSION, MANIFEST, POSTINGS, IndexStore
from .writers import ParallelWriter, SerialWriter

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
    skipped: list[Skipped] = field(default_factory=list)
    seconds: float = 0.0
    build: str = ""
    incremental: bool = False

    def to_dict(self) -> dict:
        data = self.__dict__.copy()
        data["skipped"] = [s.__dict__ for s in self.skipped]
        return data


def reindex(sources: Iterable[str | Path], index_dir: str | Path, full: bool = False,
            progress: bool | None = None, procs: int | None = None, tag: bool = True,
            after_article: Callable[[Article], None] | None = None) -> BuildReport:
    """Build a new index of ``sources`` under ``index_dir`` and make it live.

    Raises ReindexBusy when another reindex runs. On any error (or Ctrl-C)
    the partial build is deleted and the previous build keeps serving.
    ``procs`` worker processes tag and index (default: one per core when
    there is enough to read, else this process alone). ``tag=False`` skips
    the taggers and uses the tags given in the sources, if any.
    ``after_article`` is called after each article is handed to the writer
    (used by tests to interrupt a build midway).
    """
    store = IndexStore(index_dir)
    started = time.perf_counter()
    with store.lock():
        build = store.new_build_dir()
        try:
            report = _build(store, build, [Path(s) for s in sources], full, progress,
                            procs, tag, after_article)
        except BaseException:
            store.discard(build)
            raise
        store.switch_to(build)
    report.seconds = round(time.perf_counter() - started, 3)
    report.build = build.name
    return report


def _build(store: IndexStore, build: Path, sources: list[Path], full: bool,
           progress: bool | None, procs: int | None, tag: bool, after_article) -> BuildReport:
    report = BuildReport()
    files, missing = discover(sources)
    files = [path.resolve() for path in files]
    report.skipped.extend(missing)
    digests = {str(path): file_digest(path) for path in files}
    previous = None if full else _previous_state(store)
    if previous is not None:
        report.incremental = True
        old_sources, dedup = previous
        _link_build(store.current(), build)
        ix = whoosh_index.open_dir(str(build))
    else:
        old_sources, dedup = {}, DuplicateIndex()
        ix = whoosh_index.create_in(str(build), make_schema())
    kept = {path: old_sources[path] for path, digest in digests.items()
            if path in old_sources and old_sources[path]["digest"] == digest}
    stale = _forget_stale(old_sources, kept, dedup)
    to_read = [path for path in files if str(path) not in kept]
    report.reused_sources = len(kept)
    report.removed_sources = len([p for p in old_sources if p not in digests])

    manifest_sources = dict(kept)
    seen_ids = {i: path for path, entry in kept.items() for i in _entry_ids(entry)}
    procs = procs if procs is not None else _default_procs(to_read)
    writer = ParallelWriter(ix, procs, tag) if procs > 1 else SerialWriter(ix, tag)
    try:
        if stale:
            writer.delete_by_query(Or([Term("source_path", path) for path in stale]))
        bar = tqdm(unit="paragraph", desc="indexing", file=sys.stderr, smoothing=0.1,
                   disable=not (sys.stderr.isatty() if progress is None else progress))
        for path, items in _read_all(to_read):
            entry = {"digest": digests[str(path)], "articles": [], "duplicates": []}
            for item in items:
                if isinstance(item, Article) and item.id in seen_ids:
                    item = Skipped(str(path), f"article id {item.id!r} was already read from "
                                              f"{seen_ids[item.id]}; ids must be unique")
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
        save_build(reader, build / POSTINGS, store.current() / POSTINGS if report.incremental else None)
        report.paragraphs = reader.doc_count()
    report.articles = sum(len(entry["articles"]) for entry in manifest_sources.values())
    dedup.save(build)
    _write_manifest(build, manifest_sources)
    _write_alternates(build, manifest_sources)
    return report


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


def _read_all(paths: list[Path]) -> Iterator[tuple[Path, list]]:
    for path in paths:
        try:
            items = read_file(path)
        except SourceError as error:
            items = [Skipped(str(path), str(error))]
        yield path, items


def indexed_sources(index_dir: str | Path) -> list[Path]:
    """The source files the live index was built from that still exist."""
    manifest = _previous_manifest(IndexStore(index_dir)) or {"sources": {}}
    return [Path(path) for path in sorted(manifest["sources"]) if Path(path).is_file()]


def _previous_state(store: IndexStore) -> tuple[dict, DuplicateIndex] | None:
    """The live build's sources and duplicate index, or None to build from scratch."""
    manifest = _previous_manifest(store)
    if manifest is None:
        return None
    try:
        dedup = DuplicateIndex.load(store.current())
    except (OSError, ValueError):
        return None
    return manifest["sources"], dedup


def _previous_manifest(store: IndexStore) -> dict | None:
    if not store.exists():
        return None
    try:
        manifest = json.loads((store.current() / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return manifest if manifest.get("format") == FORMAT_VERSION else None


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
