"""Grouping results by article, as every backend pages them.

Results are grouped by article (Elasticsearch's field collapsing, Meilisearch's
distinct attribute, applied per page): a page shows at most ``per_article``
paragraphs of one article, the next ones move to later pages, and a page is
filled with further paragraphs of the same articles only when no other article
is left. Every matching paragraph is on exactly one page, so totals and page
counts stay counts of paragraphs. A backend hands over its ranked documents,
their ranking keys and articles (as numbers); ``page_order`` deals them.
"""

from __future__ import annotations

import heapq

import numpy as np


def page_order(
    docs: np.ndarray, keys: np.ndarray, articles: np.ndarray, start: int, end: int, per_article: int
) -> np.ndarray:
    """Indexes into ``docs`` of results ``start`` to ``end``: best key first (then lowest
    document), at most ``per_article`` of one article on each page of ``end - start``,
    later paragraphs of an article moved to later pages, a page filled with them only
    when no other article is left."""
    if end <= start or not len(docs):
        return np.zeros(0, dtype=np.int64)
    if not per_article:
        return _best(docs, keys, end)[start:end]
    size = end - start
    depth = min(len(docs), max(4 * end, 200))
    while True:
        order = _best(docs, keys, depth)
        page, complete = deal_pages(articles[docs[order]], start, size, per_article, depth < len(docs))
        if complete or depth >= len(docs):
            return order[page]
        depth = min(len(docs), depth * 4)


def _best(docs: np.ndarray, keys: np.ndarray, count: int) -> np.ndarray:
    """Indexes of the ``count`` best documents, in ranking order (ties by document number)."""
    if count < len(keys):
        cut = np.argpartition(-keys, count - 1)[:count]
        threshold = keys[cut].min()
        chosen = np.flatnonzero(keys >= threshold)
    else:
        chosen = np.arange(len(keys))
    return chosen[np.lexsort((docs[chosen], -keys[chosen]))][:count]


def deal_pages(
    articles: np.ndarray, start: int, size: int, per_article: int, more_exist: bool
) -> tuple[np.ndarray, bool]:
    """Deal ranked results (``articles``: the article of each, in rank order) into pages of
    ``size``; the ranks of results ``start`` to ``start + size``, and whether they are
    certain (False when a page had to be filled from later paragraphs of the same articles
    while ``more_exist`` unseen results, which might belong to other articles)."""
    queues: dict[int, list[int]] = {}
    heads: list[tuple[int, int]] = []  # (rank, article) of each article's next paragraph
    for rank, article in enumerate(articles.tolist()):
        queue = queues.get(article)
        if queue is None:
            queues[article] = [rank]
            heads.append((rank, article))
        else:
            queue.append(rank)
    heapq.heapify(heads)
    position = {article: 0 for article in queues}
    dealt: list[int] = []
    while len(dealt) < start + size and heads:
        page: list[int] = []
        counts: dict[int, int] = {}
        waiting: list[tuple[int, int]] = []
        while len(page) < size and heads:
            rank, article = heapq.heappop(heads)
            if counts.get(article, 0) >= per_article:
                waiting.append((rank, article))
                continue
            page.append(rank)
            counts[article] = counts.get(article, 0) + 1
            position[article] += 1
            if position[article] < len(queues[article]):
                heapq.heappush(heads, (queues[article][position[article]], article))
        if len(page) < size and waiting:
            if more_exist:
                return np.zeros(0, dtype=np.int64), False
            # no other article is left: fill the page with the next paragraphs in rank order
            for rank, article in waiting:
                heapq.heappush(heads, (rank, article))
            waiting = []
            while len(page) < size and heads:
                rank, article = heapq.heappop(heads)
                page.append(rank)
                position[article] += 1
                if position[article] < len(queues[article]):
                    heapq.heappush(heads, (queues[article][position[article]], article))
        for item in waiting:
            heapq.heappush(heads, item)
        dealt.extend(page)
    return np.array(dealt[start : start + size], dtype=np.int64), True
