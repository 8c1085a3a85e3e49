"""Which sources a reindex reads, keeps and drops: decided before anything is written.

- By default the named sources are added, or re-read where their content
  changed, and every other indexed source is kept: naming one folder never
  drops the rest of the index. Naming nothing re-reads what the index holds.
- ``replace`` makes the index exactly the named sources, ``remove`` drops the
  named indexed sources (files, or every file under a folder), ``prune``
  drops indexed files that no longer exist. What is dropped is in the plan,
  so callers can say so before the switch.
- A named path that does not exist, or a folder with nothing to read, is an
  error and nothing changes.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from search.errors import DiploSearchError
from search.ingest.sources import discover, file_digest
from search.models import Skipped


class NothingToIndex(DiploSearchError):
    """A named source does not exist or holds nothing readable: the index is left as it was."""


@dataclass
class Plan:
    read: list[Path]  # files to read and tag (resolved), in the order given
    keep: dict[str, dict]  # manifest entries kept as they are (path -> entry)
    remove: list[str]  # indexed sources dropped from the index
    missing: list[str]  # indexed files that no longer exist, kept as indexed
    digests: dict[str, str]  # content hash of each file to read
    previous: dict[str, dict]  # the live build's sources (path -> entry)
    incremental: bool  # the live build's documents are kept
    skipped: list[Skipped] = field(default_factory=list)  # entries of named folders that cannot be read


def make_plan(previous: dict[str, dict], reusable: bool, sources: list[Path], replace: bool,
              remove: list[Path], prune: bool, full: bool) -> Plan:
    """The plan for a live index holding ``previous`` sources (``reusable``: its documents
    can be kept). Raises NothingToIndex when the request cannot be carried out."""
    if replace and not sources:
        raise NothingToIndex("--replace needs the sources the index is to hold; the index was not changed")
    removed = set(_matching(previous, remove))
    if prune:
        removed |= {path for path in previous if not Path(path).is_file()}
    # in the order given (documents are numbered in reading order)
    skipped: list[Skipped] = []
    named = _named_files(sources, skipped) if sources else [path for path in previous if Path(path).is_file()]
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
    digests = {path: digest(path) for path in named}
    unchanged = {path for path, value in digests.items()
                 if value and path in previous and previous[path]["digest"] == value and reusable and not full}
    keep.update({path: previous[path] for path in unchanged})
    read = [Path(path) for path in named if path not in unchanged]
    return Plan(read, keep, sorted(removed), missing, digests, previous, reusable and not full, skipped)


def digest(path: str) -> str:
    """The content hash, or "" for a file that cannot be read (reading it reports why)."""
    try:
        return file_digest(Path(path))
    except OSError:
        return ""


def _named_files(sources: list[Path], skipped: list[Skipped]) -> list[str]:
    """The readable files of every named source, in order; a path that does not exist, or
    a folder holding no readable file, is an error (a typo must not change the index).
    Entries of a folder that cannot be read (broken links, pipes) are added to ``skipped``."""
    files: dict[str, None] = {}
    for source in sources:
        found, unreadable = discover([source])
        for item in unreadable:
            if item.path == str(source):
                raise NothingToIndex(f"{source}: {item.reason}; the index was not changed")
        skipped += unreadable
        if not found:
            unusable = f" ({len(unreadable)} cannot be read: {unreadable[0].path}: {unreadable[0].reason})" \
                if unreadable else ""
            raise NothingToIndex(f"{source} holds no .txt, .html or .jsonl file to index{unusable}; "
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
