"""The postings of frequent words, decoded once per segment and saved as arrays.

``fastmatch`` decodes a word's postings (and, for phrases, its positions)
from Whoosh's blocks the first time a searcher needs them. For a word in a
tenth of the paragraphs that takes tens of milliseconds, and every server
worker pays it again for every word, after every start and every reindex:
the bench's first pass over its queries took about twice as long as the
later ones. So each segment, once written, decodes every word found in at
least ``MIN_DOCS`` of its paragraphs and saves the postings and positions as
flat arrays in ``postings/<segment id>/``; searchers map them from disk (the
server's worker processes share them through the page cache) instead of
decoding. Rare words are still decoded when needed: their postings are short.

Segments are never rewritten, so an incremental build links the live build's
files for the segments it keeps, and only new or merged segments are decoded.
The indexing workers save their own segment's words, in parallel.

Files per segment: ``docs.npy`` (int32, segment document numbers) and
``counts.npy`` (uint8, how many times the word is in the paragraph), one entry
per posting, words one after another; ``weights.npy`` (float32) only when a
weight is not its count times the field's boost; ``positions.bin`` (uint16), the positions,
words one after another; ``words.json``, each word's field and text with its
first and end posting and position.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
from pathlib import Path

import numpy as np
from whoosh.reading import SegmentReader

from search.backends.whoosh.fastmatch import leaf_matcher, word_blocks

MIN_DOCS = 1024
FIELDS = ("text", "title")
COUNT_TYPE, POSITION_TYPE = np.uint8, np.uint16  # a word's count in a paragraph, its position
MAX_COUNT, MAX_POSITION = np.iinfo(COUNT_TYPE).max, np.iinfo(POSITION_TYPE).max
FILES = ("docs.npy", "weights.npy", "counts.npy", "positions.bin", "words.json")


class SavedPostings:
    """One segment's saved words: postings and positions as slices of memory-mapped arrays."""

    def __init__(
        self,
        spans: dict[tuple[str, bytes], tuple[int, int, int, int]],
        docs: np.ndarray,
        weights: np.ndarray | None,
        counts: np.ndarray,
        positions: np.ndarray,
        scales: dict[str, float] | None = None,
    ):
        self.spans = spans  # (field, text) -> first and end posting, first and end position
        self.docs = docs
        self.weights = weights  # None: each weight is the count times its field's scale
        self.scales = {field: np.float32(scale) for field, scale in (scales or {}).items()}
        self.counts = counts
        self.positions_ = positions

    def __len__(self) -> int:
        return len(self.spans)

    def __contains__(self, word: tuple[str, bytes]) -> bool:
        return word in self.spans

    def postings(self, field: str, text: bytes) -> tuple[np.ndarray, np.ndarray]:
        """(segment documents, weights) of a saved word."""
        first, end, _, _ = self.spans[(field, text)]
        if self.weights is None:
            return self.docs[first:end], self.counts[first:end].astype(np.float32) * self.scales[field]
        return self.docs[first:end], np.asarray(self.weights[first:end])

    def positions(self, field: str, text: bytes) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(segment documents, offsets, positions) of a saved word: document i's
        positions are ``positions[offsets[i]:offsets[i + 1]]``."""
        first, end, position, position_end = self.spans[(field, text)]
        offsets = np.zeros(end - first + 1, dtype=np.int64)
        np.cumsum(self.counts[first:end], out=offsets[1:])
        return self.docs[first:end], offsets, self.positions_[position:position_end]

    @classmethod
    def load(cls, folder: Path) -> SavedPostings | None:
        if not (folder / "words.json").exists():
            return None
        listing = json.loads((folder / "words.json").read_text(encoding="utf-8"))
        spans = {
            (field, text.encode("utf-8", "surrogateescape")): (first, end, position, position_end)
            for field, text, first, end, position, position_end in listing["words"]
        }
        if not spans:
            return None
        positions_path = folder / "positions.bin"
        positions = (
            np.memmap(positions_path, dtype=POSITION_TYPE, mode="r")
            if positions_path.stat().st_size
            else np.zeros(0, POSITION_TYPE)
        )
        counts = np.load(folder / "counts.npy", mmap_mode="r")
        scales = listing.get("weight_scales")
        weights = None if scales else np.load(folder / "weights.npy", mmap_mode="r")
        return cls(spans, np.load(folder / "docs.npy", mmap_mode="r"), weights, counts, positions, scales)


def save_segment(leaf, folder: Path, min_docs: int | None = None) -> int:
    """Decode and save one segment's frequent words; the number of postings saved.

    Postings are written a block at a time into files mapped from disk, so a
    large segment does not need them in memory. A word whose postings exceed
    the count its term info gave, with more than ``MAX_COUNT`` positions in one
    paragraph or a position past ``MAX_POSITION``, is taken back out and left to
    be decoded when searched. When every weight is its posting's position count
    times the field's boost (no per-word boosts: always, with this schema), the
    weights are not written. Written under a temporary name and renamed, so a
    folder with ``words.json`` is complete.
    """
    min_docs = MIN_DOCS if min_docs is None else min_docs
    words = [
        (field, text, info.doc_frequency())
        for field in FIELDS
        if field in leaf.schema
        for text, info in leaf.iter_field(field)
        if info.doc_frequency() >= min_docs
    ]
    total = sum(df for _, _, df in words)
    partial = folder.with_name(folder.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    docs = _mapped(partial / "docs.npy", np.int32, total)
    weights = _mapped(partial / "weights.npy", np.float32, total)
    counts = _mapped(partial / "counts.npy", COUNT_TYPE, total)
    saved: list[list] = []
    at = position_at = 0
    scales = {field: np.float32(leaf.schema[field].format.field_boost) for field in FIELDS if field in leaf.schema}
    weights_are_counts = True  # each weight is its count times the field's boost
    with open(partial / "positions.bin", "wb") as positions_file:
        for field, text, _ in words:
            first, first_position = at, position_at
            blocks = word_blocks(leaf_matcher(leaf, field, text), leaf.schema[field].format.decode_positions)
            for block_docs, block_weights, block_counts, positions in blocks:
                n = len(block_docs)
                if at + n > total or not n or block_counts.max() > MAX_COUNT or max(positions) > MAX_POSITION:
                    at, position_at = first, first_position  # take the word back out
                    positions_file.seek(first_position * POSITION_TYPE().itemsize)
                    positions_file.truncate()
                    break
                docs[at : at + n] = block_docs
                weights[at : at + n] = block_weights
                counts[at : at + n] = block_counts
                weights_are_counts = weights_are_counts and np.array_equal(
                    block_weights, block_counts.astype(np.float32) * scales[field]
                )
                positions_file.write(np.array(positions, dtype=POSITION_TYPE).tobytes())
                at += n
                position_at += len(positions)
            else:
                saved.append([field, text.decode("utf-8", "surrogateescape"), first, at, first_position, position_at])
    for array in (docs, weights, counts):
        array.flush()
    del docs, weights, counts
    if weights_are_counts:
        (partial / "weights.npy").unlink()
    listing = {
        "min_docs": min_docs,
        "words": saved,
        "weight_scales": {field: float(scale) for field, scale in scales.items()} if weights_are_counts else None,
    }
    (partial / "words.json").write_text(json.dumps(listing, ensure_ascii=False), encoding="utf-8")
    shutil.rmtree(folder, ignore_errors=True)
    partial.rename(folder)
    return at


def _mapped(path: Path, dtype, size: int) -> np.ndarray:
    """A new .npy file mapped for writing, its blocks reserved first: writing into a mapped
    hole on a full disk kills the process (SIGBUS), reserving raises ENOSPC instead."""
    array = np.lib.format.open_memmap(path, mode="w+", dtype=dtype, shape=(size,))
    if hasattr(os, "posix_fallocate"):
        fd = os.open(path, os.O_RDWR)
        try:
            os.posix_fallocate(fd, 0, os.fstat(fd).st_size)
        except OSError as error:
            if error.errno not in (errno.EOPNOTSUPP, errno.EINVAL, errno.ENOSYS):
                raise OSError(error.errno, error.strerror, str(path)) from None
        finally:
            os.close(fd)
    return array


def save_new_segment(ix, segment, root: Path, min_docs: int | None = None) -> int:
    """Save the words of a segment just written by ``ix``'s writer (an indexing worker)."""
    leaf = SegmentReader(ix.storage, ix.schema, segment)
    try:
        return save_segment(leaf, root / segment.segment_id(), min_docs)
    finally:
        leaf.close()


def save_build(reader, root: Path, live: Path | None = None, min_docs: int | None = None) -> None:
    """Make sure every segment of a finished build has its saved words: written by
    a worker already, linked from the live build's copy, or decoded here."""
    root.mkdir(parents=True, exist_ok=True)
    if not reader.doc_count_all():  # an empty build has no segment
        return
    for leaf, _ in reader.leaf_readers():
        segment_id = leaf.segment().segment_id()
        folder = root / segment_id
        if (folder / "words.json").exists():
            continue
        if live is not None and (live / segment_id / "words.json").exists():
            folder.mkdir()
            for name in (name for name in FILES if (live / segment_id / name).exists()):
                try:
                    os.link(live / segment_id / name, folder / name)
                except OSError:
                    shutil.copy2(live / segment_id / name, folder / name)
            continue
        save_segment(leaf, folder, min_docs)


def load_build(root: Path) -> dict[str, SavedPostings]:
    """Segment id -> its saved words, for the segments that have any."""
    if not root.is_dir():
        return {}
    found = {}
    for folder in root.iterdir():
        saved = SavedPostings.load(folder) if folder.is_dir() else None
        if saved is not None:
            found[folder.name] = saved
    return found
