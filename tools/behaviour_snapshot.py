"""Write what the product answers for a fixed corpus and query set, to compare two versions.

A refactoring must not change answers. Run this with the old code and with
the new one (``PYTHONPATH`` picks the tree) and compare the two folders::

    PYTHONPATH=/path/to/old .venv/bin/python tools/behaviour_snapshot.py /tmp/before
    PYTHONPATH=.            .venv/bin/python tools/behaviour_snapshot.py /tmp/after
    diff -r /tmp/before /tmp/after && echo same

It writes ``annotate.jsonl`` (the tags of every paragraph of the corpus) and
``responses.jsonl`` (status and body of every page, API answer and export for
the query set over an index of the corpus). Only public entry points are
used: the ``diplosearch`` command and the Flask app.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlencode

from click.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "corpus"
CORPUS = [SHARED / "articles.jsonl", SHARED / "dev2.articles.jsonl", ROOT / "seeds"]

QUERIES = [
    "energy",
    "defence cooperation",
    '"joint statement"',
    "semiconductors",
    "Putin",
    "trade OR investment",
    "climate change",
    "ceasefire Gaza",
    "visa",
    "nuclear",
    "humanitarian aid",
    "enrgy",
    "semicondctors",
    "Erdogan",
    "title:summit",
    "date:2024",
    "sector:defence",
    "country:China",
    "speaker:Blinken",
    "space satellite",
    "(oil OR gas) pipeline",
    "trade NOT tariffs",
    "semicond*",
    "critical minerals",
    "counter-terrorism",
    "Ukraine",
    "prime minister said",
    "infrastructure investment",
    "AI",
    "palm oil",
    "U.S.-Malaysia",
    "co-operaton",
    "students scholarships",
    "vaccines",
    "cyber security",
    "sanctions Russia",
    "",
    "the",
    '"unclosed',
    "date:[2024-01-01 to 2024-06-30]",
]
FILTERS = [
    {},
    {"sector": "defence"},
    {"sector": ["energy", "trade-investment"]},
    {"country": "China"},
    {"from": "2024", "to": "2024-06"},
    {"sort": "date"},
    {"page": "2"},
    {"more": "speaker"},
    {"speaker_prefix": "an"},
    {"per_page": "3", "sort": "date-asc"},
]


def run(args: list[str]) -> str:
    from web.cli import main

    result = CliRunner().invoke(main, args, catch_exceptions=False)
    if result.exit_code not in (0, 3):
        sys.exit(f"diplosearch {' '.join(args[:2])} failed ({result.exit_code}): {result.output[-2000:]}")
    return result.stdout if hasattr(result, "stdout") else result.output


def urls() -> list[str]:
    out = []
    for number, q in enumerate(QUERIES):
        # every query plain; filters rotate over the queries so each is seen with many
        for filters in (FILTERS[0], FILTERS[1 + number % (len(FILTERS) - 1)]):
            query = urlencode({"q": q, **filters}, doseq=True)
            out += [f"/api/search?{query}", f"/?{query}"]
        out.append(f"/export.csv?{urlencode({'q': q})}")
    out += [
        "/export.json?q=energy&sector=energy",
        "/api/facets/speaker?prefix=an",
        "/api/facets/country?prefix=ma&q=trade",
        "/api/facets/sector",
        "/help",
        "/api/openapi.json",
    ]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    options = parser.parse_args()
    options.out.mkdir(parents=True, exist_ok=True)
    corpus = [str(path) for path in CORPUS if path.exists()]
    (options.out / "annotate.jsonl").write_text(run(["annotate", *corpus]), encoding="utf-8")
    with tempfile.TemporaryDirectory() as index:
        # one process: documents are numbered in reading order, so equal scores tie the same way
        os.cpu_count = lambda: 1
        run(["reindex", "--full", *corpus, "--index", index])
        from web import create_app

        client = create_app({"INDEX_DIR": index}).test_client()
        article_ids = sorted(
            {
                row["article_id"]
                for row in map(json.loads, (options.out / "annotate.jsonl").read_text(encoding="utf-8").splitlines())
            }
        )
        pages = (
            urls()
            + [f"/api/article/{i}" for i in article_ids[::7]]
            + [f"/article/{i}?q=energy" for i in article_ids[::11]]
        )
        with open(options.out / "responses.jsonl", "w", encoding="utf-8") as out:
            for url in pages:
                response = client.get(url)
                body = response.get_data(as_text=True)
                out.write(
                    json.dumps({"url": url, "status": response.status_code, "body": body}, ensure_ascii=False) + "\n"
                )
    print(f"wrote {options.out}/annotate.jsonl and responses.jsonl ({len(pages)} URLs)")


if __name__ == "__main__":
    main()
