"""The real ``diplosearch serve`` in a subprocess, fetched over HTTP (no browser needed)."""

from __future__ import annotations

import http.client
import json
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # a real browser / server / benchmark: seconds per test

ROOT = Path(__file__).resolve().parents[1]
SEED_ID = "000_c346cf18d6c898db"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve_command(port: int, index_dir: Path, options: tuple[str, ...]) -> list[str]:
    """The installed ``diplosearch`` script (or the same entry point where it is not on disk)."""
    script = Path(sys.executable).with_name("diplosearch")
    command = [str(script)] if script.exists() else [sys.executable, "-c", "from web.cli import main; main()"]
    return command + ["serve", "--host", "127.0.0.1", "--port", str(port), "--index", str(index_dir), *options]


def start_server(index_dir: Path, log: Path, timeout: float = 60, options: tuple[str, ...] = ()):
    """Start ``diplosearch serve`` on a free port and wait until it answers: (process, base URL)."""
    port = free_port()
    with log.open("w") as out:
        process = subprocess.Popen(
            serve_command(port, index_dir, options), cwd=ROOT, stdout=out, stderr=subprocess.STDOUT
        )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(base + "/help", timeout=2) as response:
                if response.status == 200:
                    return process, base
        except OSError:
            time.sleep(0.2)
    stop_server(process)
    raise RuntimeError(f"the server did not answer within {timeout} s:\n{log.read_text()}")


def stop_server(process) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def fetch(url: str) -> tuple[int, dict, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@pytest.fixture(scope="module")
def live_server(seed_index_dir, tmp_path_factory):
    """The server with 4 threads per worker (``--threads 4``)."""
    process, base = start_server(
        seed_index_dir, tmp_path_factory.mktemp("live") / "server.log", options=("--threads", "4")
    )
    yield base
    stop_server(process)
    assert process.returncode is not None


def test_the_served_site_answers_over_http(live_server):
    status, headers, body = fetch(live_server + "/")
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    html = body.decode("utf-8")
    assert 'role="search"' in html and "in the index" in html and 'id="result-count"' in html
    assert headers.get("Server", "").startswith("gunicorn")  # production server, not Werkzeug

    status, _, body = fetch(live_server + "/?q=semiconductors")
    assert status == 200 and "<mark>semiconductors</mark>" in body.decode("utf-8")

    status, _, body = fetch(live_server + "/static/style.css")
    assert status == 200 and b".timeline" in body


def test_the_served_api_answers_json(live_server):
    status, headers, body = fetch(live_server + "/api/search?q=semiconductors")
    assert status == 200 and headers["Content-Type"] == "application/json"
    data = json.loads(body)
    assert data["total"] >= 1 and data["hits"][0]["article_id"] == SEED_ID
    assert "<mark>" in data["hits"][0]["snippet"]
    status, _, body = fetch(live_server + "/api/search?q=%22open")
    assert status == 400 and "unclosed quote" in json.loads(body)["error"]
    status, headers, body = fetch(live_server + "/export.csv?q=semiconductors")
    assert status == 200 and body.startswith(b"article_id,n,title,")
    assert 'filename="diplosearch-semiconductors-' in headers["Content-Disposition"]


def cpu_ticks(pid: int) -> int:
    with open(f"/proc/{pid}/stat") as handle:
        fields = handle.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def worker_pids(master: int) -> list[int]:
    with open(f"/proc/{master}/task/{master}/children") as handle:
        return [int(pid) for pid in handle.read().split()]


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads worker CPU time from /proc")
def test_the_default_server_spreads_concurrent_clients_over_its_workers(seed_index_dir, tmp_path):
    """The default workers close each connection after its answer and take a new one only
    while idle, so the next one goes to a free worker, and both workers serve 4 concurrent clients."""
    process, base = start_server(seed_index_dir, tmp_path / "server.log", options=("--workers", "2"))
    try:
        deadline = time.monotonic() + 30  # the first worker may answer before the second is forked
        while len(workers := worker_pids(process.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert len(workers) == 2
        before = {pid: cpu_ticks(pid) for pid in workers}
        port = int(base.rsplit(":", 1)[1])
        answers: list[tuple[int, str, bytes]] = []
        lock = threading.Lock()

        def client(n: int) -> None:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            for i in range(15):
                path = "/?q=defence+cooperation" if (n + i) % 2 else "/api/search?q=semiconductors&sector=space"
                conn.request("GET", path)
                response = conn.getresponse()
                body = response.read()
                with lock:
                    answers.append((response.status, response.getheader("Connection", ""), body))
                if response.getheader("Connection", "").lower() == "close":
                    conn.close()
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            conn.close()

        threads = [threading.Thread(target=client, args=(n,)) for n in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        used = [cpu_ticks(pid) - before[pid] for pid in workers]
    finally:
        stop_server(process)
    assert len(answers) == 60 and {status for status, _, _ in answers} == {200}
    assert {connection.lower() for _, connection, _ in answers} == {"close"}
    assert all(b"semiconductors" in body or b"defence" in body for _, _, body in answers)
    assert all(ticks > 0 for ticks in used), f"a worker served nothing: CPU ticks {used}"


class SlowClient:
    """A connection that sends its request a byte at a time, or asks for a large answer and
    does not read it (through a small receive buffer)."""

    def __init__(self, port: int, reads: bool):
        self.sock = socket.socket()
        if reads:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        self.sock.settimeout(5)
        self.sock.connect(("127.0.0.1", port))
        if reads:
            self.sock.sendall(b"GET /export.csv HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        else:
            self.sock.sendall(b"GET /?q=semiconductors HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")

    def trickle(self) -> None:
        try:
            self.sock.send(b"a")
        except OSError:
            pass

    def still_connected(self) -> bool:
        """No answer came (a sender) or the answer is still being sent (a reader)."""
        self.sock.setblocking(False)
        try:
            data = self.sock.recv(1, socket.MSG_PEEK)
            return bool(data)  # b"": the server closed the connection
        except BlockingIOError:
            return True
        except OSError:
            return False
        finally:
            self.sock.setblocking(True)


@pytest.mark.slow
def test_the_default_server_answers_while_slow_clients_hang(tmp_path):
    """20 slow clients (half sending their request a byte a second, half not reading a 2 MB
    export) on a two-worker server with the default settings: normal searches are answered
    at once throughout. (With gunicorn's sync workers two such clients took the site down;
    ``bench/slow_clients.py`` measures the latencies.)"""
    from conftest import SEEDS, reindex

    reindex([SEEDS], tmp_path / "ix", progress=False)  # 2,616 paragraphs: a 2 MB export
    process, base = start_server(tmp_path / "ix", tmp_path / "server.log", options=("--workers", "2"))
    port = int(base.rsplit(":", 1)[1])
    slow: list[SlowClient] = []
    try:
        slow = [SlowClient(port, reads=n % 2 == 1) for n in range(20)]
        answered = []
        for i in range(12):
            for client in slow[::2]:
                client.trickle()
            started = time.monotonic()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/api/search?q=semiconductors" if i % 2 else "/?q=defence+cooperation")
            response = conn.getresponse()
            body = response.read()
            conn.close()
            answered.append((response.status, time.monotonic() - started))
            assert response.status == 200 and body
            time.sleep(0.25)
        hanging = sum(client.still_connected() for client in slow)
    finally:
        for client in slow:
            client.sock.close()
        stop_server(process)
    assert len(answered) == 12 and all(status == 200 for status, _ in answered)
    assert hanging >= 15, f"only {hanging} of the 20 slow clients were still hanging on the server"
