"""Fetch web pages (and the pages a feed links to) politely, and store them for indexing.

    fetch(urls, feeds, sources_dir, FetchOptions(...), on_result=print) -> FetchReport

Politeness and robustness:

- an honest User-Agent naming the product and its version (:data:`USER_AGENT`);
- robots.txt is read once per site (``urllib.robotparser`` on the text we
  fetched ourselves, with our User-Agent and timeouts) and obeyed, also for
  each redirect hop; 401/403 for robots.txt means "disallow all", other 4xx
  "allow all", and an unreachable robots.txt (5xx, connection error) means
  "disallow all" (RFC 9309); a ``Crawl-delay`` longer than our delay is used;
- one request at a time, with at least ``delay`` seconds between the end of
  one request and the start of the next to the same host;
- timeouts on connect and on each read, plus a deadline for a whole page
  (all its requests: redirect hops, retries, robots.txt) that holds however
  slowly a server trickles its headers or body (the deadline is checked
  between reads, and a watchdog shuts the connection down when it passes
  while a read waits);
- only public addresses: a host that resolves to a loopback, private,
  link-local or other non-public address is refused unless ``allow_private``
  (``add --allow-private``); every resolved address of every request is
  checked (redirect hops, feed items, robots.txt), and so is the address
  each connection is actually made to (a name that resolves differently the
  second time is caught too);
- retries with exponential backoff on connection errors, timeouts, 429 and
  5xx (never once the page deadline has passed), honouring ``Retry-After``
  (a wait longer than ``max_wait`` is not waited for: the URL is reported as
  failed);
- redirects followed by hand, at most ``max_redirects``;
- a size limit (checked against Content-Length first, then while reading);
- only HTML is stored: any other content type is reported and skipped;
- an URL already stored is not fetched again unless ``refresh`` (and then
  conditionally, with the ETag/Last-Modified seen last time);
- at most ``max_items`` items of each feed are read (default
  :data:`DEFAULT_FEED_ITEMS`).

Storage, under ``sources_dir``: ``<host>/<slug>-<hash>.html`` holds the page as
fetched (``<host>`` is ``host`` or ``host_port``; ``<slug>`` comes from the
last path segment and ``<hash>`` is 10 hex digits of the SHA-256 of the
normalised URL, so the name is stable per URL and two URLs never collide), and
``<slug>-<hash>.json`` beside it records the URL, final URL, fetch time, HTTP
status, content type and charset (see :func:`read_sidecars`).

Charset: when the server declares a charset only in the HTTP Content-Type
header (the page has no BOM, ``<meta charset>`` or XML declaration), the
stored file starts with ``<meta charset="LABEL">`` and a newline, followed by
the page's bytes unchanged, so the HTML reader decodes it correctly offline.
The sidecar records that prefix (``prefix``), and the size and SHA-256 of the
bytes as fetched, so the original is recoverable exactly.
"""

from __future__ import annotations

import codecs
import email.message
import email.utils
import hashlib
import ipaddress
import json
import os
import re
import socket
import threading
import time
import urllib.robotparser
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urljoin, urlsplit, urlunsplit

from search.errors import DiploSearchError
from search.files import atomic_write
from search.ingest.limits import DEFAULT_FEED_ITEMS


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("diplosearch")
    except Exception:  # not installed (running from a checkout)
        return "0.1"


VERSION = _version()
# Who runs this copy: a site owner can reach them (set DIPLOSEARCH_CONTACT to a URL or e-mail).
CONTACT = os.environ.get("DIPLOSEARCH_CONTACT", "self-hosted diplomatic-news search engine")
USER_AGENT = f"diplosearch/{VERSION} (+{CONTACT})"

HTML_TYPES = {"text/html", "application/xhtml+xml"}
PAGE_ACCEPT = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1"
FEED_ACCEPT = "application/rss+xml,application/atom+xml,application/xml;q=0.9,text/xml;q=0.9,*/*;q=0.1"
RETRY_STATUSES = {429, 500, 502, 503, 504}
REDIRECT_STATUSES = {301, 302, 303, 307, 308}
ROBOTS_MAX_BYTES = 500 * 1024  # what RFC 9309 asks crawlers to read at least
MAX_CRAWL_DELAY = 60.0


class FetchError(DiploSearchError):
    """One URL that could not be fetched; the message is the reason."""


class AddressRefused(FetchError):
    """A host that is, or resolves to, an address that is not public."""


@dataclass
class FetchOptions:
    timeout: float = 15.0  # seconds to connect, and to wait for each piece of data
    deadline: float = 120.0  # seconds of requests for a whole page (hops, retries), however slowly it trickles
    retries: int = 3  # extra attempts after a retryable failure
    backoff: float = 1.0  # first wait before a retry; doubled each time
    max_wait: float = 60.0  # the longest wait (backoff or Retry-After) we accept
    delay: float = 1.0  # seconds between requests to one host
    max_redirects: int = 5
    max_bytes: int = 5 * 1024 * 1024
    refresh: bool = False
    max_items: int | None = DEFAULT_FEED_ITEMS  # items read from each feed (None: all)
    allow_private: bool = False  # fetch from loopback, private, link-local ... addresses too
    user_agent: str = USER_AGENT


@dataclass
class FetchResult:
    """What happened to one URL: ``fetched``, ``unchanged`` (304 on refresh),
    ``already`` (stored before; not fetched), ``failed``, or ``feed`` (a feed read)."""

    url: str
    outcome: str
    reason: str = ""
    path: str = ""
    status: int | None = None
    final_url: str = ""
    content_type: str = ""
    size: int = 0
    feed: str = ""  # the feed that linked to this page
    items: int = 0  # for a feed: how many item pages it lists

    @property
    def ok(self) -> bool:
        return self.outcome in ("fetched", "unchanged", "already", "feed")

    def line(self) -> str:
        """The report line for this URL."""
        if self.outcome == "fetched":
            kind = self.content_type.split(";")[0] or "?"
            return f"fetched {self.url} -> {self.path} ({self.status}, {kind}, {_size(self.size)})" + (
                f" via {self.final_url}" if self.final_url and self.final_url != self.url else ""
            )
        if self.outcome == "unchanged":
            return f"unchanged {self.url} ({self.path}; 304 Not Modified)"
        if self.outcome == "already":
            return f"already fetched {self.url} ({self.path}; --refresh fetches it again)"
        if self.outcome == "feed":
            return f"feed {self.url}: {self.items} item(s)" + (f" ({self.reason})" if self.reason else "")
        return f"failed {self.url}: {self.reason}"


@dataclass
class FetchReport:
    results: list[FetchResult] = field(default_factory=list)

    def count(self, outcome: str) -> int:
        return sum(1 for r in self.results if r.outcome == outcome)

    @property
    def fetched(self) -> int:
        return self.count("fetched")

    @property
    def failed(self) -> list[FetchResult]:
        return [r for r in self.results if r.outcome == "failed"]

    @property
    def nothing_fetched(self) -> bool:
        """True when there were failures and no page was fetched or was already there."""
        return bool(self.failed) and not any(r.outcome in ("fetched", "unchanged", "already") for r in self.results)

    def summary(self) -> str:
        parts = [f"Fetched {self.fetched} page(s)"]
        for outcome, label in (("unchanged", "unchanged"), ("already", "already fetched")):
            if self.count(outcome):
                parts.append(f"{self.count(outcome)} {label}")
        parts.append(f"{len(self.failed)} failed")
        return ", ".join(parts) + "."

    def to_dict(self) -> dict:
        return {"results": [asdict(r) for r in self.results], "fetched": self.fetched, "failed": len(self.failed)}


# ---------------------------------------------------------------- URLs and files


def normalize_url(url: str) -> str:
    """The URL as stored and compared: scheme and host lower-case, default port and
    fragment dropped, an empty path made ``/``. Raises FetchError for non-http(s) URLs."""
    url = url.strip()
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise FetchError(f"not a valid URL ({error})") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise FetchError("not an http(s) URL")
    if not parts.hostname:
        raise FetchError("the URL has no host")
    host = parts.hostname.lower()
    if ":" in host:
        host = f"[{host}]"
    if port and port != {"http": 80, "https": 443}[scheme]:
        host = f"{host}:{port}"
    userinfo = parts.netloc.rpartition("@")[0]
    netloc = f"{userinfo}@{host}" if userinfo else host
    return urlunsplit((scheme, netloc, parts.path or "/", parts.query, ""))


def page_path(sources_dir: str | Path, url: str) -> Path:
    """Where the page of ``url`` (normalised) is stored: ``<host>/<slug>-<hash>.html``."""
    parts = urlsplit(url)
    host = (parts.hostname or "unknown").strip("[]").replace(":", "_")
    if parts.port:
        host += f"_{parts.port}"
    digest = hashlib.sha256(url.encode("utf-8")).hexdigest()[:10]
    segments = [s for s in parts.path.split("/") if s]
    slug = ""
    if segments:
        last = re.sub(r"\.(s?html?|php|aspx?|jsp)$", "", segments[-1], flags=re.IGNORECASE)
        slug = re.sub(r"[^a-z0-9]+", "-", last.lower()).strip("-")[:60].strip("-")
    name = f"{slug}-{digest}" if slug else digest
    return Path(sources_dir) / host / f"{name}.html"


def sidecar_path(page: Path) -> Path:
    return page.with_suffix(".json")


def read_sidecars(sources_dir: str | Path) -> list[dict]:
    """The records of every page stored under ``sources_dir`` (each with ``path``)."""
    records = []
    for sidecar in sorted(Path(sources_dir).glob("*/*.json")):
        try:
            record = json.loads(sidecar.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(record, dict) and record.get("url"):
            record["path"] = str(sidecar.with_suffix(".html"))
            records.append(record)
    return records


def _size(n: int) -> str:
    return f"{n} B" if n < 1024 else f"{n / 1024:.1f} kB" if n < 1024 * 1024 else f"{n / 1048576:.1f} MB"


def _content_type(value: str) -> tuple[str, str]:
    """(media type, charset) of a Content-Type header; both lower-case, '' when absent."""
    if not value:
        return "", ""
    message = email.message.Message()
    message["content-type"] = value
    charset = message.get_param("charset") or ""
    if isinstance(charset, tuple):  # RFC 2231 form
        charset = charset[2]
    return message.get_content_type().lower(), str(charset).strip().strip("'\"").lower()


def _page_declares_charset(data: bytes) -> bool:
    from search.ingest.encoding import declared_charset

    return (
        data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
        or declared_charset(data) is not None
    )


def charset_prefix(data: bytes, header_charset: str) -> bytes:
    """``<meta charset="...">\\n`` when the header names a known charset the page does not declare."""
    if not header_charset or not re.fullmatch(r"[a-z0-9_.:\-]+", header_charset):
        return b""
    try:
        codecs.lookup(header_charset)
    except LookupError:
        return b""
    if _page_declares_charset(data):
        return b""
    return f'<meta charset="{header_charset}">\n'.encode("ascii")


def _not_a_page(response, media_type: str) -> str:
    """Why a page's response is not kept ("" when it is): an error status, no page, no body."""
    if not 200 <= response.status < 300:
        return f"HTTP {response.status} {response.reason}".rstrip()
    if not media_type and not _looks_like_html(response.body):
        return "not a web page (no content type, and it does not look like HTML)"
    if not response.body.strip():
        return "empty page"
    return ""


def _looks_like_html(data: bytes) -> bool:
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return (
        head.startswith((b"<!doctype html", b"<html", b"<head", b"<meta", b"<title", b"<!--"))
        or b"<html" in head[:1024]
    )


# ---------------------------------------------------------------- addresses

_NAT64 = ipaddress.ip_network("64:ff9b::/96")


def address_problem(address: str) -> str:
    """Why an IP address is not one to fetch from ("" for a public address)."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])  # an IPv6 zone ("fe80::1%eth0") aside
    except ValueError:
        return "not an IP address"
    if ip.version == 6 and ip.ipv4_mapped is not None:  # ::ffff:127.0.0.1
        ip = ip.ipv4_mapped
    elif ip.version == 6 and ip in _NAT64:
        ip = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    for test, name in (
        ("is_unspecified", "an unspecified address"),
        ("is_loopback", "a loopback address"),
        ("is_link_local", "a link-local address"),
        ("is_multicast", "a multicast address"),
        ("is_private", "a private address"),
        ("is_reserved", "a reserved address"),
    ):
        if getattr(ip, test):
            return name
    return "" if ip.is_global else "not a public address"


def _resolve(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to (a literal address is itself); socket.gaierror if none."""
    return sorted({info[4][0] for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)})


def _refusal(host: str, address: str, problem: str) -> AddressRefused:
    named = address if host.strip("[]") == address else f"{host} ({address})"
    return AddressRefused(f"refused: {named} is {problem}; --allow-private fetches it")


def _shutdown(sock) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass


class _Guard:
    """What every connection of one Fetcher goes through: the address it reached must be
    public (unless private ones are allowed), and the socket of the request in progress
    is shut down when that request's deadline passes (a watchdog timer)."""

    def __init__(self, allow_private: bool):
        self.allow_private = allow_private
        self._lock = threading.Lock()
        self._sock = None
        self._timer: threading.Timer | None = None
        self.expired = False

    def check_peer(self, sock, host: str) -> None:
        if self.allow_private:
            return
        try:
            address = sock.getpeername()[0]
        except OSError:
            return
        problem = address_problem(address)
        if problem:
            raise _refusal(host, address, problem)

    def attach(self, sock) -> None:
        with self._lock:
            self._sock = sock
            expired = self.expired
        if expired:
            _shutdown(sock)

    def start(self, seconds: float) -> None:
        self.stop()
        self.expired = False
        self._timer = threading.Timer(max(0.0, seconds), self._expire)
        self._timer.daemon = True
        self._timer.start()

    def stop(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        with self._lock:
            self._sock = None

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            sock = self._sock
        if sock is not None:
            _shutdown(sock)


def _guarded_session(guard: _Guard):
    """A requests Session whose direct connections report to ``guard``."""
    import requests
    from requests.adapters import HTTPAdapter
    from urllib3.connection import HTTPConnection, HTTPSConnection
    from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

    def guarded(base):
        class Guarded(base):
            def _new_conn(self):
                sock = super()._new_conn()
                try:
                    guard.check_peer(sock, self.host)
                except BaseException:
                    sock.close()
                    raise
                guard.attach(sock)
                return sock

            def getresponse(self, *args, **kwargs):
                if self.sock is not None:
                    guard.attach(self.sock)  # a kept-alive connection: no new socket
                return super().getresponse(*args, **kwargs)

        return Guarded

    pools = {
        "http": type("GuardedHTTPPool", (HTTPConnectionPool,), {"ConnectionCls": guarded(HTTPConnection)}),
        "https": type("GuardedHTTPSPool", (HTTPSConnectionPool,), {"ConnectionCls": guarded(HTTPSConnection)}),
    }

    class Adapter(HTTPAdapter):
        def init_poolmanager(self, *args, **kwargs):
            super().init_poolmanager(*args, **kwargs)
            self.poolmanager.pool_classes_by_scheme = pools

    session = requests.Session()
    adapter = Adapter()
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


# ---------------------------------------------------------------- HTTP


@dataclass
class _Response:
    url: str
    status: int
    reason: str
    headers: dict
    body: bytes = b""

    def header(self, name: str) -> str:
        return self.headers.get(name, "") or ""


class Fetcher:
    """One fetching session: a connection pool, robots.txt per site, per-host timing.

    ``sleep`` and ``clock`` can be replaced (tests record the waits instead of waiting).
    """

    def __init__(
        self,
        options: FetchOptions | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.options = options or FetchOptions()
        self.sleep = sleep
        self.clock = clock
        self._guard = _Guard(self.options.allow_private)
        self.session = _guarded_session(self._guard)
        self.session.headers.update({"User-Agent": self.options.user_agent, "Accept-Language": "en;q=1.0, *;q=0.5"})
        self._robots: dict[str, tuple[urllib.robotparser.RobotFileParser, str]] = {}
        self._last: dict[str, float] = {}
        self._host_delay: dict[str, float] = {}
        self._refused: dict[tuple[str, int], str] = {}  # (host, port) -> reason ("" when public)
        self._budget: float | None = None  # seconds of requests left for the page being fetched

    def close(self) -> None:
        self._guard.stop()
        self.session.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- politeness

    def _wait_turn(self, url: str) -> None:
        host = urlsplit(url).netloc
        last = self._last.get(host)
        if last is not None:
            wait = last + self._host_delay.get(host, self.options.delay) - self.clock()
            if wait > 0:
                self.sleep(wait)

    def _done(self, url: str) -> None:
        self._last[urlsplit(url).netloc] = self.clock()

    def address_check(self, url: str) -> None:
        """Raise AddressRefused when the URL's host is, or resolves to, an address that is
        not public (and private ones are not allowed). A host that does not resolve is
        left to the request, which reports it."""
        if self.options.allow_private:
            return
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = parts.port or (443 if parts.scheme == "https" else 80)
        if (host, port) not in self._refused:
            try:
                addresses = _resolve(host, port)
            except (OSError, UnicodeError):
                return
            reason = ""
            for address in addresses:
                problem = address_problem(address)
                if problem:
                    reason = str(_refusal(host, address, problem))
                    break
            self._refused[(host, port)] = reason
        if self._refused[(host, port)]:
            raise AddressRefused(self._refused[(host, port)])

    def robots_check(self, url: str) -> None:
        """Raise FetchError when robots.txt of the URL's site forbids it to us."""
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin not in self._robots:
            self._robots[origin] = self._load_robots(origin)
            parser, _ = self._robots[origin]
            crawl_delay = None
            try:
                crawl_delay = parser.crawl_delay(self.options.user_agent)
            except (TypeError, ValueError):
                pass
            if crawl_delay:
                self._host_delay[parts.netloc] = max(self.options.delay, min(float(crawl_delay), MAX_CRAWL_DELAY))
        parser, note = self._robots[origin]
        if not parser.can_fetch(self.options.user_agent, url):
            raise FetchError(f"disallowed by robots.txt{note}")

    def _load_robots(self, origin: str) -> tuple[urllib.robotparser.RobotFileParser, str]:
        parser = urllib.robotparser.RobotFileParser(origin + "/robots.txt")
        try:
            response = self._get_following(
                origin + "/robots.txt", "text/plain,*/*;q=0.1", ROBOTS_MAX_BYTES, truncate=True, check_robots=False
            )
        except FetchError as error:
            parser.disallow_all = True
            return parser, f" (robots.txt could not be read: {error}, so nothing on the site is fetched)"
        if response.status in (401, 403):
            parser.disallow_all = True
            return parser, f" (robots.txt answers HTTP {response.status}, which disallows everything)"
        if response.status >= 500:
            parser.disallow_all = True
            return parser, f" (robots.txt answers HTTP {response.status}, so nothing on the site is fetched)"
        if response.status >= 400:
            parser.allow_all = True
            return parser, ""
        parser.parse(response.body.decode("utf-8", "replace").splitlines())
        return parser, ""

    # -- requests

    def _get_following(
        self,
        url: str,
        accept: str,
        max_bytes: int,
        *,
        truncate: bool = False,
        check_robots: bool = True,
        headers: dict | None = None,
        accept_types: set[str] | None = None,
    ) -> _Response:
        """GET with redirects followed by hand (robots.txt checked at every hop)."""
        hops: list[str] = []
        current = url
        while True:
            try:
                self.address_check(current)
                if check_robots:
                    self.robots_check(current)
            except FetchError as error:
                if hops:
                    raise type(error)(f"redirected to {current}, {error}") from None
                raise
            response = self._get_retrying(current, accept, max_bytes, truncate, headers, accept_types)
            if response.status not in REDIRECT_STATUSES:
                return response
            location = response.header("location")
            if not location:
                raise FetchError(f"HTTP {response.status} redirect without a Location")
            if len(hops) >= self.options.max_redirects:
                raise FetchError(f"more than {self.options.max_redirects} redirects")
            hops.append(current)
            try:
                current = normalize_url(urljoin(current, location))
            except FetchError as error:
                raise FetchError(f"redirected to {location!r}: {error}") from None
            if current in hops:
                raise FetchError(f"redirect loop at {current}")

    def _get_retrying(
        self, url: str, accept: str, max_bytes: int, truncate: bool, headers: dict | None, accept_types: set[str] | None
    ) -> _Response:
        import requests

        attempt = 0
        while True:
            attempt += 1
            retry_after: float | None = None
            try:
                response = self._get_once(url, accept, max_bytes, truncate, headers, accept_types)
                if response.status not in RETRY_STATUSES:
                    return response
                problem = f"HTTP {response.status} {response.reason}".rstrip()
                retry_after = _retry_after(response.header("retry-after"))
            except requests.exceptions.SSLError as error:
                raise FetchError(f"TLS error: {_short_error(error)}") from None
            except requests.exceptions.ConnectTimeout:
                problem = f"timed out connecting ({self.options.timeout:g} s)"
            except requests.exceptions.ReadTimeout:
                problem = f"timed out waiting for data ({self.options.timeout:g} s)"
            except _Deadline:  # not retried: the deadline is for the page, however many attempts
                raise FetchError(
                    f"the response took longer than {self.options.deadline:g} s"
                    + (f" (attempt {attempt})" if attempt > 1 else "")
                ) from None
            except (requests.exceptions.ConnectionError, requests.exceptions.ChunkedEncodingError) as error:
                problem = f"connection failed: {_short_error(error)}"
            except requests.exceptions.RequestException as error:
                raise FetchError(_short_error(error)) from None
            tries = f" (after {attempt} attempts)" if attempt > 1 else ""
            if attempt > self.options.retries:
                raise FetchError(problem + tries)
            if retry_after is None:
                wait = min(self.options.backoff * 2 ** (attempt - 1), self.options.max_wait)
            else:
                wait = retry_after
            if wait > self.options.max_wait:
                raise FetchError(
                    f"{problem}; the server asks to retry after {wait:g} s, "
                    f"longer than the {self.options.max_wait:g} s we wait{tries}"
                )
            if wait > 0:
                self.sleep(wait)

    def _get_once(
        self, url: str, accept: str, max_bytes: int, truncate: bool, headers: dict | None, accept_types: set[str] | None
    ) -> _Response:
        self._wait_turn(url)
        limit = self.options.deadline if self._budget is None else self._budget
        if limit <= 0:
            raise _Deadline()
        started = self.clock()
        request_headers = {"Accept": accept, **(headers or {})}
        self._guard.start(limit)
        try:
            with self.session.get(
                url,
                headers=request_headers,
                stream=True,
                allow_redirects=False,
                timeout=(self.options.timeout, self.options.timeout),
            ) as raw:
                response = _Response(
                    url=url,
                    status=raw.status_code,
                    reason=raw.reason or "",
                    headers={k.lower(): v for k, v in raw.headers.items()},
                )
                if not 200 <= raw.status_code < 300:
                    return response
                media_type, _ = _content_type(response.header("content-type"))
                if accept_types is not None and media_type and media_type not in accept_types:
                    raise FetchError(f"not a web page (content type {media_type})")
                length = response.header("content-length")
                if length.isdigit() and int(length) > max_bytes and not truncate:
                    raise FetchError(f"larger than the {_size(max_bytes)} limit (Content-Length {_size(int(length))})")
                chunks, total = [], 0
                for chunk in _pieces(raw):
                    chunks.append(chunk)
                    total += len(chunk)
                    if total > max_bytes:
                        if truncate:
                            break
                        raise FetchError(f"larger than the {_size(max_bytes)} limit")
                    if self.clock() - started > limit or self._guard.expired:
                        raise _Deadline()
                if self._guard.expired:
                    raise _Deadline()  # the watchdog cut the body short
                response.body = b"".join(chunks)[:max_bytes]
                return response
        except (FetchError, _Deadline):
            raise
        except Exception:
            if self._guard.expired:
                raise _Deadline() from None
            raise
        finally:
            self._guard.stop()
            self._done(url)
            if self._budget is not None:
                self._budget -= self.clock() - started

    # -- pages and feeds

    @contextmanager
    def _page(self):
        """The deadline covers every request made for one page or feed (redirect hops,
        retries, robots.txt), however slowly each is answered; our own waits between
        requests (delay, Crawl-delay, backoff) do not count."""
        self._budget = self.options.deadline
        try:
            yield
        finally:
            self._budget = None

    def fetch_page(self, url: str, sources_dir: str | Path, feed: str = "", item=None) -> FetchResult:
        """Fetch one page into ``sources_dir``; never raises for a per-URL problem."""
        with self._page():
            return self._fetch_page(url, sources_dir, feed, item)

    def _fetch_page(self, url: str, sources_dir: str | Path, feed: str = "", item=None) -> FetchResult:
        try:
            url = normalize_url(url)
        except FetchError as error:
            return FetchResult(url=url, outcome="failed", reason=str(error), feed=feed)
        page = page_path(sources_dir, url)
        sidecar = sidecar_path(page)
        previous = _read_json(sidecar) if page.exists() else None
        if previous is not None and not self.options.refresh:
            return FetchResult(
                url=url,
                outcome="already",
                path=str(page),
                feed=feed,
                status=previous.get("status"),
                final_url=previous.get("final_url", ""),
            )
        conditional = {}
        if previous:
            if previous.get("etag"):
                conditional["If-None-Match"] = previous["etag"]
            if previous.get("last_modified"):
                conditional["If-Modified-Since"] = previous["last_modified"]
        try:
            response = self._get_following(
                url, PAGE_ACCEPT, self.options.max_bytes, headers=conditional, accept_types=HTML_TYPES
            )
        except FetchError as error:
            return FetchResult(url=url, outcome="failed", reason=str(error), feed=feed)
        if response.status == 304 and previous:
            return FetchResult(
                url=url, outcome="unchanged", path=str(page), status=304, final_url=response.url, feed=feed
            )
        content_type = response.header("content-type")
        media_type, charset = _content_type(content_type)
        refused = _not_a_page(response, media_type)
        if refused:
            return FetchResult(
                url=url, outcome="failed", status=response.status, final_url=response.url, reason=refused, feed=feed
            )
        prefix = charset_prefix(response.body, charset)
        record = {
            "url": url,
            "final_url": response.url,
            "fetched_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "status": response.status,
            "content_type": content_type,
            "charset": charset,
            "prefix": prefix.decode("ascii"),
            "bytes": len(response.body),
            "sha256": hashlib.sha256(response.body).hexdigest(),
            "etag": response.header("etag"),
            "last_modified": response.header("last-modified"),
            "feed": feed,
            "feed_item": {"title": item.title, "published": item.published} if item is not None else None,
            "user_agent": self.options.user_agent,
        }
        atomic_write(page, prefix + response.body)
        atomic_write(sidecar, (json.dumps(record, ensure_ascii=False, indent=1) + "\n").encode("utf-8"))
        return FetchResult(
            url=url,
            outcome="fetched",
            path=str(page),
            status=response.status,
            final_url=response.url,
            content_type=content_type,
            size=len(response.body),
            feed=feed,
        )

    def read_feed(self, url: str):
        """Fetch and parse a feed; raises FetchError (or FeedError) with the reason."""
        from search.ingest.feeds import parse_feed

        url = normalize_url(url)
        with self._page():
            response = self._get_following(url, FEED_ACCEPT, self.options.max_bytes)
        if not 200 <= response.status < 300:
            raise FetchError(f"HTTP {response.status} {response.reason}".rstrip())
        return parse_feed(response.body, response.url, response.header("content-type"))


class _Deadline(Exception):
    pass


def _pieces(raw):
    """The body of a streamed requests response, a piece as soon as it arrives (not once
    64 kB have), so that the deadline is checked however slowly bytes trickle in.
    urllib3's errors are raised as the requests errors they stand for."""
    import requests
    import urllib3.exceptions

    body = raw.raw
    if not hasattr(body, "read1"):  # pragma: no cover - urllib3 < 2
        yield from raw.iter_content(64 * 1024)
        return
    while True:
        try:
            piece = body.read1(64 * 1024, decode_content=True)
        except urllib3.exceptions.ReadTimeoutError as error:
            raise requests.exceptions.ReadTimeout(error) from None
        except urllib3.exceptions.DecodeError as error:
            raise requests.exceptions.ContentDecodingError(error) from None
        except (urllib3.exceptions.ProtocolError, urllib3.exceptions.SSLError, OSError) as error:
            raise requests.exceptions.ChunkedEncodingError(error) from None
        if not piece:
            return
        yield piece


def _read_json(path: Path) -> dict | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _retry_after(value: str) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date)."""
    value = value.strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _short_error(error: BaseException) -> str:
    """A one-line reason from requests' nested exception text."""
    text = str(error)
    match = re.search(r"\[Errno -?\d+\] ([^'\")\]]+)", text)
    if match:
        return match.group(1).strip().lower()
    for known in (
        "Connection refused",
        "Name or service not known",
        "Connection reset",
        "Remote end closed connection",
        "timed out",
    ):
        if known.lower() in text.lower():
            return known.lower()
    return (text.splitlines()[0] if text else type(error).__name__)[:160]


# ---------------------------------------------------------------- the whole run


def fetch(
    urls: Iterable[str],
    feeds: Iterable[str],
    sources_dir: str | Path,
    options: FetchOptions | None = None,
    on_result: Callable[[FetchResult], None] | None = None,
    fetcher: Fetcher | None = None,
) -> FetchReport:
    """Fetch ``urls`` and every item page of ``feeds`` into ``sources_dir``.

    Each URL's outcome is passed to ``on_result`` as soon as it is known;
    a failure never stops the others.
    """
    report = FetchReport()
    owned = fetcher is None
    fetcher = fetcher or Fetcher(options)
    options = fetcher.options

    def record(result: FetchResult) -> None:
        report.results.append(result)
        if on_result:
            on_result(result)

    seen: set[str] = set()

    def page(url: str, feed: str = "", item=None) -> None:
        try:
            key = normalize_url(url)
        except FetchError:
            key = url
        if key in seen:
            return
        seen.add(key)
        record(fetcher.fetch_page(url, sources_dir, feed=feed, item=item))

    try:
        for url in urls:
            page(url)
        for feed_url in feeds:
            try:
                feed = fetcher.read_feed(feed_url)
            except DiploSearchError as error:
                record(FetchResult(url=feed_url, outcome="failed", reason=str(error)))
                continue
            items = feed.items[: options.max_items] if options.max_items is not None else feed.items
            note = f"reading the first {len(items)}; --limit N reads more" if len(items) < len(feed.items) else ""
            record(FetchResult(url=feed.url, outcome="feed", items=len(feed.items), reason=note))
            for item in items:
                page(item.url, feed=feed.url, item=item)
    finally:
        if owned:
            fetcher.close()
    return report
