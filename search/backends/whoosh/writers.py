"""Writers that turn articles into index documents: in this process, or in workers.

``SerialWriter`` tags and indexes in this process (small builds, tests).
``ParallelWriter`` tags and indexes in worker processes, each writing its own
Whoosh segment and then saving that segment's frequent words (``savedpostings``).

Whoosh's own ``procs=N`` writer pickles every finished document to its
workers, so the tagging would still run in one process. Here the workers
receive articles, tag them and write them into a segment of their own; the
parent only reads sources, applies deletions and commits one table of
contents listing every worker's segment (the same thing Whoosh's
``multisegment=True`` commit does). A worker that fails makes the whole
build fail: no segment is silently lost.

Workers are ``search.backends.workers``' (they die with their parent, leave
Ctrl-C to it, and one that fails or dies ends the build at the parent's next
batch). Nothing a worker wrote is kept: a cancelled build's folder is deleted.
"""

from __future__ import annotations

from pathlib import Path

from search.backends.whoosh.savedpostings import save_new_segment
from search.backends.whoosh.schema import to_document
from search.backends.whoosh.segmentwriter import FastSegmentWriter
from search.backends.whoosh.store import POSTINGS
from search.backends.workers import WorkerFailed, WorkerPool
from search.models import Article
from search.tagging.paragraphs import paragraphs_of

__all__ = ["SerialWriter", "ParallelWriter", "WorkerFailed"]

BATCH_ARTICLES = 8


def _work(jobs, ix, tag: bool, limitmb: int):
    """A worker: tag and write every batch of articles into a segment of its own; return it."""
    writer = FastSegmentWriter(ix, _lk=False, compound=False, limitmb=limitmb)
    added = 0
    for batch in jobs:
        for source_path, article in batch:
            for paragraph in paragraphs_of(article, tag=tag):
                writer.add_document(**to_document(paragraph, source_path))
                added += 1
    if not added:
        writer._close_segment()
        return None
    segment = writer._finalize_segment()
    save_new_segment(ix, segment, Path(ix.storage.folder) / POSTINGS)
    return segment


class SerialWriter:
    """Add articles with ``add``; ``commit`` or ``cancel`` exactly once."""

    def __init__(self, ix, tag: bool = True, limitmb: int = 128):
        self.writer = FastSegmentWriter(ix, compound=False, limitmb=limitmb)
        self.tag = tag

    def delete_by_query(self, q) -> None:
        self.writer.delete_by_query(q)

    def add(self, source_path: str, article: Article) -> None:
        for paragraph in paragraphs_of(article, tag=self.tag):
            self.writer.add_document(**to_document(paragraph, source_path))

    def commit(self) -> None:
        self.writer.commit(merge=True)

    def cancel(self) -> None:
        self.writer.cancel()


class ParallelWriter:
    """Add articles with ``add``; ``commit`` or ``cancel`` exactly once."""

    def __init__(self, ix, procs: int, tag: bool = True, limitmb: int = 128):
        self.writer = FastSegmentWriter(ix, compound=False, limitmb=limitmb)
        self.batch: list[tuple[str, Article]] = []
        try:
            self.pool = WorkerPool(_work, (ix, tag, limitmb), procs)
        except BaseException:
            self.writer.cancel()
            raise

    def delete_by_query(self, q) -> None:
        self.writer.delete_by_query(q)

    def add(self, source_path: str, article: Article) -> None:
        self.batch.append((source_path, article))
        if len(self.batch) >= BATCH_ARTICLES:
            self.pool.send(self.batch)
            self.batch = []

    def commit(self) -> None:
        if self.batch:
            self.pool.send(self.batch)
            self.batch = []
        segments = self.pool.finish()
        writer = self.writer
        final = writer._merge_segments(None, None, True)
        if writer._added:
            final.append(writer._finalize_segment())
        else:
            writer._close_segment()
        writer._commit_toc(final + [s for s in segments if s is not None])
        writer._finish()

    def cancel(self) -> None:
        """Kill the workers, then drop the parent's own segment."""
        self.pool.cancel()
        self.writer.cancel()
