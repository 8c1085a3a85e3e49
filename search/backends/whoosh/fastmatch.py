"""Match and score queries over whole postings lists with numpy.

Whoosh matches and scores one document at a time in Python (several µs per
matching document), so a query matching a third of a million paragraphs
takes seconds. Here a term's postings are read block by block into arrays
(and kept in a small per-build cache), boolean operators become sorted-array
set operations, and BM25F is computed for all matching documents at once
with the same inputs Whoosh uses (stored weights, byte-encoded field
lengths, Whoosh's idf and average field length), so the ranking is
Whoosh's. Query types this module does not evaluate itself (phrases, ranges,
anything unusual) are matched by Whoosh and contribute the BM25F scores of
their words.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterator

import numpy as np
from whoosh import query as wq

from search.backends.whoosh.facetcache import DENSE_FRACTION, FacetCache

B, K1 = 0.75, 1.2  # Whoosh's BM25F defaults
CACHE_BYTES = 256 * 1024 * 1024
POSITION_BITS = 24  # a paragraph has far fewer than 16 million words


class Matches:
    """Sorted document numbers with one score each."""

    __slots__ = ("docs", "scores")

    def __init__(self, docs: np.ndarray, scores: np.ndarray):
        self.docs = docs
        self.scores = scores

    @classmethod
    def empty(cls) -> Matches:
        return cls(np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.float64))


class PostingsCache:
    """Term postings as arrays: the build's saved ones (``savedpostings``), the others
    decoded when first needed and kept, least recently used dropped past a byte budget."""

    def __init__(self, budget: int = CACHE_BYTES, saved: dict | None = None):
        self.saved = saved or {}  # segment id -> its SavedPostings
        self.budget = budget
        self.used = 0
        self.items: OrderedDict[tuple, tuple[np.ndarray, ...]] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, reader, field: str, text: bytes) -> tuple[np.ndarray, np.ndarray]:
        """(documents, weights) of a term."""
        return self._cached(("postings", field, text), lambda: _read_postings(reader, field, text, self.saved))

    def positions(self, reader, field: str, text: bytes) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(documents, offsets, positions) of a term: document i's positions are
        ``positions[offsets[i]:offsets[i + 1]]``."""
        return self._cached(("positions", field, text), lambda: _read_positions(reader, field, text, self.saved))

    def _cached(self, key, load):
        with self.lock:
            if key in self.items:
                self.items.move_to_end(key)
                return self.items[key]
        value = load()
        size = sum(array.nbytes for array in value)
        with self.lock:
            if key not in self.items and size <= self.budget:
                self.items[key] = value
                self.used += size
                while self.used > self.budget:
                    _, old = self.items.popitem(last=False)
                    self.used -= sum(array.nbytes for array in old)
        return value


def _saved(saved: dict, leaf, word: tuple[str, bytes]):
    """The segment's saved words (``savedpostings``) when they include ``word``."""
    found = saved.get(leaf.segment().segment_id()) if saved else None
    return found if found is not None and word in found else None


def _read_postings(reader, field: str, text: bytes, saved: dict | None = None) -> tuple[np.ndarray, np.ndarray]:
    """All (document, weight) postings of a term, deleted documents included: from
    a segment's saved words where it has them, else decoded from Whoosh's blocks."""
    ids, weights = [], []
    for leaf, offset in reader.leaf_readers():
        if (field, text) not in leaf:
            continue
        found = _saved(saved, leaf, (field, text))
        part_ids, part_weights = (
            found.postings(field, text) if found is not None else _blocks(leaf_matcher(leaf, field, text))
        )
        ids.append(part_ids + offset)
        weights.append(part_weights)
    if not ids:
        return np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.float32)
    return np.concatenate(ids).astype(np.int32), np.concatenate(weights).astype(np.float32)


def _blocks(matcher) -> tuple[np.ndarray, np.ndarray]:
    """Decode a postings list a block at a time (Whoosh 3 codec), or one posting at a time."""
    if not hasattr(matcher, "_read_data") or not hasattr(matcher, "_next_block"):
        ids, weights = [], []
        while matcher.is_active():
            ids.append(matcher.id())
            weights.append(matcher.weight())
            matcher.next()
        return np.array(ids, dtype=np.int64), np.array(weights, dtype=np.float32)
    ids, weights = [], []
    while matcher.is_active():
        ids.append(block_ids(matcher))
        matcher._read_weights()
        weights.append(np.asarray(matcher._weights, dtype=np.float32))
        matcher._next_block()
    if not ids:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
    return np.concatenate(ids), np.concatenate(weights)


def leaf_matcher(leaf, field: str, text: bytes):
    """A segment's postings matcher for a word, without the deleted-documents filter."""
    matcher = leaf.postings(field, text)
    while hasattr(matcher, "child"):
        matcher = matcher.child
    return matcher


def word_blocks(matcher, decode) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray, list[int]]]:
    """A block matcher's postings, block by block: (documents, weights, position
    counts, positions), each block read once. Each distinct position encoding is
    decoded once: most postings share one, a word once in the same place."""
    decoded: dict[bytes, list[int]] = {}
    while matcher.is_active():
        ids = block_ids(matcher)
        matcher._read_weights()
        matcher._read_values()
        counts: list[int] = []
        flat: list[int] = []
        for value in matcher._values:
            positions = decoded.get(value)
            if positions is None:
                positions = decoded[value] = decode(value)
            counts.append(len(positions))
            flat.extend(positions)
        yield ids, np.asarray(matcher._weights, dtype=np.float32), np.array(counts, dtype=np.int64), flat
        matcher._next_block()


def block_ids(matcher) -> np.ndarray:
    """The document numbers of the current block. Whoosh stores them as deltas and
    adds them up in a Python generator (``_read_ids``); a cumulative sum is the same."""
    if matcher._byteids:
        matcher._read_ids()
        return np.asarray(matcher._ids, dtype=np.int64)
    if matcher._data is None:
        matcher._read_data()
    return np.cumsum(np.asarray(matcher._data[0], dtype=np.int64))


class FastMatcher:
    """Evaluates a parsed query against one build."""

    def __init__(self, cache: FacetCache, postings: PostingsCache, resolve=None):
        self.cache = cache
        self.postings = postings
        # (facet field, value as written) -> the facet values it means (``country:Turkey``)
        self.resolve = resolve

    def match(self, q: wq.Query, searcher) -> Matches:
        result = self._eval(q, searcher)
        live = self.cache.live[result.docs]
        return Matches(result.docs[live], result.scores[live])

    def evaluate(self, q: wq.Query, searcher) -> Matches:
        """The documents ``q`` matches, deleted ones included, with their scores."""
        return self._eval(q, searcher)

    def position_keys(self, reader, field: str, text: bytes, candidates: np.ndarray) -> np.ndarray:
        """Sorted ``document << POSITION_BITS | position`` of a word in the candidates (sorted)."""
        return self._position_keys(reader, field, text, candidates)

    def _eval(self, q: wq.Query, searcher) -> Matches:
        if isinstance(q, wq.Every):
            docs = self.cache.all_docs()
            return Matches(docs, np.zeros(len(docs)))
        if q is wq.NullQuery:
            return Matches.empty()
        if isinstance(q, wq.Term):
            result = self._term(q.fieldname, q.text, searcher)
        elif isinstance(q, wq.And):
            result = self._and([self._eval(child, searcher) for child in q.subqueries])
        elif isinstance(q, wq.Or) and not getattr(q, "minmatch", 0):
            result = _union([self._eval(child, searcher) for child in q.subqueries], self.cache.ndocs)
        elif isinstance(q, wq.AndNot):
            result = _minus(self._eval(q.a, searcher), self._eval(q.b, searcher))
        elif isinstance(q, wq.Not):  # Whoosh scores a negated match 1.0
            everything = self._eval(wq.Every(), searcher)
            result = _minus(Matches(everything.docs, np.ones(len(everything.docs))), self._eval(q.query, searcher))
        elif isinstance(q, wq.Phrase) and q.slop == 1 and len(q.words) > 1:
            result = self._phrase(q, searcher)
        elif isinstance(q, (wq.Prefix, wq.Wildcard, wq.FuzzyTerm, wq.Regex)):
            words = list(q._btexts(searcher.reader()))
            result = _union([self._term(q.fieldname, w, searcher) for w in words], self.cache.ndocs)
        else:
            result = self._other(q, searcher)
        boost = getattr(q, "boost", 1.0)
        if boost != 1.0:
            result.scores = result.scores * boost
        return result

    def _term(self, field: str, text, searcher) -> Matches:
        schema = searcher.schema
        if field not in schema:
            return Matches.empty()
        if field in self.cache.tables:
            value = text.decode("utf-8") if isinstance(text, bytes) else text
            table = self.cache.tables[field]
            if value in table.index:
                docs = table.docs_of(table.index[value])
            elif self.resolve is not None:
                docs = np.flatnonzero(self.cache.mask_for(field, self.resolve(field, value))).astype(np.int32)
            else:
                docs = np.zeros(0, np.int32)
            return Matches(docs, np.ones(len(docs)))  # unscored fields score their weight, 1
        reader = searcher.reader()
        btext = schema[field].to_bytes(text) if not isinstance(text, bytes) else text
        docs, weights = self.postings.get(reader, field, btext)
        if not len(docs) or not schema[field].scorable:
            return Matches(docs, weights.astype(np.float64))
        lengths = self.cache.lengths.get(field)
        avg = searcher.avg_field_length(field) or 1
        idf = searcher.idf(field, btext)
        tf = weights.astype(np.float64)
        fl = lengths[docs] if lengths is not None else np.full(len(docs), avg)
        scores = idf * ((tf * (K1 + 1)) / (tf + K1 * ((1 - B) + B * fl / avg)))
        return Matches(docs, scores)

    def _phrase(self, q: wq.Phrase, searcher) -> Matches:
        """Consecutive words: candidates from the postings, then positions read only
        for the candidates, compared as (document, position) keys."""
        field = searcher.schema[q.fieldname]
        words = [field.to_bytes(w) if not isinstance(w, bytes) else w for w in q.words]
        parts = [self._term(q.fieldname, w, searcher) for w in words]
        candidates = self._and(list(parts)).docs
        if not len(candidates):
            return Matches.empty()
        reader = searcher.reader()
        keys = [self._position_keys(reader, q.fieldname, word, candidates) for word in words]
        starts = keys[0]
        for i, following in enumerate(keys[1:], 1):
            starts = starts[_contains(following, starts + i)]
        owners = starts >> POSITION_BITS
        docs = (owners[np.r_[True, owners[1:] != owners[:-1]]] if len(owners) else owners).astype(np.int32)
        scores = np.zeros(len(docs))
        for part in parts:
            scores += part.scores[np.searchsorted(part.docs, docs)]
        return Matches(docs, scores)

    def _position_keys(self, reader, field: str, text: bytes, candidates: np.ndarray) -> np.ndarray:
        """Sorted ``document << POSITION_BITS | position`` of a word in the candidates."""
        docs, offsets, positions = self.postings.positions(reader, field, text)
        if not len(docs):
            return np.zeros(0, dtype=np.int64)
        rows = np.searchsorted(docs, candidates)
        rows = rows[(rows < len(docs)) & (docs[np.minimum(rows, len(docs) - 1)] == candidates)]
        starts, ends = offsets[rows], offsets[rows + 1]
        lengths = ends - starts
        total = int(lengths.sum())
        if not total:
            return np.zeros(0, dtype=np.int64)
        cumulative = np.cumsum(lengths)
        where = np.arange(total, dtype=np.int64) + np.repeat(starts - (cumulative - lengths), lengths)
        owners = np.repeat(docs[rows].astype(np.int64), lengths)
        return (owners << POSITION_BITS) | positions[where]

    def _and(self, parts: list[Matches]) -> Matches:
        parts.sort(key=lambda m: len(m.docs))
        result = parts[0]
        for part in parts[1:]:
            result = _intersect(result, part, self.cache.ndocs)
        return result

    def _other(self, q: wq.Query, searcher) -> Matches:
        """Phrases, ranges and the rest: Whoosh finds the documents, their words score them."""
        docs = np.fromiter(searcher.docs_for_query(q), dtype=np.int32)
        docs.sort()
        scores = np.zeros(len(docs))
        for field, text in q.iter_all_terms(phrases=True):
            if field in searcher.schema and field not in self.cache.tables and searcher.schema[field].scorable:
                words = self._term(field, text, searcher)
                where = np.searchsorted(words.docs, docs)
                found = (
                    (where < len(words.docs)) & (words.docs[np.minimum(where, len(words.docs) - 1)] == docs)
                    if len(words.docs)
                    else np.zeros(len(docs), dtype=bool)
                )
                scores[found] += words.scores[where[found]]
        return Matches(docs, scores)


def _read_positions(
    reader, field: str, text: bytes, saved: dict | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every posting's positions of a term, as (documents, offsets, positions)."""
    if saved and all(
        _saved(saved, leaf, (field, text)) is not None or (field, text) not in leaf for leaf, _ in reader.leaf_readers()
    ):
        return _saved_positions(reader, field, text, saved)
    docs: list[int] = []
    lengths: list[int] = []
    flat: list[int] = []
    for leaf, offset in reader.leaf_readers():
        if (field, text) not in leaf:
            continue
        matcher = leaf_matcher(leaf, field, text)
        if hasattr(matcher, "_read_values") and hasattr(matcher, "_next_block"):
            for ids, _, counts, positions in word_blocks(matcher, leaf.schema[field].format.decode_positions):
                docs.extend((ids + offset).tolist())
                lengths.extend(counts.tolist())
                flat.extend(positions)
            continue
        while matcher.is_active():
            positions = matcher.value_as("positions")
            docs.append(matcher.id() + offset)
            lengths.append(len(positions))
            flat.extend(positions)
            matcher.next()
    offsets = np.zeros(len(docs) + 1, dtype=np.int64)
    offsets[1:] = np.cumsum(lengths)
    return (np.array(docs, dtype=np.int32), offsets, np.array(flat, dtype=np.int64))


def _saved_positions(reader, field: str, text: bytes, saved: dict) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``_read_positions`` of a word every segment has saved: its parts joined."""
    docs, counts, positions = [], [], []
    for leaf, offset in reader.leaf_readers():
        if (field, text) not in leaf:
            continue
        part_docs, part_offsets, part_positions = _saved(saved, leaf, (field, text)).positions(field, text)
        docs.append(part_docs.astype(np.int32) + offset)
        counts.append(np.diff(part_offsets))
        positions.append(part_positions.astype(np.int64))
    if not docs:
        return np.zeros(0, dtype=np.int32), np.zeros(1, dtype=np.int64), np.zeros(0, dtype=np.int64)
    offsets = np.zeros(sum(len(c) for c in counts) + 1, dtype=np.int64)
    np.cumsum(np.concatenate(counts), out=offsets[1:])
    return np.concatenate(docs).astype(np.int32), offsets, np.concatenate(positions)


def _contains(haystack: np.ndarray, needles: np.ndarray) -> np.ndarray:
    """Which of ``needles`` are in ``haystack`` (both sorted): a binary search each."""
    if not len(haystack):
        return np.zeros(len(needles), dtype=bool)
    where = np.minimum(np.searchsorted(haystack, needles), len(haystack) - 1)
    return haystack[where] == needles


def _intersect(a: Matches, b: Matches, ndocs: int) -> Matches:
    """Documents in both, scores added. Sorted inputs: the smaller side is looked up
    in the larger by binary search, or, when both are large, through a table over
    the whole index (linear, where a merge or a sort is not)."""
    if len(a.docs) > len(b.docs):
        a, b = b, a
    if not len(a.docs):
        return Matches.empty()
    if len(a.docs) * DENSE_FRACTION > ndocs:
        row = np.full(ndocs, -1, dtype=np.int32)
        row[b.docs] = np.arange(len(b.docs), dtype=np.int32)
        where = row[a.docs]
        found = where >= 0
    else:
        where = np.minimum(np.searchsorted(b.docs, a.docs), len(b.docs) - 1)
        found = b.docs[where] == a.docs
    return Matches(a.docs[found], a.scores[found] + b.scores[where[found]])


def _union(parts: list[Matches], ndocs: int) -> Matches:
    """Documents in any, scores added, with a mark and a score slot per document
    when the parts are large (a sort otherwise)."""
    parts = [p for p in parts if len(p.docs)]
    if not parts:
        return Matches.empty()
    if len(parts) == 1:
        return parts[0]
    if sum(len(p.docs) for p in parts) * DENSE_FRACTION > ndocs:
        present = np.zeros(ndocs, dtype=bool)
        scores = np.zeros(ndocs)
        for part in parts:  # a part lists each document once, so += adds every score
            present[part.docs] = True
            scores[part.docs] += part.scores
        docs = np.flatnonzero(present).astype(np.int32)
        return Matches(docs, scores[docs])
    docs = np.concatenate([p.docs for p in parts])
    scores = np.concatenate([p.scores for p in parts])
    unique, inverse = np.unique(docs, return_inverse=True)
    return Matches(unique.astype(np.int32), np.bincount(inverse, weights=scores, minlength=len(unique)))


def _minus(a: Matches, b: Matches) -> Matches:
    keep = ~np.isin(a.docs, b.docs, assume_unique=True)
    return Matches(a.docs[keep], a.scores[keep])


def top(matches: Matches, allow: np.ndarray, start: int, end: int) -> list[tuple[int, float]]:
    """Results ``start``..``end`` among the allowed matches: best score first, then
    lowest document number, as Whoosh orders them."""
    docs, scores = matches.docs[allow], matches.scores[allow]
    if end <= start:
        return []
    if end < len(docs):
        cut = np.argpartition(-scores, end - 1)[:end]
        threshold = scores[cut].min()
        chosen = np.flatnonzero(scores >= threshold)  # keep every tie at the cut
        docs, scores = docs[chosen], scores[chosen]
    order = np.lexsort((docs, -scores))[start:end]
    return [(int(docs[i]), float(scores[i])) for i in order]
