"""Near-duplicate detection (search.index.dedup): copies are caught, different articles are not."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pytest

from search.index.dedup import STATE_JSON, STATE_NPZ, DuplicateIndex, lsh_params, normalise
from search.ingest.sources import read_text

from conftest import ROOT, SEED_FILE, SEEDS, shared_path

WHITEHOUSE = SEEDS / "whitehouse-2021-2024.jsonl"


@pytest.fixture(scope="module")
def seed() -> list[str]:
    """The seed article's paragraphs (15 paragraphs, a Malaysia–Türkiye joint statement)."""
    return read_text(SEED_FILE.read_text(encoding="utf-8"), "seed").paragraphs


@pytest.fixture(scope="module")
def whitehouse() -> list[dict]:
    return [json.loads(line) for line in WHITEHOUSE.read_text(encoding="utf-8").splitlines() if line.strip()]


def text(paragraphs: list[str]) -> str:
    return "\n\n".join(paragraphs)


def jaccard(a: str, b: str) -> tuple[float, float]:
    """Exact Jaccard similarity and containment of the smaller, of word 5-shingles."""

    def shingles(t):
        w = normalise(t)
        return {tuple(w[i : i + 5]) for i in range(len(w) - 4)}

    sa, sb = shingles(a), shingles(b)
    inter = len(sa & sb)
    return inter / len(sa | sb), inter / min(len(sa), len(sb))


def test_exact_copy_and_normalisation(seed):
    index = DuplicateIndex()
    assert index.check_and_add("a", text(seed)) is None
    assert index.check_and_add("b", text(seed)) == "a"
    # case, punctuation, quotes, line breaks and compatibility forms (NFKC) do not matter
    mangled = text(seed).upper().replace("“", '"').replace("”", '"').replace(",", " ,").replace(" ", "\n")
    mangled = mangled.replace("MALAYSIA", "ＭＡＬＡＹＳＩＡ")  # fullwidth letters
    assert index.check_and_add("c", mangled) == "a"
    assert index.canonical_of("c") == "a" and index.canonical_of("a") == "a"
    assert index.duplicates_of("a") == ["b", "c"]
    assert index.duplicates_of("b") == ["a", "c"]
    assert index.groups() == {"a": ["b", "c"]}
    assert len(index) == 3 and "c" in index


def test_syndicated_copy_with_other_headline_dateline_and_boilerplate(seed):
    index = DuplicateIndex()
    original = "date 2025-11-02 PUTRAJAYA: " + text(seed)
    syndicated = text(
        [
            "Malaysia, Türkiye pledge closer defence and energy ties | Regional Wire",
            "KUALA LUMPUR (Regional Wire) — " + seed[0],
            *seed[1:],
            "© 2025 Regional Wire. All rights reserved. This article may not be republished, "
            "rebroadcast or redistributed without permission. Follow us on social media for more news.",
        ]
    )
    assert index.check_and_add("bernama/1", original) is None
    assert index.check_and_add("wire/7", syndicated) == "bernama/1"


def test_copy_missing_its_last_paragraph_is_caught_by_containment(seed):
    full, cut = text(seed[:4]), text(seed[:3])
    j, c = jaccard(full, cut)
    assert j < 0.8 and c == 1.0  # Jaccard alone would miss it
    for first, second in ((full, cut), (cut, full)):  # whichever comes first
        index = DuplicateIndex()
        assert index.check_and_add("first", first) is None
        assert index.check_and_add("second", second) == "first"


def test_excerpt_of_a_much_longer_article_is_not_a_copy(seed):
    index = DuplicateIndex()
    index.check_and_add("long", text(seed))
    assert index.check_and_add("excerpt", text(seed[:3])) is None  # a fifth of it


def test_different_articles_on_the_same_country_pair_do_not_match(whitehouse):
    japan = [a for a in whitehouse if "Japan" in a["title"]]
    assert len(japan) >= 2
    index = DuplicateIndex()
    for article in japan:
        assert index.check_and_add(article["id"], article["text"]) is None


def test_same_event_reported_by_two_outlets_is_not_a_copy():
    """Two Sri Lankan outlets on the Thai PM's visit to sign the FTA: they share quotes
    (containment 0.49) but are different articles."""
    path = shared_path("corpus", "articles.jsonl")
    wanted = ("lk-adaderanalk-2024-01-29-a484ee0e", "lk-economynextcom-2024-01-29-855b062a")
    rows = {
        row["id"]: row for row in map(json.loads, path.read_text(encoding="utf-8").splitlines()) if row["id"] in wanted
    }
    if len(rows) < 2:
        pytest.skip("the two articles are no longer in the corpus")
    a, b = (rows[i]["text"] for i in wanted)
    assert 0.3 < jaccard(a, b)[1] < 0.7
    index = DuplicateIndex()
    assert index.check_and_add(wanted[0], a) is None
    assert index.check_and_add(wanted[1], b) is None


def test_real_collections_have_no_duplicates(whitehouse):
    index = DuplicateIndex()
    found = {a["id"]: index.check_and_add(a["id"], a["text"]) for a in whitehouse}
    assert not any(found.values()), {k: v for k, v in found.items() if v}


def test_short_texts_match_only_exactly():
    index = DuplicateIndex()
    a = "Prime Minister Anwar Ibrahim met President Erdogan in Ankara on Monday to discuss trade."
    b = "Prime Minister Anwar Ibrahim met President Erdogan in Ankara on Tuesday to discuss defence."
    assert len(normalise(a)) < 30
    assert index.check_and_add("a", a) is None
    assert index.check_and_add("b", b) is None  # most shingles shared, but too short to tell
    assert index.check_and_add("a2", a.upper() + "!") == "a"  # the same words: a copy
    assert index.check_and_add("empty", "") is None
    assert index.check_and_add("empty2", " ... ") is None  # no words: never matched
    long_text = " ".join([a] * 5)
    assert index.check_and_add("long", long_text) is None  # contains it, but is not it


def test_save_load_round_trip(tmp_path, seed, whitehouse):
    index = DuplicateIndex()
    for article in whitehouse[:30]:
        index.check_and_add(article["id"], article["text"])
    index.check_and_add("seed", text(seed))
    index.check_and_add("seed-copy", text(seed[:-1]))
    index.check_and_add("short", "A short note.")
    index.save(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == [STATE_JSON, STATE_NPZ]

    loaded = DuplicateIndex.load(tmp_path)
    assert loaded.params == index.params
    assert len(loaded) == len(index)
    assert loaded.groups() == index.groups() == {"seed": ["seed-copy"]}
    for article in whitehouse[:30]:
        assert np.array_equal(loaded.signature(article["text"])[0], index.signature(article["text"])[0])
    # it goes on matching as before: against the loaded canonical articles
    assert loaded.check_and_add("again", text(seed)) == "seed"
    assert loaded.check_and_add(whitehouse[3]["id"] + "-dup", whitehouse[3]["text"]) == whitehouse[3]["id"]
    assert loaded.check_and_add("short-again", "a SHORT note") == "short"
    assert loaded.check_and_add(whitehouse[40]["id"], whitehouse[40]["text"]) is None


def test_save_replaces_hard_linked_files_instead_of_writing_through(tmp_path, seed):
    """The build hard-links the live build's files into the new one: saving there must
    not change the live build's copy."""
    live, new = tmp_path / "live", tmp_path / "new"
    index = DuplicateIndex()
    index.check_and_add("a", text(seed))
    index.save(live)
    new.mkdir()
    for name in (STATE_JSON, STATE_NPZ):
        os.link(live / name, new / name)
    before = (live / STATE_JSON).read_bytes()
    index.check_and_add("b", text(seed[:8]))
    index.save(new)
    assert (live / STATE_JSON).read_bytes() == before
    assert len(DuplicateIndex.load(live)) == 1 and len(DuplicateIndex.load(new)) == 2


def test_load_missing_or_broken(tmp_path):
    with pytest.raises(FileNotFoundError):
        DuplicateIndex.load(tmp_path)
    DuplicateIndex().save(tmp_path)
    assert len(DuplicateIndex.load(tmp_path)) == 0
    (tmp_path / STATE_JSON).write_text("{not json", encoding="utf-8")
    with pytest.raises(ValueError):
        DuplicateIndex.load(tmp_path)


def test_remove(seed, whitehouse):
    index = DuplicateIndex()
    other = whitehouse[0]
    assert index.check_and_add(other["id"], other["text"]) is None
    assert index.check_and_add("a", text(seed)) is None
    assert index.check_and_add("b", text(seed[:-1])) == "a"
    assert index.check_and_add("c", text(seed) + "\n\nSyndicated by Wire.") == "a"

    # removing a duplicate only takes it out of its group
    change = index.remove("c")
    assert change.removed and change.promoted == [] and change.reassigned == {}
    assert index.duplicates_of("a") == ["b"] and "c" not in index

    # removing a canonical article promotes its first duplicate; the others follow it
    assert index.check_and_add("d", text(seed)) == "a"
    change = index.remove("a")
    assert change.promoted == ["b"] and change.reassigned == {"d": "b"}
    assert index.canonical_of("b") == "b" and index.duplicates_of("b") == ["d"]
    assert index.check_and_add("e", text(seed)) == "b"  # the promoted one is now matched against

    assert index.remove("missing").removed is False
    assert index.remove(other["id"]).removed
    assert index.check_and_add(other["id"], other["text"]) is None  # gone from the buckets

    # adding an id again replaces it
    assert index.check_and_add("e", "something else entirely, and short") is None
    assert index.duplicates_of("b") == ["d"]


def test_remove_many_then_merge(seed, whitehouse):
    """Removed canonical articles never come back as matches, before or after the
    bucket arrays are merged and compacted."""
    index = DuplicateIndex()
    for article in whitehouse:
        index.check_and_add(article["id"], article["text"])
    index._merge()
    for article in whitehouse[:60]:
        index.remove(article["id"])
    index._merge()
    for article in whitehouse:
        assert index.query(article["text"]) == (None if article in whitehouse[:60] else article["id"])


def test_lsh_catches_the_pairs_the_rules_accept():
    index = DuplicateIndex()
    bands, rows = index.bands, index.rows
    assert (bands, rows) == lsh_params(index.candidate_threshold, index.num_perm)
    p = 1 - (1 - index.candidate_threshold**rows) ** bands
    assert p > 0.95  # the lowest similarity a rule accepts is found ≥ 95 % of the time
    assert 1 - (1 - 0.05**rows) ** bands < 0.01  # unrelated articles are rarely compared


def test_deterministic_across_processes(seed):
    """Signatures do not depend on Python's per-process string hash seed."""
    code = (
        "import sys; from search.index.dedup import DuplicateIndex;"
        "print(DuplicateIndex().signature(sys.stdin.read())[0].tolist())"
    )
    outputs = set()
    for hash_seed in ("1", "2"):
        env = dict(os.environ, PYTHONHASHSEED=hash_seed)
        out = subprocess.run(
            [sys.executable, "-c", code],
            input=text(seed),
            capture_output=True,
            text=True,
            cwd=ROOT,
            env=env,
            check=True,
        ).stdout
        outputs.add(out)
    assert len(outputs) == 1
    assert json.loads(outputs.pop()) == DuplicateIndex().signature(text(seed))[0].tolist()
