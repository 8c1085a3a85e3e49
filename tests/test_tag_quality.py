"""The taggers must stay above the quality bar of issue 3 on the labelled paragraphs."""
from __future__ import annotations

import importlib.util
import json
import re
import tempfile
from pathlib import Path

import pytest

from search.models import Article
from search.tagging import tag_article

REPO = Path(__file__).resolve().parents[1]
EVAL = Path(__file__).resolve().parents[2] / "shared" / "eval"
CORPUS = EVAL.parent / "corpus" / "articles.jsonl"
SEED = REPO / "seeds" / "000_c346cf18d6c898db.txt"
BAR = {"sectors": 0.90, "speakers": 0.85, "countries": 0.95}

pytestmark = pytest.mark.skipif(
    not (EVAL / "score.py").exists() or not (EVAL / "dev.gold.jsonl").exists(),
    reason="shared eval data not available",
)


def _scorer():
    spec = importlib.util.spec_from_file_location("diplo_score", EVAL / "score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _dev_articles():
    wanted = {json.loads(l)["article_id"] for l in open(EVAL / "dev.gold.jsonl", encoding="utf-8") if l.strip()}
    for line in open(CORPUS, encoding="utf-8"):
        row = json.loads(line)
        if row["id"] in wanted:
            yield Article(id=row["id"], title=row.get("title", ""), date=row.get("date", ""),
                          source=row.get("source", ""), url=row.get("url", ""),
                          paragraphs=[p.strip() for p in row["text"].split("\n\n") if p.strip()])


def _seed_article():
    text = SEED.read_text(encoding="utf-8")
    paras = [p.strip() for p in text.split("\n\n") if p.strip()]
    m = re.match(r"^date\s+(\d{4}-\d{2}-\d{2})\s+([^:]+):\s*", paras[0])
    assert m, "seed must start with 'date YYYY-MM-DD DATELINE:'"
    paras[0] = paras[0][m.end():].strip()
    return Article(id=SEED.stem, date=m.group(1), dateline=m.group(2).strip(), paragraphs=paras)


def _score(gold: Path, articles) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False, encoding="utf-8") as fh:
        for art in articles:
            for n, (text, tags) in enumerate(zip(art.paragraphs, tag_article(art)), 1):
                fh.write(json.dumps({"article_id": art.id, "n": n, "text": text,
                                     "sectors": tags.sectors, "speakers": tags.speakers,
                                     "countries": tags.countries}, ensure_ascii=False) + "\n")
    return _scorer().score(str(gold), fh.name)


@pytest.mark.skipif(not CORPUS.exists(), reason="corpus not available")
@pytest.mark.parametrize("facet", list(BAR))
def test_dev_scores_meet_the_bar(facet):
    report = _score(EVAL / "dev.gold.jsonl", _dev_articles())
    assert report["paired"] == report["paragraphs"]
    assert report[facet]["f1"] >= BAR[facet], report[facet]


@pytest.mark.skipif(not SEED.exists() or not (EVAL / "seed.gold.jsonl").exists(), reason="seed not available")
@pytest.mark.parametrize("facet", list(BAR))
def test_seed_scores_meet_the_bar(facet):
    report = _score(EVAL / "seed.gold.jsonl", [_seed_article()])
    assert report["paired"] == report["paragraphs"]
    assert report[facet]["f1"] >= BAR[facet], report[facet]
