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

Workers never outlive the build. Each asks the kernel to kill it when its
parent dies (``PR_SET_PDEATHSIG`` on Linux, sent when the thread that started
the worker ends: a build runs in one thread; elsewhere the worker notices
within ``POLL_SECONDS`` that its parent changed), ignores Ctrl-C (the parent,
which gets it too, ends the build), and is killed by ``cancel``. A worker
that fails or dies ends the build at the parent's next batch. Nothing a worker
wrote is kept: a cancelled build's folder is deleted.
"""
from __future__ import annotations

import ctypes
import multiprocessing
import os
import queue
import signal
import sys
import traceback
from pathlib import Path

from search.errors import DiploSearchError
from search.models import Article
from search.tagging.paragraphs import paragraphs_of
from search.backends.whoosh.savedpostings import save_new_segment
from search.backends.whoosh.schema import to_document
from search.backends.whoosh.segmentwriter import FastSegmentWriter
from search.backends.whoosh.store import POSTINGS

BATCH_ARTICLES = 8
POLL_SECONDS = 0.5
PR_SET_PDEATHSIG = 1


class WorkerFailed(DiploSearchError):
    """An indexing worker failed or died; ``errno`` is its OSError's, ``details`` its traceback."""

    def __init__(self, message: str, errno: int | None = None, filename: str | None = None, details: str = ""):
        super().__init__(message)
        self.errno = errno
        self.filename = filename
        self.details = details


def _die_with_parent(parent: int) -> None:
    """Make this worker die with the process that started it, and leave Ctrl-C to that process."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:  # the parent died before the signal was asked for
        os._exit(1)


def _next_batch(jobs, parent: int):
    while True:
        try:
            return jobs.get(timeout=POLL_SECONDS)
        except queue.Empty:
            if os.getppid() != parent:
                os._exit(1)


def _work(ix, jobs, results, tag: bool, limitmb: int, parent: int) -> None:
    _die_with_parent(parent)
    try:
        writer = FastSegmentWriter(ix, _lk=False, compound=False, limitmb=limitmb)
        added = 0
        while True:
            batch = _next_batch(jobs, parent)
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
    except BaseException as error:
        summary = " ".join(f"{type(error).__name__}: {error}".split())[:500]  # one line
        results.put(("error", (summary, getattr(error, "errno", None), getattr(error, "filename", None),
                               traceback.format_exc())))


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
        self.tasks = [context.Process(target=_work, args=(ix, self.jobs, self.results, tag, limitmb, os.getpid()),
                                      daemon=True) for _ in range(procs)]
        try:
            for task in self.tasks:
                task.start()
        except BaseException:
            self.cancel()
            raise

    def delete_by_query(self, q) -> None:
        self.writer.delete_by_query(q)

    def add(self, source_path: str, article: Article) -> None:
        self.batch.append((source_path, article))
        if len(self.batch) >= BATCH_ARTICLES:
            self._send(self.batch)
            self.batch = []

    def _send(self, item) -> None:
        self._poll()  # a worker that failed or died ends the build now, not at the commit
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
                how = f"was killed by signal {-code}" if code < 0 else f"exited with code {code}"
                raise WorkerFailed(f"an indexing worker {how}") from None
            return
        if kind == "error":
            summary, errno, filename, details = payload
            raise WorkerFailed(f"an indexing worker failed: {summary}", errno, filename, details)
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
        """Kill the workers and drop what was queued for them, without waiting on anything
        they could no longer answer (a full queue, a dead worker)."""
        for task in self.tasks:
            if task.pid is not None and task.exitcode is None:
                task.kill()
        for task in self.tasks:
            if task.pid is not None:
                task.join(timeout=5)
        for q in (self.jobs, self.results):
            q.cancel_join_thread()  # buffered jobs for dead workers: exiting must not wait to send them
            q.close()
        self.writer.cancel()
