"""Whoosh and OpenSearch side by side on the same synthetic corpus.

    .venv/bin/python -m bench.opensearch --size 100k --opensearch-url http://127.0.0.1:9200

Generates (or reuses) the corpus of ``bench.run``, then for each backend:

* indexing with tagging (the real taggers, one worker process per core; on OpenSearch the
  workers feed ``helpers.streaming_bulk``) and without (the corpus's given tags): paragraphs/s,
  peak RSS of the indexing process tree, and for OpenSearch the node's RSS and index size;
* search: the benchmark's mixed query set (``bench.queries``: single term, two-term AND,
  phrase, term + sector, term + 2 sectors + country, broad) through each backend's
  ``search`` (top 10, snippets, three facets with counts, the date facet and timeline), one
  warm-up pass then a timed pass: p50/p95/p99 per type; each query's total is compared between
  the backends (the known differences, stemming and accent folding, explain the mismatches).

Each phase runs in its own process (its peak memory is its own). The node is measured through
``/proc`` (it must run on this machine: ``.ci/opensearch start``). Results go to
``bench/results/opensearch-<size>-<time>.json`` and a table is printed; the last table at 100k
is in ``search/backends/opensearch/README.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from pathlib import Path

from . import corpus
from .run import RESULTS, machine, parse_size, query_set, run_phase, size_label

NAME = "bench"


def node_memory(client) -> dict:
    """RSS and peak RSS of each node process (from /proc: the nodes run on this machine), heap used."""
    out = {}
    info = client.nodes.info(metric="process")["nodes"]
    stats = client.nodes.stats(metric="jvm")["nodes"]
    for node_id, node in info.items():
        pid = node["process"]["id"]
        heap = stats[node_id]["jvm"]["mem"]["heap_used_in_bytes"]
        entry = {"name": node["name"], "heap_used_mb": round(heap / 2**20, 1)}
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith(("VmRSS", "VmHWM")):
                    key = "rss_mb" if line.startswith("VmRSS") else "peak_rss_mb"
                    entry[key] = round(int(line.split()[1]) / 1024, 1)
        except OSError:
            entry["rss_mb"] = None
        out[node["name"]] = entry
    return out


# -- phases (each in its own process) ----------------------------------------------------
def phase_index(args) -> dict:
    from search.backends.opensearch import OpenSearchBackend, connect
    from search.index.build import reindex

    from .phases import TreeSampler, rusage_mb

    client = connect(args.url)
    name = f"{NAME}-{'tagged' if args.tag else 'given'}"
    kwargs = {"procs": args.procs} if args.procs else {}
    before = node_memory(client)
    with TreeSampler() as sampler:
        started = time.perf_counter()
        report = reindex(
            OpenSearchBackend(args.url, name), [args.corpus], full=True, progress=False, tag=args.tag, **kwargs
        )
        seconds = time.perf_counter() - started
    stats = client.indices.stats(index=report.build, metric="store,docs")["indices"][report.build]["primaries"]
    return {
        "tag": args.tag,
        "procs": args.procs or "default",
        "seconds": round(seconds, 2),
        "paragraphs": report.paragraphs,
        "articles": report.articles,
        "paragraphs_per_s": round(report.paragraphs / seconds, 1),
        "index_bytes": stats["store"]["size_in_bytes"],
        "index": report.build,
        "tree_peak_mb": sampler.peak_mb,
        "node_before": before,
        "node_after": node_memory(client),
        **rusage_mb(),
    }


def phase_search(args) -> dict:
    import gc

    from search.backends.opensearch import OpenSearchBackend, connect
    from search.backends.whoosh import WhooshBackend
    from search.query.params import build_request

    from .phases import percentiles, rusage_mb
    from .queries import TYPES, mixed_order, query_set

    queries = query_set(args.reps, args.seed)
    ordered = mixed_order(queries, args.seed)
    client = connect(args.url)
    index = OpenSearchBackend(args.url, args.name, client=client)
    requests = {id(q): build_request(q=q.q, filters={"sector": q.sectors, "country": q.countries}) for q in queries}
    whoosh = (
        WhooshBackend(args.whoosh_index) if args.whoosh_index and Path(args.whoosh_index, "CURRENT").exists() else None
    )
    mismatches, examples, totals = {k: 0 for k in TYPES}, [], {k: [] for k in TYPES}
    for query in ordered:  # warm-up, and totals compared with Whoosh's
        result = index.search(requests[id(query)])
        totals[query.kind].append(result.total)
        if whoosh is not None:
            expected = whoosh.search(requests[id(query)]).total
            if expected != result.total:
                mismatches[query.kind] += 1
                if len(examples) < 8:
                    examples.append({"query": query.to_dict(), "opensearch": result.total, "whoosh": expected})
    if whoosh is not None:
        whoosh.close()
        del whoosh
    gc.collect()
    timings = {k: [] for k in TYPES}
    for _ in range(args.passes):
        for query in ordered:
            started = time.perf_counter()
            index.search(requests[id(query)])
            timings[query.kind].append(time.perf_counter() - started)
    docs = client.count(index=args.name)["count"]
    out = {
        "docs": docs,
        "queries_per_type": args.reps,
        "passes": args.passes,
        "total_mismatches_vs_whoosh": mismatches,
        "mismatch_examples": examples,
        "mean_total": {k: round(sum(v) / len(v), 1) for k, v in totals.items() if v},
        "latency": {k: percentiles(v) for k, v in timings.items()},
        "node": node_memory(client),
        **rusage_mb(),
    }
    out["latency"]["all"] = percentiles([s for v in timings.values() for s in v])
    return out


# -- the run ----------------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(prog="python -m bench.opensearch", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command")
    p = sub.add_parser("phase")
    p.add_argument("phase", choices=["index", "search"])
    p.add_argument("--url", required=True)
    p.add_argument("--corpus", default="")
    p.add_argument("--tag", action="store_true")
    p.add_argument("--procs", type=int, default=0)
    p.add_argument("--name", default=f"{NAME}-given")
    p.add_argument("--whoosh-index", default="")
    p.add_argument("--reps", type=int, default=50)
    p.add_argument("--passes", type=int, default=1)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--out", required=True)
    parser.add_argument("--size", default="10k")
    parser.add_argument("--paragraphs", type=int, default=0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--reps", type=int, default=50)
    parser.add_argument("--passes", type=int, default=1)
    parser.add_argument("--procs", type=int, default=0)
    parser.add_argument(
        "--opensearch-url",
        default=os.environ.get("DIPLOSEARCH_OPENSEARCH_URL") or os.environ.get("DIPLOSEARCH_TEST_OPENSEARCH_URL", ""),
    )
    parser.add_argument(
        "--skip",
        action="append",
        default=[],
        choices=["whoosh", "tagged"],
        help="leave out the Whoosh side or the indexing with tagging",
    )
    parser.add_argument("--work", default="")
    parser.add_argument("--results", default=str(RESULTS))
    parser.add_argument("--keep-indexes", action="store_true")
    parser.add_argument("--timeout", type=float, default=6 * 3600)
    args = parser.parse_args(argv)

    if args.command == "phase":
        result = {"index": phase_index, "search": phase_search}[args.phase](args)
        Path(args.out).write_text(json.dumps(result, indent=1))
        return result
    if not args.opensearch_url:
        parser.error("give --opensearch-url (or set DIPLOSEARCH_OPENSEARCH_URL); `.ci/opensearch start` prints one")
    n = args.paragraphs or parse_size(args.size)
    label = size_label(n)
    work = Path(args.work or RESULTS / "work" / f"{label}-seed{args.seed}").resolve()
    work.mkdir(parents=True, exist_ok=True)
    corpus_dir = work / "corpus"
    result: dict = {
        "size": label,
        "paragraphs": n,
        "seed": args.seed,
        "machine": machine(),
        "started": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "settings": vars(args),
    }
    print(f"Whoosh and OpenSearch: {n:,} paragraphs, work folder {work}", file=sys.stderr)
    result["corpus"] = corpus.generate(corpus_dir, n, seed=args.seed)
    procs = ["--procs", str(args.procs)] if args.procs else []
    url = args.opensearch_url
    whoosh_ix = work / "index-given"
    for tag in [True, False] if "tagged" not in args.skip else [False]:
        name = "tagged" if tag else "untagged"
        if "whoosh" not in args.skip:
            folder = work / ("index-tagged" if tag else "index-given")
            shutil.rmtree(folder, ignore_errors=True)
            result[f"whoosh_index_{name}"] = run_phase(
                f"whoosh-index-{name}",
                ["index", "--corpus", str(corpus_dir), "--index", str(folder), *([] if tag else ["--no-tag"]), *procs],
                work,
                args.timeout,
            )
        result[f"opensearch_index_{name}"] = run_phase(
            f"opensearch-index-{name}",
            ["phase", "index", "--url", url, "--corpus", str(corpus_dir), *(["--tag"] if tag else []), *procs],
            work,
            args.timeout,
            module="bench.opensearch",
        )
    if "whoosh" not in args.skip:
        result["whoosh_search"] = run_phase(
            "whoosh-search",
            [
                "search",
                "--index",
                str(whoosh_ix),
                *query_set(args),
                "--naive-reps",
                "1",
            ],
            work,
            args.timeout,
        )
    result["opensearch_search"] = run_phase(
        "opensearch-search",
        [
            "phase",
            "search",
            "--url",
            url,
            "--name",
            f"{NAME}-given",
            "--whoosh-index",
            str(whoosh_ix),
            *query_set(args),
        ],
        work,
        args.timeout,
        module="bench.opensearch",
    )
    if not args.keep_indexes:
        shutil.rmtree(work / "index-tagged", ignore_errors=True)
        shutil.rmtree(whoosh_ix, ignore_errors=True)
    result["finished"] = time.strftime("%Y-%m-%dT%H:%M:%S")
    results = Path(args.results)
    results.mkdir(parents=True, exist_ok=True)
    path = results / f"opensearch-{label}-{time.strftime('%Y%m%dT%H%M%S')}.json"
    path.write_text(json.dumps(result, indent=1, ensure_ascii=False))
    print(report(result))
    print(f"\nsaved {path}")
    return result


def _percentiles(latency: dict) -> str:
    if not latency.get("n"):
        return f"{'-':>6} {'-':>7} {'-':>7}"
    return f"{latency['p50_ms']:>6.1f} {latency['p95_ms']:>7.1f} {latency['p99_ms']:>7.1f}"


def report(result: dict) -> str:
    from .queries import TYPE_LABELS, TYPES

    m = result["machine"]
    lines = [
        f"Whoosh vs OpenSearch — {result['paragraphs']:,} paragraphs "
        f"({result['corpus'].get('articles', '?'):,} articles), seed {result['seed']}",
        f"machine: {m.get('nproc')} CPUs ({m.get('cpu_model', '?')}), load {' '.join(m.get('loadavg', []))}",
        "",
        "indexing (full build)",
    ]
    for name in ("tagged", "untagged"):
        for engine in ("whoosh", "opensearch"):
            phase = result.get(f"{engine}_index_{name}")
            if phase is None:
                continue
            if "paragraphs_per_s" not in phase:
                lines.append(f"  {engine:<10} {name:<9} failed: {phase.get('failed')} {phase.get('stderr', '')[-300:]}")
                continue
            node = ""
            if engine == "opensearch":
                after = next(iter(phase["node_after"].values()))
                node = f"; node RSS {after.get('rss_mb')} MB (peak {after.get('peak_rss_mb')} MB)"
            lines.append(
                f"  {engine:<10} {name:<9} {phase['paragraphs_per_s']:>8,.0f} paragraphs/s "
                f"{phase['seconds']:>8.1f} s  index {phase['index_bytes'] / 1e6:,.0f} MB  "
                f"indexer tree peak {phase['tree_peak_mb']:.0f} MB{node}"
            )
    w, o = result.get("whoosh_search", {}), result.get("opensearch_search", {})
    lines += [
        "",
        "search latency, ms (top 10, snippets, 3 facets with counts, date facet, timeline)",
        f"  {'query type':<28} | {'Whoosh':^22} | {'OpenSearch':^22} | totals differ",
        f"  {'':<28} | {'p50':>6} {'p95':>7} {'p99':>7} | {'p50':>6} {'p95':>7} {'p99':>7} |",
    ]
    for kind in (*TYPES, "all"):
        a = w.get("product", {}).get(kind, {})
        b = o.get("latency", {}).get(kind, {})
        miss = o.get("total_mismatches_vs_whoosh", {}).get(kind, "")
        lines.append(f"  {TYPE_LABELS.get(kind, 'all queries'):<28} | {_percentiles(a)} | {_percentiles(b)} | {miss}")
    if o.get("node"):
        node = next(iter(o["node"].values()))
        lines.append(
            f"  memory: Whoosh query process peak {w.get('self_peak_mb', '?')} MB; OpenSearch node RSS "
            f"{node.get('rss_mb')} MB (peak {node.get('peak_rss_mb')} MB, "
            f"heap used {node.get('heap_used_mb')} MB),"
            f" its client process peak {o.get('self_peak_mb', '?')} MB"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
