"""The benchmark runs end to end at a tiny size and saves every figure (no times are asserted)."""

from __future__ import annotations

import json

import pytest

from bench import run

pytestmark = pytest.mark.slow  # a real browser / server / benchmark: seconds per test


def test_benchmark_smoke(tmp_path, capsys):
    result = run.main(
        [
            "--paragraphs",
            "2000",
            "--reps",
            "3",
            "--api-requests",
            "24",
            "--api-seconds",
            "20",
            "--profile",
            "5",
            "--work",
            str(tmp_path / "work"),
            "--results",
            str(tmp_path / "results"),
        ]
    )
    saved = list((tmp_path / "results").glob("2k-*.json"))
    assert len(saved) == 1
    data = json.loads(saved[0].read_text())
    assert data["paragraphs"] == 2000
    assert {"nproc", "cpu_model", "memory_total_mb", "python", "whoosh3_version"} <= set(data["machine"])

    sample = data["corpus"]["sample"]
    assert 60 <= sample["words_min"] and sample["words_max"] <= 120
    assert data["corpus"]["countries"] >= 180 and data["corpus"]["speakers_pool"] >= 1000

    for name in ("index_tagged", "index_untagged"):
        phase = data[name]
        if name == "index_untagged" and "skipped" in phase:
            continue  # reindex(..., tag=False) not there yet
        assert phase["paragraphs"] == 2000, phase
        for key in ("paragraphs_per_s", "seconds", "index_bytes", "self_peak_mb", "children_peak_mb", "tree_peak_mb"):
            assert phase[key] > 0 or key == "children_peak_mb", (name, key)

    cold = data["cold"]
    for key in ("snapshot_s", "first_search_s", "ready_s", "self_peak_mb"):
        assert key in cold, cold

    search = data["search"]
    assert "failed" not in search, search.get("stderr")
    kinds = {"term", "and2", "phrase", "term_sector", "term_2sectors_country", "broad", "all"}
    for engine in ("product", "naive"):
        assert set(search[engine]) == kinds
        for kind in kinds:
            assert {"p50_ms", "p95_ms", "p99_ms"} <= set(search[engine][kind])
    assert search["product"]["term"]["n"] == 3 and search["product"]["all"]["n"] == 18
    assert search["checks"]["broad"]["match_fraction_min"] >= 0.30
    assert all(c["total_mismatch"] == 0 for c in search["checks"].values()), search["check_examples"]
    assert search["profile"]["by_tottime"]

    api = data["api"]
    assert "failed" not in api, api.get("stderr")
    assert api["clients"] == 4 and api["requests_done"] > 0 and api["errors"] == 0, api
    for endpoint in ("/api/search", "/", "all"):
        assert {"p50_ms", "p95_ms", "p99_ms"} <= set(api["latency"][endpoint])
    assert "requests_per_s" in api and api["server_peak_mb"]

    assert result["saved_to"] == str(saved[0])
    assert "naive groupedby" in capsys.readouterr().out
