"""Misspelt words, whatever the backend: how many typos a word may have, how far two words are,
and the case a correction is shown in."""

from __future__ import annotations


def tolerance(word: str) -> int:
    """Typos allowed in a word of this length (Meilisearch's defaults): none under 5 letters,
    1 from 5, 2 from 9."""
    letters = len(word)
    return 0 if letters < 5 else 1 if letters < 9 else 2


def damerau_levenshtein(a: str, b: str) -> int:
    """Edits (insert, delete, replace, swap two neighbouring letters) that turn ``a`` into ``b``."""
    if a == b:
        return 0
    before: list[int] = []
    previous = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, y in enumerate(b, 1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x != y))
            if i > 1 and j > 1 and x == b[j - 2] and a[i - 2] == y:
                current[j] = min(current[j], before[j - 2] + 1)
        before, previous = previous, current
    return previous[-1]


def in_case_of(typed: str, word: str) -> str:
    """``word`` in the case the user typed: lower, UPPER or Capitalised (a capitalised
    word keeps the paragraphs' own capitals: ``McDonald``)."""
    if typed.islower():
        return word.lower()
    if typed.isupper() and len(typed) > 1:
        return word.upper()
    if typed[:1].isupper():
        return word[:1].upper() + word[1:]
    return word
