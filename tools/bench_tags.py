#!/usr/bin/env python3
"""Time each paragraph tagger on the corpus (paragraphs per second, one core).

    .venv/bin/python tools/bench_tags.py [CORPUS] [--repeat N] [--profile STAGE]

Articles are read with the product's own reader (``search.ingest.sources.read_file``).
Stages: speakers (analyse_speakers per article), sectors (tag_sectors per
paragraph), countries (find_countries per paragraph) and the whole
``tag_article``. Each stage is timed cold (per-text caches cleared) and warm (run again).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from search.ingest.sources import read_file  # noqa: E402
from search.models import Article  # noqa: E402
from search.tagging import tag_article  # noqa: E402
from search.tagging.countries import find_countries  # noqa: E402
from search.tagging.sectors import tag_sectors  # noqa: E402
from search.tagging.speakers import analyse_speakers  # noqa: E402


def clear_text_caches():
    """Empty the per-text caches (bounded lru caches), keeping the loaded tables."""
    import importlib
    import pkgutil

    import search.tagging as tagging

    names = [m.name for m in pkgutil.walk_packages(tagging.__path__, "search.tagging.")]
    for module in map(importlib.import_module, names):
        for value in vars(module).values():
            info = getattr(value, "cache_info", None)
            if info is not None and info().maxsize is not None:
                value.cache_clear()


def stages(arts):
    return {
        "speakers": lambda: [analyse_speakers(list(a.paragraphs), a.title or "") for a in arts],
        "sectors": lambda: [tag_sectors(p) for a in arts for p in a.paragraphs],
        "countries": lambda: [find_countries(p) for a in arts for p in a.paragraphs],
        "total": lambda: [tag_article(a) for a in arts],
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus", nargs="?", default=str(ROOT.parent / "shared" / "corpus" / "articles.jsonl"))
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--profile", choices=["speakers", "sectors", "countries", "total"])
    args = ap.parse_args()
    arts = [a for a in read_file(Path(args.corpus)) if isinstance(a, Article)]
    n = sum(len(a.paragraphs) for a in arts)
    tag_article(arts[0])  # build the tables once
    runs = stages(arts)
    if args.profile:
        import cProfile
        import pstats

        cProfile.runctx("f()", {}, {"f": runs[args.profile]}, "/tmp/bench_tags.prof")
        pstats.Stats("/tmp/bench_tags.prof").sort_stats("tottime").print_stats(30)
        return
    print(f"{len(arts)} articles, {n} paragraphs")
    for name, run in runs.items():
        cold = warm = float("inf")
        for _ in range(args.repeat):
            clear_text_caches()
            t0 = time.perf_counter()
            run()
            cold = min(cold, time.perf_counter() - t0)
            t0 = time.perf_counter()
            run()
            warm = min(warm, time.perf_counter() - t0)
        print(
            f"  {name:10} cold {n / cold:7,.0f} paragraphs/s ({cold / n * 1e6:5.1f} µs)"
            f"   warm {n / warm:7,.0f} paragraphs/s ({warm / n * 1e6:5.1f} µs)"
        )


if __name__ == "__main__":
    main()
