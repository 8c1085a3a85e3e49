"""Saved postings: frequent words decoded once per segment give the same postings and answers."""

from __future__ import annotations

import json
import os
import random
import shutil
from dataclasses import asdict
from pathlib import Path

import pytest
from whoosh import index as whoosh_index

from search.backends.whoosh import WhooshBackend, checksums, savedpostings
from search.backends.whoosh.fastmatch import _read_positions, _read_postings
from search.backends.whoosh.savedpostings import load_build
from search.backends.whoosh.store import POSTINGS, IndexStore
from search.models import SearchRequest

from conftest import reindex

WORDS = (
    "the joint statement prime minister energy security trade defence talks visit summit leaders "
    "agreed cooperation investment ports rail climate health students culture ministers said "
    "bilateral relations partnership navy exercise solar grid wheat vaccine satellite"
).split()
QUERIES = [
    "energy",
    "energy security",
    '"joint statement"',
    '"prime minister said"',
    "trade OR ports",
    "defence NOT navy",
    "invest*",
    "climate health students",
    '"the joint"',
    "summit",
]


def _articles(count: int, seed: int, prefix: str) -> list[dict]:
    """Articles of random sentences over a small vocabulary, so most words are frequent
    and phrases repeat."""
    rng = random.Random(seed)
    articles = []
    for i in range(count):
        paragraphs = []
        for _ in range(rng.randint(2, 5)):
            words = [rng.choice(WORDS) for _ in range(rng.randint(15, 40))]
            if rng.random() < 0.5:
                words[3:3] = ["the", "joint", "statement"]
            if rng.random() < 0.3:
                words[-1:] = ["prime", "minister", "said", "energy", "energy"]
            paragraphs.append(" ".join(words).capitalize() + ".")
        articles.append(
            {
                "id": f"{prefix}-{i}",
                "title": " ".join(rng.sample(WORDS, 4)).title(),
                "date": f"20{20 + i % 5}-0{1 + i % 9}-1{i % 10}",
                "source": "Test Wire",
                "text": "\n\n".join(paragraphs),
                "sectors": [["energy", "defence", "trade-investment"][i % 3]],
            }
        )
    return articles


def _write(path: Path, articles: list[dict]) -> Path:
    path.write_text("".join(json.dumps(a) + "\n" for a in articles), encoding="utf-8")
    return path


@pytest.fixture()
def small_min_docs(monkeypatch):
    """Save every word found in 3 paragraphs of a segment (worker processes fork, so they see it too)."""
    monkeypatch.setattr(savedpostings, "MIN_DOCS", 3)


def _reader(index_dir: Path):
    return whoosh_index.open_dir(str(IndexStore(index_dir).current())).reader()


def _result(index: WhooshBackend, q: str) -> dict:
    data = asdict(index.search(SearchRequest(q=q, per_page=20, facet_size=50)))
    for hit in data["hits"]:
        hit.pop("score")  # summed in another order, equal to within rounding
    return data


def test_saved_words_equal_the_decoded_postings_and_positions(tmp_path, small_min_docs):
    source = _write(tmp_path / "a.jsonl", _articles(120, 1, "a"))
    reindex([source], tmp_path / "ix", progress=False, procs=2, tag=False)
    build = IndexStore(tmp_path / "ix").current()
    saved = load_build(build / POSTINGS)
    with _reader(tmp_path / "ix") as reader:
        segments = [leaf.segment().segment_id() for leaf, _ in reader.leaf_readers()]
        assert len(segments) == 2 and set(saved) == set(segments)  # each worker saved its own
        checked = 0
        for field in ("text", "title"):
            for text, info in reader.iter_field(field):
                if info.doc_frequency() < 6:
                    continue
                ours, theirs = _read_postings(reader, field, text, saved), _read_postings(reader, field, text)
                assert ours[0].tolist() == theirs[0].tolist() and ours[1].tolist() == theirs[1].tolist()
                ours, theirs = _read_positions(reader, field, text, saved), _read_positions(reader, field, text)
                assert all(a.tolist() == b.tolist() for a, b in zip(ours, theirs)), (field, text)
                checked += 1
        assert checked > len(WORDS)


def test_searches_answer_the_same_with_and_without_saved_words(tmp_path, small_min_docs):
    source = _write(tmp_path / "a.jsonl", _articles(150, 2, "a"))
    reindex([source], tmp_path / "saved", progress=False, procs=2, tag=False)
    shutil.copytree(tmp_path / "saved", tmp_path / "plain")
    shutil.rmtree(IndexStore(tmp_path / "plain").current() / POSTINGS)
    checksums.write(IndexStore(tmp_path / "plain").current())  # a build made without saved words
    saved, plain = WhooshBackend(tmp_path / "saved"), WhooshBackend(tmp_path / "plain")
    assert saved.snapshot().matcher.postings.saved and not plain.snapshot().matcher.postings.saved
    for q in QUERIES:
        assert _result(saved, q) == _result(plain, q), q


def test_incremental_reindex_links_kept_segments_and_saves_new_ones(tmp_path, small_min_docs):
    first = _write(tmp_path / "a.jsonl", _articles(150, 3, "a"))
    second = _write(tmp_path / "b.jsonl", _articles(20, 4, "b"))
    reindex([first, second], tmp_path / "ix", progress=False, procs=2, tag=False)
    old_build = IndexStore(tmp_path / "ix").current()
    _write(second, _articles(25, 5, "b"))  # changed: its old paragraphs are deleted, new ones added
    report = reindex([first, second], tmp_path / "ix", progress=False, procs=1, tag=False)
    assert report.incremental
    new_build = IndexStore(tmp_path / "ix").current()
    with _reader(tmp_path / "ix") as reader:
        segments = [leaf.segment().segment_id() for leaf, _ in reader.leaf_readers()]
    kept = [s for s in segments if (old_build / POSTINGS / s).is_dir()]
    assert kept and len(kept) < len(segments)
    for segment in segments:
        assert (new_build / POSTINGS / segment / "words.json").exists()
    for segment in kept:
        assert (
            os.stat(new_build / POSTINGS / segment / "docs.npy").st_ino
            == os.stat(old_build / POSTINGS / segment / "docs.npy").st_ino
        )
    # the same answers as a fresh build that saved nothing
    shutil.copytree(tmp_path / "ix", tmp_path / "plain")
    shutil.rmtree(IndexStore(tmp_path / "plain").current() / POSTINGS)
    checksums.write(IndexStore(tmp_path / "plain").current())  # a build made without saved words
    for q in QUERIES:
        assert _result(WhooshBackend(tmp_path / "ix"), q) == _result(WhooshBackend(tmp_path / "plain"), q), q


def test_a_word_too_often_in_one_paragraph_is_left_to_be_decoded(tmp_path, small_min_docs, monkeypatch):
    """A word past the saved arrays' limits is taken back out (the others stay intact)
    and is decoded from Whoosh's blocks when searched."""
    monkeypatch.setattr(savedpostings, "MAX_COUNT", 2)
    # "alpha" once in 300 paragraphs, then three times: it fails in its third block, after two were written
    rng = random.Random(7)
    articles = [
        {
            "id": f"x-{i}",
            "title": "Notes",
            "date": "2024-01-01",
            "text": "Alpha " + " ".join(rng.choice(WORDS) for _ in range(25)) + " beta.",
        }
        for i in range(300)
    ] + [{"id": "x-last", "title": "Notes", "date": "2024-01-02", "text": "Alpha alpha alpha beta gamma."}]
    source = _write(tmp_path / "a.jsonl", articles + _articles(80, 6, "a"))
    reindex([source], tmp_path / "ix", progress=False, procs=1, tag=False)
    saved = load_build(IndexStore(tmp_path / "ix").current() / POSTINGS)
    with _reader(tmp_path / "ix") as reader:
        (segment,) = saved.values()
        left_out = [
            text
            for text, info in reader.iter_field("text")
            if info.doc_frequency() >= 3 and ("text", text) not in segment
        ]
        assert b"alpha" in left_out and b"energi" in left_out  # "energy energy" ends many paragraphs
        assert ("text", b"beta") in segment
        for text, _info in reader.iter_field("text"):
            if ("text", text) in segment:
                ours, theirs = _read_positions(reader, "text", text, saved), _read_positions(reader, "text", text)
                assert all(a.tolist() == b.tolist() for a, b in zip(ours, theirs)), text
    shutil.copytree(tmp_path / "ix", tmp_path / "plain")
    shutil.rmtree(IndexStore(tmp_path / "plain").current() / POSTINGS)
    checksums.write(IndexStore(tmp_path / "plain").current())  # a build made without saved words
    for q in QUERIES:
        assert _result(WhooshBackend(tmp_path / "ix"), q) == _result(WhooshBackend(tmp_path / "plain"), q), q
