"""The relevance collection (bench/relevance/) is well-formed and the scorer's metrics are right.

Fast: no index of the whole corpus is built here (tools/eval_ranking.py does that).
"""

from __future__ import annotations

import importlib.util
import json
import math
from collections import Counter

import pytest

from conftest import ROOT, SEED_FILE, reindex, shared_path

spec = importlib.util.spec_from_file_location("eval_ranking", ROOT / "tools" / "eval_ranking.py")
er = importlib.util.module_from_spec(spec)
spec.loader.exec_module(er)

TYPES = {
    "keyword",
    "name",
    "accent",
    "phrase",
    "quoted",
    "curly",
    "question",
    "long",
    "spelling",
    "misspelling",
    "filter",
}
FILTERS = {"sector", "speaker", "country", "from", "to"}


@pytest.fixture(scope="module")
def queries():
    return er.load_queries()


@pytest.fixture(scope="module")
def judgments():
    return er.load_judgments()


def test_queries_are_well_formed(queries):
    assert len(queries) >= 45
    ids = [q["id"] for q in queries]
    assert len(ids) == len(set(ids)), "duplicate query ids"
    for q in queries:
        assert q["query"].strip(), q["id"]
        assert len(q["need"]) > 20 and len(q["partly"]) > 10, f"{q['id']}: the need must be written down"
        assert q["types"] and set(q["types"]) <= TYPES, q["id"]
        assert set(q.get("filters", {})) <= FILTERS and set(q.get("intended_filters", {})) <= FILTERS, q["id"]
        if "filter" in q["types"]:
            assert q["filters"], f"{q['id']} is typed filter but has none"
    counts = Counter(t for q in queries for t in q["types"])
    for t in ("name", "accent", "quoted", "curly", "question", "long", "spelling", "misspelling", "filter"):
        assert counts[t] >= 2, f"too few {t} queries"


def test_judgments_are_well_formed(queries, judgments):
    by_id = {q["id"]: q for q in queries}
    keys = [(j["qid"], j["article_id"], j["n"]) for j in judgments]
    assert len(keys) == len(set(keys)), "a paragraph is judged twice for one query"
    for j in judgments:
        assert set(j) == {"qid", "article_id", "n", "hash", "grade"}, j
        assert j["qid"] in by_id, j
        assert j["grade"] in (0, 1, 2), j
        assert isinstance(j["n"], int) and j["n"] >= 1, j
        assert len(j["hash"]) == er.HASH_CHARS, j
    grades = {}
    for j in judgments:
        grades.setdefault(j["qid"], []).append(j["grade"])
    for q in queries:
        assert q["id"] in grades, f"{q['id']} has no judgments"
        if q.get("no_fully_relevant"):
            assert 2 not in grades[q["id"]] and 1 in grades[q["id"]], q["id"]
        else:
            assert 2 in grades[q["id"]], f"{q['id']}: no paragraph graded 2"


def test_judgments_refer_to_real_paragraphs(judgments):
    for place, path in er.SOURCES:
        if place == "shared":
            shared_path(*path.split("/"))  # skips where ../shared is absent
    hashes = {(p["article_id"], p["n"]): p["hash"] for p in er.read_corpus()}
    missing = [j for j in judgments if (j["article_id"], j["n"]) not in hashes]
    changed = [
        j for j in judgments if (j["article_id"], j["n"]) in hashes and hashes[(j["article_id"], j["n"])] != j["hash"]
    ]
    assert not missing, missing[:3]
    assert not changed, changed[:3]


def test_paragraph_numbering_is_the_products(seed_index_dir, tmp_path):
    """The scorer numbers paragraphs as /api/article does, for the seed's text form and for JSON Lines."""
    from web import create_app

    jsonl = tmp_path / "a.jsonl"
    text = "First  para\nline two.\r\n\r\n \n\nSecond para.\n\n\n\nThird\tpara.\n\n"
    jsonl.write_text(
        json.dumps({"id": "t1", "title": "T", "date": "2024-01-02", "source": "s", "url": "", "text": text}) + "\n",
        encoding="utf-8",
    )
    index = tmp_path / "index"
    reindex([jsonl], index, progress=False)
    for folder, path in ((seed_index_dir, SEED_FILE), (index, jsonl)):
        client = create_app({"INDEX_DIR": str(folder), "TESTING": True}).test_client()
        for article in er.read_source(path):
            mine = [(p["n"], p["text"]) for p in er.paragraphs_of(article)]
            theirs = [(p["n"], p["text"]) for p in client.get(f"/api/article/{article['id']}").get_json()["paragraphs"]]
            assert mine == theirs
    assert [p["text"] for p in er.paragraphs_of(er.read_source(jsonl)[0])] == [
        "First para line two.",
        "Second para.",
        "Third para.",
    ]


def test_metrics_on_a_hand_made_ranking():
    judged = {("a", 1): 2, ("a", 2): 0, ("b", 1): 1, ("c", 1): 2}
    ranked = [("a", 1), ("x", 9), ("b", 1), ("a", 2)]  # grades 2, unjudged, 1, 0
    m = er.query_metrics(ranked, judged)
    dcg = 2 / math.log2(2) + 0 + 1 / math.log2(4) + 0
    ideal = 2 / math.log2(2) + 2 / math.log2(3) + 1 / math.log2(4)
    assert m["ndcg"] == pytest.approx(dcg / ideal)
    assert m["ndcg"] == pytest.approx(0.6646, abs=1e-4)
    assert m["p"] == pytest.approx(0.2)  # 2 of 10 slots hold grade >= 1
    assert m["rr"] == 1.0
    assert m["articles"] == 3 and m["unjudged"] == 1 and not m["empty"]

    late = er.query_metrics([("a", 2), ("x", 9), ("c", 1)], judged)
    assert late["rr"] == pytest.approx(1 / 3)
    assert late["ndcg"] == pytest.approx((2 / 2) / ideal)

    perfect = er.query_metrics([("a", 1), ("c", 1), ("b", 1)], judged)
    assert perfect["ndcg"] == pytest.approx(1.0)

    empty = er.query_metrics([], judged)
    assert empty["empty"] and empty["ndcg"] == 0 and empty["rr"] == 0 and empty["p"] == 0
    assert er.query_metrics([("a", 2)], {("a", 2): 0})["ndcg"] is None  # nothing relevant: left out

    overall = er.aggregate([m, late, empty, er.query_metrics([("a", 2)], {("a", 2): 0})])
    assert overall["ndcg@10"] == pytest.approx((m["ndcg"] + late["ndcg"] + 0) / 3)
    assert overall["mrr"] == pytest.approx((1 + 1 / 3 + 0) / 3)
    assert overall["empty"] == pytest.approx(1 / 4)
    assert overall["articles@10"] == pytest.approx((3 + 3 + 1) / 3)  # over non-empty lists
    assert overall["unjudged@10"] == pytest.approx(2 / 8)


def test_only_the_top_ten_count():
    judged = {("r", n): 2 for n in range(1, 13)}
    ranked = [("z", n) for n in range(1, 11)] + [("r", 1)]  # the relevant one is 11th
    m = er.query_metrics(ranked, judged)
    assert m["ndcg"] == 0 and m["rr"] == 0 and m["hits"] == 10


def test_query_helpers():
    assert er.or_query("“joint statement” energy") == '"joint statement" OR energy'
    assert (
        er.or_query("what did Russia and Turkey agree on gas?")
        == "what OR did OR Russia OR Turkey OR agree OR on OR gas"
    )
    assert er.fold("Erdoğan Šimonytė Çavuşoğlu") == "Erdogan Simonyte Cavusoglu"
    assert er.americanise("defence") == "defense" and er.americanise("programme") == "program"
    assert er.americanise("organisation") == er.americanise("organization")
    assert er.americanise("labour") == "labor" and er.americanise("centre") == "center"
    assert er.edit_distance("jaishnkar", "jaishankar", 2) == 1


def test_bm25_baseline_ranks_and_filters():
    paragraphs = [
        {"article_id": "a", "n": i, "title": "t", "text": text}
        for i, text in enumerate(["gas pipeline deal signed", "talks on trade", "a gas field", "defence pact"], 1)
    ]
    plain = er.BM25System(paragraphs)
    assert plain.ranked("gas deal", None) == [("a", 1), ("a", 3)]
    assert plain.ranked("gas deal", {("a", 3)}) == [("a", 3)]
    assert plain.ranked("nothing here", None) == []
    norm = er.BM25System(paragraphs, normalise=True)
    assert norm.ranked("defense", None) == [("a", 4)]
    assert norm.ranked("pipelin", None) == [("a", 1)] or norm.ranked("pipeline", None) == [("a", 1)]
    assert norm.ranked("defnce pact", None)[0] == ("a", 4)
