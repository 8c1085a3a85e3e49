"""No 500 on any query on OpenSearch either: the fuzzer of test_query_fuzz.py (the same grammar,
the same index of hostile articles, the same checks of every answer) through the site served
from the OpenSearch backend. Fewer examples than on Whoosh (each request goes to the node):
DIPLOSEARCH_OS_FUZZ_EXAMPLES runs more."""

from __future__ import annotations

import os
from urllib.parse import quote, quote_from_bytes

import pytest
from opensearch_support import drop, node_url, unique_name
from opensearch_support import reindex as os_reindex

URL = node_url()
hypothesis = pytest.importorskip("hypothesis", reason="hypothesis is not installed (pip install -e '.[test]')")

from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from test_query_fuzz import (  # noqa: E402
    ARTICLE_IDS,
    FOUND_BY_FUZZING,
    HOSTILE_ARTICLES,
    ISSUE_QUERIES,
    ROUTES,
    SEED_ID,
    check_answer,
    extras,
    fuzz_settings,
    query_bytes,
    route_url,
)

from search.backends.opensearch import connect  # noqa: E402
from web import create_app  # noqa: E402

from conftest import SEED_FILE, write_jsonl  # noqa: E402

pytestmark = pytest.mark.slow  # hundreds of generated requests to the node

EXAMPLES = int(os.environ.get("DIPLOSEARCH_OS_FUZZ_EXAMPLES", "300"))


@pytest.fixture(scope="module")
def os_fuzz_app(tmp_path_factory):
    folder = tmp_path_factory.mktemp("os-fuzz")
    sources = write_jsonl(folder / "hostile.jsonl", HOSTILE_ARTICLES)
    name = unique_name("fuzz")
    os_reindex(URL, name, [SEED_FILE, sources])
    app = create_app(
        {
            "INDEX_DIR": str(folder / "unused"),
            "TESTING": True,
            "EXPORT_LIMIT": 50,
            "BACKEND": "opensearch",
            "OPENSEARCH_URL": URL,
            "OPENSEARCH_INDEX": name,
        }
    )
    yield app
    app.extensions["diplosearch"].close()
    client = connect(URL)
    drop(client, name)
    client.close()


@pytest.mark.parametrize("route", ["api", "page", "article", "csv", "json", "facets"])
def test_the_issue_queries_are_no_server_error(os_fuzz_app, route):
    client = os_fuzz_app.test_client()
    for q in ISSUE_QUERIES + FOUND_BY_FUZZING:
        for article_id in (SEED_ID, "entities"):
            url = route_url(route, quote(q), article_id)
            check_answer(client.get(url), route, url)


@fuzz_settings(EXAMPLES)
@given(raw=query_bytes, route=st.sampled_from(ROUTES), article_id=st.sampled_from(ARTICLE_IDS), extra=extras)
def test_no_generated_query_is_a_server_error(os_fuzz_app, raw, route, article_id, extra):
    client = os_fuzz_app.test_client()
    q = quote_from_bytes(raw, safe="")
    more = "".join(f"&{quote(name)}={quote(value)}" for name, value in extra) if route in ("page", "api") else ""
    for where in ("api", route):
        url = route_url(where, q, article_id) + more
        check_answer(client.get(url), where, url)
