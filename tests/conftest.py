"""Shared fixtures: real indexes built in temporary folders, real apps, real servers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from search.backends.whoosh import WhooshBackend
from search.index.build import BuildReport
from search.index.build import reindex as build_reindex

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
SEED_FILE = SEEDS / "000_c346cf18d6c898db.txt"
SHARED = ROOT.parent / "shared"


def reindex(sources, index_dir, **options) -> BuildReport:
    """Reindex into the Whoosh index at ``index_dir`` (what ``diplosearch reindex`` does)."""
    return build_reindex(WhooshBackend(index_dir), sources, **options)


def shared_path(*parts: str) -> Path:
    """A file under ../shared/, or skip the test where that folder is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is not available on this machine")
    return path


def write_jsonl(path: Path, articles: list[dict]) -> Path:
    path.write_text("".join(json.dumps(a, ensure_ascii=False) + "\n" for a in articles), encoding="utf-8")
    return path


def index_of(folder: Path, articles: list[dict], tag: bool = False) -> Path:
    """A Whoosh index in ``folder/ix`` of these articles: with the tags they give, or tagged (``tag``)."""
    reindex([write_jsonl(folder / "a.jsonl", articles)], folder / "ix", progress=False, tag=tag)
    return folder / "ix"


@pytest.fixture(scope="session")
def seed_index_dir(tmp_path_factory) -> Path:
    """An index of the seed article alone, built once per test run."""
    folder = tmp_path_factory.mktemp("seed-index")
    reindex([SEED_FILE], folder, progress=False)
    return folder


@pytest.fixture(scope="session")
def seed_index(seed_index_dir) -> WhooshBackend:
    return WhooshBackend(seed_index_dir)


@pytest.fixture(scope="session")
def seeds_index_dir(tmp_path_factory) -> Path:
    """An index of the repository's seeds/ folder (91 articles), built once per test run."""
    folder = tmp_path_factory.mktemp("seeds-index")
    reindex([SEEDS], folder, progress=False)
    return folder


@pytest.fixture()
def make_articles(tmp_path):
    """Write small JSON Lines articles for a test and return the file."""

    def make(articles: list[dict], name: str = "articles.jsonl") -> Path:
        return write_jsonl(tmp_path / name, articles)

    return make


@pytest.fixture(scope="session")
def app(seed_index_dir):
    from web import create_app

    return create_app({"INDEX_DIR": str(seed_index_dir), "TESTING": True})


@pytest.fixture()
def client(app):
    return app.test_client()
