"""Leaders imply their country: heads of state or government from ``search/data/leaders.json``.

"Putin said" is about Russia even where the article never writes "Russian
President". A leader it lacks is resolved within the article, from a mention
with a title and a nationality ("Sri Lankan President Anura Kumara
Dissanayake"). The registry marks listed leaders as they are first named, so
"the President of Russia" finds a "Vladimir Putin" given without a title, and
a listed short form alone is a person ("Putin said"); a speaker still needs a
cue in the text, the list never adds one of its own.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from .names import keyset

if TYPE_CHECKING:
    from .registry import Person

LEADERS_PATH = Path(__file__).resolve().parents[2] / "data" / "leaders.json"
NOT_NAME_WORDS = {"king", "queen", "sheikh", "jr", "sr"}


@cache
def _leaders() -> dict[str, list[tuple[frozenset[str], str | None, str]]]:
    """Each name word → (the leader's name words, the short form's word, country)."""
    data = json.loads(LEADERS_PATH.read_text(encoding="utf-8"))
    index: dict[str, list] = {}
    for entry in data["leaders"]:
        words = entry["name"].split()
        keys = frozenset(keyset(words) - NOT_NAME_WORDS)
        short = entry.get("short", words[-1])
        short_keys = frozenset(keyset(short.split())) if short else None
        for key in keys:
            index.setdefault(key, []).append((keys, short_keys, entry["country"]))
    return index


def leader_country(tokens: set[str]) -> str | None:
    """The country of the listed leader these name words stand for, if any.

    The full name, or more words than it has ("Joseph R. Biden Jr."); a part of
    it only if that part is the leader's short form ("Putin", not "Li").
    """
    keys = frozenset(tokens) - NOT_NAME_WORDS
    for key in keys:
        for leader, short, country in _leaders().get(key, ()):
            if leader <= keys or (keys <= leader and (len(keys) >= 2 or keys == short)):
                return country
    return None


def mark_leaders(people: list[Person]) -> None:
    """Mark the listed leaders; give each the listed country where the article gave none."""
    for person in people:
        country = leader_country(person.tokens)
        if country:
            person.country = person.country or country
            person.listed_leader = True
