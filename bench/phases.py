"""Each measured phase, run as ``python -m bench.phases PHASE ... --out FILE`` in a fresh process.

A phase per process keeps each phase's peak memory (``ru_maxrss``) its own,
and makes the cold searcher open genuinely cold as far as Python is concerned.

- ``index``: ``search.index.build.reindex`` of the corpus, with or without tagging;
- ``cold``: import, ``Index(dir).snapshot()`` and one search;
- ``search``: ``Index.search`` and the naive Whoosh baseline over the mixed query set;
- ``api``: ``diplosearch serve`` (gunicorn) under N concurrent keep-alive clients.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import resource
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

T0 = time.perf_counter()


# -- memory ---------------------------------------------------------------------
def rusage_mb() -> dict:
    """Peak RSS of this process, and of the largest of its waited-for children (MB)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"self_peak_mb": round(own, 1), "children_peak_mb": round(children, 1)}


def _rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def peak_rss_mb(pid: int) -> float | None:
    """VmHWM (peak resident set) of a live process, in MB."""
    try:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith("VmHWM:"):
                    return round(int(line.split()[1]) / 1024, 1)
    except (OSError, ValueError):
        return None
    return None


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time a live process has used so far, in seconds."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return 0.0


def _descendants(root: int) -> list[int]:
    parents: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                ppid = int(handle.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        parents.setdefault(ppid, []).append(int(entry))
    found, todo = [], [root]
    while todo:
        for child in parents.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


class TreeSampler:
    """Samples the summed RSS of this process and all its descendants (workers run at
    the same time, so the sum is what the machine needs; ru_maxrss only gives the max)."""

    def __init__(self, interval: float = 0.25):
        self.interval = interval
        self.peak_kb = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        pid = os.getpid()
        while not self._stop.is_set():
            total = _rss_kb(pid) + sum(_rss_kb(child) for child in _descendants(pid))
            self.peak_kb = max(self.peak_kb, total)
            self._stop.wait(self.interval)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()

    @property
    def peak_mb(self) -> float:
        return round(self.peak_kb / 1024, 1)


def dir_size(path: Path) -> int:
    return sum(p.stat().st_size for p in Path(path).rglob("*") if p.is_file())


def percentiles(samples: list[float]) -> dict:
    """p50/p95/p99/mean/max in milliseconds of samples given in seconds (nearest rank)."""
    if not samples:
        return {"n": 0}
    ordered = sorted(samples)

    def rank(p: float) -> float:
        return ordered[min(len(ordered) - 1, max(0, int(round(p / 100 * len(ordered) + 0.5)) - 1))]

    return {
        "n": len(ordered),
        "p50_ms": round(rank(50) * 1000, 2),
        "p95_ms": round(rank(95) * 1000, 2),
        "p99_ms": round(rank(99) * 1000, 2),
        "mean_ms": round(statistics.fmean(ordered) * 1000, 2),
        "max_ms": round(ordered[-1] * 1000, 2),
    }


# -- index ------------------------------------------------------------------------
def phase_index(args) -> dict:
    from search.backends.whoosh import WhooshBackend
    from search.index.build import reindex

    kwargs = {"full": True, "progress": False, "tag": not args.no_tag}
    if args.procs:
        kwargs["procs"] = args.procs
    with TreeSampler() as sampler:
        started = time.perf_counter()
        report = reindex(WhooshBackend(args.index), [args.corpus], **kwargs)
        seconds = time.perf_counter() - started
    from search.backends.whoosh.store import IndexStore

    build = IndexStore(args.index).current()
    facets, saved = build / "facets", build / "postings"
    return {
        "tag": kwargs["tag"],
        "procs": kwargs.get("procs", "default"),
        "seconds": round(seconds, 2),
        "paragraphs": report.paragraphs,
        "articles": report.articles,
        "paragraphs_per_s": round(report.paragraphs / seconds, 1),
        "skipped_sources": len(report.skipped),
        "index_bytes": dir_size(build),
        "facet_cache_bytes": dir_size(facets) if facets.exists() else 0,
        "saved_postings_bytes": dir_size(saved) if saved.exists() else 0,
        "segments": len(list(build.glob("*.trm"))) + len(list(build.glob("*.seg"))),
        "tree_peak_mb": sampler.peak_mb,
        **rusage_mb(),
    }


# -- cold open ----------------------------------------------------------------------
def phase_cold(args) -> dict:
    imported = time.perf_counter()
    from search.backends.whoosh import WhooshBackend
    from search.query.params import build_request

    import_s = time.perf_counter() - imported
    started = time.perf_counter()
    index = WhooshBackend(args.index)
    snap = index.snapshot()
    snapshot_s = time.perf_counter() - started
    request = build_request(q=args.q)
    first = time.perf_counter()
    result = index.search(request)
    first_search_s = time.perf_counter() - first
    second = time.perf_counter()
    index.search(request)
    second_search_s = time.perf_counter() - second
    return {
        "import_s": round(import_s, 4),
        "snapshot_s": round(snapshot_s, 4),
        "first_search_s": round(first_search_s, 4),
        "ready_s": round(snapshot_s + first_search_s, 4),
        "second_search_s": round(second_search_s, 4),
        "process_start_to_ready_s": round(time.perf_counter() - T0, 4),
        "query": args.q,
        "total": result.total,
        "docs": snap.facets.ndocs,
        **rusage_mb(),
    }


# -- search -----------------------------------------------------------------------
def _naive_filter(query):
    from whoosh import query as wq

    parts = []
    if query.sectors:
        parts.append(wq.Or([wq.Term("sector", s) for s in query.sectors]))
    if query.countries:
        parts.append(wq.Or([wq.Term("country", c) for c in query.countries]))
    return wq.And(parts) if parts else None


def phase_search(args) -> dict:
    import gc

    from whoosh import highlight
    from whoosh.sorting import FieldFacet

    from search.backends.whoosh import WhooshBackend
    from search.query.params import build_request

    from .queries import TYPES, mixed_order, query_set

    queries = query_set(args.reps, args.seed)
    ordered = mixed_order(queries, args.seed)
    index = WhooshBackend(args.index)
    snap = index.snapshot()
    searcher = index.searcher(snap)
    ndocs = snap.facets.ndocs
    requests = {id(q): build_request(q=q.q, filters={"sector": q.sectors, "country": q.countries}) for q in queries}
    facets = [
        FieldFacet("sector", allow_overlap=True),
        FieldFacet("speaker", allow_overlap=True),
        FieldFacet("country", allow_overlap=True),
    ]
    fragmenter = highlight.ContextFragmenter(maxchars=320, surround=90)

    def product(query):
        return index.search(requests[id(query)])

    def naive(query):
        q = snap.parser.plan(query.q).matching_query()  # the same paragraphs: every word, or most of them
        results = searcher.search(q, limit=10, filter=_naive_filter(query), groupedby=facets)
        results.fragmenter = fragmenter
        snippets = [hit.highlights("text", top=2) for hit in results]
        counts = {
            name: sorted(
                ((len(docs), value) for value, docs in results.groups(name).items() if value is not None), reverse=True
            )[:10]
            for name in ("sector", "speaker", "country")
        }
        return results, snippets, counts

    tables = index.snapshot().facets.tables
    merged = {
        name: set(tables[name].aliases) | set(tables[name].aliases.values())
        for name in ("sector", "speaker", "country")
    }
    # Check pass (also the warm-up): match fractions, and the product against Whoosh's own answer.
    check = {kind: {"matches": [], "total_mismatch": 0, "facet_mismatch": 0, "empty": 0} for kind in TYPES}
    examples: list = []
    naive_reps = args.naive_reps or args.reps
    seen: dict[str, int] = {}
    naive_set = set()
    for query in ordered:  # the naive baseline runs the first naive_reps queries of each type
        seen[query.kind] = seen.get(query.kind, 0) + 1
        if seen[query.kind] <= naive_reps:
            naive_set.add(id(query))
    for pass_number in range(max(1, args.warmup)):
        for query in ordered:
            result = product(query)
            if id(query) not in naive_set:
                continue
            results, _snippets, counts = naive(query)
            if pass_number == 0:
                entry = check[query.kind]
                entry["matches"].append(result.total)
                entry["empty"] += result.total == 0
                naive_total = len(results)  # runs the query again for all docs; not timed
                if naive_total != result.total:
                    entry["total_mismatch"] += 1
                    if len(examples) < 5:
                        examples.append(
                            {"query": query.to_dict(), "product_total": result.total, "naive_total": naive_total}
                        )
                if not query.sectors and not query.countries:
                    product_counts = {f.name: {v.value: v.count for v in f.values} for f in result.facets}
                    for name, pairs in counts.items():
                        # the product merges spelling variants of a speaker (search/names.py):
                        # Whoosh counts those raw values apart, so they are not compared
                        naive_counts = {value: n for n, value in pairs if value not in merged[name]}
                        shown = product_counts.get(name, {})
                        if any(
                            shown.get(v) != n
                            for v, n in naive_counts.items()
                            if n > min(naive_counts.values(), default=0)
                        ):
                            entry["facet_mismatch"] += 1
                            if len(examples) < 5:
                                examples.append(
                                    {
                                        "query": query.to_dict(),
                                        "facet": name,
                                        "product": sorted(shown.items(), key=lambda kv: -kv[1])[:5],
                                        "naive": [(v, n) for n, v in pairs[:5]],
                                    }
                                )
                            break
    summary = {}
    for kind, entry in check.items():
        matches = entry.pop("matches")
        fractions = [m / ndocs for m in matches]
        summary[kind] = dict(
            entry,
            match_fraction_min=round(min(fractions), 4),
            match_fraction_mean=round(statistics.fmean(fractions), 4),
            match_fraction_max=round(max(fractions), 4),
        )

    timings = {"product": {k: [] for k in TYPES}, "naive": {k: [] for k in TYPES}}
    gc.collect()
    for engine, run in (("product", product), ("naive", naive)):
        for _ in range(args.passes):
            for query in ordered:
                if engine == "naive" and id(query) not in naive_set:
                    continue
                started = time.perf_counter()
                run(query)
                timings[engine][query.kind].append(time.perf_counter() - started)
    out = {
        "docs": ndocs,
        "queries_per_type": args.reps,
        "naive_queries_per_type": min(naive_reps, args.reps),
        "passes": args.passes,
        "checks": summary,
        "check_examples": examples,
    }
    for engine, by_kind in timings.items():
        out[engine] = {kind: percentiles(samples) for kind, samples in by_kind.items()}
        out[engine]["all"] = percentiles([s for samples in by_kind.values() for s in samples])
    if args.profile:
        out["profile"] = _profile(product, ordered, args.profile)
    out.update(rusage_mb())
    return out


def _profile(product, ordered, top: int) -> list[dict]:
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    profiler.enable()
    for query in ordered:
        product(query)
    profiler.disable()
    stats = pstats.Stats(profiler)
    total = stats.total_tt
    rows, product_rows = [], []
    for (filename, line, name), (_cc, nc, tt, ct, _callers) in stats.stats.items():
        row = {
            "function": f"{Path(filename).name}:{line}({name})",
            "calls": nc,
            "tottime_s": round(tt, 4),
            "cumtime_s": round(ct, 4),
        }
        rows.append(row)
        if f"{os.sep}search{os.sep}" in filename:
            product_rows.append(row)
    rows.sort(key=lambda r: -r["cumtime_s"])
    cumulative = rows[:top]
    product_rows.sort(key=lambda r: -r["cumtime_s"])
    rows.sort(key=lambda r: -r["tottime_s"])
    return {
        "total_s": round(total, 3),
        "queries": len(ordered),
        "by_cumtime": cumulative,
        "by_tottime": rows[:top],
        "product_functions": product_rows[:top],
    }


# -- web API ----------------------------------------------------------------------
def stop_process(process: subprocess.Popen, timeout: float) -> None:
    """Terminate a server, and kill it if it has not ended within ``timeout`` seconds."""
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve_command(index: str, port: int) -> list[str]:
    script = Path(sys.executable).parent / "diplosearch"
    if script.exists():
        return [str(script), "serve", "--index", index, "--port", str(port), "--host", "127.0.0.1"]
    return [
        sys.executable,
        "-c",
        "from web.cli import main; main()",
        "serve",
        "--index",
        index,
        "--port",
        str(port),
        "--host",
        "127.0.0.1",
    ]


def _wait_ready(port: int, server: subprocess.Popen, timeout: float, log: Path) -> float:
    started = time.perf_counter()
    failures = 0
    while time.perf_counter() - started < timeout:
        if server.poll() is not None:
            raise RuntimeError(f"the server exited with code {server.returncode}:\n{_log_tail(log)}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/api/search?q=cooperation")
            response = conn.getresponse()
            response.read()
            conn.close()
            if response.status == 200:
                return time.perf_counter() - started
            failures += 1
            if failures >= 3:  # it answers, but cannot search: no point waiting
                raise RuntimeError(f"the server answers {response.status} to a search:\n{_log_tail(log)}")
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"the server was not ready within {timeout} s:\n{_log_tail(log)}")


def _log_tail(path: Path, lines: int = 15) -> str:
    try:
        return "\n".join(Path(path).read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def phase_api(args) -> dict:
    from .queries import mixed_order, query_set

    queries = mixed_order(query_set(args.reps, args.seed), args.seed)
    port = args.port or free_port()
    log_path = Path(args.out).with_suffix(".server.log")
    log = open(log_path, "w")
    started = time.perf_counter()
    server = subprocess.Popen(
        serve_command(args.index, port), stdout=log, stderr=subprocess.STDOUT, cwd=args.cwd or None
    )
    try:
        ready_s = _wait_ready(port, server, args.ready_timeout, log_path)
        startup_s = time.perf_counter() - started
        paths = []
        for i in range(args.requests):
            query = queries[i % len(queries)]
            endpoint = "/api/search" if i % 2 == 0 else "/"
            paths.append((endpoint, f"{endpoint}?{urlencode(query.params())}"))
        for _endpoint, path in paths[: min(12, len(paths))]:  # warm-up, untimed
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            conn.request("GET", path)
            conn.getresponse().read()
            conn.close()
        latencies: dict[str, list[float]] = {"/api/search": [], "/": []}
        statuses: dict[str, int] = {}
        errors: list[str] = []
        lock = threading.Lock()
        deadline = time.perf_counter() + args.seconds

        def client(share: list[tuple[str, str]]) -> None:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            for endpoint, path in share:
                if time.perf_counter() > deadline:
                    break
                begun = time.perf_counter()
                try:
                    conn.request("GET", path)
                    response = conn.getresponse()
                    body = response.read()
                    elapsed = time.perf_counter() - begun
                    ok = response.status == 200 and len(body) > 0
                    if response.getheader("connection", "").lower() == "close":
                        conn.close()
                        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                    with lock:
                        statuses[str(response.status)] = statuses.get(str(response.status), 0) + 1
                        latencies[endpoint].append(elapsed)
                        if not ok and len(errors) < 10:
                            errors.append(f"{response.status} {path}: {body[:200]!r}")
                except (OSError, http.client.HTTPException) as error:
                    with lock:
                        statuses["exception"] = statuses.get("exception", 0) + 1
                        if len(errors) < 10:
                            errors.append(f"{type(error).__name__} {path}: {error}")
                    conn.close()
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            conn.close()

        threads = [threading.Thread(target=client, args=(paths[n :: args.clients],)) for n in range(args.clients)]
        workers = _descendants(server.pid)
        cpu_before = {pid: cpu_seconds(pid) for pid in workers}
        client_cpu = time.process_time()
        begun = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.perf_counter() - begun
        client_cpu = time.process_time() - client_cpu
        worker_cpu = sorted((round(cpu_seconds(pid) - cpu_before[pid], 2) for pid in workers), reverse=True)
        # gunicorn: the master and its worker processes, summed
        server_peak = round(sum(peak_rss_mb(pid) or 0 for pid in [server.pid] + _descendants(server.pid)), 1)
    finally:
        stop_process(server, 10)
        log.close()
    done = sum(len(v) for v in latencies.values())
    failed = sum(n for status, n in statuses.items() if status != "200")
    return {
        "clients": args.clients,
        "requests_planned": args.requests,
        "requests_done": done,
        "seconds": round(wall, 2),
        "requests_per_s": round(done / wall, 1) if wall else 0,
        "errors": failed,
        "statuses": statuses,
        "error_examples": errors,
        "server_ready_s": round(ready_s, 2),
        "server_start_to_ready_s": round(startup_s, 2),
        "server_peak_mb": server_peak,
        "port": port,
        "worker_cpu_s": worker_cpu,
        "client_cpu_s": round(client_cpu, 2),
        "latency": {
            "all": percentiles([s for v in latencies.values() for s in v]),
            "/api/search": percentiles(latencies["/api/search"]),
            "/": percentiles(latencies["/"]),
        },
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.phases")
    sub = parser.add_subparsers(dest="phase", required=True)
    p = sub.add_parser("index")
    p.add_argument("--corpus", required=True)
    p.add_argument("--index", required=True)
    p.add_argument("--no-tag", action="store_true")
    p.add_argument("--procs", type=int, default=0)
    p = sub.add_parser("cold")
    p.add_argument("--index", required=True)
    p.add_argument("--q", default="energy cooperation")
    p = sub.add_parser("search")
    p.add_argument("--index", required=True)
    p.add_argument("--reps", type=int, default=50)
    p.add_argument("--passes", type=int, default=1)
    p.add_argument("--naive-reps", type=int, default=0, help="queries per type for the naive baseline")
    p.add_argument("--warmup", type=int, default=1)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--profile", type=int, default=0, help="also cProfile one pass; show this many rows")
    p = sub.add_parser("api")
    p.add_argument("--index", required=True)
    p.add_argument("--reps", type=int, default=50)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--clients", type=int, default=4)
    p.add_argument("--requests", type=int, default=1000)
    p.add_argument("--seconds", type=float, default=60)
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--ready-timeout", type=float, default=120)
    p.add_argument("--cwd", default="")
    for p in sub.choices.values():
        p.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    result = {"index": phase_index, "cold": phase_cold, "search": phase_search, "api": phase_api}[args.phase](args)
    Path(args.out).write_text(json.dumps(result, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
