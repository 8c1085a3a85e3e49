"""Page metadata from a parsed web page: headline, publication date, publisher, URL.

Sources, most trusted first:

- title: ``og:title`` / ``twitter:title`` (site suffix stripped), the JSON-LD
  article ``headline``, ``<title>`` (site suffix stripped), the first ``<h1>``;
- date: JSON-LD ``datePublished``, ``article:published_time`` and the other
  publication-date meta tags, ``<time datetime>`` / ``itemprop=datePublished``,
  a date in the URL, then a visible dateline near the top of the page.  The
  calendar date is taken as written (the publisher's local date), never
  shifted to UTC;
- publisher: JSON-LD ``publisher.name``, ``og:site_name``, ``application-name``;
- url: ``<link rel=canonical>``, ``og:url``, JSON-LD ``url``/``mainEntityOfPage``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlparse

from bs4 import BeautifulSoup, Tag

from search.text import MONTH_ABBREVIATIONS, http_url

ARTICLE_TYPES = {
    "newsarticle",
    "article",
    "reportagenewsarticle",
    "blogposting",
    "analysisnewsarticle",
    "opinionnewsarticle",
    "backgroundnewsarticle",
    "reviewnewsarticle",
    "scholarlyarticle",
    "techarticle",
    "liveblogposting",
    "report",
    "socialmediaposting",
    "webpage",
    "claimreview",
    "pressrelease",
}

MONTHS = {m.lower(): i for i, m in enumerate(MONTH_ABBREVIATIONS, 1)}
_MONTH_RE = (
    r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)

ISO_DATE = re.compile(r"(?<!\d)((?:19|20)\d\d)-?(0[1-9]|1[0-2])-?(0[1-9]|[12]\d|3[01])(?!\d)")
# "November 20, 2019", "Nov. 20 2019"
MDY = re.compile(_MONTH_RE + r"\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+((?:19|20)\d\d)\b", re.IGNORECASE)
# "20 November 2019", "20 Nov, 2019"
DMY = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MONTH_RE + r",?\s+((?:19|20)\d\d)\b", re.IGNORECASE)
# "20/11/2019" or "20.11.2019" (day first, as outside the US; only used when unambiguous)
NUMERIC = re.compile(r"\b(\d{1,2})[./](\d{1,2})[./]((?:19|20)\d\d)\b")
URL_DATE = re.compile(
    r"/((?:19|20)\d\d)[/-](0?[1-9]|1[0-2]|[a-z]{3})[/-](0?[1-9]|[12]\d|3[01])(?:/|[-_]|$)", re.IGNORECASE
)

DATE_META_NAMES = (
    "article:published_time",
    "og:article:published_time",
    "article.published",
    "datepublished",
    "date_published",
    "publish-date",
    "publish_date",
    "publishdate",
    "pubdate",
    "dc.date.issued",
    "dcterms.created",
    "dc.date",
    "dcterms.date",
    "sailthru.date",
    "parsely-pub-date",
    "date",
    "cxenseparse:recs:publishtime",
    "og:published_time",
    "article:published",
    "published_time",
    "originalpublicationdate",
    "displaydate",
    "timestamp",
    "dc.date.created",
    "citation_publication_date",
    "citation_date",
    "release_date",
    "og:updated_time",
    "article:modified_time",
)
TITLE_SEPARATORS = re.compile(r"\s+(?:\||-|–|—|::|»|·|•)\s+")


@dataclass
class PageMeta:
    title: str = ""
    date: str = ""
    source: str = ""
    url: str = ""
    headline_candidates: tuple[str, ...] = ()  # every headline-like string seen (to drop from the body)


def clean(text: str | None) -> str:
    return " ".join((text or "").split())


def words(text: str) -> list[str]:
    return re.findall(r"\w+", text.casefold())


# ---------------------------------------------------------------- JSON-LD


def json_ld_items(soup: BeautifulSoup) -> list[dict[str, Any]]:
    """Every JSON-LD object on the page, flattened out of lists and @graph."""
    items: list[dict[str, Any]] = []
    for script in soup.find_all("script", type=re.compile(r"ld\+json", re.I)):
        raw = script.string or script.get_text() or ""
        raw = raw.strip().rstrip(";")
        if not raw:
            continue
        try:
            data = json.loads(raw)
        except ValueError:
            try:  # control characters inside strings are a common fault
                data = json.loads(re.sub(r"[\x00-\x1f]+", " ", raw))
            except ValueError:
                continue
        stack = [data]
        while stack:
            node = stack.pop()
            if isinstance(node, list):
                stack.extend(reversed(node))
            elif isinstance(node, dict):
                items.append(node)
                if "@graph" in node:
                    stack.append(node["@graph"])
    return items


def _types(item: dict[str, Any]) -> set[str]:
    kind = item.get("@type", "")
    kinds = kind if isinstance(kind, list) else [kind]
    return {str(k).casefold() for k in kinds}


def _article_items(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    articles = [i for i in items if _types(i) & (ARTICLE_TYPES - {"webpage"})]
    return articles or [i for i in items if "webpage" in _types(i)]


def _text_of(value: Any) -> str:
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, dict):
        return _text_of(value.get("name") or value.get("@id") or value.get("url"))
    if isinstance(value, list) and value:
        return _text_of(value[0])
    return ""


# ---------------------------------------------------------------- meta tags


def _meta_map(soup: BeautifulSoup) -> dict[str, str]:
    found: dict[str, str] = {}
    for tag in soup.find_all("meta"):
        key = tag.get("property") or tag.get("name") or tag.get("itemprop") or tag.get("http-equiv")
        content = tag.get("content")
        if key and content and clean(content):
            found.setdefault(str(key).strip().casefold(), clean(content))
    return found


# ---------------------------------------------------------------- dates


def parse_date(text: str | None) -> str:
    """The first calendar date in *text* as yyyy-mm-dd, or ""."""
    if not text:
        return ""
    text = str(text)
    match = ISO_DATE.search(text)
    if match:
        return _iso(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    match = MDY.search(text)
    if match:
        return _iso(int(match.group(3)), MONTHS[match.group(1)[:3].lower()], int(match.group(2)))
    match = DMY.search(text)
    if match:
        return _iso(int(match.group(3)), MONTHS[match.group(2)[:3].lower()], int(match.group(1)))
    match = NUMERIC.search(text)
    if match:
        first, second, year = int(match.group(1)), int(match.group(2)), int(match.group(3))
        if first > 12 >= second:
            return _iso(year, second, first)
        if second > 12 >= first:
            return _iso(year, first, second)
    return ""


def _iso(year: int, month: int, day: int) -> str:
    try:
        value = date(year, month, day)
    except ValueError:
        return ""
    if not 1990 <= value.year <= date.today().year + 1:
        return ""
    return value.isoformat()


def date_from_url(url: str) -> str:
    match = URL_DATE.search(urlparse(url).path if url else "")
    if not match:
        return ""
    month = match.group(2)
    month_number = MONTHS.get(month[:3].lower()) if month.isalpha() else int(month)
    return _iso(int(match.group(1)), month_number or 0, int(match.group(3))) if month_number else ""


def _visible_date(soup: BeautifulSoup) -> str:
    """A date shown on the page: <time>, itemprop/class 'date', or a dateline line."""
    for tag in soup.find_all(attrs={"itemprop": re.compile(r"^datePublished$", re.I)}):
        found = parse_date(tag.get("content") or tag.get("datetime") or tag.get_text(" "))
        if found:
            return found
    for tag in soup.find_all("time"):
        found = parse_date(tag.get("datetime") or tag.get_text(" "))
        if found:
            return found
    date_class = re.compile(r"(^|[-_ ])(date|dateline|published|pubdate|timestamp|posted|byline)", re.I)
    for tag in soup.find_all(class_=date_class, limit=20):
        text = clean(tag.get_text(" "))
        if len(text) <= 120:
            found = parse_date(text)
            if found:
                return found
    return ""


# ---------------------------------------------------------------- title


def strip_site_suffix(title: str, site_names: list[str]) -> str:
    """Drop ' | Site', ' - Site' (and such) parts that name the site, from either end."""
    title = clean(title)
    site_words = [set(words(name)) for name in site_names if words(name)]
    if not site_words:
        return title
    parts = TITLE_SEPARATORS.split(title)
    if len(parts) < 2:
        return title

    def is_site(part: str) -> bool:
        part_words = set(words(part))
        if not part_words:
            return True
        for site in site_words:
            if (
                part_words <= site | {"the", "com", "www", "net", "org", "co", "uk", "online", "news"}
                and part_words & site
            ):
                return True
            if site <= part_words and len(part_words) <= len(site) + 2:
                return True
        return False

    while len(parts) > 1 and is_site(parts[-1]):
        parts.pop()
    while len(parts) > 1 and is_site(parts[0]):
        parts.pop(0)
    # keep the separators the title really used between the remaining parts
    start = title.find(parts[0])
    end = title.rfind(parts[-1]) + len(parts[-1])
    return clean(title[start:end]) if 0 <= start < end else " ".join(parts)


def _strip_with_h1(title: str, h1: str) -> str:
    """'<h1 text> - Anything' -> '<h1 text>' when the page's h1 starts the <title>."""
    if h1 and words(title)[: len(words(h1))] == words(h1) and len(words(h1)) >= 3:
        return h1
    return title


def _title_suffix(html_title: str, headline: str) -> str:
    """'Headline - The Site' -> 'The Site' (the part of <title> after the headline)."""
    parts = TITLE_SEPARATORS.split(html_title)
    if (
        len(parts) >= 2
        and words(headline)
        and words(" ".join(parts[:-1])) == words(headline)
        and 1 <= len(words(parts[-1])) <= 5
    ):
        return clean(parts[-1])
    return ""


def _site_from_host(url: str) -> str:
    host = urlparse(url).netloc.lower()
    host = re.sub(r"^(www\d?|m|amp|edition|mobile)\.", "", host)
    return host.split(".")[0] if host else ""


# ---------------------------------------------------------------- all together


def page_meta(soup: BeautifulSoup, path_url: str = "") -> PageMeta:
    items = json_ld_items(soup)
    articles = _article_items(items)
    metas = _meta_map(soup)

    # url
    # the first http(s) one of these: a javascript: or data: og:url is no link
    candidates = []
    for link in soup.find_all("link", href=True):
        rel = link.get("rel") or []
        rel = rel if isinstance(rel, list) else [rel]
        if "canonical" in [str(r).lower() for r in rel]:
            candidates.append(clean(link["href"]))
            break
    candidates += [metas.get("og:url", ""), metas.get("twitter:url", "")]
    for item in articles:
        candidates += [_text_of(item.get("url")), _text_of(item.get("mainEntityOfPage"))]
    candidates.append(path_url)
    url = next((http_url(c) for c in candidates if http_url(c)), "")

    # publisher
    source = ""
    for item in articles:
        source = _text_of(item.get("publisher"))
        if source and not source.startswith("http"):
            break
        source = ""
    if not source:
        for item in items:
            if _types(item) & {"newsmediaorganization", "organization"} and _text_of(item.get("name")):
                source = _text_of(item.get("name"))
                break
    source = (
        source
        or metas.get("og:site_name", "")
        or metas.get("application-name", "")
        or metas.get("publisher", "")
        or metas.get("twitter:site", "").lstrip("@")
    )

    # title
    h1_tag = soup.find("h1")
    h1 = clean(h1_tag.get_text(" ")) if isinstance(h1_tag, Tag) else ""
    html_title = clean(soup.title.get_text(" ")) if soup.title else ""
    site_names = [
        n
        for n in (
            source,
            metas.get("og:site_name", ""),
            metas.get("application-name", ""),
            metas.get("twitter:site", "").lstrip("@"),
            _site_from_host(url),
        )
        if n
    ]
    ld_headline = ""
    for item in articles:
        ld_headline = _text_of(item.get("headline")) or _text_of(item.get("name"))
        if ld_headline:
            break
    candidates = [
        strip_site_suffix(metas.get("og:title", ""), site_names),
        strip_site_suffix(metas.get("twitter:title", ""), site_names),
        strip_site_suffix(ld_headline, site_names),
        strip_site_suffix(_strip_with_h1(html_title, h1), site_names),
        h1,
    ]
    title = next((c for c in candidates if words(c)), "")
    if not source:
        source = _title_suffix(html_title, title)
    headlines = tuple(
        dict.fromkeys(c for c in candidates + [ld_headline, html_title, metas.get("og:title", "")] if words(c))
    )

    # date
    found = ""
    for item in articles:
        found = parse_date(_text_of(item.get("datePublished")) or _text_of(item.get("dateCreated")))
        if found:
            break
    if not found:
        for name in DATE_META_NAMES:
            found = parse_date(metas.get(name))
            if found:
                break
    if not found:
        for item in articles:
            found = parse_date(_text_of(item.get("dateModified")) or _text_of(item.get("uploadDate")))
            if found:
                break
    found = found or date_from_url(url) or date_from_url(path_url) or _visible_date(soup)

    return PageMeta(title=title, date=found, source=source, url=url, headline_candidates=headlines)
