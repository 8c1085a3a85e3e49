"""Near-duplicate articles are indexed once, the other copies listed as alternatives."""

from search.backends.whoosh import WhooshBackend
from search.query.params import build_request

from conftest import reindex

STORY = "\n\n".join(
    f"Paragraph {i}: the foreign ministers of Malaysia and Türkiye met in Putrajaya on Tuesday and "
    f"agreed to expand cooperation on defence procurement, renewable energy and semiconductor research, "
    f"according to a joint statement issued after talks number {i}."
    for i in range(6)
)


def test_syndicated_copies_are_indexed_once_with_alternatives(tmp_path, make_articles):
    original = make_articles(
        [{"id": "wire-1", "source": "Wire", "url": "https://wire.example/1", "title": "Ministers meet", "text": STORY}],
        "a.jsonl",
    )
    make_articles(
        [
            {
                "id": "paper-1",
                "source": "Daily Paper",
                "url": "https://paper.example/x",
                "title": "Malaysia, Türkiye expand ties",
                "text": STORY + "\n\nCopyright Daily Paper. All rights reserved.",
            }
        ],
        "b.jsonl",
    )
    report = reindex([tmp_path], tmp_path / "ix", progress=False)
    assert report.articles == 1 and report.duplicates == 1
    index = WhooshBackend(tmp_path / "ix")
    assert index.search(build_request("putrajaya")).total == 6
    [copy] = index.alternates("wire-1")
    assert copy["source"] == "Daily Paper" and copy["url"] == "https://paper.example/x"

    original.unlink()  # the original goes: its copy takes its place when it is pruned
    report = reindex([tmp_path], tmp_path / "ix", prune=True, progress=False)
    assert report.incremental and report.articles == 1 and report.duplicates == 0
    assert [p.n for p in index.article("paper-1")] == list(range(1, 8))
    assert index.article("wire-1") == [] and index.alternates("paper-1") == []


def test_the_same_article_id_twice_is_reported(tmp_path, make_articles):
    make_articles([{"id": "same", "text": "Fisheries talks."}], "a.jsonl")
    make_articles([{"id": "same", "text": "Aviation talks."}], "b.jsonl")
    report = reindex([tmp_path], tmp_path / "ix", progress=False)
    assert report.articles == 1
    assert any("ids must be unique" in s.reason for s in report.skipped)


def test_article_page_lists_the_other_copies(tmp_path, make_articles):
    from web import create_app

    make_articles([{"id": "wire-1", "source": "Wire", "title": "Ministers meet", "text": STORY}], "a.jsonl")
    make_articles(
        [
            {
                "id": "paper-1",
                "source": "Daily Paper",
                "url": "https://paper.example/x",
                "title": "Malaysia, Türkiye expand ties",
                "text": STORY,
            }
        ],
        "b.jsonl",
    )
    reindex([tmp_path], tmp_path / "ix", progress=False)
    client = create_app({"INDEX_DIR": str(tmp_path / "ix")}).test_client()
    html = client.get("/article/wire-1").get_data(as_text=True)
    assert "Also published as" in html and 'href="https://paper.example/x"' in html and "Daily Paper" in html
    data = client.get("/api/article/wire-1").get_json()
    assert data["alternates"][0]["id"] == "paper-1"
