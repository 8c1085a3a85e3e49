from web import create_app

from conftest import reindex

SEED_ID = "000_c346cf18d6c898db"


def test_search_page_shows_hits_facets_and_highlights(client):
    page = client.get("/?q=semiconductors")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "<mark>semiconductors</mark>" in html
    assert "Science, technology &amp; innovation" in html
    assert f"/article/{SEED_ID}?p=12" in html
    assert "1 paragraph" in html


def test_facet_links_toggle_values_and_keep_the_query(client):
    html = client.get("/?q=energy").get_data(as_text=True)
    assert 'href="/?q=energy&amp;sector=energy"' in html
    html = client.get("/?q=energy&sector=energy").get_data(as_text=True)
    assert 'href="/?q=energy"' in html  # the selected value links back to no filter
    # a selected value is a link (aria-pressed is not allowed on links): marked by class and hidden text
    assert '<li class="selected">' in html and "(selected; activate to remove)" in html


def test_api_search_shape_and_disjunctive_counts(client):
    data = client.get("/api/search?sector=defence&sector=energy&per_page=50").get_json()
    assert set(data) >= {"query", "total", "page", "hits", "facets"}
    hit = data["hits"][0]
    assert set(hit) >= {
        "article_id",
        "n",
        "title",
        "date",
        "source",
        "url",
        "text",
        "snippet",
        "sectors",
        "speakers",
        "countries",
    }
    sectors = {v["value"]: v for v in data["facets"]["sector"]}
    assert sectors["defence"]["selected"] and sectors["energy"]["selected"]
    assert sectors["defence"]["count"] + sectors["energy"]["count"] >= data["total"]
    assert all({"defence", "energy"} & set(h["sectors"]) for h in data["hits"])
    assert {"value", "label", "count", "selected"} <= set(data["facets"]["sector"][0])


def test_bad_queries_and_parameters_get_400_with_a_message(client):
    response = client.get('/api/search?q="open')
    assert response.status_code == 400 and "unclosed quote" in response.get_json()["error"]
    response = client.get("/api/search?page=abc")
    assert response.status_code == 400 and "page must be a whole number" in response.get_json()["error"]
    response = client.get("/?q=(defence&from=yesterday")
    assert response.status_code == 400
    assert "unbalanced parentheses" in response.get_data(as_text=True) or "date" in response.get_data(as_text=True)


def test_article_page_has_anchors_tags_and_evidence(client):
    html = client.get(f"/article/{SEED_ID}?p=12").get_data(as_text=True)
    assert 'id="p12"' in html and 'class="paragraph target"' in html
    assert "Malaysia and Turkiye have reaffirmed" in html
    data = client.get(f"/api/article/{SEED_ID}").get_json()
    assert len(data["paragraphs"]) == 15 and data["date"] == "2025-11-02"


def test_unknown_article_is_404(client):
    assert client.get("/article/nope").status_code == 404
    assert client.get("/api/article/nope").status_code == 404


def test_article_text_and_echoed_values_are_escaped(tmp_path, make_articles):
    evil = make_articles(
        [{"id": "evil", "title": "<b>Bold</b> title", "text": "Trade talks <script>alert(1)</script> continued."}]
    )
    reindex([evil], tmp_path / "ix", progress=False)
    client = create_app({"INDEX_DIR": str(tmp_path / "ix")}).test_client()
    html = client.get("/?q=trade").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<b>Bold</b>" not in html
    html = client.get("/?q=%3Cscript%3Ex").get_data(as_text=True)
    assert "<script>x" not in html
    html = client.get("/article/evil").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html


def test_missing_index_is_a_clear_503(tmp_path):
    client = create_app({"INDEX_DIR": str(tmp_path / "none")}).test_client()
    response = client.get("/api/search?q=x")
    assert response.status_code == 503 and "diplosearch reindex" in response.get_json()["error"]


def test_json_of_the_model_equals_dataclasses_asdict():
    """``plain`` (used for every JSON answer) gives what ``dataclasses.asdict`` gives, as copies."""
    from dataclasses import asdict

    from search.models import Bucket, FacetValue, Paragraph, plain

    paragraph = Paragraph(
        article_id="a",
        n=2,
        text="Text",
        title="T",
        date="2024-01-02",
        tags={"sectors": ["energy", "defence"], "speakers": ["Anwar Ibrahim"], "countries": ["Malaysia"]},
        evidence={"sectors": {"energy": 'term "oil"'}, "speakers": {}},
    )
    for obj in (paragraph, FacetValue("energy", "Energy", 3, True), Bucket("2024-01-01", "2024-01-31", "Jan", 4)):
        assert plain(obj) == asdict(obj)
    data = plain(paragraph)
    data["tags"]["sectors"].append("space")
    data["evidence"]["sectors"]["space"] = "x"
    assert paragraph.tags["sectors"] == ["energy", "defence"] and "space" not in paragraph.evidence["sectors"]
    assert plain(paragraph, skip=("evidence", "text")).keys() == asdict(paragraph).keys() - {"evidence", "text"}
