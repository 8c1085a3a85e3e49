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
"""
from __future__ import annotations

import multiprocessing
import queue
import traceback
from pathlib import Path

from search.models import Article
from search.tagging.paragraphs import paragraphs_of
from search.backends.whoosh.savedpostings import save_new_segment
from search.backends.whoosh.schema import to_document
from search.backends.whoosh.segmentwriter import FastSegmentWriter
from search.backends.whoosh.store import POSTINGS

BATCH_ARTICLES = 8
POLL_SECONDS = 0.5


class WorkerFailed(RuntimeError):
    pass


def _work(ix, jobs, results, tag: bool, limitmb: int) -> None:
    try:
        writer = FastSegmentWriter(ix, _lk=False, compound=False, limitmb=limitmb)
        added = 0
        while True:
            batch = jobs.get()
            if batch is None:
                break
            for source_path, article in batch:
                for paragraph in paragraphs_of(article, tag=tag):
                    writer.add_document(**to_document(paragraph, source_path))
                    added += 1
        if added:
            segment = writer._finalize_segment()
            save_new_segment(ix, segment, Path(ix.storage.folder) / POSTINGS)
            results.put(("segment", segment))
        else:
            writer._close_segment()
            results.put(("segment", None))
    except BaseException:
        results.put(("error", traceback.format_exc()))


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
        context = multiprocessing.get_context("fork")
        self.jobs = context.Queue(procs * 4)
        self.results = context.Queue()
        self.batch: list[tuple[str, Article]] = []
        self.segments: list = []
        self.tasks = [context.Process(target=_work, args=(ix, self.jobs, self.results, tag, limitmb),
                                      daemon=True) for _ in range(procs)]
        for task in self.tasks:
            task.start()

    def delete_by_query(self, q) -> None:
        self.writer.delete_by_query(q)

    def add(self, source_path: str, article: Article) -> None:
        self.batch.append((source_path, article))
        if len(self.batch) >= BATCH_ARTICLES:
            self._send(self.batch)
            self.batch = []

    def _send(self, item) -> None:
        while True:
            try:
                self.jobs.put(item, timeout=POLL_SECONDS)
                return
            except queue.Full:
                self._poll()

    def _poll(self, wait: float = 0.0) -> None:
        """Collect finished segments; raise if a worker failed or died without one."""
        try:
            kind, payload = self.results.get(timeout=wait) if wait else self.results.get_nowait()
        except queue.Empty:
            dead = [t for t in self.tasks if t.exitcode not in (None, 0)]
            if dead or (all(t.exitcode == 0 for t in self.tasks) and len(self.segments) < len(self.tasks)
                        and self.results.empty()):
                code = dead[0].exitcode if dead else 0
                raise WorkerFailed(f"an indexing worker died (exit code {code})") from None
            return
        if kind == "error":
            raise WorkerFailed(f"an indexing worker failed:\n{payload}")
        self.segments.append(payload)

    def commit(self) -> None:
        if self.batch:
            self._send(self.batch)
            self.batch = []
        for _ in self.tasks:
            self._send(None)
        while len(self.segments) < len(self.tasks):
            self._poll(wait=POLL_SECONDS)
        for task in self.tasks:
            task.join()
        writer = self.writer
        final = writer._merge_segments(None, None, True)
        if writer._added:
            final.append(writer._finalize_segment())
        else:
            writer._close_segment()
        writer._commit_toc(final + [s for s in self.segments if s is not None])
        writer._finish()

    def cancel(self) -> None:
        for task in self.tasks:
            if task.is_alive():
                task.terminate()
        for task in self.tasks:
            task.join(timeout=5)
        self.writer.cancel()
