"""Relevance: relaxed matching, the score of a paragraph, proximity, and grouping by article.

A relaxed plan (``search.query.parse``) has clauses, words or phrases, each
matched in the paragraph's text and in its article's title:

- **Coverage first.** A paragraph's *coverage* is the number of clauses its text
  matches (a clause found only in the title counts ``title_coverage``).
  Paragraphs that match every clause come first, then those that match most of
  them (Meilisearch's ``words`` ranking rule; Elasticsearch's
  ``minimum_should_match`` down to one clause), so a query is never empty
  because one of its words is missing from the paragraphs.
- **Then BM25F over the text**, Whoosh's own formula (``fastmatch``), with the
  title's BM25 added at ``title_weight``: the title is context, not the match.
- **Proximity** (Elasticsearch's phrase rescoring): the best ``window``
  paragraphs get, for each pair of neighbouring query words found within
  ``slop`` positions of each other, the BM25 of that pair as a sloppy phrase
  (idf of both words, frequency 1 / distance), as a ``match_phrase`` clause with
  slop 2 in a rescore query would.
- **Fragments** (headings, datelines, one-line lead-ins; ``search.text.is_fragment``)
  rank after the paragraphs of the same coverage: a heading that names the topic
  is context, the paragraph under it is the answer.

Results are grouped by article (``search.backends.grouping``, shared by the
backends): a page shows at most ``per_article`` paragraphs of one article.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from whoosh import query as wq

from search.backends.whoosh.facetcache import DENSE_FRACTION
from search.backends.whoosh.fastmatch import K1, POSITION_BITS, B, FastMatcher, Matches, _contains, _union
from search.query.parse import TEXT, TITLE, QueryPlan, on_field

# The ranking key packs the rules in order: coverage (in steps of a half), then fragments after
# paragraphs, then the score (BM25 sums, far below FRAGMENT).
TIER, FRAGMENT = 1e7, 1e6


@dataclass
class Ranking:
    title_weight: float = 0.2  # the title's BM25 counts this much beside the text's
    title_coverage: float = 0.5  # a clause matched only in the title counts this much toward coverage
    proximity: bool = True
    slop: int = 2  # as a match_phrase rescore clause with slop 2
    window: int = 200  # paragraphs rescored for proximity (Elasticsearch's rescore window)
    fragments_last: bool = True  # headings and fragments after the paragraphs of their coverage tier
    per_article: int = 2  # paragraphs of one article on one page (0: no grouping)


RANKING = Ranking()


@dataclass
class Scored:
    """Every matching document (sorted) with its ranking key, and what proximity needs."""

    docs: np.ndarray
    keys: np.ndarray  # larger is better: coverage tier * TIER + score
    words: list[list[bytes | None]]  # per clause: its words in order (phrases: several), None where unknown


class Ranker:
    def __init__(self, matcher: FastMatcher, ranking: Ranking = RANKING):
        self.matcher = matcher
        self.ranking = ranking

    @property
    def cache(self):
        return self.matcher.cache

    # -- matching -------------------------------------------------------------
    def score(self, plan: QueryPlan, searcher) -> Scored:
        """All documents the plan matches, live ones only, with their ranking keys."""
        if plan.strict:
            matches = self.matcher.match(plan.query, searcher)
            return Scored(matches.docs, matches.scores, [])
        r = self.ranking
        texts = [self.matcher.evaluate(clause, searcher) for clause in plan.clauses]
        titles = [self.matcher.evaluate(on_field(clause, TITLE), searcher) for clause in plan.clauses]
        kept = self.matcher.evaluate(wq.And(plan.required), searcher).docs if plan.required else None
        ndocs = self.cache.ndocs
        if sum(len(m.docs) for m in texts + titles) * DENSE_FRACTION > ndocs:
            # many matches: add up in one slot per document of the index (linear, no sorting)
            score, coverage = np.zeros(ndocs), np.zeros(ndocs)
            for text, title in zip(texts, titles):
                found = np.zeros(ndocs)
                found[title.docs] = r.title_coverage
                found[text.docs] = 1.0
                coverage += found
                score[text.docs] += text.scores
                score[title.docs] += r.title_weight * title.scores
            present = (coverage > 0) & self.cache.live
            if kept is not None:
                wanted = np.zeros(ndocs, dtype=bool)
                wanted[kept] = True
                present &= wanted
            docs = np.flatnonzero(present).astype(np.int32)
            score, coverage = score[docs], coverage[docs]
        else:
            docs = _union([Matches(m.docs, np.ones(len(m.docs))) for m in texts + titles], ndocs).docs
            if kept is not None:
                docs = docs[_contains(kept, docs)]
            docs = docs[self.cache.live[docs]]
            score = np.zeros(len(docs))
            coverage = np.zeros(len(docs))
            for text, title in zip(texts, titles):
                in_text, text_scores = _lookup(text, docs)
                in_title, title_scores = _lookup(title, docs)
                score += text_scores + r.title_weight * title_scores
                coverage += np.where(in_text, 1.0, np.where(in_title, r.title_coverage, 0.0))
        keys = coverage * TIER + score
        if r.fragments_last:
            keys -= self.cache.fragments[docs] * FRAGMENT
        words = [self._words(clause, searcher) for clause in plan.clauses]
        return Scored(docs, keys, words)

    def _words(self, clause: wq.Query, searcher) -> list[bytes | None]:
        schema = searcher.schema
        if isinstance(clause, wq.Term):
            return [schema[TEXT].to_bytes(clause.text)]
        if isinstance(clause, wq.Phrase):
            return [schema[TEXT].to_bytes(w) for w in clause.words]
        return [None]

    # -- proximity --------------------------------------------------------------
    def rescore(self, scored: Scored, allowed: np.ndarray, searcher) -> np.ndarray:
        """The keys of the allowed documents, the best ``window`` with their proximity bonus."""
        keys = scored.keys[allowed]
        r = self.ranking
        pairs = _pairs(scored.words)
        if not r.proximity or not pairs or not len(keys):
            return keys
        docs = scored.docs[allowed]
        window = min(r.window, len(keys))
        best = np.argpartition(-keys, window - 1)[:window] if window < len(keys) else np.arange(len(keys))
        best = best[np.argsort(docs[best])]
        candidates = docs[best]
        reader = searcher.reader()
        lengths = self.cache.lengths.get(TEXT)
        avg = searcher.avg_field_length(TEXT) or 1
        norm = K1 * ((1 - B) + B * (lengths[candidates] if lengths is not None else avg) / avg)
        bonus = np.zeros(len(candidates))
        positions: dict[bytes, np.ndarray] = {}
        for a, b in pairs:
            for word in (a, b):
                if word not in positions:
                    positions[word] = self.matcher.position_keys(reader, TEXT, word, candidates)
            freq = _sloppy_frequency(positions[a], positions[b], candidates, r.slop)
            if not freq.any():
                continue
            idf = searcher.idf(TEXT, a) + searcher.idf(TEXT, b)
            bonus += idf * (freq * (K1 + 1)) / (freq + norm)
        keys = keys.copy()
        keys[best] += bonus
        return keys


def _lookup(matches: Matches, docs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Which of ``docs`` (sorted) are in ``matches``, and their scores there (0 elsewhere)."""
    if not len(matches.docs) or not len(docs):
        return np.zeros(len(docs), dtype=bool), np.zeros(len(docs))
    where = np.minimum(np.searchsorted(matches.docs, docs), len(matches.docs) - 1)
    found = matches.docs[where] == docs
    return found, np.where(found, matches.scores[where], 0.0)


def _pairs(words: list[list[bytes | None]]) -> list[tuple[bytes, bytes]]:
    """Neighbouring words of the query across clauses (inside a phrase they are adjacent already)."""
    pairs = []
    for left, right in zip(words, words[1:]):
        a, b = left[-1], right[0]
        if a is not None and b is not None and a != b:
            pairs.append((a, b))
    return list(dict.fromkeys(pairs))


def _sloppy_frequency(first: np.ndarray, second: np.ndarray, candidates: np.ndarray, slop: int) -> np.ndarray:
    """Per candidate, the sum over occurrences of the first word of 1 / (moves to bring the
    second word right after it), within ``slop`` moves (Lucene's sloppy phrase frequency:
    a gap of g words costs g, the reverse order costs 2 more)."""
    freq = np.zeros(len(candidates))
    if not len(first) or not len(second):
        return freq
    weight = np.zeros(len(first))
    for offset in range(-slop + 1, slop + 2):
        if offset == 0:
            continue
        moves = offset - 1 if offset > 0 else 1 - offset + 1  # after: gap; before: swap (2) + gap
        if moves > slop:
            continue
        hit = _contains(second, first + offset)
        weight = np.maximum(weight, hit / (moves + 1.0))
    owners = first >> POSITION_BITS
    rows = np.searchsorted(candidates, owners)
    np.add.at(freq, rows[weight > 0], weight[weight > 0])
    return freq
