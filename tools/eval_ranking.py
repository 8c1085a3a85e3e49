#!/usr/bin/env python3
"""Score the engine's ranking against the relevance collection in bench/relevance/.

    .venv/bin/python tools/eval_ranking.py                      # table: every system, overall and by query type
    .venv/bin/python tools/eval_ranking.py --per-query          # and nDCG@10 of every query
    .venv/bin/python tools/eval_ranking.py --split              # and the odd and even query ids apart
    .venv/bin/python tools/eval_ranking.py --json               # everything as JSON
    .venv/bin/python tools/eval_ranking.py --index /tmp/ix      # build the index there once, reuse it later
    .venv/bin/python tools/eval_ranking.py --unjudged engine    # unjudged paragraphs in the engine's top 10
    .venv/bin/python tools/eval_ranking.py --unjudged all --depth 20 --out pool.jsonl   # a pool to judge

The corpus is read from ../shared (the folder beside the repository, or
--shared DIR); without it the scorer says so and exits 0. The engine is
reached only through its public surfaces: the ``diplosearch reindex`` command
builds the index, and every query goes through ``/api/search`` of
``web.create_app`` (per_page=10, the query's filters), so the scorer works
with any engine internals behind that API.

Systems:

- ``engine``: the engine as it is, ``/api/search`` with the query as typed.
- ``bm25``: plain BM25 (rank_bm25's BM25Okapi, k1=1.5, b=0.75) over each
  paragraph's text alone, tokens from Whoosh's StemmingAnalyzer (the engine's
  analyzer: lower case, stop words out, Porter stems).
- ``bm25-title``: the same over text + article title.
- ``bm25-norm``: BM25 over text with accents folded, British spellings mapped
  to American ones (both sides), and a query word absent from the corpus
  replaced by the closest corpus word (edit distance <= 2).
- ``engine-or``: ``/api/search`` with the query's words joined by OR
  (phrases in quotes kept), to widen the pool.
- ``manual`` (pooling only, scored with --systems manual): BM25 over text +
  title, normalised as bm25-norm, of the query plus its ``pool_variants``
  (other spellings the need names).

Baselines see the same filters as the engine: the paragraphs they rank are
those ``/api/search`` returns for an empty query with the query's filters
(``intended_filters`` where a query gives them: the value the user meant,
when what they typed is a form the engine may not accept).

Metrics (see bench/relevance/README.md): nDCG@10 with gain = grade (0, 1, 2),
discount log2(rank + 1), ideal from all judged paragraphs of the query; P@10
(grade >= 1, unjudged counts as not relevant); MRR of the first grade >= 1 in
the top 10; mean distinct articles in the top 10 (over queries with results);
share of queries with no results; share of top-10 hits not judged. Queries
with no paragraph graded >= 1 are left out of the means.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COLLECTION = ROOT / "bench" / "relevance"
QUERIES = COLLECTION / "queries.jsonl"
JUDGMENTS = COLLECTION / "judgments.jsonl"
SHARED = Path(os.environ.get("DIPLOSEARCH_SHARED", ROOT.parent / "shared"))

# The corpus the collection was judged on: (place, path), place "shared" = ../shared, "repo" = this repository.
SOURCES = [
    ("shared", "corpus/articles.jsonl"),
    ("shared", "corpus/dev2.articles.jsonl"),
    ("repo", "seeds/000_c346cf18d6c898db.txt"),
]

SYSTEMS = ["engine", "bm25", "bm25-title", "bm25-norm", "engine-or"]
# Pooling only (not scored by default): normalised BM25 over text + title of the query plus its "pool_variants",
# the other spellings of its words that the need names (a manual run, in TREC's terms).
POOL_ONLY = ["manual"]
K = 10
HASH_CHARS = 10


# ---------------------------------------------------------------- corpus

BLANK_LINE = re.compile(r"\n\s*\n")
SEED_HEADER = re.compile(r"^\s*date\s+(\d{4}-\d{2}-\d{2})\s+([^:\n]{0,80}?)\s*:\s*", re.IGNORECASE)


def split_paragraphs(text: str) -> list[str]:
    """The product's numbering: blocks between blank lines, whitespace folded, empty blocks dropped."""
    blocks = (re.sub(r"\s+", " ", block).strip() for block in BLANK_LINE.split(text))
    return [block for block in blocks if block]


def text_hash(text: str) -> str:
    """Short hash of a paragraph's text, so that a judgment whose paragraph changed is noticed."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:HASH_CHARS]


def source_paths(shared: Path = SHARED) -> list[Path]:
    return [(shared if place == "shared" else ROOT) / path for place, path in SOURCES]


def read_source(path: Path) -> list[dict]:
    """The articles of one source file as dicts (id, title, date, text), read the way the product reads them."""
    if path.suffix == ".jsonl":
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    # plain text in the seed's form; the title is the first sentence, roughly as the product makes it
    text = path.read_text(encoding="utf-8").replace("\r\n", "\n").replace("\r", "\n")
    header = SEED_HEADER.match(text)
    date = header.group(1) if header else ""
    text = text[header.end() :] if header else text
    blocks = split_paragraphs(text)
    title = re.split(r"(?<=[.!?])\s", blocks[0], maxsplit=1)[0][:90].rstrip(".") if blocks else ""
    return [{"id": path.stem, "title": title, "date": date, "text": text}]


def paragraphs_of(article: dict) -> list[dict]:
    return [
        {
            "article_id": article["id"],
            "n": n,
            "title": article.get("title", ""),
            "date": article.get("date", ""),
            "text": text,
            "hash": text_hash(text),
        }
        for n, text in enumerate(split_paragraphs(article["text"]), 1)
    ]


def read_corpus(shared: Path = SHARED) -> list[dict]:
    """Every paragraph of the collection's corpus: article_id, n (from 1), title, date, text, hash."""
    return [p for path in source_paths(shared) for article in read_source(path) for p in paragraphs_of(article)]


# ---------------------------------------------------------------- collection


def load_queries(path: Path = QUERIES) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def load_judgments(path: Path = JUDGMENTS) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def grades_by_query(judgments: list[dict], hashes: dict | None = None) -> tuple[dict, list[dict]]:
    """qid -> {(article_id, n): grade}; judgments whose paragraph text changed (hash differs)
    are left out and returned."""
    grades: dict = defaultdict(dict)
    stale = []
    for j in judgments:
        key = (j["article_id"], j["n"])
        if hashes is not None and hashes.get(key) != j["hash"]:
            stale.append(j)
            continue
        grades[j["qid"]][key] = j["grade"]
    return grades, stale


# ---------------------------------------------------------------- metrics


def dcg(gains: list[float]) -> float:
    return sum(g / math.log2(rank + 1) for rank, g in enumerate(gains, 1))


def ndcg_at_k(ranked_grades: list[int], judged_grades: list[int], k: int = K) -> float | None:
    """nDCG@k with gain = grade; the ideal ranking is all judged grades, best first. None when nothing is relevant."""
    ideal = dcg(sorted(judged_grades, reverse=True)[:k])
    if ideal == 0:
        return None
    return dcg(ranked_grades[:k]) / ideal


def precision_at_k(ranked_grades: list[int], k: int = K) -> float:
    return sum(1 for g in ranked_grades[:k] if g >= 1) / k


def reciprocal_rank(ranked_grades: list[int], k: int = K) -> float:
    for rank, g in enumerate(ranked_grades[:k], 1):
        if g >= 1:
            return 1.0 / rank
    return 0.0


def distinct_articles(ranked: list[tuple[str, int]], k: int = K) -> int:
    return len({article for article, _ in ranked[:k]})


def query_metrics(ranked: list[tuple[str, int]], grades: dict, k: int = K) -> dict:
    """Metrics of one ranked list of (article_id, n) against one query's judgments {(article_id, n): grade}."""
    top = ranked[:k]
    ranked_grades = [grades.get(key, 0) for key in top]
    return {
        "ndcg": ndcg_at_k(ranked_grades, list(grades.values()), k),
        "p": precision_at_k(ranked_grades, k),
        "rr": reciprocal_rank(ranked_grades, k),
        "articles": distinct_articles(top, k),
        "hits": len(top),
        "unjudged": sum(1 for key in top if key not in grades),
        "empty": not top,
    }


def aggregate(per_query: list[dict]) -> dict:
    """Means over queries: nDCG, P, MRR over queries that have a relevant paragraph; articles over non-empty lists."""
    scored = [m for m in per_query if m["ndcg"] is not None]
    nonempty = [m for m in per_query if not m["empty"]]
    hits = sum(m["hits"] for m in per_query)
    mean = lambda values: sum(values) / len(values) if values else 0.0  # noqa: E731
    return {
        "queries": len(per_query),
        "ndcg@10": mean([m["ndcg"] for m in scored]),
        "p@10": mean([m["p"] for m in scored]),
        "mrr": mean([m["rr"] for m in scored]),
        "articles@10": mean([m["articles"] for m in nonempty]),
        "empty": mean([1.0 if m["empty"] else 0.0 for m in per_query]),
        "unjudged@10": sum(m["unjudged"] for m in per_query) / hits if hits else 0.0,
    }


# ---------------------------------------------------------------- the engine, through its public API


def diplosearch_command() -> list[str]:
    local = Path(sys.executable).with_name("diplosearch")
    if local.exists():
        return [str(local)]
    found = shutil.which("diplosearch")
    if found:
        return [found]
    return [sys.executable, "-c", "import sys; from web.cli import main; sys.exit(main())"]


def build_index(folder: Path, shared: Path = SHARED) -> dict:
    command = diplosearch_command() + [
        "reindex",
        "--full",
        *map(str, source_paths(shared)),
        "--index",
        str(folder),
        "--json",
    ]
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    if done.returncode != 0:
        raise SystemExit(f"reindex failed ({done.returncode}): {done.stderr.strip()[-2000:]}")
    return json.loads(done.stdout)


def index_exists(folder: Path) -> bool:
    return folder.is_dir() and any(folder.iterdir())


class Engine:
    def __init__(self, index_dir: Path):
        sys.path.insert(0, str(ROOT))
        from web import create_app

        self.client = create_app({"INDEX_DIR": str(index_dir), "TESTING": True}).test_client()

    def search(self, q: str, filters: dict, per_page: int = K, page: int = 1) -> dict:
        params = [("q", q), ("per_page", per_page), ("page", page)]
        for name in ("sector", "speaker", "country"):
            params += [(name, value) for value in filters.get(name, [])]
        for name in ("from", "to"):
            if filters.get(name):
                params.append((name, filters[name]))
        response = self.client.get("/api/search", query_string=params)
        body = response.get_json(silent=True) or {}
        if response.status_code != 200:
            return {"hits": [], "total": 0, "error": body.get("error", f"HTTP {response.status_code}")}
        return body

    def ranked(self, q: str, filters: dict, depth: int = K) -> tuple[list[tuple[str, int]], dict]:
        body = self.search(q, filters, per_page=depth)
        return [(h["article_id"], int(h["n"])) for h in body.get("hits", [])][:depth], body

    def allowed(self, filters: dict) -> set | None:
        """The paragraphs that pass the filters (None: no filter), from the API with an empty query."""
        if not any(filters.get(name) for name in ("sector", "speaker", "country", "from", "to")):
            return None
        keys, page = set(), 1
        while True:
            body = self.search("", filters, per_page=100, page=page)
            keys.update((h["article_id"], int(h["n"])) for h in body.get("hits", []))
            if page >= body.get("pages", 0) or not body.get("hits"):
                return keys
            page += 1

    def article(self, article_id: str) -> dict:
        return self.client.get(f"/api/article/{article_id}").get_json(silent=True) or {}


STOP_OR = {"and", "or", "not", "to", "andnot", "andmaybe"}


def or_query(q: str) -> str:
    """The query's words joined by OR; quoted phrases (straight or curly quotes) kept as phrases."""
    q = q.replace("“", '"').replace("”", '"')
    parts = re.findall(r'"[^"]+"|[^\s"]+', q)
    out = []
    for part in parts:
        if part.startswith('"'):
            out.append(part)
            continue
        word = re.sub(r"[^\w'’-]", "", part)
        if word and word.lower() not in STOP_OR:
            out.append(word)
    return " OR ".join(out)


# ---------------------------------------------------------------- BM25 baselines

BRITISH = {
    "defence": "defense",
    "offence": "offense",
    "licence": "license",
    "programme": "program",
    "programmes": "programs",
    "catalogue": "catalog",
    "travelled": "traveled",
    "travelling": "traveling",
    "cancelled": "canceled",
    "modelling": "modeling",
    "labelled": "labeled",
    "fuelled": "fueled",
    "enrolment": "enrollment",
    "ageing": "aging",
    "judgement": "judgment",
    "cheque": "check",
}
OUR = re.compile(
    r"^(labo|neighbo|hono|favo|harbo|colo|behavio|endeavo|vigo|rumo|savo)ur(s|ed|ing|ite|ites|able|hood|hoods)?$"
)
ISE = re.compile(r"^(\w{3,})is(e|es|ed|ing|ation|ations|er|ers)$")
TRE = re.compile(r"^(cent|theat|met|lit|fib|calib|spect)re(s|d)?$")
ACCENTS = str.maketrans(
    {"ı": "i", "ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ß": "ss", "æ": "ae", "œ": "oe"}
)


def fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.translate(ACCENTS))
    return "".join(c for c in text if not unicodedata.combining(c))


def americanise(word: str) -> str:
    word = BRITISH.get(word, word)
    word = OUR.sub(lambda m: m.group(1) + "r" + (m.group(2) or ""), word)
    word = ISE.sub(lambda m: m.group(1) + "iz" + m.group(2), word)
    word = TRE.sub(lambda m: m.group(1) + "er" + (m.group(2) or ""), word)
    return word


def edit_distance(a: str, b: str, limit: int) -> int:
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]


class BM25System:
    """rank_bm25's BM25Okapi over the corpus paragraphs, tokens from the engine's analyzer."""

    def __init__(self, paragraphs: list[dict], with_title: bool = False, normalise: bool = False):
        from rank_bm25 import BM25Okapi
        from whoosh.analysis import LowercaseFilter, RegexTokenizer, StemmingAnalyzer

        self.analyzer = StemmingAnalyzer()
        self.words = RegexTokenizer() | LowercaseFilter()
        self.normalise = normalise
        self.keys = [(p["article_id"], p["n"]) for p in paragraphs]
        docs = [self.tokens(p["text"] + ("\n" + p["title"] if with_title else "")) for p in paragraphs]
        self.doc_sets = [set(d) for d in docs]
        self.df = Counter(t for d in self.doc_sets for t in d)
        self.bm25 = BM25Okapi(docs)

    def tokens(self, text: str) -> list[str]:
        if not self.normalise:
            return [t.text for t in self.analyzer(text)]
        words = " ".join(americanise(t.text) for t in self.words(fold(text)))
        return [t.text for t in self.analyzer(words)]

    def correct(self, token: str) -> str:
        if token in self.df or not token.isalpha():
            return token
        limit = 1 if len(token) <= 4 else 2
        best = None
        for word, df in self.df.items():
            d = edit_distance(token, word, limit)
            if d <= limit and (best is None or (d, -df) < best[0]):
                best = ((d, -df), word)
        return best[1] if best else token

    def ranked(self, q: str, allowed: set | None, depth: int = K) -> list[tuple[str, int]]:
        tokens = self.tokens(q)
        if self.normalise:
            tokens = [self.correct(t) for t in tokens]
        wanted = set(tokens)
        if not wanted:
            return []
        scores = self.bm25.get_scores(tokens)
        candidates = [
            i
            for i, words in enumerate(self.doc_sets)
            if words & wanted and (allowed is None or self.keys[i] in allowed)
        ]
        candidates.sort(key=lambda i: (-scores[i], i))
        return [self.keys[i] for i in candidates[:depth]]


# ---------------------------------------------------------------- running


class Runner:
    def __init__(self, index_dir: Path, paragraphs: list[dict], systems: list[str]):
        self.engine = Engine(index_dir)
        self.paragraphs = paragraphs
        self.bm25 = {}
        if "bm25" in systems:
            self.bm25["bm25"] = BM25System(paragraphs)
        if "bm25-title" in systems:
            self.bm25["bm25-title"] = BM25System(paragraphs, with_title=True)
        if "bm25-norm" in systems:
            self.bm25["bm25-norm"] = BM25System(paragraphs, normalise=True)
        if "manual" in systems:
            self.bm25["manual"] = BM25System(paragraphs, with_title=True, normalise=True)
        self._allowed: dict = {}

    def allowed(self, query: dict) -> set | None:
        if query["id"] not in self._allowed:
            self._allowed[query["id"]] = self.engine.allowed(query.get("intended_filters") or query.get("filters", {}))
        return self._allowed[query["id"]]

    def run(self, system: str, query: dict, depth: int = K) -> tuple[list[tuple[str, int]], dict]:
        filters = query.get("filters", {})
        if system == "engine":
            return self.engine.ranked(query["query"], filters, depth)
        if system == "engine-or":
            return self.engine.ranked(or_query(query["query"]), filters, depth)
        if system == "manual":
            q = " ".join([query["query"], *query.get("pool_variants", [])])
            return self.bm25["manual"].ranked(q, self.allowed(query), depth), {}
        return self.bm25[system].ranked(query["query"], self.allowed(query), depth), {}


def check_numbering(engine: Engine, paragraphs: list[dict]) -> list[str]:
    """Compare the corpus as read here with the engine's /api/article: ids, numbers and texts must agree."""
    problems = []
    by_article = defaultdict(list)
    for p in paragraphs:
        by_article[p["article_id"]].append(p)
    for article_id, mine in by_article.items():
        theirs = engine.article(article_id).get("paragraphs", [])
        if [(p["n"], p["text"]) for p in mine] != [(int(p["n"]), p["text"]) for p in theirs]:
            problems.append(
                f"{article_id}: {len(mine)} paragraphs here, {len(theirs)} in /api/article, or texts differ"
            )
    return problems


def evaluate(runner: Runner, queries: list[dict], grades: dict, systems: list[str]) -> dict:
    result = {}
    for system in systems:
        per_query = {}
        for query in queries:
            ranked, body = runner.run(system, query, K)
            metrics = query_metrics(ranked, grades.get(query["id"], {}))
            metrics["types"] = query["types"]
            if system.startswith("engine"):
                metrics["total"] = body.get("total", 0)
                metrics["suggestion"] = body.get("suggestion", "")
                if body.get("error"):
                    metrics["error"] = body["error"]
            per_query[query["id"]] = metrics
        scored = list(per_query.values())
        types = sorted({t for q in queries for t in q["types"]})
        result[system] = {
            "overall": aggregate(scored),
            "by_type": {t: aggregate([m for m in scored if t in m["types"]]) for t in types},
            "per_query": per_query,
        }
    return result


# ---------------------------------------------------------------- output

COLUMNS = [
    ("ndcg@10", "nDCG@10", "{:.3f}"),
    ("p@10", "P@10", "{:.3f}"),
    ("mrr", "MRR", "{:.3f}"),
    ("articles@10", "articles", "{:.2f}"),
    ("empty", "empty", "{:.1%}"),
    ("unjudged@10", "unjudged", "{:.1%}"),
]


def print_table(rows: list[tuple[str, dict]], out) -> None:
    width = max(len(name) for name, _ in rows) + 2
    print(" " * width + "".join(f"{label:>10}" for _, label, _ in COLUMNS), file=out)
    for name, stats in rows:
        print(f"{name:<{width}}" + "".join(f"{fmt.format(stats[key]):>10}" for key, _, fmt in COLUMNS), file=out)


def query_number(qid: str) -> int:
    digits = re.sub(r"\D", "", qid)
    return int(digits) if digits else 0


def report(result: dict, queries: list[dict], per_query: bool, out=sys.stdout, split: bool = False) -> None:
    systems = list(result)
    n = len(queries)
    print(f"Overall ({n} queries)", file=out)
    print_table([(s, result[s]["overall"]) for s in systems], out)
    if split:  # two halves, to develop a change on one and check it on the other
        for name, parity in (("odd", 1), ("even", 0)):
            ids = [q["id"] for q in queries if query_number(q["id"]) % 2 == parity]
            print(f"\nHalf: {name} ids ({len(ids)} queries)", file=out)
            print_table([(s, aggregate([result[s]["per_query"][i] for i in ids])) for s in systems], out)
    types = sorted({t for q in queries for t in q["types"]})
    for t in types:
        count = sum(1 for q in queries if t in q["types"])
        print(f"\nType {t} ({count} queries)", file=out)
        print_table([(s, result[s]["by_type"][t]) for s in systems], out)
    if per_query:
        print("\nnDCG@10 per query (- : empty result; n/a : no relevant paragraph judged)", file=out)
        print(f"{'query':<6}" + "".join(f"{s:>12}" for s in systems) + "  engine total  query", file=out)
        for q in queries:
            cells = []
            for s in systems:
                m = result[s]["per_query"][q["id"]]
                cells.append("n/a" if m["ndcg"] is None else ("-" if m["empty"] else f"{m['ndcg']:.3f}"))
            engine = result.get("engine", {}).get("per_query", {}).get(q["id"], {})
            total = engine.get("total", "")
            text = q["query"] + (" " + json.dumps(q["filters"], ensure_ascii=False) if q.get("filters") else "")
            print(f"{q['id']:<6}" + "".join(f"{c:>12}" for c in cells) + f"  {total!s:>12}  {text}", file=out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--index", type=Path, help="index folder: built there when absent, reused when present")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the --index folder even if it holds an index")
    parser.add_argument("--shared", type=Path, default=SHARED, help="the shared folder (default ../shared)")
    parser.add_argument("--systems", default=",".join(SYSTEMS), help=f"comma-separated, of {', '.join(SYSTEMS)}")
    parser.add_argument("--per-query", action="store_true", help="print nDCG@10 of every query")
    parser.add_argument("--split", action="store_true", help="also print the odd and the even query ids apart")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument(
        "--unjudged", metavar="SYSTEM", help="list unjudged paragraphs in SYSTEM's top --depth (or 'all')"
    )
    parser.add_argument("--depth", type=int, default=K, help="with --unjudged: how deep to look (default 10)")
    parser.add_argument("--out", type=Path, help="with --unjudged: write JSON Lines here instead of text to stdout")
    parser.add_argument(
        "--whole-filter-set",
        type=int,
        default=0,
        metavar="N",
        help="with --unjudged all: also list every paragraph that passes a query's filters when at most N do",
    )
    parser.add_argument("--query", action="append", help="only these query ids (repeatable)")
    args = parser.parse_args(argv)

    missing = [p for p in source_paths(args.shared) if not p.exists()]
    if missing:
        print(f"skipped: the corpus is not available ({', '.join(map(str, missing))})", file=sys.stderr)
        return 0
    systems = [s.strip() for s in args.systems.split(",") if s.strip()]
    unknown = [
        s
        for s in systems + ([args.unjudged] if args.unjudged and args.unjudged != "all" else [])
        if s not in SYSTEMS + POOL_ONLY
    ]
    if unknown:
        parser.error(f"unknown system {unknown[0]!r}; choose from {', '.join(SYSTEMS + POOL_ONLY)}")
    if args.unjudged:
        systems = SYSTEMS + POOL_ONLY if args.unjudged == "all" else [args.unjudged]

    queries = load_queries()
    if args.query:
        queries = [q for q in queries if q["id"] in set(args.query)]
    paragraphs = read_corpus(args.shared)
    hashes = {(p["article_id"], p["n"]): p["hash"] for p in paragraphs}
    grades, stale = grades_by_query(load_judgments(), hashes)
    if stale:
        print(
            f"warning: {len(stale)} judgments refer to paragraphs that changed or are gone; they count as unjudged",
            file=sys.stderr,
        )

    temporary = None
    index_dir = args.index
    if index_dir is None:
        temporary = tempfile.TemporaryDirectory(prefix="eval-ranking-")
        index_dir = Path(temporary.name) / "index"
    try:
        if args.rebuild or not index_exists(index_dir):
            summary = build_index(index_dir, args.shared)
            print(
                f"indexed {summary.get('articles')} articles, {summary.get('paragraphs')} paragraphs in {index_dir}",
                file=sys.stderr,
            )
        runner = Runner(index_dir, paragraphs, systems)
        problems = check_numbering(runner.engine, paragraphs)
        if problems:
            print(
                f"warning: the corpus read here and the engine number {len(problems)} articles differently:",
                *problems[:5],
                sep="\n  ",
                file=sys.stderr,
            )

        if args.unjudged:
            return list_unjudged(
                runner,
                queries,
                grades,
                systems,
                args.depth,
                args.out,
                paragraphs,
                args.whole_filter_set if args.unjudged == "all" else 0,
            )

        result = evaluate(runner, queries, grades, systems)
        if args.json:
            judged = sum(len(g) for g in grades.values())
            json.dump(
                {"queries": len(queries), "judgments": judged, "stale_judgments": len(stale), "systems": result},
                sys.stdout,
                indent=1,
                ensure_ascii=False,
            )
            print()
        else:
            report(result, queries, args.per_query, split=args.split)
        return 0
    finally:
        if temporary is not None:
            temporary.cleanup()


def list_unjudged(
    runner: Runner,
    queries: list[dict],
    grades: dict,
    systems: list[str],
    depth: int,
    out_path: Path | None,
    paragraphs: list[dict],
    whole_filter_set: int = 0,
) -> int:
    """Unjudged paragraphs in the systems' top ``depth``, sorted by query and paragraph (not by system or rank)."""
    by_key = {(p["article_id"], p["n"]): p for p in paragraphs}
    rows = []
    for query in queries:
        found = {}
        for system in systems:
            ranked, _ = runner.run(system, query, depth)
            for rank, key in enumerate(ranked, 1):
                if key not in grades.get(query["id"], {}):
                    found.setdefault(key, []).append(f"{system}@{rank}")
        allowed = runner.allowed(query) if whole_filter_set else None
        if allowed is not None and len(allowed) <= whole_filter_set:
            for key in allowed:
                if key not in grades.get(query["id"], {}):
                    found.setdefault(key, []).append("filter-set")
        for key in sorted(found):
            p = by_key.get(key)
            if p is None:
                continue
            rows.append(
                {
                    "qid": query["id"],
                    "article_id": key[0],
                    "n": key[1],
                    "hash": p["hash"],
                    "found_by": found[key],
                    "title": p["title"],
                    "text": p["text"],
                }
            )
    if out_path:
        with open(out_path, "w", encoding="utf-8") as f:
            for row in rows:
                f.write(json.dumps(row, ensure_ascii=False) + "\n")
        print(f"{len(rows)} unjudged paragraphs written to {out_path}", file=sys.stderr)
    else:
        for row in rows:
            print(
                f"{row['qid']}  {row['article_id']}#{row['n']}  {row['hash']}  ({', '.join(row['found_by'])})\n"
                f"    {row['text']}"
            )
        print(f"{len(rows)} unjudged paragraphs", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
