"""Filter values in the forms users type: what a typed sector, speaker or country means.

A filter value is read, in order, as the stored value or one of its
spellings; as one of the forms the facet's ``typed_forms`` names (a sector's
label or other spelling, a country's alias); case- and accent-blind; for
names, as every person whose name holds all the typed words. A value that
means nothing gets the closest values instead, to be shown to the user.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping

from search.facets import FacetSpec, sector_labels
from search.models import FilterNote
from search.query.names import name_key, prefix_matches
from search.spelling import american
from search.tagging.countries import canonical_country
from search.text import ascii_letters


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
    found = canonical_country(value)
    return [found] if found else []


TYPED_FORMS = {"": as_typed, "sector": sector_forms, "country": country_forms}


def resolve(
    spec: FacetSpec, typed: str, values: Mapping[str, str], aliases: Mapping[str, str] | None = None
) -> FilterNote:
    """What a filter value typed by a user means among the index's ``values``
    ({value: label}; ``aliases``: other spellings -> value), in this order: the value
    itself or one of its spellings; the forms this facet's ``typed_forms`` names; the same value or
    label in another case or without accents; for names (``merge_names``), every
    person whose name has all the typed words (``Erdogan``, ``biden``). A value that
    means nothing gets the closest values instead."""
    aliases = aliases or {}
    if typed in values:
        return FilterNote(spec.name, typed, [typed])
    if typed in aliases:
        return FilterNote(spec.name, typed, [aliases[typed]])
    found = [form for form in TYPED_FORMS[spec.typed_forms](typed) if form in values]
    if not found:
        key = _fold(typed)
        found = [value for value, label in values.items() if key in (_fold(value), _fold(label))]
        found += [aliases[a] for a in aliases if _fold(a) == key and aliases[a] not in found]
    if not found and spec.merge_names:
        wanted = name_key(typed)
        found = [value for value in values if wanted and wanted <= name_key(value)]
        found += [
            aliases[a]
            for a in aliases
            if wanted and wanted <= name_key(a) and aliases[a] in values and aliases[a] not in found
        ]
    if found:
        return FilterNote(spec.name, typed, list(dict.fromkeys(found)))
    return FilterNote(spec.name, typed, [], closest_values(typed, values))


def read_values(notes: list[FilterNote]) -> dict[str, list[str]]:
    """facet -> the values its typed values were read as (a value matching none, as typed)."""
    selected: dict[str, list[str]] = {}
    for note in notes:
        selected.setdefault(note.facet, []).extend(note.matched or [note.value])
    return selected


def _fold(text: str) -> str:
    return " ".join(re.findall(r"\w+", ascii_letters(text).casefold()))


def closest_values(typed: str, values: Mapping[str, str], count: int = 5) -> list[str]:
    """Index values closest to a value that means none (by spelling of the value or its
    label, or a word of either starting with the typed words), most alike first."""
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
