"""A Whoosh build: a new index folder beside the live one, written by one or more processes.

An incremental build starts as hard links to the live build's segment files
(Whoosh never rewrites a segment in place, so two builds can share them),
deletes the documents of sources that changed or went, and adds the new
ones. When it is finished, the facet arrays and the frequent words' saved
postings are written beside it, then the index stage's state files, and
last the checksums of every file (``checksums``).

The live build's files are verified against their checksums before an
incremental build links them (``known`` carries the digests when the
caller has just verified them): a damaged file is never carried forward.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.query import Or, Term

from search.backends.whoosh import checksums
from search.backends.whoosh.facetcache import FacetCache
from search.backends.whoosh.savedpostings import save_build
from search.backends.whoosh.schema import make_schema
from search.backends.whoosh.store import FACET_ARRAYS, POSTINGS, STATE, IndexStore, damaged_error
from search.backends.whoosh.writers import ParallelWriter, SerialWriter
from search.files import atomic_write
from search.models import Article

WHOOSH_FILES = ("_MAIN_", "MAIN_")  # Whoosh's own files in a build; the rest is ours


class WhooshBuild:
    """``add`` articles, then ``finish`` or ``cancel`` exactly once."""

    def __init__(
        self, store: IndexStore, incremental: bool, procs: int, tag: bool, known: checksums.Known | None = None
    ):
        self.store = store
        self.live = store.current() if incremental else None
        self.known: checksums.Known = known if known is not None else {}
        if self.live is not None and known is None:
            verdict = checksums.verify(self.live, known=self.known)
            if verdict.damaged:
                raise damaged_error(store.root, verdict.damaged)
        self.folder = store.new_build_dir()
        self.finished = False
        try:
            if self.live is not None:
                _link_segments(self.live, self.folder)
                self.ix = whoosh_index.open_dir(str(self.folder))
            else:
                self.ix = whoosh_index.create_in(str(self.folder), make_schema())
            self.writer = ParallelWriter(self.ix, procs, tag) if procs > 1 else SerialWriter(self.ix, tag)
        except BaseException:
            store.discard(self.folder)
            raise

    @property
    def name(self) -> str:
        return self.folder.name

    def delete_sources(self, paths: list[str]) -> None:
        self.writer.delete_by_query(Or([Term("source_path", path) for path in paths]))

    def add(self, source_path: str, article: Article) -> None:
        self.writer.add(source_path, article)

    def finish(self, state: dict[str, bytes]) -> int:
        self.writer.commit()
        self.finished = True
        with self.ix.reader() as reader:
            FacetCache.from_reader(reader).save(self.folder / FACET_ARRAYS)
            save_build(reader, self.folder / POSTINGS, self.live / POSTINGS if self.live else None)
            count = reader.doc_count()
        for name, data in state.items():
            atomic_write(self.folder / STATE / name, data)
        self.store.write_format(self.folder)
        checksums.write(self.folder, self.known)
        return count

    def cancel(self) -> None:
        """Throw the build away; never raises (it runs while another error is on its way)."""
        try:
            if not self.finished:
                self.writer.cancel()
        except Exception:
            pass
        finally:
            self.store.discard(self.folder)


def _link_segments(live: Path, build: Path) -> None:
    for item in live.iterdir():
        if item.is_file() and item.name.startswith(WHOOSH_FILES) and "LOCK" not in item.name:
            try:
                os.link(item, build / item.name)
            except OSError:
                shutil.copy2(item, build / item.name)
