#!/usr/bin/env python3
"""Write PRED.jsonl for a folder of HTML pages, using search.ingest.html.read_html.

    python tools/eval_extraction.py HTML_DIR PRED.jsonl [--method ours|soup|trafilatura|readability]

then score it:  python3 <shared>/eval/score_extraction.py HTML_DIR PRED.jsonl

``ours`` is the product (read_html); ``soup`` forces the BeautifulSoup block
scorer (as when trafilatura is not installed); ``trafilatura`` and
``readability`` are the plain libraries with default settings, for comparison.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from search.errors import SourceError  # noqa: E402
from search.ingest.html import read_html  # noqa: E402


def rows_ours(data: bytes, path: Path, method: str) -> tuple[list[str], str, str]:
    if method == "soup":
        from search.ingest import html as html_module

        saved = html_module.trafilatura_blocks
        html_module.trafilatura_blocks = lambda text: None
        try:
            article = read_html(data, str(path))
        finally:
            html_module.trafilatura_blocks = saved
    else:
        article = read_html(data, str(path))
    return article.paragraphs, article.title, article.date


def rows_trafilatura(data: bytes, path: Path, method: str) -> tuple[list[str], str, str]:
    import trafilatura

    result = trafilatura.bare_extraction(data, with_metadata=True)
    if not result:
        return [], "", ""
    text = result.text or ""
    return [p for p in text.split("\n") if p.strip()], result.title or "", result.date or ""


def rows_readability(data: bytes, path: Path, method: str) -> tuple[list[str], str, str]:
    import lxml.html
    from readability import Document

    document = Document(data)
    tree = lxml.html.fromstring(document.summary())
    paragraphs = [" ".join(el.text_content().split()) for el in tree.iter("p", "h2", "h3", "h4", "li")]
    return [p for p in paragraphs if p], document.short_title(), ""


METHODS = {"ours": rows_ours, "soup": rows_ours, "trafilatura": rows_trafilatura, "readability": rows_readability}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("html_dir")
    parser.add_argument("pred")
    parser.add_argument("--method", choices=sorted(METHODS), default="ours")
    args = parser.parse_args(argv)
    html_dir = Path(args.html_dir)
    pages = sorted(html_dir.glob("*.htm*"))
    with open(args.pred, "w", encoding="utf-8") as out:
        for page in pages:
            try:
                paragraphs, title, date = METHODS[args.method](page.read_bytes(), page, args.method)
            except SourceError as error:
                print(f"skipped {page.name}: {error}", file=sys.stderr)
                paragraphs, title, date = [], "", ""
            for i, text in enumerate(paragraphs or [""]):
                row = {"article_id": page.stem, "text": text}
                if i == 0:
                    row.update(title=title, date=date)
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
