import pytest

from search.backends.whoosh import WhooshBackend
from search.errors import QueryError
from search.query.params import build_request

from conftest import reindex

SEED_ID = "000_c346cf18d6c898db"


def facet(result, name):
    return {v.value: v for v in next(f for f in result.facets if f.name == name).values}


def test_semiconductors_finds_the_sti_paragraph_under_science_technology(seed_index):
    result = seed_index.search(build_request("semiconductors"))
    assert result.total == 1
    hit = result.hits[0]
    assert (hit.paragraph.article_id, hit.paragraph.n) == (SEED_ID, 12)
    assert "<mark>semiconductors</mark>" in hit.snippet
    assert facet(result, "sector")["science-technology"].count == 1
    assert hit.paragraph.date == "2025-11-02"


def test_two_sectors_mean_either_and_both_counts_stay_visible(seed_index):
    plain = seed_index.search(build_request("", per_page=100))
    sectors = facet(plain, "sector")
    defence, energy = sectors["defence"].count, sectors["energy"].count
    both = sum(1 for h in plain.hits if {"defence", "energy"} <= set(h.paragraph.tags["sectors"]))

    result = seed_index.search(build_request("", {"sector": ["defence", "energy"]}, per_page=100))
    assert result.total == defence + energy - both
    assert all({"defence", "energy"} & set(h.paragraph.tags["sectors"]) for h in result.hits)
    counts = facet(result, "sector")
    assert counts["defence"].count == defence and counts["defence"].selected
    assert counts["energy"].count == energy and counts["energy"].selected
    assert not counts.get("space") or not counts["space"].selected


def test_different_facets_combine_with_and(seed_index):
    result = seed_index.search(build_request("", {"sector": ["defence"], "country": ["Malaysia"]}, per_page=100))
    assert result.total >= 1
    for hit in result.hits:
        assert "defence" in hit.paragraph.tags["sectors"] and "Malaysia" in hit.paragraph.tags["countries"]


def test_phrase_boolean_field_and_wildcard_queries(seed_index):
    assert seed_index.search(build_request('"joint statement"')).total >= 1
    assert seed_index.search(build_request("hydrocarbon AND renewable")).total == 2
    assert seed_index.search(build_request("energy NOT hydrocarbon")).total >= 1
    assert seed_index.search(build_request("semicond*")).total == 1
    assert seed_index.search(build_request("sector:space")).total >= 2
    assert seed_index.search(build_request("title:zzz")).total == 0


def test_date_filters_and_sort(seed_index):
    assert seed_index.search(build_request("", date_from="2025-11-02", date_to="2025-11-02")).total == 15
    assert seed_index.search(build_request("", date_from="2025-11-03")).total == 0
    assert seed_index.search(build_request("", date_to="2025")).total == 15
    result = seed_index.search(build_request("defence", sort="date"))
    assert result.total >= 1 and result.request.sort == "date"


def test_pagination_walks_all_hits_once(seed_index):
    seen = []
    for page in range(1, 5):
        result = seed_index.search(build_request("", page=page, per_page=4))
        seen += [(h.paragraph.article_id, h.paragraph.n) for h in result.hits]
    assert result.pages == 4
    assert len(seen) == len(set(seen)) == 15


@pytest.mark.parametrize(
    "q, message",
    [
        ('"unclosed phrase', "unclosed quote"),
        ("(defence OR energy", "unbalanced parentheses"),
        ("colour:red", "unknown field 'colour'"),
        ("date:[2024 to", "unclosed range bracket"),
    ],
)
def test_malformed_queries_get_clear_messages(seed_index, q, message):
    with pytest.raises(QueryError, match=message):
        seed_index.search(build_request(q))


@pytest.mark.parametrize(
    "params, message",
    [
        ({"page": "two"}, "page must be a whole number"),
        ({"page": 0}, "page must be between"),
        ({"per_page": 1000}, "per_page must be between"),
        ({"date_from": "2024-13-01"}, "'from' must be a date"),
        ({"date_from": "2025-01-01", "date_to": "2024-01-01"}, "is after"),
        ({"sort": "random"}, "sort must be one of"),
    ],
)
def test_bad_parameters_get_clear_messages(params, message):
    with pytest.raises(QueryError, match=message):
        build_request(**params)


def test_misspelt_query_is_corrected_or_suggested(seed_index):
    result = seed_index.search(build_request("semiconducters"))
    assert result.corrected_query == "semiconductors" and result.total == 1
    result = seed_index.search(build_request("semiconducters", correct="off"))
    assert result.total == 0
    assert result.suggestion == "semiconductors" and result.suggestion_total == 1


def test_counts_and_hits_match_a_plain_reference_computation(tmp_path, make_articles):
    """Facet counts and totals equal a brute-force count over the stored paragraphs."""
    import random

    rng = random.Random(7)
    words = ["trade", "defence", "energy", "visit", "summit", "oil", "space", "talks"]
    arts = [
        {
            "id": f"a{i}",
            "date": f"202{i % 5}-0{1 + i % 9}-1{i % 9}",
            "text": "\n\n".join(" ".join(rng.choice(words) for _ in range(8)) + "." for _ in range(rng.randint(1, 4))),
        }
        for i in range(40)
    ]
    index_dir = tmp_path / "ix"
    reindex([make_articles(arts)], index_dir, progress=False)
    index = WhooshBackend(index_dir)
    everything = index.search(build_request("", per_page=100, page=1)).total
    docs = []
    for page in range(1, everything // 100 + 2):
        docs += [h.paragraph for h in index.search(build_request("", per_page=100, page=page)).hits]
    assert len(docs) == everything

    def reference(pred, field, sectors=()):
        chosen = [d for d in docs if pred(d) and (not sectors or set(sectors) & set(d.tags["sectors"]))]
        counts = {}
        for d in (d for d in docs if pred(d)):
            for v in d.tags[field]:
                counts[v] = counts.get(v, 0) + 1
        return len(chosen), counts

    for word in ["trade", "oil", "summit"]:
        result = index.search(build_request(word, per_page=100, facet_size=1000))
        total, counts = reference(lambda d, word=word: word in d.text.lower(), "sectors")
        assert result.total == total
        assert {k: v.count for k, v in facet(result, "sector").items()} == counts
        picked = sorted(counts)[:2]
        if picked:
            result = index.search(build_request(word, {"sector": picked}, per_page=100, facet_size=1000))
            total, counts = reference(lambda d, word=word: word in d.text.lower(), "sectors", picked)
            assert result.total == total
            assert {k: v.count for k, v in facet(result, "sector").items()} == counts
