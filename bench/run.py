"""Run the whole benchmark: ``.venv/bin/python -m bench.run --size 100k``.

Generates the corpus (cached under the work folder), indexes it with and
without tagging through ``search.index.build.reindex``, opens a searcher cold,
times ``Index.search`` against the naive Whoosh baseline, loads the web API
with concurrent clients, prints a table and saves everything as JSON in
``bench/results/<size>-<timestamp>.json``. Each measured phase runs in its
own process (``bench.phases``) so its peak memory is its own.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path

from . import corpus

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
SIZES = {"2k": 2_000, "10k": 10_000, "100k": 100_000, "1m": 1_000_000}


def parse_size(text: str) -> int:
    text = text.strip().lower().replace("_", "").replace(",", "")
    if text in SIZES:
        return SIZES[text]
    if text.endswith("k"):
        return int(float(text[:-1]) * 1000)
    if text.endswith("m"):
        return int(float(text[:-1]) * 1_000_000)
    return int(text)


def size_label(n: int) -> str:
    if n % 1_000_000 == 0:
        return f"{n // 1_000_000}M"
    if n % 1000 == 0:
        return f"{n // 1000}k"
    return str(n)


def machine() -> dict:
    info = {"nproc": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()}
    try:
        sched = len(os.sched_getaffinity(0))
        info["usable_cpus"] = sched
    except AttributeError:
        pass
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu_model"] = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith(("MemTotal", "MemAvailable")):
                key = "memory_total_mb" if line.startswith("MemTotal") else "memory_available_mb"
                info[key] = int(line.split()[1]) // 1024
        info["loadavg"] = Path("/proc/loadavg").read_text().split()[:3]
    except OSError:
        pass
    from importlib import metadata

    for package in ("whoosh3", "whoosh", "whoosh-reloaded", "numpy", "flask", "gunicorn"):
        try:
            info[f"{package}_version"] = metadata.version(package)
        except metadata.PackageNotFoundError:
            pass
    try:
        info["git_commit"] = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, timeout=10
        ).stdout.strip()
        info["git_dirty"] = bool(
            subprocess.run(
                ["git", "status", "--porcelain", "--", "search", "web"],
                cwd=ROOT,
                capture_output=True,
                text=True,
                timeout=10,
            ).stdout.strip()
        )
    except (OSError, subprocess.SubprocessError):
        pass
    import hashlib

    digest = hashlib.sha256()
    for path in sorted([*ROOT.glob("search/**/*.py"), *ROOT.glob("search/data/*"), *ROOT.glob("web/**/*.py")]):
        digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0" + path.read_bytes())
    info["code_sha256"] = digest.hexdigest()[:16]  # of search/ and web/ as run (the tree may be uncommitted)
    return info


def query_set(args: argparse.Namespace) -> list[str]:
    """The options that fix the timed query set of a search phase."""
    return ["--reps", str(args.reps), "--passes", str(args.passes), "--seed", str(args.seed)]


def run_phase(name: str, args: list[str], work: Path, timeout: float | None, module: str = "bench.phases") -> dict:
    """One phase of ``module`` in a fresh process, which writes its figures as JSON."""
    out = work / f"phase-{name}.json"
    out.unlink(missing_ok=True)
    command = [sys.executable, "-m", module, *args, "--out", str(out)]
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT)] + [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p])
    started = time.perf_counter()
    print(f"  [{name}] ...", end="", flush=True, file=sys.stderr)
    process = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)
    wall = time.perf_counter() - started
    print(f" {wall:.1f} s", file=sys.stderr)
    if process.returncode != 0 or not out.exists():
        return {"failed": f"exit code {process.returncode}", "stderr": process.stderr[-3000:]}
    result = json.loads(out.read_text())
    result["process_wall_s"] = round(wall, 2)
    return result


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default="10k", help="paragraphs: 10k, 100k, 1M or a number (default 10k)")
    parser.add_argument("--paragraphs", type=int, default=0, help="exact number of paragraphs (overrides --size)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--reps", type=int, default=50, help="queries of each of the six types (default 50)")
    parser.add_argument("--passes", type=int, default=1, help="timed passes over the query set (default 1)")
    parser.add_argument(
        "--naive-reps", type=int, default=0, help="queries of each type for the slow naive baseline (default: --reps)"
    )
    parser.add_argument("--api-clients", type=int, default=4)
    parser.add_argument("--api-requests", type=int, default=1000, help="requests in the API phase (default 1000)")
    parser.add_argument("--api-seconds", type=float, default=60, help="time cap of the API phase (default 60)")
    parser.add_argument("--procs", type=int, default=0, help="reindex worker processes (default: the product's)")
    parser.add_argument(
        "--skip",
        action="append",
        default=[],
        choices=["tagged", "untagged", "search", "api"],
        help="skip a phase (repeatable)",
    )
    parser.add_argument("--profile", type=int, default=25, help="cProfile rows of Index.search to keep (0: off)")
    parser.add_argument("--work", default="", help="corpus and index folder (default bench/results/work/<size>)")
    parser.add_argument("--results", default=str(RESULTS), help="where the JSON goes (default bench/results)")
    parser.add_argument("--keep-indexes", action="store_true", help="keep the indexes after the run")
    parser.add_argument("--timeout", type=float, default=6 * 3600, help="per-phase time limit in seconds")
    args = parser.parse_args(argv)

    n = args.paragraphs or parse_size(args.size)
    label = size_label(n)
    work = Path(args.work or RESULTS / "work" / f"{label}-seed{args.seed}").resolve()
    work.mkdir(parents=True, exist_ok=True)
    corpus_dir, tagged_ix, given_ix = work / "corpus", work / "index-tagged", work / "index-given"
    result: dict = {
        "size": label,
        "paragraphs": n,
        "seed": args.seed,
        "started": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "machine": machine(),
        "settings": {k: v for k, v in vars(args).items()},
    }
    print(f"diplosearch benchmark: {n:,} paragraphs, work folder {work}", file=sys.stderr)

    print("  [corpus] ...", end="", flush=True, file=sys.stderr)
    result["corpus"] = corpus.generate(corpus_dir, n, seed=args.seed)
    print(" reused" if result["corpus"]["reused"] else f" {result['corpus']['seconds']} s", file=sys.stderr)

    procs = ["--procs", str(args.procs)] if args.procs else []
    search_ix = None
    for name, folder, extra in (("tagged", tagged_ix, []), ("untagged", given_ix, ["--no-tag"])):
        if name in args.skip:
            continue
        shutil.rmtree(folder, ignore_errors=True)
        phase = run_phase(
            f"index-{name}",
            ["index", "--corpus", str(corpus_dir), "--index", str(folder), *extra, *procs],
            work,
            args.timeout,
        )
        result[f"index_{name}"] = phase
        if "paragraphs" in phase:
            search_ix = folder  # the last built: the untagged one when there is one (controlled tags)
    if search_ix is None:
        search_ix = given_ix if (given_ix / "CURRENT").exists() else tagged_ix
    result["search_index"] = search_ix.name
    if (search_ix / "CURRENT").exists():
        result["cold"] = run_phase("cold", ["cold", "--index", str(search_ix)], work, args.timeout)
        if "search" not in args.skip:
            result["search"] = run_phase(
                "search",
                [
                    "search",
                    "--index",
                    str(search_ix),
                    *query_set(args),
                    "--naive-reps",
                    str(args.naive_reps),
                    "--profile",
                    str(args.profile),
                ],
                work,
                args.timeout,
            )
        if "api" not in args.skip:
            result["api"] = run_phase(
                "api",
                [
                    "api",
                    "--index",
                    str(search_ix),
                    "--reps",
                    str(args.reps),
                    "--seed",
                    str(args.seed),
                    "--clients",
                    str(args.api_clients),
                    "--requests",
                    str(args.api_requests),
                    "--seconds",
                    str(args.api_seconds),
                    "--cwd",
                    str(work),
                ],
                work,
                args.timeout,
            )
    else:
        result["error"] = "no index was built"
    if not args.keep_indexes:
        for folder in (tagged_ix, given_ix):
            shutil.rmtree(folder, ignore_errors=True)
    result["finished"] = time.strftime("%Y-%m-%dT%H:%M:%S")

    results = Path(args.results)
    results.mkdir(parents=True, exist_ok=True)
    path = results / f"{label}-{time.strftime('%Y%m%dT%H%M%S')}.json"
    path.write_text(json.dumps(result, indent=1, ensure_ascii=False))
    result["saved_to"] = str(path)
    print(report(result))
    print(f"\nsaved {path}")
    return result


# -- the readable table ------------------------------------------------------------
def _mb(n: float | int | None) -> str:
    return "-" if n is None else f"{n / 1e6:,.1f} MB"


def report(result: dict) -> str:
    from .queries import TYPE_LABELS, TYPES

    m = result["machine"]
    lines = [
        f"diplosearch benchmark — {result['paragraphs']:,} paragraphs "
        f"({result['corpus'].get('articles', '?'):,} articles), seed {result['seed']}",
        f"machine: {m.get('nproc')} CPUs ({m.get('cpu_model', '?')}), {m.get('memory_total_mb', '?')} MB, "
        f"load {' '.join(m.get('loadavg', []))}; Python {m['python']}, whoosh3 {m.get('whoosh3_version', '?')}",
        "",
    ]
    lines.append("indexing (search.index.build.reindex, full)")
    for name, title in (("tagged", "with tagging"), ("untagged", "without tagging")):
        phase = result.get(f"index_{name}")
        if phase is None:
            lines.append(f"  {title:<18} skipped")
        elif "paragraphs" not in phase:
            lines.append(f"  {title:<18} {phase.get('skipped') or phase.get('failed')}")
            if phase.get("stderr"):
                lines.append("    " + phase["stderr"].strip().splitlines()[-1])
        else:
            lines.append(
                f"  {title:<18} {phase['paragraphs_per_s']:>9,.0f} paragraphs/s  {phase['seconds']:>8.1f} s  "
                f"index {_mb(phase['index_bytes'])} (facet arrays {_mb(phase['facet_cache_bytes'])}, "
                f"saved postings {_mb(phase.get('saved_postings_bytes', 0))}), "
                f"{phase['segments']} segment(s)  peak RSS: process {phase['self_peak_mb']:.0f} MB, "
                f"largest child {phase['children_peak_mb']:.0f} MB, tree sum {phase['tree_peak_mb']:.0f} MB"
            )
    cold = result.get("cold")
    if cold and "ready_s" in cold:
        lines += [
            "",
            f"new searcher after reindex ({result['search_index']}, fresh process): "
            f"snapshot {cold['snapshot_s'] * 1000:.1f} ms + first search {cold['first_search_s'] * 1000:.1f} ms "
            f"= {cold['ready_s'] * 1000:.1f} ms (imports {cold['import_s'] * 1000:.0f} ms; "
            f"second search {cold['second_search_s'] * 1000:.1f} ms; peak RSS {cold['self_peak_mb']:.0f} MB)",
        ]
    elif cold:
        lines += ["", f"cold open failed: {cold.get('failed')}"]
    search = result.get("search")
    if search and "product" in search:
        lines += [
            "",
            f"search latency, ms (top 10 + snippets + 3 facet counts; {search['queries_per_type']} queries "
            f"per type x {search['passes']} pass, naive {search['naive_queries_per_type']} per type; "
            f"query process peak RSS {search['self_peak_mb']:.0f} MB)",
            f"  {'query type':<28}{'match %':>14} | {'Index.search':^22} | {'naive groupedby':^22} |",
            f"  {'':<28}{'min-mean-max':>14} | {'p50':>6} {'p95':>7} {'p99':>7} | {'p50':>6} {'p95':>7} {'p99':>7} |",
        ]
        for kind in (*TYPES, "all"):
            p, b = search["product"][kind], search["naive"][kind]
            check = search["checks"].get(kind)
            match = (
                f"{check['match_fraction_min'] * 100:.1f}-{check['match_fraction_mean'] * 100:.1f}-"
                f"{check['match_fraction_max'] * 100:.0f}"
                if check
                else ""
            )
            lines.append(
                f"  {TYPE_LABELS.get(kind, 'all queries'):<28}{match:>14} | {p['p50_ms']:>6.1f} "
                f"{p['p95_ms']:>7.1f} {p['p99_ms']:>7.1f} | {b['p50_ms']:>6.1f} {b['p95_ms']:>7.1f} "
                f"{b['p99_ms']:>7.1f} |"
            )
        broad = search["checks"]["broad"]["match_fraction_min"]
        lines.append(
            f"  broad queries match at least {broad * 100:.1f}% of the index"
            + ("" if broad >= 0.30 else "  << BELOW 30%")
        )
        mismatches = {
            k: (c["total_mismatch"], c["facet_mismatch"])
            for k, c in search["checks"].items()
            if c["total_mismatch"] or c["facet_mismatch"]
        }
        lines.append(
            "  product vs Whoosh: "
            + (
                "totals and facet counts agree"
                if not mismatches
                else f"MISMATCHES (total, facet) by type: {mismatches}"
            )
        )
        profile = search.get("profile")
        if profile:
            lines.append(
                f"  profile of one pass of Index.search ({profile['queries']} queries, "
                f"{profile['total_s']:.2f} s under cProfile), top own-time functions:"
            )
            for row in profile["by_tottime"][:8]:
                lines.append(
                    f"    {row['tottime_s']:>7.3f} s own {row['cumtime_s']:>7.3f} s cum  "
                    f"{row['calls']:>7} calls  {row['function']}"
                )
            lines.append("  ... and the product's own functions by cumulative time:")
            for row in profile.get("product_functions", [])[:10]:
                lines.append(
                    f"    {row['tottime_s']:>7.3f} s own {row['cumtime_s']:>7.3f} s cum  "
                    f"{row['calls']:>7} calls  {row['function']}"
                )
    elif search:
        lines += ["", f"search phase failed: {search.get('failed')}", search.get("stderr", "")[-800:]]
    api = result.get("api")
    if api and "latency" in api:
        lat = api["latency"]
        lines += [
            "",
            f"web API under {api['clients']} clients (diplosearch serve, gunicorn): "
            f"{api['requests_done']} requests in {api['seconds']:.1f} s = {api['requests_per_s']:.1f} req/s, "
            f"errors {api['errors']} {api['statuses']}; server ready after "
            f"{api['server_start_to_ready_s']:.1f} s, server peak RSS {api['server_peak_mb']} MB",
        ]
        if api.get("worker_cpu_s"):
            lines.append(
                f"  CPU seconds: workers {', '.join(f'{s:.1f}' for s in api['worker_cpu_s'])}; "
                f"the clients {api['client_cpu_s']:.1f}"
            )
        for endpoint in ("/api/search", "/", "all"):
            e = lat[endpoint]
            if e.get("n"):
                lines.append(
                    f"  {endpoint:<12} n={e['n']:<5} p50 {e['p50_ms']:>7.1f}  p95 {e['p95_ms']:>7.1f}  "
                    f"p99 {e['p99_ms']:>7.1f} ms"
                )
        for example in api.get("error_examples", [])[:3]:
            lines.append(f"  error: {example}")
    elif api:
        lines += ["", f"API phase failed: {api.get('failed')}", api.get("stderr", "")[-800:]]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
