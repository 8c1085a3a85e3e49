"""The OpenSearch backend's pieces that need no node: the analyzer's stop-word pattern against
Whoosh's, the timeline from day counts against search.timeline, and the query translation."""

from __future__ import annotations

import re

import numpy as np
import pytest
from whoosh import query as wq
from whoosh.analysis import StemmingAnalyzer

pytest.importorskip("opensearchpy", reason="the opensearch extra is not installed (pip install -e '.[opensearch]')")

from search.backends.opensearch.backend import _histogram  # noqa: E402
from search.backends.opensearch.mapping import WORD_PATTERN, from_source, python_stop_pattern, to_source  # noqa: E402
from search.backends.opensearch.translate import (  # noqa: E402
    FRAGMENT,
    TIER,
    Translator,
    Unsupported,
    parse,
    surface_word,
)
from search.backends.opensearch.translate import plan as parse_plan  # noqa: E402
from search.backends.whoosh.schema import make_schema  # noqa: E402
from search.errors import QueryError  # noqa: E402
from search.models import Paragraph, plain  # noqa: E402
from search.query.params import build_request  # noqa: E402
from search.query.parse import QueryParser  # noqa: E402
from search.query.timeline import (  # noqa: E402
    NO_DATE,
    counted_timeline,
    date_facet,
    is_week_timeline,
    month_timeline,
    timeline,
)

SAMPLES = [
    "The Prime Minister of Malaysia met U.S. officials in Washington, D.C. on 5 May.",
    "A visit to the U.K. and an agreement with the E.U. — it's a 2-day trip, isn't it?",
    "Erdoğan and Anwar: trade, energy & defence; the a.b.c plan; x y z; TBD when we will",
    "foo.the.bar the. .the. 1.5 percent of the vote... I am here, as is US policy",
]


def whoosh_words(text: str) -> list[str]:
    """What Whoosh's StemmingAnalyzer keeps of a text, before stemming."""
    analyzer = StemmingAnalyzer(stemfn=lambda w: w)
    return [t.text for t in analyzer(text)]


@pytest.mark.parametrize("text", SAMPLES)
def test_stop_pattern_removes_exactly_the_words_whoosh_stops(text):
    """The character filter deletes whole tokens: tokenizing what it leaves gives Whoosh's words."""
    kept = python_stop_pattern().sub("", text)
    words = [w.lower() for w in re.findall(WORD_PATTERN, kept)]
    assert words == whoosh_words(text)


def _random_days(rng, low: int, high: int, n: int) -> np.ndarray:
    days = rng.integers(low, high, size=n).astype(np.int32)
    days[rng.random(n) < 0.1] = NO_DATE
    return days


@pytest.mark.parametrize("span", [30, 130, 400, 2000, 4000])
@pytest.mark.parametrize(
    "dates_", [("", ""), ("2020-01-01", "2020-12-31"), ("2020-03-01", "2020-03-31"), ("2019-06-01", "")]
)
def test_timeline_and_date_facet_from_histograms_equal_the_engine(span, dates_):
    """What the backend asks for (a monthly histogram with the first and last day; the days only
    for a week timeline) gives what the Whoosh backend computes from every paragraph's date."""
    rng = np.random.default_rng(span)
    days = _random_days(rng, 18000, 18000 + span, 500)
    request = build_request(date_from=dates_[0], date_to=dates_[1])
    dated = days[days != NO_DATE]
    months = np.full(len(days), NO_DATE, dtype=np.int32)
    months[days != NO_DATE] = dated.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
    unique, counts = np.unique(dated, return_counts=True)
    unit, buckets = timeline(days, months, request)
    unit2, buckets2 = counted_timeline(unique.astype(np.int64), counts, request)
    assert (unit2, [plain(b) for b in buckets2]) == (unit, [plain(b) for b in buckets])
    month_numbers, month_counts = np.unique(months[days != NO_DATE], return_counts=True)
    first, last = int(dated.min()), int(dated.max())
    if not is_week_timeline(first, last):
        unit3, buckets3 = month_timeline(first, last, month_numbers, month_counts, request)
        assert (unit3, [plain(b) for b in buckets3]) == (unit, [plain(b) for b in buckets])
    facet, facet2 = date_facet(months, request), date_facet(month_numbers, request, month_counts)
    assert [plain(v) for v in facet2.values] == [plain(v) for v in facet.values]


def test_histograms_read_epoch_millisecond_keys():
    days, counts = _histogram([{"key": 86_400_000 * 3, "doc_count": 2}, {"key": 0, "doc_count": 0}], "D")
    assert days.tolist() == [3] and counts.tolist() == [2]
    months, counts = _histogram([{"key": 1_709_251_200_000, "doc_count": 5}], "M")  # 2024-03-01
    assert months.tolist() == [(2024 - 1970) * 12 + 2] and counts.tolist() == [5]


def _message(parse_, text: str) -> str:
    try:
        parse_(text)
    except QueryError as error:
        return str(error)
    return "no error"


def test_the_parser_is_the_engines_with_its_messages():
    whoosh = QueryParser(make_schema())
    for bad in ['"unclosed', "(a OR b", "nosuchfield:x", "the of", "date:[2024 to", "x" * 1001]:
        assert _message(parse, bad) == _message(whoosh.parse, bad) != "no error"


def test_leaves_keep_the_words_as_written_for_opensearch_to_stem():
    q = parse('Ministries AND "prime minister of india" AND accelerated')
    text = repr(Translator()(q))
    assert "'ministries'" in text and "'accelerated'" in text
    assert "{'match_phrase': {'text': {'query': 'prime minister india', 'slop': 0, 'boost': 1.0}}}" in text


def test_words_are_folded_and_spelt_the_american_way_but_not_stemmed():
    assert [surface_word(w) for w in ["Erdoğan", "Kılıç", "defence", "Organisations", "the", "ministries"]] == [
        "erdogan",
        "kilic",
        "defense",
        "organizations",
        None,
        "ministries",
    ]


def test_filler_words_are_known_by_their_stems_as_on_whoosh():
    plan = parse_plan("tells lists of sanctions")  # "tells", "lists": the stems of "tell", "list"
    assert [c.text for c in plan.clauses] == ["sanctions"] and plan.dropped == ["tells", "lists"]
    whoosh = QueryParser(make_schema(), 0.2).plan("tells lists of sanctions")
    assert len(whoosh.clauses) == 1 and len(whoosh.dropped) == 2


def test_a_relaxed_plan_ranks_by_coverage_then_bm25_with_fragments_last():
    query, rescore = Translator(resolve=lambda facet, value: ["Türkiye"]).plan(
        parse_plan("energy security country:Turkey")
    )
    clauses = query["bool"]["must"][0]["bool"]
    assert clauses["minimum_should_match"] == 1 and len(clauses["should"]) == 6  # per word: tier, text, title
    tiers = clauses["should"][0]["dis_max"]["queries"]
    assert [t["constant_score"]["boost"] for t in tiers] == [TIER, TIER / 2]
    assert clauses["should"][2] == {
        "bool": {"should": [{"match": {"title": {"query": "energy", "operator": "and", "boost": 1.5}}}], "boost": 0.2}
    }
    assert query["bool"]["should"][0]["constant_score"]["boost"] == FRAGMENT
    assert query["bool"]["filter"] == [{"terms": {"country": ["Türkiye"]}}]  # a typed value, read
    assert rescore == {"bool": {"should": [{"match_phrase": {"text": {"query": "energy security", "slop": 2}}}]}}
    assert Translator().plan(parse_plan("energy AND security"))[1] is None  # strict: as written


def test_translation_of_each_construct():
    t = Translator(resolve=lambda facet, name: {"Biden": ["Joseph R. Biden Jr"]}.get(name, [name]))
    assert t(parse("sector:defence")) == {"terms": {"sector": ["defence"]}}
    assert t(parse("speaker:Biden")) == {"terms": {"speaker_shown": ["Joseph R. Biden Jr"]}}
    assert Translator(resolve=lambda f, v: [])(parse("country:Atlantis")) == {"match_none": {}}
    assert t(parse("")) == {"match_all": {}}
    assert t(parse("sector:*")) == {"match_all": {}}
    assert t(parse("trade NOT tariffs"))["bool"]["must"][1]["bool"]["must_not"]
    date = t(parse("date:2024"))
    assert date == {
        "range": {
            "date": {
                "format": "strict_date_optional_time",
                "gte": "2024-01-01T00:00:00.000Z",
                "lte": "2024-12-31T23:59:59.999Z",
            }
        }
    }
    assert t(parse("date:>2023-06"))["range"]["date"] == {
        "format": "strict_date_optional_time",
        "gte": "2023-06-01T00:00:00.000Z",
    }
    prefix = t(parse("semicond*"))["bool"]["should"][0]
    assert prefix["query_string"]["query"] == "semicond*" and prefix["query_string"]["analyze_wildcard"]
    title = t(parse("title:summit"))
    assert title == {"match": {"title": {"query": "summit", "operator": "and", "boost": 1.5}}}
    boosted = t(parse("energy^2"))["bool"]["should"]  # the word, and in the title at 0.2 of its weight
    assert [part["bool"]["boost"] for part in boosted] == [2.0, 0.4]


def test_what_cannot_be_translated_is_named():
    with pytest.raises(Unsupported, match="FuzzyTerm"):
        Translator()(wq.FuzzyTerm("text", "energy"))
    with pytest.raises(Unsupported, match="NumericRange"):
        Translator()(wq.NumericRange("n", 1, 3))


def test_documents_round_trip_with_the_whoosh_fields():
    p = Paragraph(
        "a1",
        3,
        "text",
        title="T",
        date="2024-02-30",
        tags={"sectors": ["energy", "energy"], "speakers": ["Joe, Biden"], "countries": ["Malaysia"]},
        evidence={"sectors": {"energy": "oil"}},
    )
    source = to_source(p, "/x.jsonl")
    assert "date" not in source  # not a real date: undated, as in Whoosh
    assert source["sector"] == ["energy"] and source["speaker"] == ["Joe  Biden"] == source["speaker_shown"]
    assert source["speaker_key"] == ["joe  biden\x1fJoe  Biden"]
    back = from_source(source)
    assert (back.article_id, back.n, back.evidence, back.date) == ("a1", 3, {"sectors": {"energy": "oil"}}, "")
    assert back.tags == {"sectors": ["energy"], "speakers": ["Joe  Biden"], "countries": ["Malaysia"]}


def test_sort_keys_order_values_as_the_engine_breaks_ties():
    """The engine ranks equal counts by case-insensitive name; UTF-8 byte order of the keys
    (what a terms aggregation sorts by) must give the same order."""
    from search.backends.opensearch.mapping import key_value, sort_key

    values = ["DeSantis", "Deb", "de Klerk", "Émile", "emil", "Zoe", "zoë", "Ångström", "O'Brien", "obrien", "Ob"]
    engine = sorted(values, key=lambda v: (v.casefold(), v))
    assert sorted(values, key=lambda v: sort_key(v).encode("utf-8")) == engine
    assert [key_value(sort_key(v)) for v in values] == values


def test_choosing_the_backend():
    from search.backends import BackendUnavailable, Target

    assert Target.choose("ix").backend == "whoosh"
    assert Target.choose("ix", None, "http://h:9200").backend == "opensearch"  # a URL alone chooses OpenSearch
    assert Target.choose("ix", "whoosh", "http://h:9200").backend == "whoosh"
    chosen = Target.choose("ix", "opensearch", " http://a:9200,http://b:9200 ", "news")
    assert (chosen.opensearch_url, chosen.opensearch_index) == ("http://a:9200,http://b:9200", "news")
    assert str(chosen) == "the OpenSearch index 'news' at http://a:9200,http://b:9200"
    with pytest.raises(BackendUnavailable, match="needs the cluster's URL"):
        Target.choose("ix", "opensearch")
    with pytest.raises(BackendUnavailable, match="unknown backend"):
        Target.choose("ix", "solr")


def test_an_index_folder_on_the_command_line_is_whoosh_whatever_the_environment_says(seed_index_dir, monkeypatch):
    from click.testing import CliRunner

    from web.cli import main

    monkeypatch.setenv("DIPLOSEARCH_OPENSEARCH_URL", "http://127.0.0.1:9")  # nothing listens there
    runner = CliRunner()
    found = runner.invoke(main, ["search", "semiconductors", "--index", str(seed_index_dir)])
    assert found.exit_code == 0 and "1 paragraph(s) match" in found.output, found.output
    both = runner.invoke(main, ["search", "x", "--index", str(seed_index_dir), "--opensearch-url", "http://h:1"])
    assert both.exit_code == 2 and "say which with --backend" in both.output
    away = runner.invoke(main, ["search", "x"])  # the environment's URL alone: OpenSearch, unreachable
    assert away.exit_code == 1 and "http://127.0.0.1:9 cannot be reached" in away.output
    sized = runner.invoke(main, ["reindex", "--index", str(seed_index_dir), "--shards", "2"])
    assert sized.exit_code == 2 and "--shards and --replicas size an OpenSearch build" in sized.output


def test_an_app_given_an_index_folder_is_whoosh_whatever_the_environment_says(seed_index_dir, monkeypatch):
    from search.backends.opensearch import OpenSearchBackend
    from search.backends.whoosh import WhooshBackend
    from web import create_app

    monkeypatch.setenv("DIPLOSEARCH_OPENSEARCH_URL", "http://127.0.0.1:9")
    assert isinstance(create_app({"INDEX_DIR": str(seed_index_dir)}).extensions["diplosearch"], WhooshBackend)
    assert isinstance(create_app().extensions["diplosearch"], OpenSearchBackend)  # nothing contacted yet
