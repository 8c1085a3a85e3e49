import json

from click.testing import CliRunner

from web.cli import main

from conftest import SEED_FILE


def test_search_prints_readable_hits(seed_index_dir):
    result = CliRunner().invoke(main, ["search", "semiconductors", "--index", str(seed_index_dir)])
    assert result.exit_code == 0, result.output
    assert "1 paragraph(s) match" in result.output
    assert "semiconductors, biotechnology" in result.output
    assert "science-technology (1)" in result.output


def test_search_json_is_the_api_structure(seed_index_dir, client):
    result = CliRunner().invoke(
        main, ["search", "energy", "--sector", "energy", "--json", "--index", str(seed_index_dir)]
    )
    assert result.exit_code == 0, result.output
    cli = json.loads(result.output)
    api = client.get("/api/search?q=energy&sector=energy").get_json()
    assert cli["total"] == api["total"]
    assert [h["n"] for h in cli["hits"]] == [h["n"] for h in api["hits"]]
    assert set(cli) == set(api)


def test_search_errors_are_messages_not_tracebacks(seed_index_dir, tmp_path):
    result = CliRunner().invoke(main, ["search", '"open', "--index", str(seed_index_dir)])
    assert result.exit_code == 1 and "unclosed quote" in result.output
    result = CliRunner().invoke(main, ["search", "x", "--from", "soon", "--index", str(seed_index_dir)])
    assert result.exit_code == 1 and "'from' must be a date" in result.output
    result = CliRunner().invoke(main, ["search", "x", "--index", str(tmp_path / "none")])
    assert result.exit_code == 1 and "no index" in result.output


def test_annotate_prints_one_json_line_per_paragraph():
    result = CliRunner().invoke(main, ["annotate", str(SEED_FILE)])
    assert result.exit_code == 0
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(rows) == 15
    assert set(rows[0]) >= {"article_id", "n", "title", "date", "text", "sectors", "speakers", "countries", "evidence"}
    assert rows[11]["n"] == 12 and "science-technology" in rows[11]["sectors"]
    assert "annotated 15 paragraphs" in result.stderr
