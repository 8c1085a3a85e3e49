"""Matching names: one facet value per person across the index, and facet search.

The tagger names a speaker as the article first gives them, so the index
holds "Joseph R. Biden Jr", "Joseph R. Biden" and a bare "Biden" from
articles that never gave the full name. Variants are merged when every
word of one is in the other (titles, suffixes and diacritics aside) and no
other full name claims the same short form; each group shows its most
frequent full form. Full forms that differ only by a nickname ("Joe Biden",
"Joseph R. Biden Jr", from the ``nicknames`` dataset) agree; a hyphenated
word is one word, so "Biden-Harris Administration" does not claim "Biden".
"""

from __future__ import annotations

import re
from collections import defaultdict
from functools import lru_cache

from nicknames import NickNamer

from search.text import fold

IGNORED = {
    "mr",
    "mrs",
    "ms",
    "dr",
    "prof",
    "sir",
    "jr",
    "sr",
    "ii",
    "iii",
    "iv",
    "h",
    "e",
    "datuk",
    "seri",
    "dato",
    "tan",
    "sri",
    "tun",
    "sheikh",
    "his",
    "her",
    "excellency",
}

GROUP_WORDS = {"and", "leaders"}  # "NATO and G7 leaders" names several speakers, not a longer form of one


def prefix_matches(prefix: str, *texts: str) -> bool:
    """True when every word of ``prefix`` starts a word of ``texts`` (as you type a name)."""
    wanted = fold(prefix).split()
    words = re.findall(r"\w+", fold(" ".join(texts)))
    return all(any(word.startswith(part) for word in words) for part in wanted)


def name_key(name: str) -> frozenset[str]:
    words = [w for w in re.findall(r"[a-z0-9]+(?:-[a-z0-9]+)*", fold(name)) if w not in IGNORED]
    return frozenset(w for w in words if len(w) > 1) or frozenset(words)


@lru_cache(maxsize=1)
def _nicknamer() -> NickNamer:
    return NickNamer()


def _same_person_words(a: str, b: str) -> bool:
    """True when one first name is a nickname of the other ("joe", "joseph")."""
    namer = _nicknamer()
    return b in namer.nicknames_of(a) or a in namer.nicknames_of(b)


def _agree(a: frozenset[str], b: frozenset[str]) -> bool:
    """Two full forms of one person: one holds the other, or they differ by a nickname."""
    only_a, only_b = a - b, b - a
    if not only_a or not only_b:
        return True
    return len(only_a) == len(only_b) == 1 and _same_person_words(next(iter(only_a)), next(iter(only_b)))


def canonical_names(counts: dict[str, int]) -> dict[str, str]:
    """Map each name to the name its group is shown as (itself when it stands alone)."""
    keys = {name: name_key(name) for name in counts}
    by_word: dict[str, set[str]] = defaultdict(set)
    for name, key in keys.items():
        for word in key:
            by_word[word].add(name)
    parent = {name: name for name in counts}

    def find(name: str) -> str:
        while parent[name] != name:
            parent[name] = parent[parent[name]]
            name = parent[name]
        return name

    for name, key in sorted(keys.items(), key=lambda item: len(item[1])):
        if not key:
            continue
        rarest = min(key, key=lambda w: len(by_word[w]))
        longer = [
            other for other in by_word[rarest] if other != name and key < keys[other] and not keys[other] & GROUP_WORDS
        ]
        # the short form must point to one person: every longer form agrees with the others
        fullest = {frozenset(keys[o]) for o in longer}
        if longer and all(_agree(a, b) for a in fullest for b in fullest):
            for other in longer:
                parent[find(name)] = find(other)
        for other in by_word[rarest]:
            if other != name and keys[other] == key:
                parent[find(other)] = find(name)

    groups: dict[str, list[str]] = defaultdict(list)
    for name in counts:
        groups[find(name)].append(name)
    shown = {}
    for members in groups.values():
        best = max(members, key=lambda n: (len(keys[n]), counts[n], n))
        fullest = [n for n in members if len(keys[n]) == len(keys[best])]
        label = max(fullest, key=lambda n: (counts[n], -len(n), n))
        for member in members:
            shown[member] = label
    return shown
