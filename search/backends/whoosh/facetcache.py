"""Per-build arrays that make facet counts and filters cheap.

Whoosh's ``groupedby`` rebuilds every document's value list on every query
(about 0.8 µs × index size). Instead, when a build is finished we read each
facet field's postings once and save, per field, a compressed sparse row
table (document -> value ids) and its transpose (value -> sorted documents),
plus each document's date as a day number. A searcher loads these arrays
in milliseconds, and a query's counts are one gather and one ``bincount``
over the documents it matched.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path

import numpy as np

from search.facets import FACETS
from search.query.names import canonical_names
from search.query.timeline import NO_DATE

TICKS_PER_DAY = 86_400_000_000  # Whoosh's DATETIME: microseconds since 0001-01-01
YEAR_ONE_TO_EPOCH = (date(1970, 1, 1) - date(1, 1, 1)).days
MAX_TICKS = (date(9999, 12, 31) - date(1, 1, 1)).days * TICKS_PER_DAY
SCORED_FIELDS = ("text", "title")
DENSE_FRACTION = 4  # count by marking once the matches exceed a quarter of the index


def _save(path: Path, array: np.ndarray) -> None:
    """``np.save`` through Python's own write: numpy's reports a full disk as a short write
    without an errno, Python's raises ENOSPC."""
    buffer = io.BytesIO()
    np.save(buffer, array)
    path.write_bytes(buffer.getbuffer())


@dataclass
class FieldTable:
    values: list[str]  # value id -> value (the canonical form, for speakers)
    doc_offsets: np.ndarray  # int64, size ndocs + 1
    doc_values: np.ndarray  # int32 value ids, grouped by document
    value_offsets: np.ndarray  # int64, size len(values) + 1
    value_docs: np.ndarray  # int32 documents, grouped by value, sorted
    aliases: dict[str, str] = field(default_factory=dict)  # other spellings -> value

    def __post_init__(self) -> None:
        self.index = {value: i for i, value in enumerate(self.values)}
        for alias, value in self.aliases.items():
            self.index.setdefault(alias, self.index[value])

    def ids_of(self, names: list[str]) -> list[int]:
        return list(dict.fromkeys(self.index[n] for n in names if n in self.index))

    def shown(self, name: str) -> str:
        """The facet value a stored value is counted under."""
        return self.aliases.get(name, name)

    @cached_property
    def owners(self) -> np.ndarray:
        """The document of each entry of ``doc_values``."""
        return np.repeat(np.arange(len(self.doc_offsets) - 1, dtype=np.int32), np.diff(self.doc_offsets))

    @cached_property
    def order(self) -> np.ndarray:
        """Each value's rank in case-insensitive alphabetical order (ties in counts sort by it)."""
        rank = np.empty(len(self.values), dtype=np.int64)
        rank[sorted(range(len(self.values)), key=lambda i: self.values[i].casefold())] = np.arange(len(self.values))
        return rank

    def docs_of(self, value_id: int) -> np.ndarray:
        return self.value_docs[self.value_offsets[value_id] : self.value_offsets[value_id + 1]]

    def counts(self, docs: np.ndarray) -> np.ndarray:
        """How many of ``docs`` (sorted, distinct) carry each value.

        A few documents: gather their value lists. Many (a broad query matches
        most of the index): mark them and count every posting of a marked
        document, which is linear in the table instead of in the matches."""
        ndocs = len(self.doc_offsets) - 1
        if len(docs) * DENSE_FRACTION > ndocs:
            marked = np.zeros(ndocs, dtype=bool)
            marked[docs] = True
            return np.bincount(self.doc_values[marked[self.owners]], minlength=len(self.values))
        starts = self.doc_offsets[docs]
        lengths = self.doc_offsets[docs + 1] - starts
        total = int(lengths.sum())
        if total == 0:
            return np.zeros(len(self.values), dtype=np.int64)
        ends = np.cumsum(lengths)
        positions = np.arange(total, dtype=np.int64) + np.repeat(starts - (ends - lengths), lengths)
        return np.bincount(self.doc_values[positions], minlength=len(self.values))


class FacetCache:
    """Facet tables, live-document mask and dates for one build."""

    def __init__(
        self,
        ndocs: int,
        live: np.ndarray,
        days: np.ndarray,
        tables: dict[str, FieldTable],
        lengths: dict[str, np.ndarray],
        articles: np.ndarray | None = None,
        fragments: np.ndarray | None = None,
    ):
        self.ndocs = ndocs
        self.live = live
        self.days = days
        self.tables = tables
        self.lengths = lengths  # scored text field -> each document's length, as Whoosh stores it
        # each document's article as a number (results are grouped by it), and whether it is a
        # heading or a one-line fragment (ranked below paragraphs of substance)
        self.articles = articles if articles is not None else np.arange(ndocs, dtype=np.int32)
        self.fragments = fragments if fragments is not None else np.zeros(ndocs, dtype=bool)

    @classmethod
    def from_reader(cls, reader) -> FacetCache:
        ndocs = reader.doc_count_all()
        live = np.ones(ndocs, dtype=bool)
        if reader.has_deletions():
            for docnum in range(ndocs):
                if reader.is_deleted(docnum):
                    live[docnum] = False
        days = _days(reader, ndocs)
        tables = {facet.name: _table(reader, facet.name, ndocs, live, merge=facet.merge_names) for facet in FACETS}
        lengths = {
            field: np.array([reader.doc_field_length(d, field) or 0 for d in range(ndocs)], dtype=np.float32)
            for field in SCORED_FIELDS
        }
        return cls(ndocs, live, days, tables, lengths, _articles(reader, ndocs), _marked(reader, "shape", ndocs))

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        _save(folder / "live.npy", self.live)
        _save(folder / "days.npy", self.days)
        _save(folder / "articles.npy", self.articles)
        _save(folder / "fragments.npy", self.fragments)
        for name, lengths in self.lengths.items():
            _save(folder / f"{name}.lengths.npy", lengths)
        for name, table in self.tables.items():
            for part in ("doc_offsets", "doc_values", "value_offsets", "value_docs"):
                _save(folder / f"{name}.{part}.npy", getattr(table, part))
            (folder / f"{name}.values.json").write_text(
                json.dumps({"values": table.values, "aliases": table.aliases}, ensure_ascii=False), encoding="utf-8"
            )

    @classmethod
    def load(cls, folder: Path) -> FacetCache:
        live = np.load(folder / "live.npy")
        days = np.load(folder / "days.npy")
        tables = {}
        for name in FACETS.names():
            arrays = {
                part: np.load(folder / f"{name}.{part}.npy")
                for part in ("doc_offsets", "doc_values", "value_offsets", "value_docs")
            }
            values = json.loads((folder / f"{name}.values.json").read_text(encoding="utf-8"))
            tables[name] = FieldTable(values=values["values"], aliases=values["aliases"], **arrays)
        lengths = {name: np.load(folder / f"{name}.lengths.npy") for name in SCORED_FIELDS}
        return cls(
            len(live), live, days, tables, lengths, np.load(folder / "articles.npy"), np.load(folder / "fragments.npy")
        )

    @cached_property
    def months(self) -> np.ndarray:
        """Each document's month as months since January 1970, NO_DATE where it has none
        (the timeline and the date facet count these instead of converting dates per query)."""
        months = np.full(self.ndocs, NO_DATE, dtype=np.int32)
        dated = self.days != NO_DATE
        months[dated] = self.days[dated].astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
        return months

    def all_docs(self) -> np.ndarray:
        return np.flatnonzero(self.live).astype(np.int32)

    def mask_for(self, field: str, names: list[str]) -> np.ndarray:
        """Documents carrying any of ``names`` in ``field``, as a boolean mask."""
        table = self.tables[field]
        mask = np.zeros(self.ndocs, dtype=bool)
        for value_id in table.ids_of(names):
            mask[table.docs_of(value_id)] = True
        return mask


def _articles(reader, ndocs: int) -> np.ndarray:
    """Each document's article as a number (documents of one article share it)."""
    articles = np.arange(ndocs, dtype=np.int32)  # a document without an article id stands alone
    if "article_id" in reader.indexed_field_names():
        for number, term in enumerate(reader.lexicon("article_id")):
            docs = np.fromiter(reader.postings("article_id", term).all_ids(), dtype=np.int32)
            articles[docs] = ndocs + number
    return articles


def _marked(reader, field_name: str, ndocs: int) -> np.ndarray:
    """Documents that have any term in ``field_name`` (an ID field set on a few documents)."""
    mask = np.zeros(ndocs, dtype=bool)
    if field_name in reader.indexed_field_names():
        for term in reader.lexicon(field_name):
            mask[np.fromiter(reader.postings(field_name, term).all_ids(), dtype=np.int32)] = True
    return mask


def _days(reader, ndocs: int) -> np.ndarray:
    """Each document's date as days since 1970, NO_DATE where it has none.

    Read untranslated: Whoosh stores a DATETIME as microseconds since year 1
    and a missing one as the column's default, which it cannot translate."""
    days = np.full(ndocs, NO_DATE, dtype=np.int32)
    # segment by segment: Whoosh's multi-segment column misreads a segment that has no dates at all
    for leaf, offset in reader.leaf_readers():
        count = leaf.doc_count_all()
        if not count or not leaf.has_column("date"):
            continue
        column = leaf.column_reader("date", translate=False)
        raw = np.fromiter((column[d] for d in range(count)), dtype=np.uint64, count=count)
        dated = raw < np.uint64(MAX_TICKS)
        days[offset : offset + count][dated] = (raw[dated] // np.uint64(TICKS_PER_DAY)).astype(
            np.int64
        ) - YEAR_ONE_TO_EPOCH
    return days


def _table(reader, name: str, ndocs: int, live: np.ndarray, merge: bool = False) -> FieldTable:
    """The CSR tables of one facet field; with ``merge``, spelling variants of a
    name become one value (see ``search.query.names``)."""
    found: dict[str, np.ndarray] = {}
    if name in reader.indexed_field_names():
        for term in reader.lexicon(name):
            docs = np.fromiter(reader.postings(name, term).all_ids(), dtype=np.int32)
            docs = docs[live[docs]]
            if len(docs):
                found[term.decode("utf-8") if isinstance(term, bytes) else term] = docs
    aliases: dict[str, str] = {}
    if merge:
        shown = canonical_names({value: len(docs) for value, docs in found.items()})
        aliases = {value: label for value, label in shown.items() if value != label}
        grouped: dict[str, list[np.ndarray]] = {}
        for value, docs in found.items():
            grouped.setdefault(shown[value], []).append(docs)
        found = {value: np.unique(np.concatenate(parts)) for value, parts in grouped.items()}
    values = sorted(found)
    postings = [np.sort(found[value]) for value in values]
    value_offsets = np.zeros(len(values) + 1, dtype=np.int64)
    if postings:
        value_offsets[1:] = np.cumsum([len(p) for p in postings])
        value_docs = np.concatenate(postings).astype(np.int32)
        value_ids = np.repeat(np.arange(len(values), dtype=np.int32), [len(p) for p in postings])
    else:
        value_docs = np.zeros(0, dtype=np.int32)
        value_ids = np.zeros(0, dtype=np.int32)
    order = np.argsort(value_docs, kind="stable")
    doc_values = value_ids[order]
    per_doc = np.bincount(value_docs, minlength=ndocs)
    doc_offsets = np.zeros(ndocs + 1, dtype=np.int64)
    doc_offsets[1:] = np.cumsum(per_doc)
    return FieldTable(values, doc_offsets, doc_values, value_offsets, value_docs, aliases)
