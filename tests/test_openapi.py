"""/api/openapi.json stays true: real responses are validated against its own schemas."""

from __future__ import annotations

import csv
import io
from urllib.parse import quote

import pytest

jsonschema = pytest.importorskip("jsonschema", reason="jsonschema is not installed (pip install jsonschema==4.26.0)")
referencing = pytest.importorskip("referencing")
from referencing.jsonschema import DRAFT202012  # noqa: E402

SEED_ID = "000_c346cf18d6c898db"
PATHS = {"/api/search", "/api/article/{id}", "/api/facets/{name}", "/export.csv", "/export.json"}


@pytest.fixture(scope="module")
def spec(app):
    response = app.test_client().get("/api/openapi.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    return response.get_json()


def validator_for(spec: dict, path: str, status: int, media: str = "application/json"):
    """A validator for one documented response, with the spec's $refs resolvable."""
    resource = referencing.Resource.from_contents(spec, default_specification=DRAFT202012)
    registry = referencing.Registry().with_resource("urn:openapi", resource)
    pointer = "/".join(
        [
            "paths",
            path.replace("~", "~0").replace("/", "~1"),
            "get",
            "responses",
            str(status),
            "content",
            media.replace("/", "~1"),
            "schema",
        ]
    )
    return jsonschema.Draft202012Validator({"$ref": f"urn:openapi#/{pointer}"}, registry=registry)


def check(client, spec, path: str, url: str, status: int = 200):
    response = client.get(url)
    assert response.status_code == status, (url, response.get_data(as_text=True)[:300])
    assert str(status) in spec["paths"][path]["get"]["responses"], f"{status} of {path} is undocumented"
    validator_for(spec, path, status).validate(response.get_json())
    return response


def test_the_spec_describes_every_endpoint_and_its_schemas_are_valid(spec, app):
    assert spec["openapi"].startswith("3.1")
    assert set(spec["paths"]) == PATHS
    for schema in spec["components"]["schemas"].values():
        jsonschema.Draft202012Validator.check_schema(schema)
    for path, item in spec["paths"].items():
        for status, response in item["get"]["responses"].items():
            assert response["description"], (path, status)
    assert spec["x-export-limit"] == app.config["EXPORT_LIMIT"] == 10_000
    assert "10,000" in spec["paths"]["/export.csv"]["get"]["description"]


def test_search_parameters_match_what_the_site_reads(spec):
    documented = {p["name"] for p in spec["paths"]["/api/search"]["get"]["parameters"]}
    assert documented == {
        "q",
        "sector",
        "speaker",
        "country",
        "from",
        "to",
        "sort",
        "page",
        "per_page",
        "facet_size",
        "group",
        "correct",
    }


@pytest.mark.parametrize(
    "url",
    [
        "/api/search?q=semiconductors",
        "/api/search",
        "/api/search?sector=defence&sector=energy&per_page=50&sort=date-asc",
        "/api/search?q=energy&from=2025-11&to=2025-11&facet_size=2",
        "/api/search?q=semiconducters",
        "/api/search?q=zzzznotaword",
        "/api/search?q=speaker%3A%22Anwar+Ibrahin%22",
        "/api/search?q=semiconducters&correct=off",
        "/api/search?q=energy+cooperation&group=off",
        "/api/search?q=energy&sector=Defense&country=Turkiye&country=Frnace",
    ],
)
def test_search_responses_match_the_spec(client, spec, url):
    check(client, spec, "/api/search", url)


@pytest.mark.parametrize(
    "url",
    [
        "/api/search?q=%22open",
        "/api/search?page=0",
        "/api/search?from=2025-13",
        "/api/search?per_page=1000",
        "/api/search?sort=best",
    ],
)
def test_search_errors_match_the_spec(client, spec, url):
    check(client, spec, "/api/search", url, 400)


def test_article_responses_match_the_spec(client, spec):
    data = check(client, spec, "/api/article/{id}", f"/api/article/{SEED_ID}").get_json()
    assert any(p["evidence"] for p in data["paragraphs"])
    check(client, spec, "/api/article/{id}", "/api/article/nope", 404)


@pytest.mark.parametrize(
    "url",
    [
        "/api/facets/speaker?prefix=anw",
        "/api/facets/country",
        "/api/facets/sector?prefix=sci&limit=2",
        "/api/facets/country?prefix=t%C3%BCr&q=energy",
        "/api/facets/speaker?q=semiconductors&sector=energy",
    ],
)
def test_facet_value_responses_match_the_spec(client, spec, url):
    check(client, spec, "/api/facets/{name}", url)


@pytest.mark.parametrize("url", ["/api/facets/colour", "/api/facets/speaker?limit=x", "/api/facets/speaker?q=%22open"])
def test_facet_value_errors_match_the_spec(client, spec, url):
    check(client, spec, "/api/facets/{name}", url, 400)


def test_exports_match_the_spec(client, spec):
    data = check(client, spec, "/export.json", "/export.json?q=energy").get_json()
    check(client, spec, "/export.json", "/export.json?from=nope", 400)
    documented = list(spec["components"]["schemas"]["ExportRow"]["properties"])
    assert list(data["rows"][0]) == documented
    response = client.get("/export.csv?q=energy")
    assert response.mimetype in spec["paths"]["/export.csv"]["get"]["responses"]["200"]["content"]
    assert next(csv.reader(io.StringIO(response.get_data(as_text=True)))) == documented
    for header in spec["paths"]["/export.csv"]["get"]["responses"]["200"]["headers"]:
        assert header in response.headers
    bad = client.get("/export.csv?from=nope")
    assert bad.status_code == 400 and bad.mimetype in spec["paths"]["/export.csv"]["get"]["responses"]["400"]["content"]


def test_the_missing_index_answer_matches_the_spec(tmp_path, spec):
    from web import create_app

    client = create_app({"INDEX_DIR": str(tmp_path / "none")}).test_client()
    for path, url in (
        ("/api/search", "/api/search?q=x"),
        ("/api/article/{id}", f"/api/article/{quote(SEED_ID)}"),
        ("/api/facets/{name}", "/api/facets/speaker"),
        ("/export.json", "/export.json"),
    ):
        check(client, spec, path, url, 503)
