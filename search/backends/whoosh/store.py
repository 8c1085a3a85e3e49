"""Where Whoosh indexes live on disk, and the atomic switch from one build to the next.

Layout of an index folder::

    index/
      CURRENT            name of the live build (replaced atomically)
      builds/<name>/     one complete Whoosh index, its facet arrays (facets/), its
                         frequent words' postings (postings/), format.json, and the
                         index stage's state (state/: manifest, near-duplicate index,
                         other copies of each article)
      .reindex.lock      held (flock) while a reindex runs

A reindex writes a new build beside the live one and only then rewrites
CURRENT with an atomic rename, so a reader sees either the old build or the
new one, never a half-built index. A failed build is deleted and CURRENT is
left as it was.
"""
from __future__ import annotations

import fcntl
import json
import os
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from search.errors import IndexMissing, ReindexBusy
from search.files import atomic_write

FORMAT_VERSION = 5  # of a build's files; bumped when they change incompatibly (5: accents folded, spelling
# variants, fragments and articles arrays)
FORMAT = "format.json"
STATE = "state"  # the index stage's files (search.index.build)
FACET_ARRAYS = "facets"
POSTINGS = "postings"  # frequent words' postings, saved per segment (savedpostings)



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
        return self.builds.is_dir() and any(path.is_dir() and not path.name.startswith(".")
                                            for path in self.builds.iterdir())

    def current_name(self) -> str:
        try:
            return self.pointer.read_text(encoding="utf-8").strip()
        except (FileNotFoundError, NotADirectoryError):
            return ""

    def current(self) -> Path:
        name = self.current_name()
        if name and (self.builds / name).is_dir():
            return self.builds / name
        rebuild = f"rebuild it with `diplosearch reindex --replace SOURCE... --index {self.root}`"
        if name:
            raise IndexMissing(f"the index at {self.root} is damaged: its CURRENT file names build "
                               f"{name!r}, which does not exist; {rebuild}")
        if self.has_builds():
            raise IndexMissing(f"the index at {self.root} is damaged: it has builds but no CURRENT file "
                               f"naming the live one; {rebuild}")
        raise IndexMissing(f"no index at {self.root}: build one with "
                           f"`diplosearch reindex SOURCE... --index {self.root}`")

    def check_format(self, build: Path) -> None:
        """Refuse a build written by another version of diplosearch, saying what to do."""
        found = self.format_of(build)
        if found != FORMAT_VERSION:
            raise IndexMissing(
                f"the index at {self.root} was built by another version of diplosearch "
                f"(format {found}, this version reads {FORMAT_VERSION}); rebuild it with "
                f"`diplosearch reindex --full --index {self.root}`")

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
        atomic_write(self.pointer, f"{build.name}\n".encode("utf-8"), durable=True)
        self._prune(keep={build.name, previous})

    def _prune(self, keep: set[str]) -> None:
        for path in self.builds.iterdir():
            if path.is_dir() and path.name not in keep and not path.name.startswith("."):
                shutil.rmtree(path, ignore_errors=True)

    def discard(self, build: Path) -> None:
        shutil.rmtree(build, ignore_errors=True)

    @contextmanager
    def lock(self) -> Iterator[None]:
        """Hold the reindex lock, or raise ReindexBusy if another reindex has it."""
        self.root.mkdir(parents=True, exist_ok=True)
        handle = open(self.root / ".reindex.lock", "a+")
        try:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError as error:
                handle.seek(0)
                holder = handle.read().strip()
                raise ReindexBusy(
                    f"another reindex of {self.root} is running{f' ({holder})' if holder else ''}; "
                    "wait for it to finish and try again"
                ) from error
            handle.seek(0)
            handle.truncate()
            handle.write(f"pid {os.getpid()} since {time.strftime('%Y-%m-%d %H:%M:%S')}")
            handle.flush()
            yield
        finally:
            handle.close()
