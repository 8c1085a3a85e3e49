"""Checksums of a build's files: written when a build is finished, verified before it is trusted.

Every file of a finished build (Whoosh's segments and table of contents, the
facet arrays, the saved postings, ``format.json`` and the index stage's state
files) is listed in ``checksums.json`` with its size and SHA-256, written
last: a build folder without it was never finished. Whoosh's lock files,
which a writer creates and removes, are left out.

``verify`` compares a build with its list: every file missing, of another
size or with other contents is reported. ``quick=True`` compares sizes only
(a ``stat`` per file, for opening a build on every server worker); the
full check reads every byte (about 1 GB/s), for ``diplosearch check``,
``serve``'s start and a reindex that keeps the live build's files.

A file hard-linked from a verified build is the same file: ``Known`` carries
the digests computed while verifying, keyed by device and inode, so the
next build's list does not read those files again.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from search.files import atomic_write

CHECKSUMS = "checksums.json"
ALGORITHM = "sha256"
CHUNK = 1 << 20

Known = dict[tuple[int, int], tuple[int, int, str]]  # (device, inode) -> (size, mtime_ns, digest)


@dataclass
class Damage:
    path: str  # relative to the build folder
    problem: str

    def __str__(self) -> str:
        return f"{self.path}: {self.problem}"


@dataclass
class Verdict:
    files: int = 0  # files listed
    bytes: int = 0  # their total size
    damaged: list[Damage] = field(default_factory=list)
    full: bool = True  # contents were read (not only sizes)


def listed(path: Path) -> bool:
    """Whether a file of a build belongs in its checksums (Whoosh's lock files come and go)."""
    return path.name != CHECKSUMS and "LOCK" not in path.name and not path.name.endswith(".tmp")


def digest_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _digest(path: Path, known: Known | None) -> tuple[int, str]:
    stat = path.stat()
    if known is not None:
        seen = known.get((stat.st_dev, stat.st_ino))
        if seen is not None and seen[:2] == (stat.st_size, stat.st_mtime_ns):
            return stat.st_size, seen[2]
    return stat.st_size, digest_file(path)


def write(build: Path, known: Known | None = None) -> int:
    """List every file of ``build`` with its size and digest (the build's last file); return
    how many files were listed."""
    files = {}
    for path in sorted(p for p in build.rglob("*") if p.is_file() and listed(p)):
        size, digest = _digest(path, known)
        files[path.relative_to(build).as_posix()] = [size, digest]
    atomic_write(build / CHECKSUMS, json.dumps({"algorithm": ALGORITHM, "files": files}, indent=0).encode("utf-8"))
    return len(files)


def read(build: Path) -> dict[str, tuple[int, str]] | None:
    """The listed files (path -> size, digest), None when the list is missing or unreadable."""
    try:
        data = json.loads((build / CHECKSUMS).read_bytes())
        if data.get("algorithm") != ALGORITHM:
            return None
        return {str(name): (int(size), str(digest)) for name, (size, digest) in data["files"].items()}
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return None


def verify(build: Path, quick: bool = False, known: Known | None = None) -> Verdict:
    """Compare ``build`` with its checksums. ``known``, when given, receives the digest of
    every intact file read (for a build that links them)."""
    files = read(build)
    if files is None:
        problem = "missing" if not (build / CHECKSUMS).exists() else "unreadable"
        return Verdict(damaged=[Damage(CHECKSUMS, f"{problem}: the build's files cannot be verified")], full=not quick)
    verdict = Verdict(files=len(files), bytes=sum(size for size, _ in files.values()), full=not quick)
    root = build.resolve()
    for name, (size, expected) in files.items():
        path = build / name
        if ".." in Path(name).parts or not path.resolve().is_relative_to(root):
            verdict.damaged.append(Damage(name, "listed outside the build"))
            continue
        try:
            stat = path.stat()
        except OSError:
            verdict.damaged.append(Damage(name, "missing"))
            continue
        if stat.st_size != size:
            verdict.damaged.append(Damage(name, f"{stat.st_size} bytes, {size} expected (truncated or changed)"))
            continue
        if quick:
            continue
        try:
            found = digest_file(path)
        except OSError as error:
            verdict.damaged.append(Damage(name, f"cannot be read ({error.strerror or error})"))
            continue
        if found != expected:
            verdict.damaged.append(Damage(name, "contents changed (checksum differs)"))
        elif known is not None:
            known[(stat.st_dev, stat.st_ino)] = (stat.st_size, stat.st_mtime_ns, found)
    return verdict


def summary(damaged: list[Damage], limit: int = 3) -> str:
    """``a: problem; b: problem and 4 more file(s)`` for a one-line message."""
    shown = "; ".join(str(d) for d in damaged[:limit])
    more = len(damaged) - limit
    return f"{shown} and {more} more file(s)" if more > 0 else shown
