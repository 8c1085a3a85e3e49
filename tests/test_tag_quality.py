"""The taggers must stay above the quality bar of issue 3 on the labelled paragraphs."""
from __future__ import annotations

import importlib.util
import json
import tempfile
from pathlib import Path

import pytest

from search.ingest.sources import read_file
from search.models import Article
from search.tagging import tag_article

REPO = Path(__file__).resolve().parents[1]
EVAL = Path(__file__).resolve().parents[2] / "shared" / "eval"
CORPUS = EVAL.parent / "corpus" / "articles.jsonl"
SEED = REPO / "seeds" / "000_c346cf18d6c898db.txt"
# The bar (0.90 / 0.85 / 0.95 on dev). The sector rules were last changed on
# half the dev articles and checked on the other half (held-out F1 0.896 -> 0.899),
# so the hidden publishers' score is likely nearer 0.90 than the dev score (0.903).
BAR = {"sectors": 0.90, "speakers": 0.85, "countries": 0.95}

pytestmark = [pytest.mark.slow, pytest.mark.skipif(
    not (EVAL / "score.py").exists() or not (EVAL / "dev.gold.jsonl").exists(),
    reason="shared eval data not available",
)]


def _scorer():
    spec = importlib.util.spec_from_file_location("diplo_score", EVAL / "score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _dev_articles():
    """The labelled articles, read by the product's own reader (as `diplosearch annotate` reads them)."""
    wanted = {json.loads(line)["article_id"] for line in (EVAL / "dev.gold.jsonl").read_text(encoding="utf-8").splitlines()
              if line.strip()}
    return [a for a in read_file(CORPUS) if isinstance(a, Article) and a.id in wanted]


def _seed_article():
    (article,) = read_file(SEED)
    assert isinstance(article, Article), article
    assert article.date and article.dateline, "seed must start with 'date YYYY-MM-DD DATELINE:'"
    return article


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
    articles = _dev_articles()
    assert len(articles) == len({a.id for a in articles}) > 0
    report = _score(EVAL / "dev.gold.jsonl", articles)
    assert report["paired"] == report["paragraphs"]
    assert report[facet]["f1"] >= BAR[facet], report[facet]


@pytest.mark.skipif(not SEED.exists() or not (EVAL / "seed.gold.jsonl").exists(), reason="seed not available")
@pytest.mark.parametrize("facet", list(BAR))
def test_seed_scores_meet_the_bar(facet):
    report = _score(EVAL / "seed.gold.jsonl", [_seed_article()])
    assert report["paired"] == report["paragraphs"]
    assert report[facet]["f1"] >= BAR[facet], report[facet]
