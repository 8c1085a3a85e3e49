"""Near-duplicate detection for articles: MinHash signatures + LSH banding.

The same story syndicated by several outlets, or the same page saved twice,
should be indexed once. ``DuplicateIndex.check_and_add(id, text)`` answers
"which article already added does this one copy?" (its *canonical*), or
records the article as a new canonical one. The first article added wins, so
feed articles in a deterministic order.

How two texts are compared
--------------------------
Text is normalised (NFKC, casefold, every character that is not a letter or
digit — punctuation, symbols, ``_`` — is a word break) and cut into word
5-shingles. Two articles are duplicates when

* the estimated Jaccard similarity of their shingle sets is ≥ ``threshold``
  (0.8), or
* the estimated containment of the smaller shingle set in the larger one is
  ≥ ``containment`` (0.9) — a copy with an extra boilerplate paragraph or a
  missing last paragraph — provided the larger set is at most ``max_ratio``
  (2.0) times the smaller one (an excerpt of a much longer article is not a
  copy of it, and the estimate is too noisy there), or
* their normalised texts are identical (checked exactly, by a digest).

An article with fewer than ``min_shingles`` (26, i.e. about 30 words) shingles
is only ever matched exactly: a few shared phrases would otherwise make short
texts collide by chance.

How it scales
-------------
Each article gets a ``num_perm``-value MinHash signature (numpy, vectorised:
about 0.7 ms for a 530-word article, most of it normalising and hashing the
words); the signature is cut into ``bands`` bands of ``rows`` values and only
articles that share a whole band are compared (LSH banding), so adding an
article costs nearly the same whatever the size of the index (about 0.1 ms of
lookup at 100,000 articles). The buckets are a sorted numpy array of (band key,
slot) pairs plus a small dict of the articles added since the last merge into
it, about 130 MB with the signatures at 100,000 articles. Bands and rows are chosen so that pairs at the lowest Jaccard similarity
one of the rules above can accept (0.43 with the defaults: containment 0.9 at
size ratio 2) are found with high probability; the candidates are then checked
against the rules with their full signatures.

Everything is deterministic: hashes are BLAKE2b and a fixed-seed generator,
never Python's randomised ``hash()``.
"""
from __future__ import annotations

import hashlib
import io
import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from search.files import atomic_write

FORMAT_VERSION = 1
STATE_JSON = "dedup.json"
STATE_NPZ = "dedup.npz"

SHINGLE = 5
MERGE_EVERY = 2048  # canonical articles kept in the dict part of the buckets before a merge
_WORD = re.compile(r"[^\W_]+")
_MASK32 = np.uint64(0xFFFFFFFF)
_U64 = np.uint64
_EMPTY = hashlib.blake2b(b"", digest_size=16).digest()  # the digest of a text without words
_POSITION = np.array([0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9,
                      0xD6E8FEB86659FD93, 0xFF51AFD7ED558CCD, 0xC4CEB9FE1A85EC53,
                      0x27D4EB2F165667C5, 0x85EBCA77C2B2AE63], dtype=np.uint64)


def normalise(text: str) -> list[str]:
    """The words of ``text``: NFKC, casefolded, split at anything but letters and digits."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return _WORD.findall(unicodedata.normalize("NFKC", text))


def _mix64(x: np.ndarray) -> np.ndarray:
    """SplitMix64's finaliser, elementwise on uint64 (wrapping arithmetic)."""
    x = x ^ (x >> _U64(30))
    x = x * _U64(0xBF58476D1CE4E5B9)
    x = x ^ (x >> _U64(27))
    x = x * _U64(0x94D049BB133111EB)
    return x ^ (x >> _U64(31))


def shingle_hashes(words: list[str], k: int = SHINGLE) -> np.ndarray:
    """Distinct 64-bit hashes of the word k-shingles (sorted uint64 array)."""
    if len(words) < k:
        return np.empty(0, dtype=np.uint64)
    blake = hashlib.blake2b
    word_hash = {w: blake(w.encode("utf-8"), digest_size=8).digest() for w in set(words)}
    ids = np.frombuffer(b"".join(map(word_hash.__getitem__, words)), dtype="<u8").astype(np.uint64)
    n = len(words) - k + 1
    with np.errstate(over="ignore"):
        h = ids[:n] * _POSITION[0]  # order-sensitive: each position has its own odd multiplier
        for i in range(1, k):
            h += ids[i:i + n] * _POSITION[i]
        return np.unique(_mix64(h))


def _fp_fn(threshold: float, bands: int, rows: int) -> tuple[float, float]:
    """Areas under the LSH S-curve below (false positives) and above (misses) ``threshold``."""
    s_lo = np.linspace(0.0, threshold, 200)
    s_hi = np.linspace(threshold, 1.0, 200)
    p = lambda s: 1.0 - (1.0 - s ** rows) ** bands  # noqa: E731
    return float(np.trapezoid(p(s_lo), s_lo)), float(np.trapezoid(1.0 - p(s_hi), s_hi))


def lsh_params(threshold: float, num_perm: int, miss_weight: float = 0.9) -> tuple[int, int]:
    """(bands, rows) with bands*rows ≤ num_perm minimising weighted false candidates and misses
    around ``threshold`` (misses weigh more: false candidates are only a comparison each)."""
    best, best_err = (1, num_perm), float("inf")
    for rows in range(1, num_perm + 1):
        bands = num_perm // rows
        fp, fn = _fp_fn(threshold, bands, rows)
        err = (1 - miss_weight) * fp + miss_weight * fn
        if err < best_err - 1e-12:
            best, best_err = (bands, rows), err
    return best


@dataclass
class Removal:
    """What ``DuplicateIndex.remove`` changed.

    ``promoted``: former duplicates of the removed article that are now canonical
    (they must now be indexed). ``reassigned``: {former duplicate: its new
    canonical}. Both are empty when the removed article had no duplicates.
    """

    removed: bool
    promoted: list[str]
    reassigned: dict[str, str]


class DuplicateIndex:
    """MinHash-LSH index of the articles added so far; see the module docstring.

    ``check_and_add`` → canonical id or None; ``canonical_of`` / ``duplicates_of``
    describe the groups; ``remove`` forgets an article; ``save`` / ``load`` keep
    the state in a build folder.
    """

    def __init__(self, threshold: float = 0.8, num_perm: int = 128, *, containment: float = 0.9,
                 max_ratio: float = 2.0, min_shingles: int = 26, seed: int = 1,
                 bands: int | None = None, rows: int | None = None):
        if not 0.0 < threshold <= 1.0 or not 0.0 < containment <= 1.0:
            raise ValueError("threshold and containment must be in (0, 1]")
        if num_perm < 8 or max_ratio < 1.0 or min_shingles < 1:
            raise ValueError("num_perm ≥ 8, max_ratio ≥ 1, min_shingles ≥ 1")
        self.threshold = float(threshold)
        self.num_perm = int(num_perm)
        self.containment = float(containment)
        self.max_ratio = float(max_ratio)
        self.min_shingles = int(min_shingles)
        self.seed = int(seed)
        if bands is None or rows is None:
            bands, rows = lsh_params(self.candidate_threshold, self.num_perm)
        if bands * rows > self.num_perm:
            raise ValueError("bands * rows must be ≤ num_perm")
        self.bands, self.rows = int(bands), int(rows)
        rng = np.random.default_rng(self.seed)
        # multiply-shift hashing: perm_i(x) = high 32 bits of (a_i * x + b_i) mod 2**64, a_i odd
        self._a = rng.integers(0, 2**64, size=self.num_perm, dtype=np.uint64) | _U64(1)
        self._b = rng.integers(0, 2**64, size=self.num_perm, dtype=np.uint64)
        self._band_salt = rng.integers(0, 2**64, size=(self.bands, self.rows), dtype=np.uint64)
        self._clear()

    # ---- parameters -------------------------------------------------------------------
    @property
    def candidate_threshold(self) -> float:
        """The lowest Jaccard similarity at which some rule can accept a pair."""
        c, r = self.containment, self.max_ratio
        return min(self.threshold, c / (r + 1.0 - c))

    @property
    def params(self) -> dict:
        return {"threshold": self.threshold, "num_perm": self.num_perm, "containment": self.containment,
                "max_ratio": self.max_ratio, "min_shingles": self.min_shingles, "seed": self.seed,
                "bands": self.bands, "rows": self.rows, "shingle": SHINGLE}

    # ---- state ------------------------------------------------------------------------
    def _clear(self) -> None:
        self._ids: list[str | None] = []  # slot -> article id (None: freed)
        self._slot: dict[str, int] = {}  # article id -> slot
        self._sigs = np.zeros((64, self.num_perm), dtype=np.uint32)
        self._sizes = np.zeros(64, dtype=np.int64)  # distinct shingles
        self._digest: list[bytes] = []  # slot -> digest of the normalised text
        self._exact: dict[bytes, int] = {}  # digest -> canonical slot
        # LSH buckets of the canonical articles, in two parts: sorted arrays of (band key,
        # slot) pairs, and a dict of the slots indexed since they were last merged into them
        self._keys = np.zeros(0, dtype=np.uint64)
        self._key_slots = np.zeros(0, dtype=np.int32)
        self._dead = 0  # entries of removed slots still in the sorted arrays
        self._recent: dict[int, int | list[int]] = {}
        self._recent_slots: list[int] = []
        self._indexed = np.zeros(64, dtype=bool)  # slot is canonical and in the buckets
        self._canonical: dict[str, str] = {}  # duplicate id -> canonical id
        self._dups: dict[str, list[str]] = {}  # canonical id -> duplicate ids, in order added

    def __len__(self) -> int:
        return len(self._slot)

    def __contains__(self, article_id: str) -> bool:
        return article_id in self._slot

    # ---- hashing ----------------------------------------------------------------------
    def signature(self, text: str) -> tuple[np.ndarray, int, bytes]:
        """(MinHash signature, number of distinct shingles, digest of the normalised text)."""
        words = normalise(text)
        digest = hashlib.blake2b("\x1f".join(words).encode("utf-8"), digest_size=16).digest()
        shingles = shingle_hashes(words)
        sig = np.full(self.num_perm, 0xFFFFFFFF, dtype=np.uint32)
        if len(shingles):
            with np.errstate(over="ignore"):
                # (n, num_perm) in chunks, to bound memory for very long texts
                for start in range(0, len(shingles), 4096):
                    chunk = shingles[start:start + 4096, None]
                    perm = chunk * self._a
                    perm += self._b
                    np.minimum(sig, (perm.min(axis=0) >> _U64(32)).astype(np.uint32), out=sig)
        return sig, len(shingles), digest

    def _band_keys(self, sigs: np.ndarray) -> np.ndarray:
        """The LSH band keys of one signature (bands,) or of several (n, bands)."""
        sigs = np.atleast_2d(sigs)
        bands = sigs[:, : self.bands * self.rows].reshape(len(sigs), self.bands, self.rows).astype(np.uint64)
        with np.errstate(over="ignore"):
            h = np.broadcast_to(np.arange(self.bands, dtype=np.uint64) ^ _U64(0x9E3779B97F4A7C15),
                                (len(sigs), self.bands))
            for j in range(self.rows):
                h = _mix64(h ^ (bands[:, :, j] + self._band_salt[:, j]))
        return h

    # ---- the API ----------------------------------------------------------------------
    def check_and_add(self, article_id: str, text: str) -> str | None:
        """The id of an already-added canonical article that ``text`` nearly duplicates,
        else None. Either way the article is recorded: as a duplicate of that one, or as
        a new canonical article. Adding an id again replaces its previous version."""
        sig, size, digest = self.signature(text)
        return self.add_signature(article_id, sig, size, digest)

    def add_signature(self, article_id: str, sig: np.ndarray, size: int, digest: bytes) -> str | None:
        """``check_and_add`` with a precomputed ``signature(text)`` (which is the costly
        part and can be computed in worker processes)."""
        if article_id in self._slot:
            self.remove(article_id)
        keys = self._band_keys(sig)[0] if size >= self.min_shingles else None
        match = self._find(sig, size, digest, keys)
        slot = self._store(article_id, sig, size, digest)
        if match is None:
            self._index(slot, keys)
            return None
        canonical = self._ids[match]
        assert canonical is not None
        self._canonical[article_id] = canonical
        self._dups.setdefault(canonical, []).append(article_id)
        return canonical

    def query(self, text: str) -> str | None:
        """The canonical article ``text`` would be a duplicate of, without adding it."""
        match = self._find(*self.signature(text))
        return None if match is None else self._ids[match]

    def canonical_of(self, article_id: str) -> str:
        """The canonical article of ``article_id`` (itself when it is canonical)."""
        if article_id not in self._slot:
            raise KeyError(article_id)
        return self._canonical.get(article_id, article_id)

    def duplicates_of(self, article_id: str) -> list[str]:
        """The other copies of ``article_id``'s story, in the order they were added:
        for a canonical article its duplicates; for a duplicate, its canonical article
        first, then the canonical's other duplicates."""
        canonical = self._canonical.get(article_id, article_id)
        group = ([canonical] if canonical != article_id else []) + self._dups.get(canonical, [])
        return [other for other in group if other != article_id]

    def groups(self) -> dict[str, list[str]]:
        """{canonical id: [duplicate ids]} for every canonical article that has duplicates."""
        return {canonical: list(dups) for canonical, dups in self._dups.items() if dups}

    def remove(self, article_id: str) -> Removal:
        """Forget an article (its source was deleted or changed). When it was canonical,
        its duplicates are re-checked in the order they were added: each becomes a
        duplicate of another canonical article it matches (possibly one promoted just
        before it) or is promoted to canonical itself."""
        slot = self._slot.pop(article_id, None)
        if slot is None:
            return Removal(False, [], {})
        canonical = self._canonical.pop(article_id, None)
        if canonical is not None:  # a duplicate: just leave its group
            self._dups[canonical].remove(article_id)
            if not self._dups[canonical]:
                del self._dups[canonical]
            self._free(slot)
            return Removal(True, [], {})
        self._unindex(slot)
        self._free(slot)
        promoted: list[str] = []
        reassigned: dict[str, str] = {}
        for dup in self._dups.pop(article_id, []):
            del self._canonical[dup]
            dslot = self._slot[dup]
            match = self._find(self._sigs[dslot], int(self._sizes[dslot]), self._digest[dslot])
            if match is None:
                self._index(dslot)
                promoted.append(dup)
            else:
                new = self._ids[match]
                assert new is not None
                self._canonical[dup] = new
                self._dups.setdefault(new, []).append(dup)
                reassigned[dup] = new
        return Removal(True, promoted, reassigned)

    # ---- internals --------------------------------------------------------------------
    def _find(self, sig: np.ndarray, size: int, digest: bytes, keys: np.ndarray | None = None) -> int | None:
        if digest == _EMPTY:
            return None  # no words at all: nothing to compare
        exact = self._exact.get(digest)
        if exact is not None:
            return exact
        if size < self.min_shingles:
            return None
        if keys is None:
            keys = self._band_keys(sig)[0]
        cands: set[int] = set()
        if len(self._keys):
            lo = np.searchsorted(self._keys, keys)
            found = lo < len(self._keys)
            found[found] = self._keys[lo[found]] == keys[found]
            for at, key in zip(lo[found].tolist(), keys[found].tolist()):
                while at < len(self._keys) and self._keys[at] == key:
                    cands.add(int(self._key_slots[at]))
                    at += 1
        if self._recent:
            for key in keys.tolist():
                hit = self._recent.get(key)
                if hit is not None:
                    cands.update((hit,) if isinstance(hit, int) else hit)
        cands = {c for c in cands if self._indexed[c]}
        if not cands:
            return None
        slots = np.fromiter(sorted(cands), dtype=np.int64, count=len(cands))
        j = (self._sigs[slots] == sig).mean(axis=1)
        other = self._sizes[slots].astype(np.float64)
        small, large = np.minimum(other, size), np.maximum(other, size)
        # |A∩B| = J (|A| + |B|) / (1 + J); containment of the smaller = that / min(|A|, |B|)
        contain = j * (other + size) / ((1.0 + j) * small)
        ok = (small >= self.min_shingles) & (
            (j >= self.threshold) | ((contain >= self.containment) & (large <= self.max_ratio * small)))
        if not ok.any():
            return None
        score = np.where(ok, j, -1.0)
        return int(slots[int(np.argmax(score))])  # most similar; ties: the first added

    def _store(self, article_id: str, sig: np.ndarray, size: int, digest: bytes) -> int:
        slot = len(self._ids)
        if slot >= len(self._sigs):
            grow = max(64, len(self._sigs))
            self._sigs = np.concatenate([self._sigs, np.zeros((grow, self.num_perm), dtype=np.uint32)])
            self._sizes = np.concatenate([self._sizes, np.zeros(grow, dtype=np.int64)])
            self._indexed = np.concatenate([self._indexed, np.zeros(grow, dtype=bool)])
        self._sigs[slot] = sig
        self._sizes[slot] = size
        self._ids.append(article_id)
        self._digest.append(digest)
        self._slot[article_id] = slot
        return slot

    def _free(self, slot: int) -> None:
        self._ids[slot] = None
        self._sizes[slot] = 0

    def _index(self, slot: int, keys: np.ndarray | None = None) -> None:
        """Make a stored article a canonical one that later articles are matched against."""
        if self._digest[slot] != _EMPTY:
            self._exact.setdefault(self._digest[slot], slot)
        if self._sizes[slot] < self.min_shingles:
            return
        self._indexed[slot] = True
        recent = self._recent
        if keys is None:
            keys = self._band_keys(self._sigs[slot])[0]
        for key in keys.tolist():
            hit = recent.get(key)
            if hit is None:
                recent[key] = slot
            elif isinstance(hit, int):
                recent[key] = [hit, slot]
            else:
                hit.append(slot)
        self._recent_slots.append(slot)
        if len(self._recent_slots) >= MERGE_EVERY:
            self._merge()

    def _merge(self) -> None:
        """Move the recently indexed slots into the sorted arrays (an O(n) insert; removed
        slots are dropped from them once they are a quarter of the entries)."""
        recent = np.array([s for s in self._recent_slots if self._indexed[s]], dtype=np.int32)
        self._recent, self._recent_slots = {}, []
        if self._dead * 4 > len(self._key_slots):
            keep = self._indexed[self._key_slots]
            self._keys, self._key_slots, self._dead = self._keys[keep], self._key_slots[keep], 0
        if not len(recent):
            return
        keys = self._band_keys(self._sigs[recent]).ravel()
        slots = np.repeat(recent, self.bands)
        order = np.lexsort((slots, keys))
        keys, slots = keys[order], slots[order]
        at = np.searchsorted(self._keys, keys, side="right")
        self._keys = np.insert(self._keys, at, keys)
        self._key_slots = np.insert(self._key_slots, at, slots)

    def _unindex(self, slot: int) -> None:
        if self._exact.get(self._digest[slot]) == slot:
            del self._exact[self._digest[slot]]
        if not self._indexed[slot]:
            return
        self._indexed[slot] = False
        if slot not in self._recent_slots:
            self._dead += self.bands  # its entries in the sorted arrays go at a later merge
            return
        self._recent_slots.remove(slot)
        for key in self._band_keys(self._sigs[slot])[0].tolist():
            hit = self._recent[key]
            if hit == slot:
                del self._recent[key]
            else:
                hit.remove(slot)
                if len(hit) == 1:
                    self._recent[key] = hit[0]

    # ---- persistence ------------------------------------------------------------------
    def save(self, folder: str | Path) -> None:
        """Write the state to ``folder``/dedup.json and dedup.npz (each replaced atomically)."""
        for name, data in self.to_files().items():
            atomic_write(Path(folder) / name, data)

    def to_files(self) -> dict[str, bytes]:
        """The state as file name -> content, for a backend to keep with its build."""
        live = [slot for slot, article_id in enumerate(self._ids) if article_id is not None]
        state = {
            "format": FORMAT_VERSION,
            "params": self.params,
            # in the order added: re-adding in this order rebuilds the same groups
            "articles": [[self._ids[slot], self._canonical.get(self._ids[slot])] for slot in live],
            "duplicates": {c: list(d) for c, d in self._dups.items()},
        }
        arrays = {
            "sigs": self._sigs[live] if live else np.zeros((0, self.num_perm), dtype=np.uint32),
            "sizes": self._sizes[live],
            "digests": np.frombuffer(b"".join(self._digest[slot] for slot in live), dtype=np.uint8),
        }
        npz = io.BytesIO()
        np.savez(npz, **arrays)
        return {STATE_NPZ: npz.getvalue(), STATE_JSON: json.dumps(state, ensure_ascii=False).encode("utf-8")}

    @classmethod
    def load(cls, folder: str | Path) -> DuplicateIndex:
        """The state saved in ``folder``; raises FileNotFoundError when there is none."""
        folder = Path(folder)
        return cls.from_files({name: (folder / name).read_bytes() for name in (STATE_JSON, STATE_NPZ)})

    @classmethod
    def from_files(cls, files: dict[str, bytes]) -> DuplicateIndex:
        """The state written by ``to_files``, with the parameters it was saved with (compare
        ``params`` with what you want and rebuild when they differ). Raises
        FileNotFoundError when a file is missing, ValueError when one is unreadable."""
        missing = [name for name in (STATE_JSON, STATE_NPZ) if name not in files]
        if missing:
            raise FileNotFoundError(f"no duplicate index ({missing[0]} missing)")
        try:
            state = json.loads(files[STATE_JSON].decode("utf-8"))
            with np.load(io.BytesIO(files[STATE_NPZ])) as npz:
                sigs, sizes, digests = npz["sigs"], npz["sizes"], npz["digests"]
        except (OSError, ValueError, KeyError) as error:
            raise ValueError(f"unreadable duplicate index: {error}") from error
        if not isinstance(state, dict) or state.get("format") != FORMAT_VERSION:
            raise ValueError("unknown duplicate index format")
        p = state["params"]
        if p.get("shingle") != SHINGLE:
            raise ValueError("duplicate index saved with another shingle size")
        self = cls(p["threshold"], p["num_perm"], containment=p["containment"], max_ratio=p["max_ratio"],
                   min_shingles=p["min_shingles"], seed=p["seed"], bands=p["bands"], rows=p["rows"])
        n = len(state["articles"])
        if sigs.shape != (n, self.num_perm) or len(sizes) != n or len(digests) != 16 * n:
            raise ValueError("inconsistent duplicate index")
        self._sigs = np.array(sigs, dtype=np.uint32).reshape(n, self.num_perm)
        if n == 0:
            self._sigs = np.zeros((64, self.num_perm), dtype=np.uint32)
        self._sizes = np.array(sizes, dtype=np.int64) if n else np.zeros(64, dtype=np.int64)
        self._indexed = np.zeros(len(self._sizes), dtype=bool)
        raw = digests.tobytes()
        self._digest = [raw[16 * i:16 * i + 16] for i in range(n)]
        self._ids = [article_id for article_id, _ in state["articles"]]
        self._slot = {article_id: slot for slot, article_id in enumerate(self._ids)}
        self._canonical = {a: c for a, c in state["articles"] if c is not None}
        self._dups = {c: list(d) for c, d in state["duplicates"].items()}
        for slot, (_, canonical) in enumerate(state["articles"]):
            if canonical is None:
                if self._digest[slot] != _EMPTY:
                    self._exact.setdefault(self._digest[slot], slot)
                if self._sizes[slot] >= self.min_shingles:
                    self._indexed[slot] = True
                    self._recent_slots.append(slot)
        self._merge()  # builds the sorted bucket arrays in one go
        return self
