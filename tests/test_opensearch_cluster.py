"""Two nodes on loopback: an index of 2 primary shards and 1 replica survives losing a node.

Starts its own two-node cluster with ``.ci/opensearch start --nodes 2`` (in a state folder of
its own, beside the single test node), indexes the seeds, searches, stops the node that is not
the elected cluster manager (the survivor can then still report health), checks that every
search answers the same with nothing lost, starts the node again and waits for green.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile

import pytest
from opensearch_support import backend, node_url
from opensearch_support import reindex as os_reindex

node_url()  # skip, saying why, where no node is configured

from search.backends.opensearch import connect  # noqa: E402
from search.query.params import build_request  # noqa: E402

from conftest import ROOT, SEEDS  # noqa: E402

SCRIPT = ROOT / ".ci" / "opensearch"
QUERIES = [
    "",
    "energy",
    '"joint statement"',
    "defence OR security",
    "speaker:Biden",
    "date:2023",
    "semicond*",
    "climate NOT coal",
]

pytestmark = pytest.mark.slow


def run(*args: str, env: dict) -> str:
    done = subprocess.run([str(SCRIPT), *args], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f".ci/opensearch {' '.join(args)} failed:\n{done.stderr[-3000:]}"
    return done.stdout


@pytest.fixture(scope="module")
def cluster():
    state = tempfile.mkdtemp(prefix="diplosearch-two-nodes-", dir="/tmp")
    env = dict(os.environ, DIPLOSEARCH_OPENSEARCH_STATE=state)
    try:
        urls = run("start", "--nodes", "2", env=env).split()
        assert len(urls) == 2
        yield urls, env
    finally:
        subprocess.run([str(SCRIPT), "stop"], env=env, capture_output=True, timeout=120)
        shutil.rmtree(state, ignore_errors=True)


def answers(urls, name: str = "two-nodes") -> dict:
    index = backend(urls, name)
    found = {}
    try:
        for q in QUERIES:
            request = build_request(q)
            result = index.search(request)
            total, rows = index.export(request, 10_000)
            found[q] = (
                result.total,
                total,
                sorted(p.doc_id for p in rows),
                [(f.name, [(v.value, v.count) for v in f.values]) for f in result.facets],
            )
    finally:
        index.close()
    return found


def test_two_nodes_survive_losing_one(cluster):
    urls, env = cluster
    client = connect(urls)
    assert client.cluster.health()["number_of_nodes"] == 2
    report = os_reindex(urls, "two-nodes", [SEEDS], backend_options={"shards": 2, "replicas": 1})
    settings = client.indices.get_settings(index=report.build)[report.build]["settings"]["index"]
    assert (settings["number_of_shards"], settings["number_of_replicas"]) == ("2", "1")
    assert client.cluster.health(index=report.build)["status"] == "green"
    shards = client.cat.shards(index=report.build, format="json")
    assert sorted(s["prirep"] for s in shards) == ["p", "p", "r", "r"] and len({s["node"] for s in shards}) == 2

    before = answers(urls)
    assert before[""][0] == report.paragraphs > 0

    manager = client.cat.cluster_manager(format="json")[0]["node"]
    stopped = "2" if manager == "node-1" else "1"
    survivor = urls[0] if stopped == "2" else urls[1]
    run("stop", "--node", stopped, env=env)
    alone = connect(survivor)
    health = alone.cluster.health(
        params={"wait_for_nodes": "1", "wait_for_status": "yellow", "timeout": "60s"}, request_timeout=70
    )
    assert health["number_of_nodes"] == 1 and health["status"] == "yellow"  # the replicas have no second node
    assert answers(urls) == before  # the client skips the dead node
    assert answers(survivor) == before

    run("start-node", stopped, env=env)
    health = alone.cluster.health(
        params={"wait_for_nodes": "2", "wait_for_status": "green", "timeout": "120s"}, request_timeout=130
    )
    assert health["status"] == "green" and health["number_of_nodes"] == 2
    assert answers(urls) == before
