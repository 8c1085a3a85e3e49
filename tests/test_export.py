"""/export.csv and /export.json: every page of a search, capped, with the page's parameters."""

from __future__ import annotations

import csv
import io
import re

import pytest

from web import create_app

from conftest import reindex

SEED_ID = "000_c346cf18d6c898db"
COLUMNS = ["article_id", "n", "title", "date", "source", "url", "text", "sectors", "speakers", "countries"]


def read_csv(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def test_csv_has_every_matching_paragraph_with_the_documented_columns(client):
    total = client.get("/api/search?q=energy").get_json()["total"]
    assert total > 1
    response = client.get("/export.csv?q=energy&per_page=1&page=1")  # paging is ignored
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert re.fullmatch(
        r'attachment; filename="diplosearch-energy-\d{4}-\d{2}-\d{2}\.csv"', response.headers["Content-Disposition"]
    )
    assert response.headers["X-Total-Count"] == str(total)
    assert response.get_data(as_text=True).splitlines()[0] == ",".join(COLUMNS)
    rows = read_csv(response)
    assert len(rows) == total
    hits = client.get("/api/search?q=energy&per_page=100").get_json()["hits"]
    assert [(r["article_id"], int(r["n"])) for r in rows] == [(h["article_id"], h["n"]) for h in hits]
    first = hits[0]
    assert rows[0]["text"] == first["text"] and rows[0]["sectors"] == "; ".join(first["sectors"])
    assert rows[0]["countries"] == "; ".join(first["countries"])


def test_json_export_has_the_same_rows_and_says_how_many_matched(client):
    csv_rows = read_csv(client.get("/export.csv?sector=energy&sort=date-asc"))
    response = client.get("/export.json?sector=energy&sort=date-asc")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    data = response.get_json()
    assert data["total"] == data["exported"] == len(data["rows"]) == len(csv_rows)
    assert data["truncated"] is False and data["limit"] == 10_000
    assert data["filters"]["sector"] == ["energy"] and data["sort"] == "date-asc"
    assert list(data["rows"][0]) == COLUMNS
    assert [(r["article_id"], r["n"]) for r in data["rows"]] == [(r["article_id"], int(r["n"])) for r in csv_rows]
    assert all("energy" in r["sectors"] for r in data["rows"])


def test_csv_quotes_commas_quotes_and_newlines(tmp_path, make_articles):
    tricky = 'Trade "deals", tariffs; and\nmore, said the minister of Malaysia.'
    source = make_articles(
        [
            {
                "id": "tricky,id",
                "title": 'A "quoted", title',
                "date": "2024-03-01",
                "source": "Wire; Service",
                "url": "https://example.org/a?b=1,2",
                "text": tricky + "\n\nSecond trade paragraph.",
            }
        ]
    )
    reindex([source], tmp_path / "ix", progress=False)
    client = create_app({"INDEX_DIR": str(tmp_path / "ix")}).test_client()
    rows = read_csv(client.get("/export.csv?q=trade&sort=date"))
    by_n = {int(r["n"]): r for r in rows}
    assert by_n[1]["article_id"] == "tricky,id" and by_n[1]["title"] == 'A "quoted", title'
    assert by_n[1]["source"] == "Wire; Service" and by_n[1]["url"] == "https://example.org/a?b=1,2"
    assert by_n[1]["text"].replace("\n", " ") == tricky.replace("\n", " ")


def test_export_stops_at_the_configured_cap(seed_index_dir):
    client = create_app({"INDEX_DIR": str(seed_index_dir), "EXPORT_LIMIT": 3}).test_client()
    response = client.get("/export.csv")
    assert len(read_csv(response)) == 3
    assert response.headers["X-Total-Count"] == "15" and response.headers["X-Export-Limit"] == "3"
    data = client.get("/export.json").get_json()
    assert data["exported"] == 3 and data["total"] == 15 and data["truncated"] is True
    page = client.get("/").get_data(as_text=True)
    assert "first 3 of these" in page


@pytest.mark.parametrize("query", ["q=%22open", "from=yesterday", "sort=best"])
def test_bad_export_parameters_are_400_with_a_message(client, query):
    response = client.get(f"/export.json?{query}")
    assert response.status_code == 400 and response.get_json()["error"]
    response = client.get(f"/export.csv?{query}")
    assert response.status_code == 400 and response.get_data(as_text=True).startswith("error: ")


def test_results_page_links_to_both_exports_with_its_filters(client):
    html = client.get("/?q=energy&sector=energy&from=2025&more=speaker&page=1").get_data(as_text=True)
    assert 'href="/export.csv?q=energy&amp;sector=energy&amp;from=2025"' in html
    assert 'href="/export.json?q=energy&amp;sector=energy&amp;from=2025"' in html
    assert "Download these" in html


def test_export_of_nothing_is_a_header_only_csv(client):
    response = client.get("/export.csv?q=zzzznotaword")
    assert response.status_code == 200
    assert response.get_data(as_text=True) == ",".join(COLUMNS) + "\r\n"
    assert response.headers["X-Total-Count"] == "0"
