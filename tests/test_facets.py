"""The facet registry drives every use of a facet: one added there alone shows everywhere."""

from __future__ import annotations

import csv
import io

import pytest

from search.facets import FACETS, FacetSpec, export_fields
from web import create_app

from conftest import SEED_FILE, reindex

LENGTH = FacetSpec(
    "length",
    "lengths",
    "Length",
    "Paragraph length: short or long.",
    lambda text, tags: ["long" if len(text) > 300 else "short"],
)


@pytest.fixture()
def length_client(tmp_path):
    FACETS.register(LENGTH)
    try:
        reindex([SEED_FILE], tmp_path / "ix", progress=False)
        yield create_app({"INDEX_DIR": str(tmp_path / "ix"), "TESTING": True}).test_client()
    finally:
        FACETS.unregister("length")


def test_a_facet_added_to_the_registry_reaches_the_api(length_client):
    data = length_client.get("/api/search?q=&per_page=100").get_json()
    counts = {v["value"]: v["count"] for v in data["facets"]["length"]}
    assert counts["short"] + counts["long"] == data["total"] == 15
    assert all(hit["lengths"] in (["short"], ["long"]) for hit in data["hits"])
    filtered = length_client.get("/api/search?q=&length=long&per_page=100").get_json()
    assert filtered["total"] == counts["long"] and filtered["filters"]["length"] == ["long"]
    assert all(hit["lengths"] == ["long"] for hit in filtered["hits"])
    assert length_client.get("/api/search?q=length:short").get_json()["total"] == counts["short"]
    values = length_client.get("/api/facets/length?prefix=lo").get_json()["values"]
    assert [v["value"] for v in values] == ["long"]


def test_a_facet_added_to_the_registry_reaches_the_page_and_the_export(length_client):
    html = length_client.get("/?q=energy").get_data(as_text=True)
    assert 'id="facet-length"' in html and ">Length<" in html and "length=short" in html
    assert '<li class="tag length">' in html
    rows = list(csv.DictReader(io.StringIO(length_client.get("/export.csv?q=energy").get_data(as_text=True))))
    assert rows and set(rows[0]) == set(export_fields()) and {r["lengths"] for r in rows} <= {"short", "long"}
    exported = length_client.get("/export.json?q=energy").get_json()["rows"]
    assert all(row["lengths"] in (["short"], ["long"]) for row in exported)


def test_the_openapi_description_lists_a_registered_facet(length_client):
    spec = length_client.get("/api/openapi.json").get_json()
    names = [p["name"] for p in spec["paths"]["/api/search"]["get"]["parameters"]]
    assert "length" in names
    assert "lengths" in spec["components"]["schemas"]["Hit"]["properties"]
    assert "length" in spec["components"]["schemas"]["Filters"]["properties"]


def test_the_registry_refuses_a_second_facet_of_the_same_name():
    with pytest.raises(ValueError, match="exists"):
        FACETS.register(FacetSpec("sector", "sectors2", "Sector", "", lambda text, tags: []))
    assert FACETS.names() == ["sector", "speaker", "country"]
