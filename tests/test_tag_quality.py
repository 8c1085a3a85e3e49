"""Tag quality on the labelled paragraphs of ../shared/eval (issue 15), scored by its score.py.

The issue's bar, pooled over dev + dev2 (and shown for each file): sectors
0.90, speakers 0.85, countries 0.95, with 99% of the paragraphs paired. Where
the tagger does not reach it yet (see tools/eval_tags.py for the held-out
publisher table) the check is an expected failure, and a floor just under
today's scores guards against going back. Skipped where ../shared is absent:
the product never needs it.
"""

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
SHARED = REPO.parent / "shared"
EVAL = SHARED / "eval"
DEV = (EVAL / "dev.gold.jsonl", SHARED / "corpus" / "articles.jsonl")
DEV2 = (EVAL / "dev2.gold.jsonl", SHARED / "corpus" / "dev2.articles.jsonl")
SETS = {  # name: (gold file, the articles it labels), ...
    "dev": [DEV],
    "dev2": [DEV2],
    "dev+dev2": [DEV, DEV2],
    "seed": [(EVAL / "seed.gold.jsonl", REPO / "seeds" / "000_c346cf18d6c898db.txt")],
}
BAR = {"sectors": 0.90, "speakers": 0.85, "countries": 0.95}
# Today's pooled F1 (dev 0.919 / 0.935 / 0.983, dev2 0.863 / 0.856 / 0.975,
# dev+dev2 0.880 / 0.887 / 0.978, seed 0.979 / 1 / 1), less a margin.
FLOOR = {
    "dev": {"sectors": 0.91, "speakers": 0.92, "countries": 0.97},
    "dev2": {"sectors": 0.85, "speakers": 0.84, "countries": 0.96},
    "dev+dev2": {"sectors": 0.87, "speakers": 0.87, "countries": 0.97},
    "seed": {"sectors": 0.95, "speakers": 0.95, "countries": 0.95},
}
PAIRED = 0.99

pytestmark = pytest.mark.skipif(not (EVAL / "score.py").exists(), reason="../shared/eval not available")


def _scorer():
    spec = importlib.util.spec_from_file_location("diplo_score", EVAL / "score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_reports: dict[str, dict] = {}


def _report(name: str) -> dict:
    """score.py's report for one gold file, tagging its articles as `diplosearch annotate` does."""
    if name not in _reports:
        lines, articles = [], []
        for gold, corpus in SETS[name]:
            if not gold.exists() or not corpus.exists():
                pytest.skip(f"{gold.name} or {corpus.name} not available")
            labelled = [line for line in gold.read_text(encoding="utf-8").splitlines() if line.strip()]
            wanted = {json.loads(line)["article_id"] for line in labelled}
            read = [a for a in read_file(corpus) if isinstance(a, Article) and a.id in wanted]
            assert {a.id for a in read} == wanted
            lines += labelled
            articles += read
        with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False, encoding="utf-8") as both:
            both.write("\n".join(lines) + "\n")
        with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False, encoding="utf-8") as fh:
            for art in articles:
                for n, (text, tags) in enumerate(zip(art.paragraphs, tag_article(art), strict=True), 1):
                    fh.write(
                        json.dumps(
                            {
                                "article_id": art.id,
                                "n": n,
                                "text": text,
                                "sectors": tags.sectors,
                                "speakers": tags.speakers,
                                "countries": tags.countries,
                            }
                        )
                        + "\n"
                    )
        _reports[name] = _scorer().score(both.name, fh.name)
        Path(both.name).unlink()
        Path(fh.name).unlink()
    return _reports[name]


@pytest.mark.parametrize("name", list(SETS))
def test_paragraphs_are_paired(name):
    report = _report(name)
    assert report["paired"] >= PAIRED * report["paragraphs"], report


@pytest.mark.parametrize("name", list(SETS))
@pytest.mark.parametrize("facet", list(BAR))
def test_scores_stay_above_todays_floor(name, facet):
    assert _report(name)[facet]["f1"] >= FLOOR[name][facet], _report(name)[facet]


@pytest.mark.parametrize("name", ["dev", "dev2", "dev+dev2"])
@pytest.mark.parametrize("facet", list(BAR))
def test_scores_meet_the_issue_bar(name, facet):
    f1 = _report(name)[facet]["f1"]
    if f1 < BAR[facet]:
        pytest.xfail(f"{name} {facet} F1 {f1} is under the issue's bar {BAR[facet]} (issue 15 open)")
    assert f1 >= BAR[facet]
