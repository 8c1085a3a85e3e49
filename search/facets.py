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

import difflib
import json
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from search.models import FilterNote, Tags
from search.spelling import american
from search.text import ascii_letters

SECTORS_PATH = Path(__file__).resolve().parent / "data" / "sectors.json"
EXPORT_BASE = ("article_id", "n", "title", "date", "source", "url", "text")  # then the facets' keys


@lru_cache(maxsize=1)
def sector_labels() -> dict[str, str]:
    """Sector id -> display label, in taxonomy order (``search/data/sectors.json``)."""
    data = json.loads(SECTORS_PATH.read_text(encoding="utf-8"))
    return {sector["id"]: sector["label"] for sector in data["sectors"]}


def no_labels() -> dict[str, str]:
    return {}


def as_typed(value: str) -> list[str]:
    return []


def _words(text: str) -> list[str]:
    """Lower-case, unaccented, American-spelt words of a value or label ("&" and "and" left out)."""
    words = re.findall(r"\w+", ascii_letters(text).casefold())
    return [american(w) for w in words if w != "and"]


def sector_forms(value: str) -> list[str]:
    """The sector ids a typed value means: an id or label in either spelling (``defense``,
    ``Defence & military``), or words found in one sector's id or label only (``science``,
    ``military``, ``climate``)."""
    typed = _words(value)
    if not typed:
        return []
    labels = sector_labels()
    exact = [sid for sid, label in labels.items() if typed in (_words(sid), _words(label))]
    if exact:
        return exact
    within = [sid for sid, label in labels.items() if set(typed) <= set(_words(sid)) | set(_words(label))]
    return within if len(within) == 1 else []


def country_forms(value: str) -> list[str]:
    """The country a typed name, alias or demonym means, by the country tagger's own data
    (``Turkey``, ``Turkiye`` -> ``Türkiye``; ``UK`` -> ``United Kingdom``)."""
    from search.tagging.countries import canonical_country

    found = canonical_country(value)
    return [found] if found else []


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
    # the values a filter value typed by a user may mean, before case- and accent-blind matching
    # (a sector's label or other spelling, a country's alias); see ``resolve``
    typed_forms: Callable[[str], list[str]] = as_typed

    def resolve(self, typed: str, values: Mapping[str, str], aliases: Mapping[str, str] | None = None
                ) -> FilterNote:
        """What a filter value typed by a user means among the index's ``values``
        ({value: label}; ``aliases``: other spellings -> value), in this order: the value
        itself or one of its spellings; this facet's ``typed_forms``; the same value or
        label in another case or without accents; for names (``merge_names``), every
        person whose name has all the typed words (``Erdogan``, ``biden``). A value that
        means nothing gets the closest values instead."""
        aliases = aliases or {}
        if typed in values:
            return FilterNote(self.name, typed, [typed])
        if typed in aliases:
            return FilterNote(self.name, typed, [aliases[typed]])
        found = [form for form in self.typed_forms(typed) if form in values]
        if not found:
            key = _fold(typed)
            found = [value for value, label in values.items() if key in (_fold(value), _fold(label))]
            found += [aliases[a] for a in aliases if _fold(a) == key and aliases[a] not in found]
        if not found and self.merge_names:
            from search.query.names import name_key

            wanted = name_key(typed)
            found = [value for value in values if wanted and wanted <= name_key(value)]
            found += [aliases[a] for a in aliases
                      if wanted and wanted <= name_key(a) and aliases[a] in values and aliases[a] not in found]
        if found:
            return FilterNote(self.name, typed, list(dict.fromkeys(found)))
        return FilterNote(self.name, typed, [], closest_values(typed, values))


def _fold(text: str) -> str:
    return " ".join(re.findall(r"\w+", ascii_letters(text).casefold()))


def closest_values(typed: str, values: Mapping[str, str], count: int = 5) -> list[str]:
    """Index values closest to a value that means none (by spelling of the value or its
    label, or a word of either starting with the typed words), most alike first."""
    from search.query.names import prefix_matches

    key = _fold(typed)
    forms: dict[str, str] = {}
    for value, label in values.items():
        forms.setdefault(_fold(value), value)
        forms.setdefault(_fold(label), value)
        for word in _fold(value).split() + _fold(label).split():
            if len(word) > 3:
                forms.setdefault(word, value)
    close = [forms[form] for form in difflib.get_close_matches(key, list(forms), n=count * 3, cutoff=0.75)]
    starting = [value for value, label in values.items() if prefix_matches(typed, value, label)]
    return list(dict.fromkeys(close + starting))[:count]


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


FACETS = FacetRegistry([
    FacetSpec("sector", "sectors", "Sector", "Sector id or label, in either spelling (repeat for any of several).",
          lambda text, tags: tags.sectors, value_labels=sector_labels, typed_forms=sector_forms),
    FacetSpec("speaker", "speakers", "Speaker", "Speaker name, or some of its words: a surname, "
              "without accents (repeatable).",
          lambda text, tags: tags.speakers, merge_names=True, searchable=True, hit_prefix="said"),
    FacetSpec("country", "countries", "Country", "Country name or alias (Turkey, UK, Burma) (repeatable).",
          lambda text, tags: tags.countries, searchable=True, typed_forms=country_forms),
])


def export_fields() -> list[str]:
    """The export's columns: the paragraph's fields, then each exportable facet's values."""
    return [*EXPORT_BASE, *(facet.key for facet in FACETS if facet.exportable)]
