"""Schemathesis against /api/openapi.json: generated requests, in process, 0 server errors.

Every operation of the OpenAPI document gets requests that fit it and requests
that do not (positive and negative generation), sent to the real Flask app
over an index of seeds/ through its WSGI interface; each response goes
through Schemathesis's checks: no 5xx, status codes, content types, headers
and bodies as documented, and the rest of its stateless checks. Each response
also carries the security headers.

Two checks are left out, as they judge how much of the API's input rules the
document states, not what the API answers: ``positive_data_acceptance``
(a free-text ``q`` that fits the document's string type can still be an
unreadable query, ``"open``, which gets its 400 with a message, as can a date
such as ``0000`` that fits the pattern) and ``negative_data_rejection`` (an
empty ``sort=`` or ``to=`` counts as absent, as a search form sends it, and a
facet ``limit`` outside 1-200 is clamped rather than refused).

Bounded: a fixed number of examples per operation and mode, derandomized, so
CI sends the same requests every time (DIPLOSEARCH_SCHEMATHESIS_EXAMPLES runs
more). The figures go to test-artifacts/schemathesis-figures.json. The
operations are driven with ``@given`` over each operation's strategy rather
than ``schema.parametrize()``: Schemathesis's lazy pytest fixture loader reads
a private pytest attribute that pytest 9 no longer has.
"""

from __future__ import annotations

import json
import os
import time
from collections import Counter
from pathlib import Path

import pytest

schemathesis = pytest.importorskip("schemathesis", reason="schemathesis is not installed (pip install -e '.[test]')")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance  # noqa: E402

from web import SECURITY_HEADERS  # noqa: E402

pytestmark = pytest.mark.slow  # thousands of generated requests

EXAMPLES = int(os.environ.get("DIPLOSEARCH_SCHEMATHESIS_EXAMPLES", "80"))
OPERATIONS = ["/api/search", "/api/article/{id}", "/api/facets/{name}", "/export.csv", "/export.json"]
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"


@pytest.fixture(scope="module")
def figures():
    counts: dict[str, Counter] = {}
    start = time.monotonic()
    yield counts
    total = sum((c for c in counts.values()), Counter())
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "schemathesis-figures.json").write_text(
        json.dumps(
            {
                "examples_per_operation_and_mode": EXAMPLES,
                "seconds": round(time.monotonic() - start, 1),
                "requests": sum(total.values()),
                "by_status": dict(sorted(total.items())),
                "by_operation": {name: dict(sorted(c.items())) for name, c in counts.items()},
            },
            indent=1,
        )
    )


@pytest.fixture(scope="module")
def api_schema(seeds_index_dir):
    from web import create_app

    app = create_app({"INDEX_DIR": str(seeds_index_dir), "TESTING": True, "EXPORT_LIMIT": 200})
    return schemathesis.openapi.from_wsgi("/api/openapi.json", app)


def test_every_documented_operation_is_fuzzed(api_schema):
    documented = {operation.path for operation in (result.ok() for result in api_schema.get_all_operations())}
    assert documented == set(OPERATIONS)


@pytest.mark.parametrize(
    "path, mode",
    [
        (path, mode)
        for path in OPERATIONS
        for mode in ("positive", "negative")
        if (path, mode) != ("/api/article/{id}", "negative")
    ],
)  # any string is an id
def test_api_conforms_to_its_openapi_document(api_schema, figures, path, mode):
    operation = api_schema[path]["GET"]
    strategy = operation.as_strategy(generation_mode=schemathesis.GenerationMode(mode))
    statuses = figures.setdefault(f"{path} ({mode})", Counter())

    @given(case=strategy)
    @settings(
        max_examples=EXAMPLES, derandomize=True, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    def run(case):
        response = case.call_and_validate(excluded_checks=[positive_data_acceptance, negative_data_rejection])
        statuses[response.status_code] += 1
        missing = [name for name in SECURITY_HEADERS if name.lower() not in response.headers]
        assert not missing, f"{case.formatted_path} answered without {missing}"

    run()
    assert statuses and not any(status >= 500 for status in statuses)
