"""No 500 on any query: the issue's crashing queries, then a grammar fuzzer.

The fuzzer generates queries from the query language's own pieces: words
(known, misspelt, random, any script, control characters), words joined by
punctuation (``semi-conductors``, ``trade/enrgy``, ``foo.:bar``), phrases in
straight and curly quotes, brackets and groups (balanced or not), fields
(known, aliases, upper case, unknown), wildcards, ranges, boosts, fuzzy
marks, operators, very long queries, and raw bytes that are not UTF-8
(``%fe%ff``). Each query goes through the real Flask app over a real index
(the seed article and a few articles with markup, entities, formula-like
text and joined words): ``/api/search`` (parser, suggestion, highlighting,
facets) and one more route in turn: the search page, the article page (its
marking), both exports and the facet values; sometimes with other search
parameters as well.

Every answer must be a 200 or a 400 whose message says what is wrong; none a
5xx. Pages must keep their markup whole: no ``<mark>`` inside an entity,
marks balanced, no script but the site's own. Bounded: a fixed number of
examples with a derandomized seed, so CI sends the same queries every time
(about 30 s; DIPLOSEARCH_FUZZ_EXAMPLES runs more). The figures go to
test-artifacts/fuzz-figures.json.
"""

from __future__ import annotations

import json
import os
import re
import time
from collections import Counter
from pathlib import Path
from urllib.parse import quote, quote_from_bytes

import pytest
from click.testing import CliRunner

from conftest import SEED_FILE, reindex, write_jsonl

hypothesis = pytest.importorskip("hypothesis", reason="hypothesis is not installed (pip install -e '.[test]')")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from web import SECURITY_HEADERS, create_app  # noqa: E402

pytestmark = pytest.mark.slow  # thousands of generated requests

EXAMPLES = int(os.environ.get("DIPLOSEARCH_FUZZ_EXAMPLES", "1500"))
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
SEED_ID = "000_c346cf18d6c898db"

# the issue's queries that crashed the did-you-mean step (62 of about 12,000 fuzzed requests)
ISSUE_QUERIES = [
    "semi-conductors",
    "enrgy-policy",
    "co-operaton",
    "U.S.-Malysia",
    "trade/enrgy",
    "foo.:bar",
    "ener\ufffdgy",
    "%fe%ff",
]
# what this fuzzer found besides: a misspelling beside a range of words (Whoosh cannot list a range's tokens)
FOUND_BY_FUZZING = ["title:[a to z] enrgy", "enrgy title:[a TO m]", "title:{energy to} semiconducters"]

HOSTILE_ARTICLES = [
    {
        "id": "entities",
        "title": "AT&T, R&D and <b>tags</b>: 'quoted' \"double\"",
        "date": "2024-03-01",
        "source": "Test & Co",
        "url": "https://example.org/a?x=1&y=2",
        "text": "AT&T and R&D talks on energy: 'quoted' and \"double\" words, <b>tags</b> & amp; lt gt 39 34 "
        "x27 quot nbsp #39; &amp; literally.\n\nThe energy-policy and co-operation of "
        "semi-conductors, U.S.-Malaysia trade/energy and foo.:bar went on.",
    },
    {
        "id": "formulae",
        "title": '=HYPERLINK("https://evil.example","energy")',
        "date": "2024-04-02",
        "text": "-2+3 energy talks\n\n@SUM(1+1) trade\n\n+energy cmd|' /C calc'!A0\n\n=1+2 defence",
    },
    {
        "id": "scripts",
        "title": "Türkiye – Malaysia: عربي, 中文, שלום",
        "date": "2023-11-05",
        "text": "Erdoğan and Anwar Ibrahim met in İstanbul; the naïve café ﬁnance talks, ß and e\u0301.\n\n"
        "Energy cooperation, defence and semiconductors were discussed.",
    },
]
ARTICLE_IDS = [SEED_ID, "entities", "formulae", "scripts"]

# -- the query grammar -------------------------------------------------------------
VOCABULARY = [
    "energy",
    "trade",
    "semiconductors",
    "semiconducters",
    "Malaysia",
    "Malysia",
    "Turkiye",
    "Türkiye",
    "defence",
    "defense",
    "Anwar",
    "Ibrahim",
    "policy",
    "cooperation",
    "co",
    "operation",
    "talks",
    "U.S.",
    "AT&T",
    "R&D",
    "amp",
    "lt",
    "gt",
    "quot",
    "39",
    "34",
    "x27",
    "nbsp",
    "mark",
    "b",
    "the",
    "of",
    "a",
    "and",
    "to",
    "AND",
    "OR",
    "NOT",
    "TO",
    "and",
    "Erdoğan",
    "İstanbul",
    "café",
    "2024",
    "2024-03-01",
    "1+1",
    "=1+2",
    "@SUM",
    "script",
    "alert(1)",
    "javascript:alert(1)",
]
FIELDS = [
    "text",
    "title",
    "sector",
    "sectors",
    "speaker",
    "speakers",
    "country",
    "countries",
    "date",
    "article",
    "article_id",
    "Title",
    "SECTOR",
    "Date",
]
UNKNOWN_FIELDS = ["foo", "colour", "http", "https", "n", "doc_id", "url", "source_path", "evidence", "_", "a_b"]
JOINS = list("-/.:_'’&+@#%!,;=|\\~^*?<>$`") + ["..", "--", ".:", "://", "—", "–", "\u00a0", "\u200b"]
QUOTES = [('"', '"')] * 4 + [("“", "”"), ("‘", "’"), ("'", "'"), ("„", "“"), ("«", "»"), ('"', ""), ("“", "")]
SEPARATORS = [" ", " ", " ", "  ", " AND ", " OR ", " NOT ", " && ", " || ", "\t", "\n", ",", "", " - ", " + "]
SPECIAL = [
    "é",
    "ğ",
    "İ",
    "ß",
    "ﬁ",
    "e\u0301",
    "中文",
    "العربية",
    "שלום",
    "🙂",
    "\u200b",
    "\u00a0",
    "\ufeff",
    "\ufffd",
    "\u202e",
    "\u2028",
    "\x00",
    "\x01",
    "\x07",
    "\x1b",
    "\x7f",
    "\x85",
    "\r",
    "\t",
    "\n",
]
DATES = [
    "2024",
    "2024-01",
    "2024-01-01",
    "2025-12-31",
    "0000",
    "9999",
    "2024-13-01",
    "2024-02-30",
    "yesterday",
    "now",
    "",
    "*",
    "20240101",
    "-1",
    "1e9",
]

control = st.characters(max_codepoint=0x9F, categories=["Cc"])
any_char = st.characters(codec="utf-8", exclude_categories=["Cs"])
misspelt = st.builds(
    lambda word, i, c: word[:i] + c + word[i + 1 :],
    st.sampled_from(VOCABULARY),
    st.integers(0, 12),
    st.sampled_from("aeioustr*?-"),
)
word = st.one_of(
    st.sampled_from(VOCABULARY),
    st.sampled_from(VOCABULARY),
    misspelt,
    misspelt,
    st.text(alphabet=any_char, min_size=1, max_size=12),
    st.text(alphabet=st.sampled_from("abcdefghijklmnopqrstuvwxyz"), min_size=1, max_size=14),
    st.sampled_from(SPECIAL),
    st.text(alphabet=control, min_size=1, max_size=3),
)
joined = st.builds(
    lambda first, rest: first + "".join(j + w for j, w in rest),
    word,
    st.lists(st.tuples(st.sampled_from(JOINS), word), min_size=1, max_size=3),
)
wildcard = st.one_of(
    st.builds(lambda w, c: w + c, word, st.sampled_from(["*", "?", "**", "*?"])),
    st.builds(lambda w, c: c + w, word, st.sampled_from(["*", "?"])),
    st.sampled_from(["*", "?", "*:*", "**", "a*", "e*y"]),
)
phrase = st.builds(
    lambda q, words, slop: q[0] + " ".join(words) + q[1] + slop,
    st.sampled_from(QUOTES),
    st.lists(st.one_of(word, joined), min_size=0, max_size=4),
    st.sampled_from(["", "", "~2", "~", "~x", "^2"]),
)
range_ = st.one_of(
    st.builds(
        lambda f, o, lo, to, hi, c: f"{f}:{o}{lo}{to}{hi}{c}",
        st.sampled_from(["date", "Date", "title", "n", "foo"]),
        st.sampled_from(["[", "[", "{", ""]),
        st.sampled_from(DATES + ["a"]),
        st.sampled_from([" to ", " TO ", " ", " to", "to "]),
        st.sampled_from(DATES + ["z"]),
        st.sampled_from(["]", "]", "}", ""]),
    ),
    st.builds(
        lambda f, op, d: f"{f}:{op}{d}",
        st.sampled_from(["date", "title"]),
        st.sampled_from([">", "<", ">=", "<=", "=>", "<>", ">>"]),
        st.sampled_from(DATES),
    ),
)
fielded = st.builds(
    lambda f, v: f"{f}:{v}",
    st.one_of(st.sampled_from(FIELDS), st.sampled_from(FIELDS), st.sampled_from(UNKNOWN_FIELDS)),
    st.one_of(word, joined, phrase, wildcard, st.just(""), st.just("()")),
)
leaf = st.one_of(
    word,
    word,
    joined,
    joined,
    phrase,
    wildcard,
    range_,
    fielded,
    st.builds(lambda w, b: f"{w}^{b}", word, st.sampled_from(["2", "0.5", "", "x", "-1"])),
    st.builds(lambda w, n: f"{w}~{n}", word, st.sampled_from(["", "1", "2", "9"])),
    st.builds(lambda op, w: op + w, st.sampled_from(["-", "+", "!", "NOT ", "AND ", "OR "]), word),
)


BRACKETS = [("(", ")")] * 16 + [("", "")] * 6 + [("((", "))"), ("(", ""), ("", ")"), ("[", "]"), ("{", "}"), ("(", "]")]


def _group(children):
    return st.builds(
        lambda b, parts, seps: b[0] + "".join(s + p for s, p in zip(seps, parts)).strip() + b[1],
        st.sampled_from(BRACKETS),
        st.lists(children, min_size=1, max_size=4),
        st.lists(st.sampled_from(SEPARATORS), min_size=4, max_size=4),
    )


clause = st.recursive(leaf, _group, max_leaves=8)
clauses = st.builds(
    lambda parts, seps: "".join(s + p for s, p in zip(seps, parts)),
    st.lists(clause, min_size=1, max_size=6),
    st.lists(st.sampled_from(SEPARATORS), min_size=6, max_size=6),
)
query = st.one_of(
    clauses,
    clauses,
    clauses,
    clauses,
    clauses,
    clauses,
    # very long: up to the 1000-character limit, just over it, far over it
    st.builds(
        lambda part, size: " ".join([part] * (size // (len(part) + 1) + (size > 1000))),
        clause,
        st.sampled_from([400, 999, 1000, 1001, 20000]),
    ),
    st.builds(lambda part, pad: pad + part + pad, clauses, st.sampled_from(["   ", "\t\n", "\u3000", "\x00"])),
)
# what goes in the URL: the query as UTF-8, or raw bytes that may not be UTF-8 at all
query_bytes = st.one_of(
    query.map(lambda q: q.encode("utf-8")),
    query.map(lambda q: q.encode("utf-8")),
    query.map(lambda q: q.encode("utf-8")),
    st.binary(min_size=1, max_size=24),
)

filter_value = st.one_of(
    st.sampled_from(
        [
            "energy",
            "defence",
            "science-technology",
            "Malaysia",
            "Türkiye",
            "Anwar Ibrahim",
            "nope",
            "",
            " ",
            "<b>x</b>",
            "a,b",
        ]
    ),
    word,
)
extras = st.one_of(
    st.just([]),
    st.lists(
        st.one_of(
            st.tuples(st.sampled_from(["sector", "speaker", "country"]), filter_value),
            st.tuples(st.sampled_from(["from", "to"]), st.sampled_from(DATES)),
            st.tuples(st.just("sort"), st.sampled_from(["relevance", "date", "date-asc", "", "best", "DATE"])),
            st.tuples(
                st.sampled_from(["page", "per_page", "facet_size"]),
                st.sampled_from(["1", "2", "0", "-1", "100", "1001", "x", "", "1e3"]),
            ),
            st.tuples(st.just("more"), st.sampled_from(["speaker", "country", "sector", "date", "colour"])),
            st.tuples(st.sampled_from(["speaker_prefix", "country_prefix", "p", "limit", "prefix"]), word),
        ),
        max_size=4,
    ),
)
ROUTES = ["page", "article", "csv", "json", "facets", "page"]


# -- the app -------------------------------------------------------------------------
@pytest.fixture(scope="module")
def fuzz_app(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fuzz")
    sources = write_jsonl(folder / "hostile.jsonl", HOSTILE_ARTICLES)
    reindex([SEED_FILE, sources], folder / "index", progress=False)
    return create_app({"INDEX_DIR": str(folder / "index"), "TESTING": True, "EXPORT_LIMIT": 50})


@pytest.fixture(scope="module")
def figures():
    counts = {"requests": Counter(), "statuses": Counter(), "examples": 0}
    start = time.monotonic()
    yield counts
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "fuzz-figures.json").write_text(
        json.dumps(
            {
                "examples": counts["examples"],
                "requests": sum(counts["requests"].values()),
                "by_route": dict(counts["requests"]),
                "by_status": {str(k): v for k, v in sorted(counts["statuses"].items())},
                "server_errors": sum(v for k, v in counts["statuses"].items() if k >= 500),
                "seconds": round(time.monotonic() - start, 1),
            },
            indent=1,
        )
    )


MARK_IN_ENTITY = re.compile(r"&[#\w]*<mark>|&[#\w]*</mark>")


def check_answer(response, route: str, url: str) -> None:
    """A 200, or a 400 that says what is wrong; pages whole; the security headers on each."""
    body = response.get_data(as_text=True)
    assert response.status_code < 500, f"{response.status_code} for {url}:\n{body[:800]}"
    expected = (200,) if route == "article" else (200, 400)
    assert response.status_code in expected, f"{response.status_code} for {url}: {body[:300]}"
    missing = [name for name in SECURITY_HEADERS if name not in response.headers]
    assert not missing, f"{url} has no {missing}"
    if response.status_code == 400:
        if response.mimetype == "application/json":
            assert response.get_json()["error"].strip(), url
        elif response.mimetype == "text/plain":
            assert body.startswith("error: ") and len(body) > 10, url
        else:
            assert re.search(r'<p class="error"[^>]*>\s*\S', body), f"no message on the 400 page of {url}"
    if response.mimetype == "text/html":
        assert not MARK_IN_ENTITY.search(body), f"a mark inside an entity in {url}"
        assert body.count("<mark>") == body.count("</mark>"), url
        assert body.count("<script") == 1, f"a script besides site.js in {url}"


def route_url(route: str, q: str, article_id: str) -> str:
    return {
        "api": "/api/search?q=",
        "page": "/?q=",
        "article": f"/article/{quote(article_id)}?q=",
        "csv": "/export.csv?q=",
        "json": "/export.json?q=",
        "facets": "/api/facets/speaker?q=",
    }[route] + q


# -- the issue's queries ----------------------------------------------------------
@pytest.mark.parametrize("route", ["api", "page", "article", "csv", "json", "facets"])
@pytest.mark.parametrize("q", ISSUE_QUERIES + FOUND_BY_FUZZING)
def test_words_joined_by_punctuation_are_no_server_error(fuzz_app, q, route):
    client = fuzz_app.test_client()
    for article_id in (SEED_ID, "entities"):
        url = route_url(route, quote(q), article_id)
        check_answer(client.get(url), route, url)
    raw = "/api/search?q=%fe%ff"  # bytes that are not UTF-8
    check_answer(client.get(raw), "api", raw)


@pytest.mark.parametrize(
    "q", ["enrgy-policy", "trade/enrgy", "sectors:energy semiconducters", "article:entities enrgy-policy"]
)
def test_a_joined_or_fielded_misspelling_is_corrected_in_its_place(fuzz_app, q):
    """The correction rewrites the misspelt part where it stands, field names and joins kept."""
    data = fuzz_app.test_client().get("/api/search?q=" + quote(q)).get_json()
    suggestion = data["corrected_query"]
    assert suggestion and data["total"] > 0, data
    prefix = q.split()[0] + " " if " " in q else ""
    assert suggestion.startswith(prefix) and "enrg" not in suggestion and "semiconducters" not in suggestion
    assert ("/" in suggestion) == ("/" in q) and ("-" in suggestion) == ("-" in q)


@pytest.mark.parametrize(
    "q, field", [('colour:"red"', "colour"), ('doc_id:"entities-1"', "doc_id"), ('energy url:"x"', "url")]
)
def test_a_field_before_a_phrase_is_checked_too(fuzz_app, q, field):
    """An unknown or internal field before a quote is a 400 that names it, not a search of other words."""
    response = fuzz_app.test_client().get("/api/search?q=" + quote(q))
    assert response.status_code == 400 and f"unknown field {field!r}" in response.get_json()["error"]


def test_a_field_alias_before_a_phrase_is_the_field(fuzz_app):
    client = fuzz_app.test_client()
    by_alias = client.get("/api/search?q=" + quote('Countries:"Malaysia"')).get_json()
    by_name = client.get("/api/search?q=" + quote("country:Malaysia")).get_json()
    assert by_alias["total"] == by_name["total"] > 0


@pytest.mark.parametrize("q", ISSUE_QUERIES[:6])
def test_the_cli_search_prints_no_traceback(fuzz_app, q):
    from web.cli import main

    result = CliRunner().invoke(main, ["search", q, "--index", fuzz_app.config["INDEX_DIR"]])
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output and result.exception is None


# -- the fuzzer ------------------------------------------------------------------------
def fuzz_settings(examples: int):
    """The fuzzer's Hypothesis settings: repeatable (derandomized), no deadline, no example database."""
    return settings(
        max_examples=examples,
        derandomize=True,
        deadline=None,
        database=None,
        print_blob=True,
        suppress_health_check=list(HealthCheck),
    )


@fuzz_settings(EXAMPLES)
@given(raw=query_bytes, route=st.sampled_from(ROUTES), article_id=st.sampled_from(ARTICLE_IDS), extra=extras)
def test_no_generated_query_is_a_server_error(fuzz_app, figures, raw, route, article_id, extra):
    client = fuzz_app.test_client()
    q = quote_from_bytes(raw, safe="")
    more = "".join(f"&{quote(name)}={quote(value)}" for name, value in extra) if route in ("page", "api") else ""
    figures["examples"] += 1
    for where in ("api", route):
        url = route_url(where, q, article_id) + more
        response = client.get(url)
        figures["requests"][where] += 1
        figures["statuses"][response.status_code] += 1
        check_answer(response, where, url)
