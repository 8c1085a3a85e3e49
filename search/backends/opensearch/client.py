"""Connecting to the cluster, and its errors as the engine's errors."""

from __future__ import annotations

import functools

from opensearchpy import OpenSearch
from opensearchpy import exceptions as os_errors

from search.errors import DiploSearchError, IndexMissing

DEFAULT_NAME = "diplosearch"
TIMEOUT = 60


class ClusterUnavailable(IndexMissing):
    """The cluster cannot be reached or answers with an error (the site answers 503)."""


class ClusterRefused(DiploSearchError):
    """The cluster refused a request of a build or a check (the message gives its reason)."""


def hosts_of(url: str | list[str]) -> list[str]:
    hosts = [u.strip() for u in (url.split(",") if isinstance(url, str) else url) if u.strip()]
    if not hosts:
        raise ClusterUnavailable("no OpenSearch URL given: pass --opensearch-url or set DIPLOSEARCH_OPENSEARCH_URL")
    return hosts


def connect(url: str | list[str], timeout: float = TIMEOUT, **options) -> OpenSearch:
    """A client of the cluster at ``url`` (one URL, comma-separated URLs, or a list); connects
    on its first request."""
    options.setdefault("retry_on_timeout", True)
    options.setdefault("max_retries", 3)
    return OpenSearch(hosts=hosts_of(url), timeout=timeout, http_compress=False, **options)


def unavailable(url, error: Exception) -> ClusterUnavailable:
    if isinstance(error, os_errors.ConnectionError):
        return ClusterUnavailable(f"the OpenSearch cluster at {url} cannot be reached: {error.info or error}")
    return ClusterUnavailable(f"the OpenSearch cluster at {url} answered with an error: {error}")


def reason(error: os_errors.TransportError) -> str:
    """The cluster's own explanation of a refused request."""
    info = error.info if isinstance(error.info, dict) else {}
    causes = (info.get("error") or {}).get("root_cause") or []
    if causes:
        return "; ".join(str(c.get("reason", c)) for c in causes)
    return str(error.error)


def cluster_errors(method):
    """The cluster's errors, raised by a method of an object with a ``url``, as the engine's: one
    line for the user instead of a traceback."""

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except os_errors.RequestError as error:
            raise ClusterRefused(f"the OpenSearch cluster at {self.url} refused a request: {reason(error)}") from error
        except (os_errors.TransportError, os_errors.ImproperlyConfigured) as error:
            raise unavailable(self.url, error) from error

    return wrapper
