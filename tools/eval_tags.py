#!/usr/bin/env python3
"""Score the paragraph taggers on the gold files and time them.

    .venv/bin/python tools/eval_tags.py [--errors FACET] [--article ID] [--per-sector]

Prints precision, recall and F1 per facet for dev.gold.jsonl and seed.gold.jsonl
and the tagging speed in paragraphs per second.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
EVAL = ROOT.parent / "shared" / "eval"

from search.models import Article  # noqa: E402
from search.tagging import tag_article  # noqa: E402


def load_score():
    spec = importlib.util.spec_from_file_location("score", EVAL / "score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def dev_articles(gold_path: Path):
    corpus_path = ROOT.parent / "shared" / "corpus" / "articles.jsonl"
    wanted = {json.loads(l)["article_id"] for l in open(gold_path, encoding="utf-8") if l.strip()}
    arts = []
    for line in open(corpus_path, encoding="utf-8"):
        row = json.loads(line)
        if row["id"] in wanted:
            paras = [p.strip() for p in row["text"].split("\n\n") if p.strip()]
            arts.append(Article(id=row["id"], title=row.get("title", ""), date=row.get("date", ""),
                                source=row.get("source", ""), url=row.get("url", ""), paragraphs=paras))
    return arts


def seed_article(path: Path):
    import re

    text = path.read_text(encoding="utf-8")
    paras = [p.strip() for p in text.split("\n\n") if p.strip()]
    m = re.match(r"^date\s+(\d{4}-\d{2}-\d{2})\s+([^:]+):\s*", paras[0])
    date = dateline = ""
    if m:
        date, dateline = m.group(1), m.group(2).strip()
        paras[0] = paras[0][m.end():].strip()
    return Article(id=path.stem, date=date, dateline=dateline, paragraphs=paras)


def predict(arts):
    rows = []
    t0 = time.perf_counter()
    tagged = [(a, tag_article(a)) for a in arts]
    dt = time.perf_counter() - t0
    n = 0
    for a, tags in tagged:
        for i, (p, t) in enumerate(zip(a.paragraphs, tags), 1):
            rows.append({"article_id": a.id, "n": i, "text": p, "sectors": t.sectors,
                         "speakers": t.speakers, "countries": t.countries, "evidence": t.evidence})
            n += 1
    return rows, n, dt


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--errors", choices=["sectors", "speakers", "countries"])
    ap.add_argument("--article")
    ap.add_argument("--per-sector", action="store_true", help="tp/fp/fn for each sector id (paired by position)")
    args = ap.parse_args()
    score = load_score()
    sets = [("dev", EVAL / "dev.gold.jsonl", dev_articles(EVAL / "dev.gold.jsonl")),
            ("seed", EVAL / "seed.gold.jsonl", [seed_article(ROOT / "seeds" / "000_c346cf18d6c898db.txt")])]
    for name, gold, arts in sets:
        rows, n, dt = predict(arts)
        with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as fh:
            for r in rows:
                fh.write(json.dumps(r, ensure_ascii=False) + "\n")
        rep = score.score(str(gold), fh.name)
        print(f"== {name}: {rep['paired']}/{rep['paragraphs']} paired, {n / dt:,.0f} paragraphs/s")
        for f in ("sectors", "speakers", "countries"):
            r = rep[f]
            print(f"  {f:10} P {r['precision']:.3f}  R {r['recall']:.3f}  F1 {r['f1']:.3f}  (gold {r['gold']}, pred {r['predicted']})")
        if args.per_sector:
            gold_rows = {(g["article_id"], g["n"]): g for g in map(json.loads, open(gold, encoding="utf-8"))}
            counts = defaultdict(lambda: [0, 0, 0])  # tp, fp, fn
            for r in rows:
                g = gold_rows.get((r["article_id"], r["n"]))
                gs, ps = set(g["sectors"]) if g else set(), set(r["sectors"])
                for s in gs | ps:
                    counts[s][0 if s in gs and s in ps else 1 if s in ps else 2] += 1
            for s, (tp, fp, fn) in sorted(counts.items()):
                print(f"    {s:26} tp {tp:3}  fp {fp:3}  fn {fn:3}")
        if args.errors:
            f = args.errors
            gold_rows = {(g["article_id"], g["n"]): g for g in map(json.loads, open(gold, encoding="utf-8"))}
            for r in rows:
                if args.article and args.article not in r["article_id"]:
                    continue
                g = gold_rows.get((r["article_id"], r["n"]))
                if not g:
                    continue
                tp, npred, ngold = score.count(f, g[f], r[f])
                if tp != npred or tp != ngold:
                    print(f"\n[{r['article_id']} #{r['n']}] {r['text'][:400]}")
                    print(f"   gold: {g[f]}\n   pred: {r[f]}  {r['evidence'][f]}")


if __name__ == "__main__":
    main()
