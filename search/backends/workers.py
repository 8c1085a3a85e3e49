"""Indexing worker processes as every backend runs them, and whether a lock's holder still runs.

A worker asks the kernel to kill it when its parent dies (``PR_SET_PDEATHSIG``
on Linux, sent when the thread that started the worker ends: a build runs in
one thread; elsewhere the worker notices within ``POLL_SECONDS`` that its
parent changed), ignores Ctrl-C (the parent, which gets it too, ends the
build), and reports a failure to its parent as one line plus its traceback.
``WorkerPool`` runs a backend's worker function in ``procs`` such processes:
a worker that fails or dies ends the build at the parent's next job, and
``cancel`` kills them all without waiting on anything they can no longer answer.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import queue
import signal
import sys
import traceback
from collections.abc import Callable, Iterator
from typing import Any

from search.errors import DiploSearchError

POLL_SECONDS = 0.5
PR_SET_PDEATHSIG = 1


class WorkerFailed(DiploSearchError):
    """An indexing worker failed or died; ``errno`` is its OSError's, ``details`` its traceback."""

    def __init__(self, message: str, errno: int | None = None, filename: str | None = None, details: str = ""):
        super().__init__(message)
        self.errno = errno
        self.filename = filename
        self.details = details


def die_with_parent(parent: int) -> None:
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


def next_job(jobs, parent: int):
    """The next job from the parent's queue; exit when the parent is gone."""
    while True:
        try:
            return jobs.get(timeout=POLL_SECONDS)
        except queue.Empty:
            if os.getppid() != parent:
                os._exit(1)


def failure(error: BaseException) -> tuple[str, int | None, str | None, str]:
    """What a worker sends its parent about an error: one line, errno, file name, traceback."""
    summary = " ".join(f"{type(error).__name__}: {error}".split())[:500]
    return summary, getattr(error, "errno", None), getattr(error, "filename", None), traceback.format_exc()


def _run(work: Callable[..., Any], jobs, results, parent: int, args: tuple) -> None:
    die_with_parent(parent)

    def incoming() -> Iterator[Any]:
        while (job := next_job(jobs, parent)) is not None:
            yield job

    try:
        results.put(("done", work(incoming(), *args)))
    except BaseException as error:
        results.put(("error", failure(error)))


class WorkerPool:
    """``procs`` processes each running ``work(jobs, *args)`` over the jobs ``send`` gives them
    (an iterator) and returning one result; then ``finish`` (the results) or ``cancel``."""

    def __init__(self, work: Callable[..., Any], args: tuple, procs: int):
        context = multiprocessing.get_context("fork")
        self.jobs = context.Queue(procs * 4)
        self.results = context.Queue()
        self.done: list[Any] = []
        self.tasks = [
            context.Process(target=_run, args=(work, self.jobs, self.results, os.getpid(), args), daemon=True)
            for _ in range(procs)
        ]
        try:
            for task in self.tasks:
                task.start()
        except BaseException:
            self.cancel()
            raise

    def send(self, job: Any) -> None:
        self.poll()  # a worker that failed or died ends the build now, not at the end
        while True:
            try:
                self.jobs.put(job, timeout=POLL_SECONDS)
                return
            except queue.Full:
                self.poll()

    def poll(self, wait: float = 0.0) -> None:
        """Collect finished workers' results; raise WorkerFailed if one failed or died without one."""
        try:
            kind, payload = self.results.get(timeout=wait) if wait else self.results.get_nowait()
        except queue.Empty:
            dead = [t for t in self.tasks if t.exitcode not in (None, 0)]
            if dead or (
                all(t.exitcode == 0 for t in self.tasks) and len(self.done) < len(self.tasks) and self.results.empty()
            ):
                code = dead[0].exitcode if dead else 0
                how = f"was killed by signal {-code}" if code < 0 else f"exited with code {code}"
                raise WorkerFailed(f"an indexing worker {how}") from None
            return
        if kind == "error":
            summary, errno, filename, details = payload
            raise WorkerFailed(f"an indexing worker failed: {summary}", errno, filename, details)
        self.done.append(payload)

    def finish(self) -> list[Any]:
        """Tell every worker there is nothing more, and return what each returned."""
        for _ in self.tasks:
            self.send(None)
        while len(self.done) < len(self.tasks):
            self.poll(wait=POLL_SECONDS)
        for task in self.tasks:
            task.join()
        return self.done

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


def start_time(pid: int) -> int | None:
    """When a process started, in clock ticks since boot (Linux), to tell a reused pid apart."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            return int(handle.read().rsplit(b")", 1)[1].split()[19])
    except (OSError, ValueError, IndexError):
        return None


def running(pid: int, started: int | None = None) -> bool:
    """Whether process ``pid`` (started at ``started``, when known) still runs on this machine."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    now = start_time(pid)
    return not (now and started and now != started)
