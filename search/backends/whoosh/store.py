"""Where Whoosh indexes live on disk, and the atomic switch from one build to the next.

Layout of an index folder::

    index/
      CURRENT            name of the live build (replaced atomically)
      builds/<name>/     one complete Whoosh index, its facet arrays (facets/), its
                         frequent words' postings (postings/), format.json, and the
                         index stage's state (state/: manifest, near-duplicate index,
                         other copies of each article)
      .reindex.lock      held (flock) while a reindex runs, naming its process
      .reindex.guard     held for an instant while the lock is taken or taken over

A reindex writes a new build beside the live one and only then rewrites
CURRENT with an atomic rename, so a reader sees either the old build or the
new one, never a half-built index. A failed build is deleted and CURRENT is
left as it was; a build left by a killed reindex is deleted by the next one.

The lock is an ``flock`` on ``.reindex.lock``, released by the kernel when
its process dies. Its descriptor is closed in every process forked while it
is held (indexing workers), so a worker never holds it. A lock still held
while the process it names is gone (a worker of an older version that
outlived its reindex) is stale: the next reindex replaces the lock file and
goes on.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from search.backends.whoosh import checksums
from search.backends.workers import running, start_time
from search.errors import IndexDamaged, IndexMissing, ReindexBusy
from search.files import atomic_write

FORMAT_VERSION = 6  # of a build's files; bumped when they change incompatibly (5: checksums.json;
# 6: accents folded, spelling variants, fragments and articles arrays)
FORMAT = "format.json"
STATE = "state"  # the index stage's files (search.index.build)
FACET_ARRAYS = "facets"
POSTINGS = "postings"  # frequent words' postings, saved per segment (savedpostings)
LOCK = ".reindex.lock"
GUARD = ".reindex.guard"
BUILD_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,200}")

_held_locks: set[int] = set()  # descriptors of reindex locks this process holds


def _close_held_locks() -> None:
    """In a process just forked: close the inherited lock descriptors (the parent keeps its own),
    so that a worker outliving its parent can never hold the lock."""
    for fd in list(_held_locks):
        try:
            os.close(fd)
        except OSError:
            pass
    _held_locks.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_close_held_locks)


class IndexStore:
    def __init__(self, root: str | Path):
        self.root = Path(root)
        self.builds = self.root / "builds"
        self.pointer = self.root / "CURRENT"

    def exists(self) -> bool:
        name = self.current_name()
        return bool(name) and (self.builds / name).is_dir()

    def has_builds(self) -> bool:
        """True when a build folder exists, live or not (a pointer may have been lost)."""
        return self.builds.is_dir() and any(
            path.is_dir() and not path.name.startswith(".") for path in self.builds.iterdir()
        )

    def current_name(self) -> str:
        try:
            return self.pointer.read_bytes().decode("utf-8", "replace").strip()
        except (FileNotFoundError, NotADirectoryError):
            return ""

    def current(self) -> Path:
        name = self.current_name()
        if BUILD_NAME.fullmatch(name) and (self.builds / name).is_dir():
            return self.builds / name
        rebuild = f"rebuild it with `diplosearch reindex --replace SOURCE... --index {self.root}`"
        if name:
            shown = name if len(name) <= 60 else name[:60] + "..."
            raise IndexDamaged(
                f"the index at {self.root} is damaged: its CURRENT file names build "
                f"{shown!r}, which does not exist; {rebuild}"
            )
        if self.has_builds():
            raise IndexDamaged(
                f"the index at {self.root} is damaged: it has builds but no CURRENT file naming the live one; {rebuild}"
            )
        raise IndexMissing(
            f"no index at {self.root}: build one with `diplosearch reindex SOURCE... --index {self.root}`"
        )

    def check_format(self, build: Path) -> None:
        """Refuse a build written by another version of diplosearch, saying what to do."""
        found = self.format_of(build)
        if found != FORMAT_VERSION:
            raise IndexMissing(
                f"the index at {self.root} was built by another version of diplosearch "
                f"(format {found}, this version reads {FORMAT_VERSION}); rebuild it with "
                f"`diplosearch reindex --full --index {self.root}`"
            )

    def check_build(self, build: Path, quick: bool = False, known: checksums.Known | None = None) -> checksums.Verdict:
        """Verify a build against its checksums (``quick``: sizes only) and its format; raise
        IndexDamaged naming the damaged files and the fix, or IndexMissing for another version's build."""
        verdict = checksums.verify(build, quick=quick, known=known)
        if verdict.damaged:
            if not (build / checksums.CHECKSUMS).exists() and self.format_of(build) != FORMAT_VERSION:
                self.check_format(build)  # an older version's build, which had no checksums
            raise damaged_error(self.root, verdict.damaged)
        self.check_format(build)
        return verdict

    @staticmethod
    def format_of(build: Path) -> int | None:
        try:
            return json.loads((build / FORMAT).read_text(encoding="utf-8")).get("format")
        except (OSError, ValueError, AttributeError):
            return None

    @staticmethod
    def write_format(build: Path) -> None:
        atomic_write(build / FORMAT, json.dumps({"format": FORMAT_VERSION}).encode("utf-8"))

    def new_build_dir(self) -> Path:
        self.builds.mkdir(parents=True, exist_ok=True)
        stamp = time.strftime("%Y%m%dT%H%M%S")
        for attempt in range(1000):
            path = self.builds / f"{stamp}-{os.getpid()}-{attempt}"
            try:
                path.mkdir()
                return path
            except FileExistsError:
                continue
        raise RuntimeError("cannot create a build folder")

    def switch_to(self, build: Path) -> None:
        """Make ``build`` the live index in one atomic step, then prune old builds."""
        previous = self.current_name()
        atomic_write(self.pointer, f"{build.name}\n".encode(), durable=True)
        self._prune(keep={build.name, previous})

    def _prune(self, keep: set[str]) -> None:
        for path in self.builds.iterdir():
            if path.is_dir() and path.name not in keep and not path.name.startswith("."):
                shutil.rmtree(path, ignore_errors=True)

    def discard(self, build: Path) -> None:
        shutil.rmtree(build, ignore_errors=True)

    def discard_unfinished(self) -> list[str]:
        """Delete build folders a killed reindex left (never finished: no format file), except
        the live one; only called with the lock held. Returns their names."""
        if not self.builds.is_dir():
            return []
        live = self.current_name()
        left = [
            path
            for path in self.builds.iterdir()
            if path.is_dir() and path.name != live and not path.name.startswith(".") and not (path / FORMAT).exists()
        ]
        for path in left:
            shutil.rmtree(path, ignore_errors=True)
        return [path.name for path in left]

    @contextmanager
    def lock(self) -> Iterator[None]:
        """Hold the reindex lock, or raise ReindexBusy if another live reindex has it.

        A lock whose recorded process is gone is taken over. Builds a killed
        reindex left behind are deleted once the lock is held."""
        self.root.mkdir(parents=True, exist_ok=True)
        fd = self._acquire()
        try:
            self.discard_unfinished()
            yield
        finally:
            _held_locks.discard(fd)
            try:
                os.ftruncate(fd, 0)  # a free lock names no holder
            except OSError:
                pass
            os.close(fd)

    def _acquire(self) -> int:
        """Take the lock under the guard, so that taking it and taking it over never interleave."""
        with _flocked(self.root / GUARD):
            for _ in range(3):
                fd = os.open(self.root / LOCK, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    holder = _holder(fd)
                    os.close(fd)
                    if holder.get("pid") and not _alive(holder):
                        # held by processes that outlived the reindex named in it: start a new lock file
                        os.unlink(self.root / LOCK)
                        continue
                    named = f" ({holder['text']})" if holder.get("text") else ""
                    raise ReindexBusy(
                        f"another reindex of {self.root} is running{named}; wait for it to finish and try again"
                    ) from None
                except BaseException:
                    os.close(fd)
                    raise
                _held_locks.add(fd)
                try:
                    os.ftruncate(fd, 0)
                    record = f"pid {os.getpid()} since {time.strftime('%Y-%m-%d %H:%M:%S')}\n"
                    started = start_time(os.getpid())
                    if started:
                        record += f"start {started}\n"
                    os.pwrite(fd, record.encode("ascii"), 0)
                except BaseException:
                    _held_locks.discard(fd)
                    os.close(fd)
                    raise
                return fd
        raise ReindexBusy(f"the reindex lock of {self.root} keeps changing hands; try again")


def damaged_error(root: Path, damaged: list[checksums.Damage]) -> IndexDamaged:
    return IndexDamaged(
        f"the index at {root} is damaged ({checksums.summary(damaged)}); "
        f"rebuild it with `diplosearch reindex --full --index {root}`"
    )


@contextmanager
def _flocked(path: Path) -> Iterator[None]:
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _holder(fd: int) -> dict:
    """What the lock file says of its holder: its first line, pid and process start time."""
    try:
        text = os.pread(fd, 4096, 0).decode("ascii", "replace")
    except OSError:
        return {}
    lines = text.splitlines()
    holder: dict = {"text": lines[0].strip() if lines else ""}
    match = re.match(r"pid (\d+)", holder["text"])
    if match:
        holder["pid"] = int(match.group(1))
    start = re.search(r"^start (\d+)$", text, re.M)
    if start:
        holder["start"] = int(start.group(1))
    return holder


def _alive(holder: dict) -> bool:
    """Whether the process named in the lock file still runs (the same process, not a reused pid)."""
    return running(holder["pid"], holder.get("start"))
