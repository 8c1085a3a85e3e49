"""Misspelt words: the closest word of the index, written as the user would write it.

A query word that is in no paragraph and no title is looked up among the index's
words that start with the same letter, within Meilisearch's typo tolerance: none
under 5 letters, 1 typo from 5, 2 from 9 (Damerau-Levenshtein: a swap of two
letters is one typo). The closest word wins, then the most frequent. The index
holds stems (``semiconductor``, ``intimid``), so the correction is shown as a
word of the paragraphs that has that stem, the one closest to what was typed,
in the typed word's case: ``semicondctors`` -> ``semiconductors``, ``Jaishnkar``
-> ``Jaishankar``. The rest of the query is left as typed.
"""

from __future__ import annotations

import re
import threading
from collections import Counter, OrderedDict

import numpy as np
from whoosh.support.levenshtein import damerau_levenshtein

from search.query.parse import TEXT, TITLE, normalise, query_words
from search.query.typos import in_case_of, tolerance
from search.text import ascii_letters

SURFACE_SAMPLE = 8  # paragraphs read to find how a stem is written
CANDIDATES = 12  # closest stems checked against the paragraphs' words
SUFFIX = 5  # letters a stem may leave off the end of a typed word ("cooper" of "cooperaton")
WORD = re.compile(r"\w+(?:[.'’]\w+)*")


class Vocabulary:
    """The text field's words as arrays, to find the ones within a few typos of a word
    without a Python loop over the lexicon: the candidates are narrowed by first letter
    and length, then by letter counts (one typo changes them by at most 2), and only
    the few left are compared letter by letter. Built once per build, on first use."""

    LETTERS = 27  # a-z, then everything else

    def __init__(self, reader):
        words = [w.decode("utf-8") if isinstance(w, bytes) else w for w in reader.lexicon(TEXT)]
        self.words = [w for w in words if w.isalpha()]
        self.lengths = np.array([len(w) for w in self.words], dtype=np.int16)
        self.first = np.array([ord(w[0]) for w in self.words], dtype=np.int32)
        joined = "".join(self.words)
        codes = np.array([ord(char) for char in joined], dtype=np.int64) - 97
        codes[(codes < 0) | (codes >= 26)] = 26
        owners = np.repeat(np.arange(len(self.words), dtype=np.int64), self.lengths.astype(np.int64))
        self.bags = (
            np.bincount(owners * self.LETTERS + codes, minlength=len(self.words) * self.LETTERS)
            .reshape(len(self.words), self.LETTERS)
            .astype(np.int16)
        )

    @classmethod
    def bag(cls, word: str) -> np.ndarray:
        counts = np.zeros(cls.LETTERS, dtype=np.int16)
        for char in word:
            index = ord(char) - 97
            counts[index if 0 <= index < 26 else 26] += 1
        return counts

    def close(self, term: str, allowed: int, typed: str = "") -> list[str]:
        """Words within ``allowed`` typos of ``term`` with its first letter (Damerau-Levenshtein),
        or, with ``typed``, words that ``typed`` starts with within ``allowed`` typos and at most
        ``SUFFIX`` letters more (``cooper``, the stem of ``cooperation``, for ``cooperaton``)."""
        if not term or not self.words:
            return []
        same = self.first == ord(term[0])
        found = self._close(term, same & (np.abs(self.lengths - len(term)) <= allowed), allowed)
        if typed:
            for size in range(max(4, len(typed) - SUFFIX), len(typed)):
                found += self._close(typed[:size], same & (self.lengths == size), allowed)
        return list(dict.fromkeys(found))

    def _close(self, word: str, rows: np.ndarray, allowed: int) -> list[str]:
        rows = np.flatnonzero(rows)
        if not len(rows):
            return []
        rows = rows[np.abs(self.bags[rows] - self.bag(word)).sum(axis=1) <= 2 * allowed]
        return [self.words[i] for i in rows.tolist() if damerau_levenshtein(word, self.words[i], allowed) <= allowed]


class Corrections:
    """Per build: the vocabulary (built on first use) and the corrections already made."""

    def __init__(self, size: int = 4096):
        self.vocabulary: Vocabulary | None = None
        self.done: OrderedDict[str, str | None] = OrderedDict()
        self.size = size
        self.lock = threading.Lock()

    def words(self, reader) -> Vocabulary:
        with self.lock:
            if self.vocabulary is None:
                self.vocabulary = Vocabulary(reader)
            return self.vocabulary

    def get(self, word: str):
        with self.lock:
            return self.done.get(word, ...)

    def put(self, word: str, fixed: str | None) -> None:
        with self.lock:
            self.done[word] = fixed
            while len(self.done) > self.size:
                self.done.popitem(last=False)


class Corrector:
    def __init__(self, searcher, analyzer, corrections: Corrections | None = None):
        self.searcher = searcher
        self.reader = searcher.reader()
        self.analyzer = analyzer
        self.corrections = corrections or Corrections()

    def term(self, word: str) -> str | None:
        """The index term of one word (None for a stop word or a word the analyzer splits)."""
        texts = [t.text for t in self.analyzer(word, mode="query")]
        return texts[0] if len(texts) == 1 else None

    def known(self, term: str) -> bool:
        field = self.searcher.schema[TEXT]
        btext = field.to_bytes(term)
        return (TEXT, btext) in self.reader or (TITLE, btext) in self.reader

    def correct(self, query: str) -> tuple[str, list[tuple[str, str]]]:
        """``query`` (normalised) with each word that is in no paragraph replaced by its
        correction; and the (typed, corrected) pairs. The query unchanged and no pairs
        when nothing needs or can get a correction. A hyphenated word whose parts are not
        all known is tried as one word first (``semi-conductors``, ``co-operaton``)."""
        text = normalise(query)
        spans = query_words(text)
        pieces, changes, last, i = [], [], 0, 0
        while i < len(spans):
            start, end = spans[i]
            j = i
            while j + 1 < len(spans) and spans[j + 1][0] == spans[j][1] + 1 and text[spans[j][1]] == "-":
                j += 1
            fixed = None
            if j > i and not all(self.known_word(text[a:b]) for a, b in spans[i : j + 1]):
                joined = "".join(text[a:b] for a, b in spans[i : j + 1])
                fixed = joined if self.known_word(joined) else self.correct_word(joined)
            if fixed:
                end = spans[j][1]
                i = j + 1
            else:
                fixed = self.correct_word(text[start:end])
                i += 1
            if fixed and fixed != text[start:end]:
                pieces += [text[last:start], fixed]
                last = end
                changes.append((text[start:end], fixed))
        if not changes:
            return text, []
        return "".join(pieces) + text[last:], changes

    def known_word(self, word: str) -> bool:
        term = self.term(word)
        return term is None or self.known(term)

    def correct_word(self, word: str) -> str | None:
        """The correction of one word, or None when it is known or nothing is close enough
        (remembered for the build)."""
        fixed = self.corrections.get(word)
        if fixed is ...:
            fixed = self._correct_word(word)
            self.corrections.put(word, fixed)
        return fixed

    def _correct_word(self, word: str) -> str | None:
        """The correction of one word, or None when it is known or nothing is close enough.

        Candidates are index terms (stems) within the tolerance of the word's stem, or
        stems that the typed word starts with, within the tolerance (a typo in an ending
        changes the stem: ``cooperaton`` is not stemmed as ``cooperation`` is); each is
        checked against how the paragraphs write it."""
        term = self.term(word)
        if term is None or self.known(term) or not term.isalpha():
            return None
        plain = ascii_letters(word).lower()
        allowed = tolerance(plain)
        if not allowed:
            return None
        candidates = []
        for candidate in self.corrections.words(self.reader).close(term, allowed, plain):
            distance = min(
                damerau_levenshtein(term, candidate, allowed),
                damerau_levenshtein(plain[: len(candidate)], candidate, allowed),
            )
            candidates.append((distance, -self.reader.doc_frequency(TEXT, candidate), candidate))
        best = None
        for _, frequency, candidate in sorted(candidates)[:CANDIDATES]:
            surface = self.surface(candidate, plain, allowed)
            if surface is None:
                continue
            rank = (damerau_levenshtein(plain, ascii_letters(surface).lower()), frequency)
            if best is None or rank < best[0]:
                best = (rank, surface)
        return in_case_of(word, best[1]) if best else None

    def surface(self, term: str, typed: str, allowed: int) -> str | None:
        """How the paragraphs write words whose stem is ``term``: the form closest to
        ``typed``, within ``allowed`` typos of it (then the most frequent), or None."""
        forms: Counter[str] = Counter()
        field = self.searcher.schema[TEXT]
        matcher = self.searcher.postings(TEXT, field.to_bytes(term))
        seen = 0
        while matcher.is_active() and seen < SURFACE_SAMPLE:
            text = self.searcher.stored_fields(matcher.id()).get(TEXT, "")
            for match in WORD.finditer(text):
                if self.term(match.group()) == term:
                    forms[match.group()] += 1
            seen += 1
            matcher.next()
        if not forms:
            return None
        ranked = sorted(
            forms,
            key=lambda form: (
                damerau_levenshtein(typed, ascii_letters(form).lower()),
                _shouted(form),
                form[:1].isupper(),
                -forms[form],
            ),
        )
        best = ranked[0]
        if damerau_levenshtein(typed, ascii_letters(best).lower()) > allowed:
            return None
        return best.lower() if _shouted(best) else best


def _shouted(form: str) -> bool:
    """A word in capitals ("KISHIDA" in a transcript label) says nothing of how the word is
    written; it is the surface only if no other form was seen, and then in lower case, so that
    the correction follows the case the user typed whichever paragraphs were sampled."""
    return len(form) > 1 and form.isupper()
