"""The real ``diplosearch serve`` in a subprocess, fetched over HTTP (no browser needed)."""
from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEED_ID = "000_c346cf18d6c898db"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve_command(port: int, index_dir: Path) -> list[str]:
    """The installed ``diplosearch`` script (or the same entry point where it is not on disk)."""
    script = Path(sys.executable).with_name("diplosearch")
    command = [str(script)] if script.exists() else [sys.executable, "-c", "from web.cli import main; main()"]
    return command + ["serve", "--host", "127.0.0.1", "--port", str(port), "--index", str(index_dir),
                      "--threads", "4"]


def start_server(index_dir: Path, log: Path, timeout: float = 60):
    """Start ``diplosearch serve`` on a free port and wait until it answers: (process, base URL)."""
    port = free_port()
    with log.open("w") as out:
        process = subprocess.Popen(serve_command(port, index_dir), cwd=ROOT, stdout=out,
                                   stderr=subprocess.STDOUT)
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
    process, base = start_server(seed_index_dir, tmp_path_factory.mktemp("live") / "server.log")
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
    status, _, body = fetch(live_server + '/api/search?q=%22open')
    assert status == 400 and "unclosed quote" in json.loads(body)["error"]
    status, headers, body = fetch(live_server + "/export.csv?q=semiconductors")
    assert status == 200 and body.startswith(b"article_id,n,title,")
    assert 'filename="diplosearch-semiconductors-' in headers["Content-Disposition"]
