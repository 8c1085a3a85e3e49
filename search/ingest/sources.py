"""Read sources (files or folders) into articles, reporting the ones that cannot be read.

Formats, chosen by file extension:
- ``.txt`` (and files without a known extension): plain text, paragraphs
  separated by blank lines; an optional first line ``date YYYY-MM-DD DATELINE:``
  gives the date and dateline, and the rest of that line starts paragraph 1.
- ``.html``/``.htm``: a web page (see ``search.ingest.html``).
- ``.jsonl``: one article a line with ``id``, ``title``, ``date``, ``source``,
  ``url``, ``text`` (paragraphs separated by blank lines).

Every article is held to the bounds of :mod:`search.ingest.limits` (source
size, paragraphs per article, paragraph length), and what cannot be read is
reported, never passed over in silence: a broken symbolic link, a link loop, a
named pipe, socket or device in a source folder is a :class:`Skipped` with its
reason (a pipe is never opened for reading, so it cannot block a reindex).
Symbolic links to files and folders are followed, except a link back to a
folder already being read.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import re
import stat
from collections.abc import Iterator
from datetime import date
from pathlib import Path

from search.errors import SourceError
from search.facets import FACETS
from search.ingest.limits import MAX_FIELD_CHARS, MAX_URL_CHARS, Limits, cut_field, split_long, too_large
from search.models import Article, Skipped
from search.text import http_url, sentence_spans

TEXT_SUFFIXES = {".txt", ".text"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
KNOWN_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES

SEED_HEADER = re.compile(r"^\s*date\s+(\d{4}-\d{2}-\d{2})\s+([^:\n]{0,80}?)\s*:\s*", re.IGNORECASE)
BLANK_LINE = re.compile(r"\n\s*\n")


def discover(paths: list[str | Path]) -> tuple[list[Path], list[Skipped]]:
    """Expand files and folders (recursively, in name order) into the files to read.

    Also returns a :class:`Skipped` for each named path that cannot be read,
    and for each entry in a folder that would be read but cannot be: a broken
    symbolic link, a link loop, a named pipe, socket or device (entries with
    an extension that is not read, and hidden ones, are passed over as before).
    """
    files: list[Path] = []
    skipped: list[Skipped] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            _walk(path, files, skipped, set(), set())
        elif path.is_file():
            files.append(path)
        else:
            skipped.append(Skipped(str(path), unreadable_reason(path) or "no such file or folder"))
    return files, skipped


def _walk(folder: Path, files: list[Path], skipped: list[Skipped], open_folders: set, seen: set) -> None:
    """The readable files under ``folder``, following symbolic links except back into
    a folder open on the way down (a loop, reported); a folder reached a second way
    is read once."""
    try:
        info = folder.stat()
        key = (info.st_dev, info.st_ino)
        if key in open_folders:
            skipped.append(
                Skipped(str(folder), f"symbolic link loop (back to {folder.resolve()}, a folder already being read)")
            )
            return
        if key in seen:
            return
        entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
    except OSError as error:
        skipped.append(Skipped(str(folder), f"cannot read the folder: {error.strerror or error}"))
        return
    seen.add(key)
    open_folders.add(key)
    for entry in entries:
        child = Path(entry.path)
        if entry.name.startswith("."):
            continue
        try:
            is_dir = entry.is_dir()
            is_file = not is_dir and entry.is_file()
        except OSError:
            is_dir = is_file = False
        if is_dir:
            _walk(child, files, skipped, open_folders, seen)
        elif child.suffix.lower() not in KNOWN_SUFFIXES:
            continue
        elif is_file:
            files.append(child)
        else:
            skipped.append(Skipped(str(child), unreadable_reason(child) or "cannot be read"))
    open_folders.discard(key)


_KINDS = (
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISDIR, "a folder"),
)


def unreadable_reason(path: Path) -> str:
    """Why ``path`` is not a file that can be read ("" when it is one, or it does not exist)."""
    try:
        mode = os.stat(path).st_mode
    except OSError as error:
        if error.errno == errno.ELOOP:
            return "symbolic link loop"
        if os.path.islink(path):
            return f"broken symbolic link (to {os.readlink(path)}, which does not exist)"
        if error.errno == errno.ENOENT:
            return ""
        return f"cannot read: {error.strerror or error}"
    return "" if stat.S_ISREG(mode) else _not_regular(mode)


def _not_regular(mode: int) -> str:
    return "not a regular file: " + next((name for test, name in _KINDS if test(mode)), "a special file")


def _open_regular(path: Path):
    """``path`` opened for reading, or SourceError when it is not a regular file.

    Opened without blocking: a named pipe that slipped in after discovery
    is refused instead of waiting for a writer forever."""
    reason = unreadable_reason(path)
    if reason:
        raise SourceError(reason)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError as error:
        raise SourceError(unreadable_reason(path) or f"cannot read: {error.strerror or error}") from error
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        raise SourceError(_not_regular(mode))
    return os.fdopen(fd, "rb")


def file_digest(path: Path) -> str:
    """SHA-256 of the file's content, read in pieces; OSError for what is not a regular file."""
    try:
        handle = _open_regular(path)
    except SourceError as error:
        raise OSError(str(error)) from None
    digest = hashlib.sha256()
    with handle:
        while chunk := handle.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def read_file(path: Path, limits: Limits | None = None) -> list[Article | Skipped]:
    """All articles in one file; raises SourceError with a reason when it is unusable.

    A JSON Lines file with some bad lines yields a Skipped for each of them
    and the articles of the good lines. ``limits`` (default: from the
    environment, see :mod:`search.ingest.limits`) bound the work one source
    can cause. An article's URL is kept only when it is an http(s) one
    (``search.text.http_url``), whichever format gave it.
    """
    items = _read_file(path, limits or Limits.from_env())
    for item in items:
        if isinstance(item, Article):
            item.url = http_url(item.url)
    return items


def _read_file(path: Path, limits: Limits) -> list[Article | Skipped]:
    suffix = path.suffix.lower()
    try:
        with _open_regular(path) as handle:
            if suffix in JSONL_SUFFIXES:
                return _read_jsonl(handle, path, limits)
            size = os.fstat(handle.fileno()).st_size
            if size > limits.max_source_bytes:
                raise SourceError(too_large(size, limits))
            data = handle.read(limits.max_source_bytes + 1)
    except OSError as error:
        raise SourceError(f"cannot read: {error.strerror or error}") from error
    if len(data) > limits.max_source_bytes:  # grew while we looked
        raise SourceError(too_large(len(data), limits))
    if not data.strip():
        raise SourceError("empty file")
    if suffix in HTML_SUFFIXES:
        from search.ingest.html import read_html

        return [bounded(_with_fetch_record(read_html(data, str(path), limits), path), limits)]
    if b"\x00" in data[:8192]:
        raise SourceError("binary file (contains NUL bytes)")
    text = _decode_text(data)
    return [bounded(read_text(text, path.stem, str(path)), limits)]


def bounded(article: Article, limits: Limits) -> Article:
    """The article with paragraphs longer than the limit split, and metadata fields cut;
    SourceError when it has more paragraphs than the limit."""
    tags = article.given_tags
    if any(len(p) > limits.max_paragraph_chars for p in article.paragraphs):
        paragraphs, new_tags = [], []
        for i, paragraph in enumerate(article.paragraphs):
            pieces = split_long(paragraph, limits.max_paragraph_chars)
            paragraphs += pieces
            if tags is not None:
                new_tags += [tags[i]] * len(pieces)
        article.paragraphs = paragraphs
        article.given_tags = new_tags if tags is not None else None
    if len(article.paragraphs) > limits.max_paragraphs:
        raise SourceError(
            f"{len(article.paragraphs):,} paragraphs, more than the {limits.max_paragraphs:,} "
            f"limit for one article (set DIPLOSEARCH_MAX_PARAGRAPHS to change it)"
        )
    article.title = cut_field(article.title)
    article.source = cut_field(article.source)
    article.dateline = cut_field(article.dateline)
    if len(article.url) > MAX_URL_CHARS:
        article.url = ""
    return article


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
        text = text[header.end() :]
    paragraphs = split_paragraphs(text)
    if not paragraphs:
        raise SourceError("no paragraphs of text")
    return Article(
        id=article_id,
        title=headline(paragraphs[0]),
        date=day,
        dateline=dateline,
        paragraphs=paragraphs,
        path=path,
        id_from_file_name=True,
    )


def headline(paragraph: str, limit: int = 90) -> str:
    """A title for text that has none: its first sentence, cut at a word within ``limit``.

    News search lists results by title; a file name such as ``000_c346cf18d6c898db``
    tells a reader nothing, the story's opening words do. Only the paragraph's
    first 2,000 characters are looked at (the same title, in bounded time).
    """
    paragraph = paragraph.strip()[:2000]
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


def _read_jsonl(handle, path: Path, limits: Limits) -> list[Article | Skipped]:
    """The articles of a JSON Lines file, read a line at a time (each line held to the size limit)."""
    articles: list[Article | Skipped] = []
    if b"\x00" in handle.peek(8192)[:8192]:
        raise SourceError("binary file (contains NUL bytes)")
    offset = 0  # of the line in the file, for UTF-8 errors
    number = 0
    while True:
        line = handle.readline(limits.max_source_bytes + 1)
        if not line:
            break
        number += 1
        if len(line) > limits.max_source_bytes and not line.endswith(b"\n"):
            size = len(line) + _skip_rest_of_line(handle)
            articles.append(Skipped(f"{path}:{number}", too_large(size, limits, "article")))
            offset += size
            continue
        if number == 1 and line.startswith(b"\xef\xbb\xbf"):
            line, offset = line[3:], 3
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError as error:
            raise SourceError(f"not valid UTF-8 text (byte {offset + error.start})") from error
        offset += len(line)
        item = _jsonl_article(text, path, number, limits)
        if item is not None:
            articles.append(item)
    if not articles:
        raise SourceError("empty file")
    if not any(isinstance(item, Article) for item in articles):
        reasons = "; ".join(f"{item.path.rsplit(':', 1)[-1]}: {item.reason}" for item in articles[:3])
        raise SourceError(f"no readable articles ({reasons or 'no lines'})")
    return articles


def _skip_rest_of_line(handle) -> int:
    skipped = 0
    while True:
        piece = handle.readline(1024 * 1024)
        skipped += len(piece)
        if not piece or piece.endswith(b"\n"):
            return skipped


def _jsonl_article(line: str, path: Path, number: int, limits: Limits) -> Article | Skipped | None:
    if not line.strip():
        return None
    try:
        row = json.loads(line)
    except json.JSONDecodeError as error:
        return Skipped(f"{path}:{number}", f"not JSON ({error.msg})")
    if not isinstance(row, dict) or not isinstance(row.get("text"), str):
        return Skipped(f"{path}:{number}", "not an article object with a 'text' string")
    paragraphs = split_paragraphs(row["text"])
    if not paragraphs:
        return Skipped(f"{path}:{number}", "article has no text")
    article_id = str(row.get("id") or f"{path.stem}-{number}")
    if len(article_id) > MAX_FIELD_CHARS:
        return Skipped(
            f"{path}:{number}", f"an id of {len(article_id):,} characters; at most {MAX_FIELD_CHARS:,} are allowed"
        )
    article = Article(
        id=article_id,
        id_from_file_name=not row.get("id"),
        title=str(row.get("title") or ""),
        date=_iso_date(row.get("date")),
        dateline=str(row.get("dateline") or ""),
        source=str(row.get("source") or ""),
        url=str(row.get("url") or ""),
        paragraphs=paragraphs,
        path=str(path),
        given_tags=_given_tags(row.get("paragraph_tags"), len(paragraphs)),
    )
    try:
        return bounded(article, limits)
    except SourceError as error:
        return Skipped(f"{path}:{number}", str(error))


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
