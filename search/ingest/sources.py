"""Read sources (files or folders) into articles, reporting the ones that cannot be read.

Formats, chosen by file extension:
- ``.txt`` (and files without a known extension): plain text, paragraphs
  separated by blank lines; an optional first line ``date YYYY-MM-DD DATELINE:``
  gives the date and dateline, and the rest of that line starts paragraph 1.
- ``.html``/``.htm``: a web page (see ``search.ingest.html``).
- ``.jsonl``: one article a line with ``id``, ``title``, ``date``, ``source``,
  ``url``, ``text`` (paragraphs separated by blank lines).
"""
from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

from search.errors import SourceError
from search.facets import FACETS
from search.models import Article, Skipped
from search.text import http_url, sentence_spans

TEXT_SUFFIXES = {".txt", ".text"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
KNOWN_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES

SEED_HEADER = re.compile(r"^\s*date\s+(\d{4}-\d{2}-\d{2})\s+([^:\n]{0,80}?)\s*:\s*", re.IGNORECASE)
BLANK_LINE = re.compile(r"\n\s*\n")


def discover(paths: list[str | Path]) -> tuple[list[Path], list[Skipped]]:
    """Expand files and folders (recursively) into a sorted list of readable files."""
    files: list[Path] = []
    skipped: list[Skipped] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and not _hidden(child, path) and child.suffix.lower() in KNOWN_SUFFIXES:
                    files.append(child)
        elif path.is_file():
            files.append(path)
        else:
            skipped.append(Skipped(str(path), "no such file or folder"))
    return files, skipped


def _hidden(child: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in child.relative_to(root).parts)


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_file(path: Path) -> list[Article | Skipped]:
    """All articles in one file; raises SourceError with a reason when it is unusable.

    A JSON Lines file with some bad lines yields a Skipped for each of them
    and the articles of the good lines. An article's URL is kept only when it
    is an http(s) one (``search.text.http_url``), whichever format gave it.
    """
    items = _read_file(path)
    for item in items:
        if isinstance(item, Article):
            item.url = http_url(item.url)
    return items


def _read_file(path: Path) -> list[Article | Skipped]:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise SourceError(f"cannot read: {error.strerror or error}") from error
    if not data.strip():
        raise SourceError("empty file")
    suffix = path.suffix.lower()
    if suffix in HTML_SUFFIXES:
        from search.ingest.html import read_html

        return [_with_fetch_record(read_html(data, str(path)), path)]
    if b"\x00" in data[:8192]:
        raise SourceError("binary file (contains NUL bytes)")
    text = _decode_text(data)
    if suffix in JSONL_SUFFIXES:
        return list(_read_jsonl(text, path))
    return [read_text(text, path.stem, str(path))]


def _with_fetch_record(article: Article, path: Path) -> Article:
    """Fill what a fetched page lacks (URL, date, title) from the record
    ``diplosearch add`` wrote beside it (``<page>.json``)."""
    record_path = path.with_suffix(".json")
    if not record_path.is_file():
        return article
    try:
        record = json.loads(record_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return article
    if not isinstance(record, dict):
        return article
    item = record.get("feed_item") if isinstance(record.get("feed_item"), dict) else {}
    article.url = article.url or str(record.get("final_url") or record.get("url") or "")
    article.date = article.date or _iso_date(item.get("published"))
    article.title = article.title or str(item.get("title") or "")
    return article


def _decode_text(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise SourceError(f"not valid UTF-8 text (byte {error.start})") from error


def read_text(text: str, article_id: str, path: str = "") -> Article:
    """Plain text in the seed's form (optional ``date YYYY-MM-DD DATELINE:`` header)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    day = dateline = ""
    header = SEED_HEADER.match(text)
    if header:
        day, dateline = _iso_date(header.group(1)), header.group(2).strip()
        text = text[header.end():]
    paragraphs = split_paragraphs(text)
    if not paragraphs:
        raise SourceError("no paragraphs of text")
    return Article(id=article_id, title=headline(paragraphs[0]), date=day, dateline=dateline,
                   paragraphs=paragraphs, path=path, id_from_file_name=True)


def headline(paragraph: str, limit: int = 90) -> str:
    """A title for text that has none: its first sentence, cut at a word within ``limit``.

    News search lists results by title; a file name such as ``000_c346cf18d6c898db``
    tells a reader nothing, the story's opening words do.
    """
    paragraph = paragraph.strip()
    start, end = sentence_spans(paragraph)[0] if paragraph else (0, 0)
    sentence = paragraph[start:end].strip()
    if len(sentence) <= limit:
        return sentence.rstrip(".")
    cut = sentence[:limit].rsplit(" ", 1)[0].rstrip(" ,;:–—-")
    return cut + "…"


def split_paragraphs(text: str) -> list[str]:
    """Blocks separated by blank lines, with inner line breaks folded to spaces."""
    blocks = (re.sub(r"\s+", " ", block).strip() for block in BLANK_LINE.split(text))
    return [block for block in blocks if block]


def _read_jsonl(text: str, path: Path) -> Iterator[Article | Skipped]:
    articles: list[Article | Skipped] = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as error:
            articles.append(Skipped(f"{path}:{number}", f"not JSON ({error.msg})"))
            continue
        if not isinstance(row, dict) or not isinstance(row.get("text"), str):
            articles.append(Skipped(f"{path}:{number}", "not an article object with a 'text' string"))
            continue
        paragraphs = split_paragraphs(row["text"])
        if not paragraphs:
            articles.append(Skipped(f"{path}:{number}", "article has no text"))
            continue
        articles.append(Article(
            id=str(row.get("id") or f"{path.stem}-{number}"),
            id_from_file_name=not row.get("id"),
            title=str(row.get("title") or ""),
            date=_iso_date(row.get("date")),
            dateline=str(row.get("dateline") or ""),
            source=str(row.get("source") or ""),
            url=str(row.get("url") or ""),
            paragraphs=paragraphs,
            path=str(path),
            given_tags=_given_tags(row.get("paragraph_tags"), len(paragraphs)),
        ))
    if not any(isinstance(item, Article) for item in articles):
        reasons = "; ".join(f"{item.path.rsplit(':', 1)[-1]}: {item.reason}" for item in articles[:3])
        raise SourceError(f"no readable articles ({reasons or 'no lines'})")
    return iter(articles)


def _given_tags(value: object, count: int) -> list[dict[str, list[str]]] | None:
    """Per-paragraph tags that came with a JSON Lines article (``paragraph_tags``):
    facet key -> values, for the keys of the registered facets."""
    if not isinstance(value, list) or len(value) != count:
        return None
    entries = [entry if isinstance(entry, dict) else {} for entry in value]
    return [{facet.key: [str(v) for v in entry.get(facet.key) or []] for facet in FACETS} for entry in entries]


def _iso_date(value: object) -> str:
    """``YYYY-MM-DD`` from the start of a value, or "" when it is not a real date."""
    text = str(value or "")[:10]
    try:
        return date.fromisoformat(text).isoformat() if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text) else ""
    except ValueError:
        return ""


def read_sources(paths: list[str | Path]) -> Iterator[Article | Skipped]:
    """Every article from every source, or a Skipped for each source that failed."""
    files, skipped = discover(paths)
    yield from skipped
    for path in files:
        try:
            yield from read_file(path)
        except SourceError as error:
            yield Skipped(str(path), str(error))
