"""Finding the OpenSearch test node, building into it, and cleaning up after a test's indices."""

from __future__ import annotations

import os
import uuid

import pytest

URL_VARIABLE = "DIPLOSEARCH_TEST_OPENSEARCH_URL"
SKIP_MESSAGE = (
    f"{URL_VARIABLE} is not set: these tests need a real OpenSearch node "
    f"(`.ci/opensearch start` prints its URL; CI always sets it)"
)


def node_url() -> str:
    """The test node's URL, or skip the module saying how to get one."""
    url = os.environ.get(URL_VARIABLE, "").strip()
    if not url:
        pytest.skip(SKIP_MESSAGE, allow_module_level=True)
    pytest.importorskip("opensearchpy", reason="the opensearch extra is not installed (pip install -e '.[test]')")
    return url


def unique_name(prefix: str) -> str:
    return f"test-{prefix}-{uuid.uuid4().hex[:8]}"


def backend(url, name: str, **options):
    from search.backends.opensearch import OpenSearchBackend

    return OpenSearchBackend(url, name, **options)


def reindex(url, name: str, sources, backend_options: dict | None = None, **options):
    """Reindex into the OpenSearch index ``name`` at ``url`` (what ``diplosearch reindex
    --backend opensearch`` does)."""
    from search.index.build import reindex as build_reindex

    searcher = backend(url, name, **(backend_options or {}))
    try:
        return build_reindex(searcher, sources, **{"progress": False, **options})
    finally:
        searcher.close()


def drop(client, name: str) -> None:
    """Delete every index of the alias ``name``: builds, orphans and state."""
    client.indices.delete(index=f"{name}-b-*", expand_wildcards="all", ignore_unavailable=True)
    client.indices.delete(index=f"{name}-state", ignore_unavailable=True)
