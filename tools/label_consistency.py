#!/usr/bin/env python3
"""Where the publishers' sector labels disagree: what keeps held-out sectors below the bar.

    .venv/bin/python tools/label_consistency.py [--rules-only]

Every paragraph of ``../shared/eval/dev.gold.jsonl`` and ``dev2.gold.jsonl`` is
tagged as in the leave-one-publisher-out protocol of ``tools/eval_tags.py``
(learned parts trained without its publisher group). Two tables follow.

**What one sector's errors cost.** Each group's sectors F1 as tagged, and as it
would be if the tagger were right on one sector (its predictions of that
sector replaced by the gold), so the sectors whose errors hold a group down
stand out.

**Diplomacy by what the tagger can see.** The paragraphs the tagger does not
mark ``diplomacy`` are put in classes by what it can see in them: a speaker or
none, how many countries, another sector or none. For each class, the share
of each group's paragraphs whose gold has ``diplomacy``. Where the groups'
shares in one class are far apart (one publisher labels it in half its
paragraphs, another almost never), no rule or model over those signals can
follow both: whatever it does for the class raises one group and lowers the
other. The last columns are the change in each group's sectors F1 if every
paragraph of the class were tagged ``diplomacy``.
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict

from eval_tags import GROUPS, group_of, load_set, lopo_predictions, scorer

SECTORS_SHOWN = ("diplomacy", "humanitarian", "defence", "trade-investment", "security")


def paired(gold: dict[str, list[dict]], pred: dict[str, list[dict]]) -> dict[str, list[tuple[set, set, dict]]]:
    """For each group: (gold sectors, predicted sectors, predicted row) of every labelled paragraph."""
    S = scorer()
    out = defaultdict(list)
    for article_id, rows in gold.items():
        for g, p in S.pair(rows, pred.get(article_id, [])):
            p = p or {}
            out[group_of(article_id)].append((set(g["sectors"]), set(p.get("sectors") or []), p))
    return out


def f1(rows: list[tuple[set, set, dict]], right_on: str = "", add_to: str = "") -> float:
    """Sectors F1 of rows; ``right_on`` a sector taken from the gold, ``add_to`` a class given diplomacy."""
    tp = fp = fn = 0
    for gold, pred, row in rows:
        if right_on:
            pred = (pred - {right_on}) | (gold & {right_on})
        if add_to and visible_class(row) == add_to:
            pred = pred | {"diplomacy"}
        tp += len(gold & pred)
        fp += len(pred - gold)
        fn += len(gold - pred)
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def visible_class(row: dict) -> str:
    """What the tagger sees in a paragraph it did not mark diplomacy ("" if it did)."""
    sectors = row.get("sectors") or []
    if "diplomacy" in sectors:
        return ""
    n = min(len(row.get("countries") or []), 2)
    return (
        f"{'speaker' if row.get('speakers') else 'no speaker'}, "
        f"{n}{'+' if n == 2 else ''} countr{'y' if n == 1 else 'ies'}, "
        f"{'another sector' if sectors else 'no sector'}"
    )


def print_costs(groups: dict[str, list]) -> None:
    print("== sectors F1 per group: as tagged, and if the tagger were right on one sector")
    print(f"{'':26}" + "".join(f"{g:>7}" for g in GROUPS) + "   mean")
    for sector in ("", *SECTORS_SHOWN):
        values = [f1(groups[g], right_on=sector) for g in GROUPS]
        label = f"right on {sector}" if sector else "as tagged"
        print(f"{label:26}" + "".join(f"{v:7.3f}" for v in values) + f"  {sum(values) / len(values):.3f}")


def print_classes(groups: dict[str, list]) -> None:
    print("\n== paragraphs not tagged diplomacy: gold diplomacy / paragraphs, per group and visible class")
    print("   (and each group's sectors F1 change if the whole class were tagged diplomacy)")
    classes = sorted({visible_class(row) for rows in groups.values() for _, _, row in rows} - {""})
    base = {g: f1(groups[g]) for g in GROUPS}
    print(f"  {'class':40} {' '.join(f'{g:^7}' for g in GROUPS)}   F1 change: {' '.join(f'{g:>6}' for g in GROUPS)}")
    for c in classes:
        cells = []
        for g in GROUPS:
            members = [gold for gold, _, row in groups[g] if visible_class(row) == c]
            cells.append(f"{sum('diplomacy' in m for m in members):3}/{len(members):<3}")
        change = " ".join(f"{f1(groups[g], add_to=c) - base[g]:+.3f}" for g in GROUPS)
        print(f"  {c:40} {' '.join(cells)}   {'':11} {change}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rules-only", action="store_true", help="no learned parts (the rules alone)")
    args = ap.parse_args()
    gold, articles = {}, []
    for name in ("dev", "dev2"):
        g, a = load_set(name)
        gold.update(g)
        articles += a
    groups = paired(gold, lopo_predictions(articles, gold, args.rules_only))
    print_costs(groups)
    print_classes(groups)


if __name__ == "__main__":
    sys.exit(main())
