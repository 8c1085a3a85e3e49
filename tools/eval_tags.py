#!/usr/bin/env python3
"""Score the paragraph taggers: leave one publisher out, pooled, and speed.

    .venv/bin/python tools/eval_tags.py [--rules-only] [--skip-lopo] [--errors FACET]
                                        [--group G] [--article ID] [--per-sector] [--json FILE]

**Groups.** The labelled paragraphs of ``../shared/eval/dev.gold.jsonl`` and
``dev2.gold.jsonl`` fall into seven publisher groups, formed by the article id's
prefix (the text before the first ``-``): ``lk`` Sri Lankan newspapers, ``wh``
the White House, ``sh`` wire and web news, ``kr`` the Kremlin, ``sd`` the State
Department, ``st`` The Straits Times, ``ua`` Ukraine's president.

**Leave one publisher out (LOPO).** For each group, every learned part of the
tagger (``tools/train_tags.py``) is trained on the other six groups only, and
the group is tagged with those weights and scored. The table gives each
group's precision, recall and F1 per facet, their mean over the groups, and
the worst group. The rules are the same in every fold: they were written by
hand, so the table measures how the learned parts generalise, and a rule
earns its place only if the held-out groups rise with it.

**Pooled.** The shipped tagger (the weights in ``search/data``, trained on all
groups) on dev, dev2 and the seed: for the learned parts these are in-sample
scores, the LOPO table is the honest one.

**Speed.** Milliseconds of CPU per paragraph on one core (``tag_article`` over
dev and dev2, cold caches then warm).

Scores are ``../shared/eval/score.py``'s own (its pairing and counting), and
articles are read with the product's reader, as ``diplosearch annotate`` reads them.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tools"))
SHARED = ROOT.parent / "shared"
EVAL = SHARED / "eval"
CORPUS = SHARED / "corpus"
FACETS = ("sectors", "speakers", "countries")
GROUPS = ("lk", "wh", "sh", "kr", "sd", "st", "ua")
SETS = {  # name: (gold file, corpus file)
    "dev": (EVAL / "dev.gold.jsonl", CORPUS / "articles.jsonl"),
    "dev2": (EVAL / "dev2.gold.jsonl", CORPUS / "dev2.articles.jsonl"),
    "seed": (EVAL / "seed.gold.jsonl", ROOT / "seeds" / "000_c346cf18d6c898db.txt"),
}

from search.ingest.sources import read_file  # noqa: E402
from search.models import Article  # noqa: E402
from search.tagging import Tagger, shipped_tagger  # noqa: E402


def scorer():
    spec = importlib.util.spec_from_file_location("diplo_score", EVAL / "score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def group_of(article_id: str) -> str:
    return article_id.split("-", 1)[0]


def load_set(name: str) -> tuple[dict[str, list[dict]], list[Article]]:
    """(gold rows by article id, the labelled articles as the product reads them)."""
    gold_path, corpus_path = SETS[name]
    gold = scorer().load(str(gold_path))
    articles = [a for a in read_file(corpus_path) if isinstance(a, Article) and a.id in gold]
    return dict(gold), articles


def predict(tagger: Tagger, articles: list[Article]) -> dict[str, list[dict]]:
    """The prediction rows of each article, as ``diplosearch annotate`` writes them."""
    out = {}
    for art in articles:
        out[art.id] = [
            {"article_id": art.id, "n": n, "text": text, **{f: getattr(t, f) for f in FACETS}, "evidence": t.evidence}
            for n, (text, t) in enumerate(zip(art.paragraphs, tagger.tag(art), strict=True), 1)
        ]
    return out


class Score:
    """Counts of one scored set: tp, predicted, gold per facet; paired paragraphs."""

    def __init__(self) -> None:
        self.counts = {f: [0, 0, 0] for f in FACETS}
        self.paired = self.paragraphs = 0

    def add(self, gold: dict[str, list[dict]], pred: dict[str, list[dict]], S) -> None:
        for article_id, rows in gold.items():
            for g, p in S.pair(rows, pred.get(article_id, [])):
                self.paragraphs += 1
                self.paired += p is not None
                for f in FACETS:
                    for i, v in enumerate(S.count(f, g.get(f), (p or {}).get(f))):
                        self.counts[f][i] += v

    def prf(self, facet: str) -> tuple[float, float, float]:
        tp, npred, ngold = self.counts[facet]
        p = tp / npred if npred else 0.0
        r = tp / ngold if ngold else 0.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)

    def as_dict(self) -> dict:
        rounded = {f: [round(x, 3) for x in self.prf(f)] for f in FACETS}
        return {
            "paragraphs": self.paragraphs,
            "paired": self.paired,
            **{f: dict(zip(("precision", "recall", "f1"), rounded[f], strict=True)) for f in FACETS},
        }


def lopo_predictions(articles: list[Article], gold: dict[str, list[dict]], rules_only: bool) -> dict[str, list[dict]]:
    """The prediction rows of each article, by a tagger whose learned parts never saw its group."""
    from train_tags import train

    out = {}
    for group in GROUPS:
        held = [a for a in articles if group_of(a.id) == group]
        rest = [a for a in articles if group_of(a.id) != group]
        out.update(predict(Tagger(None if rules_only else train(rest, gold)), held))
        print(f"  {group} done", file=sys.stderr)
    return out


def lopo(articles: list[Article], gold: dict[str, list[dict]], rules_only: bool) -> dict[str, Score]:
    """Each group scored by a tagger whose learned parts never saw it."""
    S = scorer()
    pred = lopo_predictions(articles, gold, rules_only)
    scores = {}
    for group in GROUPS:
        score = Score()
        score.add({a.id: gold[a.id] for a in articles if group_of(a.id) == group}, pred, S)
        scores[group] = score
    return scores


def print_lopo(scores: dict[str, Score]) -> dict:
    print("== leave one publisher out (groups by article id prefix; learned parts trained without the group)")
    print(f"{'group':6} {'paras':>5}  " + "  ".join(f"{f:^20}" for f in FACETS))
    for group, s in scores.items():
        cells = "  ".join("{:.3f}/{:.3f}/{:.3f}".format(*s.prf(f)) for f in FACETS)
        print(f"{group:6} {s.paragraphs:5}  {cells}")
    summary = {}
    for f in FACETS:
        values = [s.prf(f) for s in scores.values()]
        mean = [sum(v[i] for v in values) / len(values) for i in range(3)]
        worst_group = min(scores, key=lambda g: scores[g].prf(f)[2])
        summary[f] = {
            "mean": [round(x, 3) for x in mean],
            "worst": worst_group,
            "worst_f1": round(scores[worst_group].prf(f)[2], 3),
        }
    print(f"{'mean':6} {'':5}  " + "  ".join("{:.3f}/{:.3f}/{:.3f}".format(*summary[f]["mean"]) for f in FACETS))
    print(
        f"{'worst':6} {'':5}  "
        + "  ".join(f"{summary[f]['worst']:>8} F1 {summary[f]['worst_f1']:.3f}   " for f in FACETS)
    )
    pooled = Score()
    for s in scores.values():
        for f in FACETS:
            pooled.counts[f] = [a + b for a, b in zip(pooled.counts[f], s.counts[f], strict=True)]
        pooled.paired += s.paired
        pooled.paragraphs += s.paragraphs
    print(
        f"{'pooled':6} {pooled.paragraphs:5}  "
        + "  ".join("{:.3f}/{:.3f}/{:.3f}".format(*pooled.prf(f)) for f in FACETS)
    )
    return {"groups": {g: s.as_dict() for g, s in scores.items()}, "summary": summary, "pooled": pooled.as_dict()}


def print_score(name: str, s: Score) -> None:
    print(f"== {name}: {s.paired}/{s.paragraphs} paragraphs paired ({100 * s.paired / s.paragraphs:.1f}%)")
    for f in FACETS:
        tp, npred, ngold = s.counts[f]
        print(f"  {f:10} P {s.prf(f)[0]:.3f}  R {s.prf(f)[1]:.3f}  F1 {s.prf(f)[2]:.3f}  (gold {ngold}, pred {npred})")


def clear_caches() -> None:
    import importlib
    import pkgutil

    import search.tagging as tagging

    for info in pkgutil.walk_packages(tagging.__path__, "search.tagging."):
        for value in vars(importlib.import_module(info.name)).values():
            cache = getattr(value, "cache_info", None)
            if cache is not None and cache().maxsize is not None:
                value.cache_clear()


def timing(tagger: Tagger, articles: list[Article]) -> dict:
    """CPU milliseconds per paragraph (one process, one core), cold caches then warm."""
    n = sum(len(a.paragraphs) for a in articles)
    clear_caches()
    t0 = time.process_time()
    for a in articles:
        tagger.tag(a)
    cold = (time.process_time() - t0) * 1000 / n
    t0 = time.process_time()
    for a in articles:
        tagger.tag(a)
    warm = (time.process_time() - t0) * 1000 / n
    print(f"== speed: {cold:.3f} ms/paragraph cold, {warm:.3f} warm ({n} paragraphs, one core)")
    return {"cold_ms": round(cold, 3), "warm_ms": round(warm, 3), "paragraphs": n}


def print_errors(facet: str, gold, pred, S, group: str | None, article: str | None) -> None:
    for article_id, rows in gold.items():
        if (group and group_of(article_id) != group) or (article and article not in article_id):
            continue
        for g, p in S.pair(rows, pred.get(article_id, [])):
            p = p or {}
            tp, npred, ngold = S.count(facet, g[facet], p.get(facet))
            if tp != npred or tp != ngold:
                print(f"\n[{article_id} #{g['n']}] {g['text'][:400]}")
                print(f"   gold: {g[facet]}\n   pred: {p.get(facet)}  {p.get('evidence', {}).get(facet)}")


def print_per_sector(gold, pred, S) -> None:
    counts = defaultdict(lambda: [0, 0, 0])  # tp, fp, fn
    for article_id, rows in gold.items():
        for g, p in S.pair(rows, pred.get(article_id, [])):
            gs, ps = set(g["sectors"]), set((p or {}).get("sectors", []))
            for s in gs | ps:
                counts[s][0 if s in gs and s in ps else 1 if s in ps else 2] += 1
    for s, (tp, fp, fn) in sorted(counts.items()):
        print(f"    {s:26} tp {tp:3}  fp {fp:3}  fn {fn:3}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rules-only", action="store_true", help="no learned parts (the rules alone)")
    ap.add_argument("--skip-lopo", action="store_true")
    ap.add_argument("--errors", choices=FACETS, help="print the paragraphs the shipped tagger gets wrong")
    ap.add_argument("--group", choices=GROUPS)
    ap.add_argument("--article")
    ap.add_argument("--per-sector", action="store_true", help="tp/fp/fn for each sector id")
    ap.add_argument("--json", help="write the report as JSON to this file")
    args = ap.parse_args()
    S = scorer()
    loaded = {name: load_set(name) for name in SETS}
    gold = {**loaded["dev"][0], **loaded["dev2"][0]}
    labelled = loaded["dev"][1] + loaded["dev2"][1]
    report: dict = {}
    if not args.skip_lopo:
        report["lopo"] = print_lopo(lopo(labelled, gold, args.rules_only))
    tagger = Tagger(None) if args.rules_only else shipped_tagger()
    preds = {name: predict(tagger, arts) for name, (_, arts) in loaded.items()}
    both = Score()
    for name, (g, _) in loaded.items():
        s = Score()
        s.add(g, preds[name], S)
        print_score(name, s)
        report[name] = s.as_dict()
        if name != "seed":
            both.add(g, preds[name], S)
    print_score("dev + dev2", both)
    report["dev+dev2"] = both.as_dict()
    report["speed"] = timing(tagger, labelled)
    all_preds = {**preds["dev"], **preds["dev2"]}
    if args.per_sector:
        print_per_sector(gold, all_preds, S)
    if args.errors:
        print_errors(args.errors, gold, all_preds, S, args.group, args.article)
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
