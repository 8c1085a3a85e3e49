"""The facets, defined once: sector, speaker and country, and how each is used.

Every use of a facet reads this registry: the index schema and facet arrays,
request parsing and the query language's fields, the CLI's filter options,
the API's JSON and OpenAPI description, the export's columns and the
templates. Adding a facet is adding a ``FacetSpec`` here (``FACETS.register``).

A facet has two names: ``name``, singular, is the URL parameter, the index
field, the query field and the key of the API's ``facets`` and ``filters``;
``key``, plural, is where a paragraph's values are (``Paragraph.tags``, the
API's hits, the export's columns, the tags' evidence).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from search.models import Tags

SECTORS_PATH = Path(__file__).resolve().parent / "data" / "sectors.json"
EXPORT_BASE = ("article_id", "n", "title", "date", "source", "url", "text")  # then the facets' keys


def sector_labels() -> dict[str, str]:
    """Sector id -> display label, in taxonomy order (``search/data/sectors.json``)."""
    return dict(_sector_labels())


@lru_cache(maxsize=1)
def _sector_labels() -> dict[str, str]:
    data = json.loads(SECTORS_PATH.read_text(encoding="utf-8"))
    return {sector["id"]: sector["label"] for sector in data["sectors"]}


def no_labels() -> dict[str, str]:
    return {}


@dataclass(frozen=True)
class FacetSpec:
    name: str  # URL parameter, index field, query field: "sector"
    key: str  # a paragraph's values, a hit's and an export's column: "sectors"
    label: str  # heading: "Sector"
    help: str  # the CLI option's help
    values_of: Callable[[str, Tags], list[str]]  # a paragraph's values from its text and its tags
    value_labels: Callable[[], dict[str, str]] = no_labels  # how values are shown (ids -> labels)
    merge_names: bool = False  # spellings of one person's name count as one value (search.query.names)
    searchable: bool = False  # a long list: the sidebar has a box to find a value
    exportable: bool = True  # a column of the CSV and JSON exports
    hit_prefix: str = ""  # shown before each value on a result ("said" before a speaker)
    # which other forms a filter value typed by a user may take, read by search.query.filters:
    # "sector" (an id or label, in either spelling), "country" (a name, alias or demonym the
    # country tagger knows), "" (the value as stored, case and accents aside)
    typed_forms: str = ""


class FacetRegistry:
    """The facets in display order; iterate it, or look one up by name."""

    def __init__(self, facets: list[FacetSpec]):
        self._facets = list(facets)

    def __iter__(self) -> Iterator[FacetSpec]:
        return iter(list(self._facets))

    def __len__(self) -> int:
        return len(self._facets)

    def names(self) -> list[str]:
        return [facet.name for facet in self._facets]

    def get(self, name: str) -> FacetSpec | None:
        return next((facet for facet in self._facets if facet.name == name), None)

    def register(self, facet: FacetSpec) -> None:
        if self.get(facet.name) or any(f.key == facet.key for f in self._facets):
            raise ValueError(f"a facet named {facet.name!r} or keyed {facet.key!r} exists")
        self._facets.append(facet)

    def unregister(self, name: str) -> None:
        self._facets = [facet for facet in self._facets if facet.name != name]


FACETS = FacetRegistry(
    [
        FacetSpec(
            "sector",
            "sectors",
            "Sector",
            "Sector id or label, in either spelling (repeat for any of several).",
            lambda text, tags: tags.sectors,
            value_labels=sector_labels,
            typed_forms="sector",
        ),
        FacetSpec(
            "speaker",
            "speakers",
            "Speaker",
            "Speaker name, or some of its words: a surname, without accents (repeatable).",
            lambda text, tags: tags.speakers,
            merge_names=True,
            searchable=True,
            hit_prefix="said",
        ),
        FacetSpec(
            "country",
            "countries",
            "Country",
            "Country name or alias (Turkey, UK, Burma) (repeatable).",
            lambda text, tags: tags.countries,
            searchable=True,
            typed_forms="country",
        ),
    ]
)


def export_fields() -> list[str]:
    """The export's columns: the paragraph's fields, then each exportable facet's values."""
    return [*EXPORT_BASE, *(facet.key for facet in FACETS if facet.exportable)]
