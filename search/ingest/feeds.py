"""Read an RSS or Atom feed (bytes already fetched) into the list of its items' pages.

    parse_feed(data, url, content_type) -> Feed

Parsing is done by feedparser (RSS 0.9x/1.0/2.0 and Atom 0.3/1.0, tolerant
of the malformed XML that real feeds often are). feedparser is only ever given
the bytes, wrapped in a stream: given a string it would fetch URLs and open
file names itself, and nothing here may reach the network on its own.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from search.errors import DiploSearchError


class FeedError(DiploSearchError):
    """Bytes that are not a feed with any item links."""


@dataclass
class FeedItem:
    url: str
    title: str = ""
    published: str = ""  # ISO yyyy-mm-dd when the feed gives a date


@dataclass
class Feed:
    url: str
    title: str = ""
    version: str = ""  # feedparser's name of the format: rss20, atom10, ...
    items: list[FeedItem] = field(default_factory=list)


def parse_feed(data: bytes, url: str, content_type: str = "") -> Feed:
    """The items of a feed, in feed order, each with an absolute http(s) URL (duplicates dropped).

    Raises FeedError when the bytes are not a feed or the feed has no item links.
    """
    import feedparser

    headers = {"content-location": url}
    if content_type:
        headers["content-type"] = content_type
    parsed = feedparser.parse(
        io.BytesIO(data), response_headers=headers, resolve_relative_uris=False, sanitize_html=False
    )
    if not parsed.get("version") and not parsed.entries:
        problem = parsed.get("bozo_exception")
        raise FeedError("not an RSS or Atom feed" + (f" ({_short(problem)})" if problem else ""))
    feed = Feed(url=url, title=str(parsed.feed.get("title", "") or ""), version=parsed.get("version", "") or "")
    seen: set[str] = set()
    for entry in parsed.entries:
        link = _entry_link(entry, url)
        if not link or link in seen:
            continue
        seen.add(link)
        feed.items.append(
            FeedItem(
                url=link,
                title=str(entry.get("title", "") or ""),
                published=_iso(entry.get("published_parsed") or entry.get("updated_parsed")),
            )
        )
    if not feed.items:
        raise FeedError(f"the feed has no item links ({len(parsed.entries)} item(s))")
    return feed


def _entry_link(entry, base: str) -> str:
    """The item's page: its link (Atom: rel=alternate), else an id that is an http(s) URL."""
    candidates = [entry.get("link", "")]
    candidates += [
        link.get("href", "") for link in entry.get("links", []) if link.get("rel", "alternate") == "alternate"
    ]
    candidates.append(entry.get("id", ""))
    for candidate in candidates:
        candidate = (candidate or "").strip()
        if not candidate:
            continue
        absolute = urljoin(base, candidate)
        if urlsplit(absolute).scheme in ("http", "https"):
            return absolute
    return ""


def _iso(struct) -> str:
    try:
        return f"{struct.tm_year:04d}-{struct.tm_mon:02d}-{struct.tm_mday:02d}" if struct else ""
    except AttributeError:
        return ""


def _short(error: object) -> str:
    text = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return text[:160]
