#!/usr/bin/env python3
"""Train the tagger's learned parts on the labelled paragraphs and write the shipped weights.

    .venv/bin/python tools/train_tags.py          # trains on dev + dev2, writes search/data/tag_model.json

The learned parts (see ``search/tagging/learned.py``):

* **speakers**: a filter over the candidate speakers the rules propose
  (``search/tagging/speakers/choice.py``); a candidate is a positive example
  when it matches a gold speaker of its paragraph (``score.py``'s rule: a
  shorter name matches a longer one with the same words).

Training is a plain logistic regression (L2-regularised, Newton's method)
in numpy, so the protocol in ``tools/eval_tags.py`` can retrain every part
without the held-out publisher in each fold.
"""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
EVAL = ROOT.parent / "shared" / "eval"

from search.models import Article  # noqa: E402
from search.tagging import canonical_country  # noqa: E402
from search.tagging.learned import LinearModel, TagModel, save  # noqa: E402
from search.tagging.speakers import analyse_speakers  # noqa: E402
from search.tagging.speakers.candidates import Found  # noqa: E402
from search.tagging.speakers.choice import paragraph_features  # noqa: E402

SPEAKER_L2 = 1.0


def scorer():
    spec = importlib.util.spec_from_file_location("diplo_score", EVAL / "score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def fit_logistic(rows: list[list[str]], labels: list[int], l2: float) -> LinearModel:
    """One-output logistic regression by Newton's method (few features, so exact and fast)."""
    features = sorted({f for row in rows for f in row})
    index = {f: i for i, f in enumerate(features)}
    X = np.zeros((len(rows), len(features) + 1))
    X[:, -1] = 1.0  # the bias, not penalised
    for r, row in enumerate(rows):
        X[r, [index[f] for f in row]] = 1.0
    y = np.array(labels, dtype=float)
    w = np.zeros(X.shape[1])
    penalty = np.full(X.shape[1], l2)
    penalty[-1] = 0.0
    for _ in range(25):
        p = 1.0 / (1.0 + np.exp(-X @ w))
        gradient = X.T @ (p - y) + penalty * w
        hessian = (X * (p * (1 - p))[:, None]).T @ X + np.diag(penalty + 1e-9)
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.abs(step).max() < 1e-6:
            break
    return LinearModel(["speaks"], features, w[:-1, None], w[-1:], 0.5)


def home_country(article: Article) -> str | None:
    return canonical_country(article.dateline.strip().title()) if article.dateline else None


def speaker_examples(articles: list[Article], gold: dict[str, list[dict]]) -> tuple[list[list[str]], list[int]]:
    """Features and labels of every candidate speaker in the labelled paragraphs."""
    same = scorer().same_speaker
    rows, labels = [], []
    for art in articles:
        candidates = analyse_speakers(list(art.paragraphs), art.title or "", home_country(art)).candidates
        previous = Found()
        for found, text, g in zip(candidates, art.paragraphs, gold[art.id]):
            for c, features in paragraph_features(found, text, art.title or "", previous):
                rows.append(features)
                labels.append(int(any(same(c.name, s) for s in g["speakers"])))
            previous = found
    return rows, labels


def train(articles: list[Article], gold: dict[str, list[dict]]) -> TagModel:
    """Every learned part, trained on these articles' gold paragraphs."""
    return TagModel(speakers=fit_logistic(*speaker_examples(articles, gold), SPEAKER_L2))


def main() -> None:
    sys.path.insert(0, str(ROOT / "tools"))
    from eval_tags import load_set

    gold, articles = {}, []
    for name in ("dev", "dev2"):
        g, arts = load_set(name)
        gold.update(g)
        articles += arts
    model = train(articles, gold)
    save(model)
    print(f"wrote {Path('search/data/tag_model.json')}: "
          + ", ".join(f"{name} {len(part.features)} features" for name, part in
                      (("speakers", model.speakers), ("sectors", model.sectors)) if part))


if __name__ == "__main__":
    main()
