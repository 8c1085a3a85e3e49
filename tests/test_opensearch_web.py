"""The site, the JSON API and the command line served from the OpenSearch backend: chosen through
create_app's config, the CLI's --backend/--opensearch-url and $DIPLOSEARCH_OPENSEARCH_URL, with the
same pages and the same JSON as from Whoosh (snippets aside: their fragments differ, see the
conformance test), and the real ``diplosearch serve`` with its forked workers."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from opensearch_support import drop, node_url, unique_name
from opensearch_support import reindex as os_reindex

URL = node_url()

from search.backends.opensearch import OpenSearchBackend, connect  # noqa: E402

from conftest import ROOT, SEEDS  # noqa: E402
from conftest import reindex as whoosh_reindex  # noqa: E402


@pytest.fixture(scope="module")
def indexes(tmp_path_factory):
    """The seeds in a Whoosh folder and in an OpenSearch index: (folder, name)."""
    folder = tmp_path_factory.mktemp("web-whoosh")
    whoosh_reindex([SEEDS], folder, progress=False)
    name = unique_name("web")
    client = connect(URL)
    os_reindex(URL, name, [SEEDS])
    try:
        yield folder, name
    finally:
        drop(client, name)
        client.close()


@pytest.fixture(scope="module")
def clients(indexes, tmp_path_factory):
    from web import create_app

    folder, name = indexes
    whoosh_app = create_app({"INDEX_DIR": str(folder), "TESTING": True})
    os_app = create_app(
        {
            "INDEX_DIR": str(tmp_path_factory.mktemp("unused")),
            "TESTING": True,
            "BACKEND": "opensearch",
            "OPENSEARCH_URL": URL,
            "OPENSEARCH_INDEX": name,
        }
    )
    assert isinstance(os_app.extensions["diplosearch"], OpenSearchBackend)
    yield whoosh_app.test_client(), os_app.test_client()
    for app in (whoosh_app, os_app):
        app.extensions["diplosearch"].close()


def _without_snippets(data: dict) -> dict:
    for hit in data["hits"]:
        hit.pop("snippet")
    return data


@pytest.mark.parametrize(
    "query",
    [
        "q=energy",
        "q=energy&sector=energy&sector=trade-investment",
        "q=&speaker=Biden&from=2023&to=2023",
        "q=summit&sort=date&page=2",
        "q=enrgy",
        "q=%22joint+statement%22&country=Japan",
        "q=enrgy&correct=off",
        "q=what+did+Biden+say+about+energy&group=off",
        "q=&country=Turkey&sector=defense",
        "q=trade&speaker=Erdogan&country=Atlantis",
    ],
)
def test_api_search_answers_the_same(clients, query):
    whoosh, opensearch = clients
    a, b = whoosh.get(f"/api/search?{query}"), opensearch.get(f"/api/search?{query}")
    assert a.status_code == b.status_code == 200
    a, b = _without_snippets(a.get_json()), _without_snippets(b.get_json())
    if "sort=date" not in query and "q=&" not in query:  # SCORING: ranked pages compared as sets
        a["hits"] = sorted(a["hits"], key=lambda h: (h["article_id"], h["n"]))
        b["hits"] = sorted(b["hits"], key=lambda h: (h["article_id"], h["n"]))
    else:  # TIES: the same dates in the same order
        assert [h["date"] for h in a.pop("hits")] == [h["date"] for h in b.pop("hits")]
    assert a == b


def test_pages_and_exports_render(clients):
    _, opensearch = clients
    page = opensearch.get("/?q=energy&sector=energy")
    assert page.status_code == 200 and b"<mark>" in page.data
    hit = opensearch.get("/api/search?q=energy").get_json()["hits"][0]
    article = opensearch.get(f"/article/{hit['article_id']}?q=energy")
    assert article.status_code == 200 and hit["title"].split()[0].encode() in article.data
    assert opensearch.get(f"/api/article/{hit['article_id']}").get_json()["paragraphs"]
    assert opensearch.get("/api/article/no-such-article").status_code == 404
    csv = opensearch.get("/export.csv?q=energy")
    assert csv.status_code == 200 and csv.data.count(b"\n") > 100
    facets = opensearch.get("/api/facets/speaker?prefix=bid").get_json()["values"]
    assert facets and facets[0]["value"] == "Joseph R. Biden Jr"


def test_errors_are_the_same(clients):
    whoosh, opensearch = clients
    for url in [
        '/api/search?q="unclosed',
        "/api/search?q=nosuch:field",
        "/api/facets/colour?prefix=a",
        "/api/facets/speaker?prefix=jo&q=energy&speaker=Biden",
        "/api/facets/country?prefix=",
        "/api/search?q=energy&page=5000",
    ]:
        a, b = whoosh.get(url), opensearch.get(url)
        assert a.status_code == b.status_code
        assert a.get_json() == b.get_json()


def test_an_unreachable_cluster_or_a_missing_index_is_a_503(tmp_path, indexes):
    from web import create_app

    for url, name, message in [
        ("http://127.0.0.1:9", "nothing", "cannot be reached"),
        (URL, "no-such-index", "no index 'no-such-index'"),
    ]:
        # an OPENSEARCH_URL alone chooses the backend; nothing is contacted until a request
        app = create_app({"INDEX_DIR": str(tmp_path), "TESTING": True, "OPENSEARCH_URL": url, "OPENSEARCH_INDEX": name})
        answer = app.test_client().get("/api/search?q=energy")
        assert answer.status_code == 503 and message in answer.get_json()["error"]


def diplosearch(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in (env or os.environ).items() if not k.startswith("DIPLOSEARCH_OPENSEARCH")}
    return subprocess.run(
        [sys.executable, "-c", "from web.cli import main; main()", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env=clean,
    )


def test_the_command_line_on_opensearch(indexes, tmp_path):
    folder, name = indexes
    target = ["--backend", "opensearch", "--opensearch-url", URL, "--opensearch-index", name]
    whoosh = json.loads(diplosearch("search", "energy", "--sector", "energy", "--json", "--index", str(folder)).stdout)
    found = diplosearch("search", "energy", "--sector", "energy", "--json", *target)
    assert found.returncode == 0, found.stderr
    assert json.loads(found.stdout)["total"] == whoosh["total"]
    checked = diplosearch("check", *target)
    assert checked.returncode == 0 and "is intact" in checked.stdout, checked.stderr
    # $DIPLOSEARCH_OPENSEARCH_URL alone chooses the backend
    env = dict(os.environ, DIPLOSEARCH_OPENSEARCH_URL=URL, DIPLOSEARCH_OPENSEARCH_INDEX=name)
    by_env = subprocess.run(
        [sys.executable, "-c", "from web.cli import main; main()", "search", "energy", "--sector", "energy", "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert json.loads(by_env.stdout)["total"] == whoosh["total"], by_env.stderr
    # a reindex of a new source adds it, keeping the seeds
    extra = tmp_path / "extra.jsonl"
    extra.write_text(json.dumps({"id": "fish-1", "text": "Quuxfish talks opened in Oslo."}) + "\n")
    added = diplosearch("reindex", str(extra), *target)
    assert added.returncode == 0 and "(incremental build" in added.stdout, added.stderr
    fish = json.loads(diplosearch("search", "quuxfish", "--json", *target).stdout)
    assert fish["total"] == 1 and fish["hits"][0]["article_id"] == "fish-1"
    removed = diplosearch("reindex", "--remove", str(extra), *target)
    assert removed.returncode == 0 and f"Removing from the index: {extra}" in removed.stderr
    # what is wrong is one line
    for args, message in [
        (["search", "x", "--backend", "opensearch"], "needs the cluster's URL"),
        (["search", "x", "--opensearch-url", "http://127.0.0.1:9"], "cannot be reached"),
        (["check", *target[:-1], "no-such-index"], "no index 'no-such-index'"),
    ]:
        failed = diplosearch(*args)
        assert failed.returncode != 0 and message in failed.stderr and "Traceback" not in failed.stderr, failed.stderr


def test_a_missing_extra_is_named(monkeypatch):
    import builtins

    from search.backends import BackendUnavailable, open_backend

    real = builtins.__import__

    def without_opensearchpy(name, *args, **kwargs):
        if name == "opensearchpy" or name.startswith("opensearchpy."):
            raise ModuleNotFoundError(f"No module named {name!r}", name="opensearchpy")
        return real(name, *args, **kwargs)

    for module in [m for m in sys.modules if m.startswith("search.backends.opensearch")]:
        monkeypatch.delitem(sys.modules, module)
    monkeypatch.setattr(builtins, "__import__", without_opensearchpy)
    with pytest.raises(BackendUnavailable, match=r"pip install 'diplosearch\[opensearch\]'"):
        open_backend("index", "opensearch", URL)


@pytest.mark.slow
def test_serve_answers_from_the_cluster_in_its_forked_workers(indexes, tmp_path):
    from test_live_server import fetch, free_port, stop_server

    folder, name = indexes
    port = free_port()
    log = tmp_path / "server.log"
    command = [
        sys.executable,
        "-c",
        "from web.cli import main; main()",
        "serve",
        "--port",
        str(port),
        "--workers",
        "2",
        "--threads",
        "4",
        "--opensearch-index",
        name,
    ]
    env = dict(os.environ, DIPLOSEARCH_OPENSEARCH_URL=URL)  # serve's variable alone chooses OpenSearch
    with log.open("w") as out:
        process = subprocess.Popen(command, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        import time

        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and process.poll() is None:
            try:
                status, _, _ = fetch(base + "/help")
                if status == 200:
                    break
            except OSError:
                time.sleep(0.2)
        assert process.poll() is None, log.read_text()
        totals = set()
        for _ in range(8):  # spread over both workers: each made its own client after the fork
            status, _, body = fetch(base + "/api/search?q=energy&sector=energy")
            assert status == 200, body
            totals.add(json.loads(body)["total"])
        assert len(totals) == 1 and totals.pop() > 0
    finally:
        stop_server(process)
    # serve never writes to a cluster: a missing index is reported with the fix
    missing = subprocess.run(
        command[:-1] + ["no-such-index"], cwd=ROOT, capture_output=True, text=True, env=env, timeout=120
    )
    assert missing.returncode == 1 and "diplosearch reindex SOURCE... --backend opensearch" in missing.stderr
