"""Normal clients' latency with and without slow clients hanging on the server.

    .venv/bin/python -m bench.slow_clients                      # the default server, seeds index
    .venv/bin/python -m bench.slow_clients --index DIR --workers 2
    .venv/bin/python -m bench.slow_clients --threads 1          # gunicorn's sync workers, to compare

Starts ``diplosearch serve`` on 127.0.0.1 and measures ``--normal`` (4)
clients, each sending searches one after another (``/`` and ``/api/search``
in turn, a new connection each), for ``--seconds`` (15) unloaded, then again
while ``--slow`` (20) slow clients hang on the server: half send their
request a byte a second (reconnecting when dropped), half ask for the whole
index as CSV and read it 1 KB a second through a small receive buffer. Prints the
normal clients' p50/p95 latency in both runs, the ratio, the requests that
failed or took over ``--timeout`` seconds, and the share of CPU each server
worker used. Latencies are wall-clock on a shared machine: compare runs made
under similar load (the load average is printed). No figure is asserted
anywhere (``tests/test_live_server.py`` checks the behaviour).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from .phases import _descendants, cpu_seconds, free_port, percentiles, stop_process

ROOT = Path(__file__).resolve().parents[1]
QUERIES = [
    "semiconductors",
    "energy security",
    '"prime minister"',
    "trade OR investment",
    "defence cooperation",
    "climate",
    "Malaysia",
    "agreed",
    "ports",
    "students",
]


def serve_command(index: str, port: int, options: list[str]) -> list[str]:
    script = Path(sys.executable).with_name("diplosearch")
    command = [str(script)] if script.exists() else [sys.executable, "-c", "from web.cli import main; main()"]
    return command + ["serve", "--index", index, "--port", str(port), "--host", "127.0.0.1", *options]


def wait_ready(port: int, server, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the server exited with code {server.returncode}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/api/search?q=semiconductors")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("the server did not answer in time")


def normal_clients(port: int, clients: int, seconds: float, timeout: float) -> dict:
    """``clients`` threads searching for ``seconds``: latency percentiles and failures."""
    latencies: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client(n: int) -> None:
        i = n
        while time.monotonic() < stop:
            q = QUERIES[i % len(QUERIES)].replace(" ", "+").replace('"', "%22")
            path = f"/?q={q}" if i % 2 else f"/api/search?q={q}"
            i += 1
            started = time.perf_counter()
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
                conn.request("GET", path)
                response = conn.getresponse()
                response.read()
                conn.close()
                ok = response.status == 200
            except OSError as error:
                ok, response = False, error
            elapsed = time.perf_counter() - started
            with lock:
                if ok:
                    latencies.append(elapsed)
                else:
                    failures.append(str(getattr(response, "status", response)))

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {
        "requests": len(latencies),
        "failures": len(failures),
        "failure_kinds": sorted(set(failures))[:5],
        **percentiles(latencies),
    }


class SlowClients:
    """Slow senders (a byte a second) and slow readers (1 KB a second), kept connected."""

    def __init__(self, port: int, count: int, kind: str = "both"):
        self.port = port
        self.count = count
        self.stop = threading.Event()
        self.connections = 0  # made over the run (a dropped slow client reconnects)
        self.dropped = 0  # connections the server closed on a slow client
        self.lock = threading.Lock()
        kinds = {"senders": [self._sender], "readers": [self._reader], "both": [self._sender, self._reader]}[kind]
        self.threads = [threading.Thread(target=kinds[n % len(kinds)], daemon=True) for n in range(count)]

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        time.sleep(2)  # every slow client connected and started
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=5)

    def _connect(self, rcvbuf: int | None = None) -> socket.socket:
        sock = socket.socket()
        if rcvbuf:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        sock.settimeout(5)
        sock.connect(("127.0.0.1", self.port))
        with self.lock:
            self.connections += 1
        return sock

    def _sender(self) -> None:
        request = b"GET /?q=semiconductors HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"a" * 10_000
        while not self.stop.is_set():
            try:
                sock = self._connect()
                for byte in request:
                    if self.stop.is_set():
                        break
                    sock.send(bytes([byte]))
                    self.stop.wait(1.0)
                sock.close()
            except OSError:
                with self.lock:
                    self.dropped += 1
                self.stop.wait(0.2)

    def _reader(self) -> None:
        while not self.stop.is_set():
            try:
                sock = self._connect(rcvbuf=4096)
                sock.sendall(b"GET /export.csv HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                while not self.stop.is_set():
                    if not sock.recv(1024):
                        break
                    self.stop.wait(1.0)
                sock.close()
            except OSError:
                with self.lock:
                    self.dropped += 1
                self.stop.wait(0.2)


def worker_cpu(server_pid: int, before: dict[int, float] | None = None) -> dict[int, float]:
    now = {pid: cpu_seconds(pid) for pid in _descendants(server_pid)}
    if before is None:
        return now
    return {pid: round(now[pid] - before.get(pid, 0.0), 2) for pid in now}


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", help="Index folder (default: the seeds, indexed into a temporary folder).")
    parser.add_argument("--workers", type=int, default=0, help="Server workers (default: one per core).")
    parser.add_argument("--threads", type=int, default=0, help="Threads per worker (default: serve's).")
    parser.add_argument("--normal", type=int, default=4)
    parser.add_argument("--slow", type=int, default=20)
    parser.add_argument(
        "--kind",
        choices=("both", "senders", "readers"),
        default="both",
        help="Slow senders, slow readers or half of each (default).",
    )
    parser.add_argument("--seconds", type=float, default=15.0, help="Length of each measured run.")
    parser.add_argument("--timeout", type=float, default=30.0, help="A normal request taking longer fails.")
    parser.add_argument("--json", action="store_true", help="Print the figures as JSON.")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="slow-clients-") as work:
        index = args.index
        if not index:
            from search.backends.whoosh import WhooshBackend
            from search.index.build import reindex

            index = str(Path(work) / "index")
            reindex(WhooshBackend(index), [ROOT / "seeds"], progress=False)
        options = [
            *(["--workers", str(args.workers)] if args.workers else []),
            *(["--threads", str(args.threads)] if args.threads else []),
        ]
        port = free_port()
        log = open(Path(work) / "server.log", "w")
        server = subprocess.Popen(serve_command(index, port, options), stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)
        try:
            wait_ready(port, server)
            normal_clients(port, args.normal, 2.0, args.timeout)  # warm every worker
            before = worker_cpu(server.pid)
            unloaded = normal_clients(port, args.normal, args.seconds, args.timeout)
            unloaded_cpu = worker_cpu(server.pid, before)
            with SlowClients(port, args.slow, args.kind) as slow:
                before = worker_cpu(server.pid)
                loaded = normal_clients(port, args.normal, args.seconds, args.timeout)
                loaded_cpu = worker_cpu(server.pid, before)
            slow_stats = {"connections": slow.connections, "dropped": slow.dropped}
        finally:
            stop_process(server, 15)
            log.close()
    result = {
        "server": {"workers": args.workers or len(unloaded_cpu), "options": options or ["(defaults)"]},
        "load_average": os.getloadavg(),
        "cpus": os.cpu_count(),
        "unloaded": unloaded,
        "with_slow_clients": loaded,
        "slow_clients": {"count": args.slow, "kind": args.kind, **slow_stats},
        "p95_ratio": round(loaded["p95_ms"] / unloaded["p95_ms"], 2)
        if loaded.get("p95_ms") and unloaded.get("p95_ms")
        else None,
        "worker_cpu_seconds": {
            "unloaded": sorted(unloaded_cpu.values()),
            "with_slow_clients": sorted(loaded_cpu.values()),
        },
    }
    if args.json:
        print(json.dumps(result, indent=1))
    else:
        _print(result)
    return result


def _print(r: dict) -> None:
    print(
        f"server: {' '.join(r['server']['options'])}, {r['server']['workers']} workers; "
        f"{r['cpus']} CPUs, load average {r['load_average'][0]:.2f}"
    )
    print(f"{'run':<24}{'requests':>9}{'failed':>8}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}")
    for name, key in (("unloaded", "unloaded"), (f"{r['slow_clients']['count']} slow clients", "with_slow_clients")):
        run = r[key]
        print(
            f"{name:<24}{run['requests']:>9}{run['failures']:>8}{run.get('p50_ms', float('nan')):>9.1f}"
            f"{run.get('p95_ms', float('nan')):>9.1f}{run.get('max_ms', float('nan')):>9.1f}"
        )
    print(f"p95 with slow clients / unloaded: {r['p95_ratio']}")
    print(
        f"slow clients: {r['slow_clients']['connections']} connections, "
        f"{r['slow_clients']['dropped']} dropped by the server"
    )
    print(
        f"CPU seconds per worker: unloaded {r['worker_cpu_seconds']['unloaded']}, "
        f"with slow clients {r['worker_cpu_seconds']['with_slow_clients']}"
    )


if __name__ == "__main__":
    main()
