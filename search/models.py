"""The one data model passed from ingest to the web: article, paragraph, hit, facet.

Everything here is plain data (dataclasses) so the CLI can print it as JSON
and the web layer can render it without knowing about Whoosh.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from functools import cache
from typing import Any


@cache
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in fields(cls))


def _copy(value: Any) -> Any:
    if isinstance(value, list):
        return [_copy(v) for v in value]
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    return value


def plain(obj: Any, skip: tuple[str, ...] = ()) -> dict[str, Any]:
    """One of these dataclasses as a dict of plain values, without the fields in ``skip``.

    The same as ``dataclasses.asdict`` for this model (its values are strings,
    numbers, and lists and dicts of them), without asdict's ``copy.deepcopy`` of
    every string, which was about a fifth of an ``/api/search`` response's time.
    """
    return {name: _copy(getattr(obj, name)) for name in _field_names(type(obj)) if name not in skip}


@dataclass
class Article:
    """One article as read from a source, before it is split and tagged."""

    id: str
    title: str = ""
    date: str = ""  # ISO yyyy-mm-dd, or "" when unknown
    dateline: str = ""
    source: str = ""  # the publisher
    url: str = ""
    paragraphs: list[str] = field(default_factory=list)
    path: str = ""  # the file it was read from
    given_tags: list[dict[str, list[str]]] | None = None  # per paragraph, facet key -> values given
    # with the source (JSON Lines ``paragraph_tags``), used when tagging is off
    id_from_file_name: bool = False  # the source gave no id; it was made from the file's name


@dataclass
class Tags:
    """What the taggers found in one paragraph, with the evidence for each tag.

    ``evidence`` maps a facet key ("sectors", "speakers", "countries") to {tag: why}, where
    *why* is a short human-readable string (the matched term, or the cue and
    the mention a speaker was resolved from).
    """

    sectors: list[str] = field(default_factory=list)
    speakers: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    evidence: dict[str, dict[str, str]] = field(default_factory=dict)


@dataclass
class Paragraph:
    """A paragraph document: the unit that is indexed, searched and tagged."""

    article_id: str
    n: int  # 1-based position in the article
    text: str
    title: str = ""
    date: str = ""
    dateline: str = ""
    source: str = ""
    url: str = ""
    tags: dict[str, list[str]] = field(default_factory=dict)  # facet key ("sectors") -> values
    evidence: dict[str, dict[str, str]] = field(default_factory=dict)  # facet key -> {value: why}

    @property
    def doc_id(self) -> str:
        return f"{self.article_id}#{self.n}"

    def to_dict(self, skip: tuple[str, ...] = ()) -> dict[str, Any]:
        """The JSON shape of a paragraph: its fields, with each facet's values as a field."""
        data = plain(self, skip=("tags", "evidence", *skip))
        data.update(_copy(self.tags))
        if "evidence" not in skip:
            data["evidence"] = _copy(self.evidence)
        return data


@dataclass
class Skipped:
    """A source that could not be read, and why."""

    path: str
    reason: str


@dataclass
class Hit:
    """One search result: a paragraph plus its highlighted snippet."""

    paragraph: Paragraph
    snippet: str  # HTML-safe: text escaped, matched terms wrapped in <mark>
    score: float = 0.0
    more: int = 0  # other paragraphs of its article that match, not on this page (with grouping)
    more_first: int = 0  # the paragraph number of the first of them

    def to_dict(self) -> dict[str, Any]:
        data = self.paragraph.to_dict(skip=("evidence", "dateline"))
        data["snippet"] = self.snippet
        data["more_in_article"] = self.more
        return data


@dataclass
class FilterNote:
    """How a filter value was read: the index values it matched (``Turkey`` -> ``Türkiye``,
    ``Erdogan`` -> ``Recep Tayyip Erdoğan``), or none and the closest values."""

    facet: str
    value: str  # as given
    matched: list[str] = field(default_factory=list)
    closest: list[str] = field(default_factory=list)

    @property
    def exact(self) -> bool:
        return self.matched == [self.value]

    @property
    def message(self) -> str:
        if self.exact:
            return ""
        if self.matched:
            return f"{self.facet} {self.value!r} read as " + ", ".join(repr(v) for v in self.matched)
        closest = f"; closest: {', '.join(repr(v) for v in self.closest)}" if self.closest else ""
        return f"no {self.facet} {self.value!r} in the index, so nothing matches this filter{closest}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "facet": self.facet,
            "value": self.value,
            "matched": list(self.matched),
            "closest": list(self.closest),
            "message": self.message,
        }


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool = False


@dataclass
class Facet:
    name: str  # the request parameter: a facet's name (search.facets), or date
    label: str
    values: list[FacetValue] = field(default_factory=list)
    truncated: bool = False  # more values exist than were returned


@dataclass
class Bucket:
    """One bar of the timeline: matching paragraphs dated start..end (inclusive)."""

    start: str
    end: str
    label: str
    count: int
    selected: bool = False  # inside the request's date range


@dataclass
class SearchRequest:
    """A validated search: what the CLI and the web both pass to ``search.backends.whoosh.searcher``."""

    q: str = ""
    filters: dict[str, list[str]] = field(default_factory=dict)  # facet name ("sector") -> any of these
    date_from: str = ""
    date_to: str = ""
    page: int = 1
    per_page: int = 10
    sort: str = "relevance"  # or "date" (newest first) or "date-asc"
    facet_size: int = 10
    group: bool = True  # at most 2 paragraphs of one article per page
    correct: bool = True  # search the corrected query when a word is in no paragraph


@dataclass
class SearchResult:
    request: SearchRequest
    total: int
    hits: list[Hit]
    facets: list[Facet]
    suggestion: str = ""  # a corrected query, when the query looks misspelt
    suggestion_total: int = 0  # paragraphs the suggestion finds with the same filters
    timeline: list[Bucket] = field(default_factory=list)
    timeline_unit: str = ""  # year, month or week
    corrected_query: str = ""  # the query searched instead of the one typed (a word was misspelt)
    filter_notes: list[FilterNote] = field(default_factory=list)  # filter values read otherwise, or unmatched

    def __post_init__(self) -> None:
        # a value read as itself needs no note
        self.filter_notes = [note for note in self.filter_notes if not note.exact]

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.request.per_page))

    @property
    def unmatched_filters(self) -> list[FilterNote]:
        return [note for note in self.filter_notes if not note.matched]


def result_to_dict(result: SearchResult) -> dict[str, Any]:
    """The JSON shape shared by ``/api/search`` and ``diplosearch search --json``."""
    req = result.request
    return {
        "query": req.q,
        "filters": {**req.filters, "from": req.date_from, "to": req.date_to},
        "sort": req.sort,
        "total": result.total,
        "page": req.page,
        "per_page": req.per_page,
        "pages": result.pages,
        "suggestion": result.suggestion,
        "suggestion_total": result.suggestion_total,
        "corrected_query": result.corrected_query,
        "grouped": req.group,
        "filter_notes": [note.to_dict() for note in result.filter_notes],
        "hits": [hit.to_dict() for hit in result.hits],
        "facets": {facet.name: [plain(v) for v in facet.values] for facet in result.facets},
        "timeline": {"unit": result.timeline_unit, "buckets": [plain(b) for b in result.timeline]},
    }
