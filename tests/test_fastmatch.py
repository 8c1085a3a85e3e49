"""The numpy matcher finds exactly Whoosh's documents and ranks them as Whoosh does."""

import numpy as np
import pytest

from search.backends.whoosh import WhooshBackend
from search.backends.whoosh.fastmatch import top
from search.query.params import build_request

from conftest import SEEDS, reindex

QUERIES = [
    "president",
    "trade investment",
    "energy OR climate",
    "defence NOT security",
    '"joint statement"',
    "semicond*",
    "title:readout",
    "sector:energy",
    "country:India AND climate",
    "(oil OR gas) AND security",
    "date:2023",
    "NOT president",
    "visit^3 summit",
    "speaker:Trudeau energy",  # a speaker without other spellings (those match as one)
    '"prime minister"',
    '"minister of foreign affairs"',
    '"united states government"',
    '"energy security" AND trade',
    'title:"joint statement"',
    '"the president said"',
]


@pytest.fixture(scope="module")
def seeds_index(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fast")
    reindex([SEEDS], folder, progress=False, procs=1)
    return WhooshBackend(folder)


def whoosh_ranking(index, q, limit):
    snap = index.snapshot()
    searcher = index.searcher(snap)
    parsed = snap.parser.parse(q)
    docs = sorted(d for d in searcher.docs_for_query(parsed) if snap.facets.live[d])
    results = searcher.search(parsed, limit=limit)
    return docs, [(hit.docnum, hit.score) for hit in results]


@pytest.mark.parametrize("q", QUERIES)
def test_same_documents_and_ranking_as_whoosh(seeds_index, q):
    snap = seeds_index.snapshot()
    searcher = seeds_index.searcher(snap)
    matches = snap.matcher.match(snap.parser.parse(q), searcher)
    docs, ranking = whoosh_ranking(seeds_index, q, 20)
    assert matches.docs.tolist() == docs
    result = seeds_index.search(build_request(q, per_page=20, sort="relevance"))
    if snap.parser.plan(q).strict:  # read as written: exactly these paragraphs
        assert result.total == len(docs)
    else:  # words and phrases: every paragraph with all of them, and those with fewer after them
        assert result.total >= len(docs)
    ours = []
    for docnum, score in top(matches, np.ones(len(matches.docs), dtype=bool), 0, 20):
        fields = searcher.stored_fields(docnum)
        ours.append((fields["article_id"], fields["n"], score))
    theirs = []
    for docnum, score in ranking:
        fields = searcher.stored_fields(docnum)
        theirs.append((fields["article_id"], fields["n"], score))
    if q.startswith("date:") or '"' in q:
        # phrases and ranges are scored by their words here, not by Whoosh's phrase scorer
        assert [s for *_, s in ours] == sorted((s for *_, s in ours), reverse=True)
    else:
        assert [s for *_, s in ours] == pytest.approx([s for *_, s in theirs], rel=1e-5)
        assert [key for *key, _ in ours] == [key for *key, _ in theirs]


def test_deleted_documents_never_match(tmp_path, make_articles):
    source = make_articles([{"id": f"a{i}", "text": f"Fisheries talks {i}."} for i in range(10)], "a.jsonl")
    other = make_articles([{"id": "b", "text": "Fisheries and aviation."}], "b.jsonl")
    reindex([tmp_path], tmp_path / "ix", progress=False)
    source.write_text('{"id": "a0", "text": "Aviation only."}\n', encoding="utf-8")
    reindex([tmp_path], tmp_path / "ix", progress=False)
    index = WhooshBackend(tmp_path / "ix")
    assert index.search(build_request("fisheries")).total == 1
    assert index.search(build_request("aviation")).total == 2
    assert np.all(
        index.snapshot().facets.live[
            index.snapshot()
            .matcher.match(index.snapshot().parser.parse("fisheries OR aviation"), index.searcher(index.snapshot()))
            .docs
        ]
    )
    assert other.exists()
