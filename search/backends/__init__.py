"""Search backends: where paragraphs are stored and searched (Whoosh embedded by default, or OpenSearch)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from search.backend import Backend
from search.errors import DiploSearchError

BACKENDS = ("whoosh", "opensearch")
DEFAULT_OPENSEARCH_INDEX = "diplosearch"


class BackendUnavailable(DiploSearchError):
    """The chosen backend cannot be used here (its extra is not installed, or it is misconfigured)."""


@dataclass(frozen=True)
class Target:
    """Where an index lives: a Whoosh folder (the default), or an alias on an OpenSearch cluster.

    ``shards`` and ``replicas`` are those of new OpenSearch builds (None: the backend's defaults)."""

    index_dir: str = "index"
    backend: str = "whoosh"
    opensearch_url: str = ""
    opensearch_index: str = DEFAULT_OPENSEARCH_INDEX
    shards: int | None = None
    replicas: int | None = None

    @classmethod
    def choose(
        cls,
        index_dir: str | Path = "index",
        backend: str | None = None,
        opensearch_url: str | None = None,
        opensearch_index: str | None = None,
        **options,
    ) -> Target:
        """OpenSearch when asked for, or when an OpenSearch URL is given without a backend; else Whoosh."""
        url = (opensearch_url or "").strip()
        kind = (backend or "").strip().lower() or ("opensearch" if url else "whoosh")
        if kind not in BACKENDS:
            raise BackendUnavailable(f"unknown backend {backend!r}; backends are: {', '.join(BACKENDS)}")
        if kind == "opensearch" and not url:
            raise BackendUnavailable(
                "the OpenSearch backend needs the cluster's URL: pass --opensearch-url URL "
                "or set DIPLOSEARCH_OPENSEARCH_URL"
            )
        return cls(str(index_dir), kind, url, opensearch_index or DEFAULT_OPENSEARCH_INDEX, **options)

    def open(self) -> Backend:
        if self.backend == "opensearch":
            try:
                from search.backends.opensearch import OpenSearchBackend
            except ModuleNotFoundError as error:
                if error.name != "opensearchpy":
                    raise
                raise BackendUnavailable(
                    "the OpenSearch backend needs opensearch-py, which is not installed: "
                    "pip install 'diplosearch[opensearch]' (in a checkout: "
                    "pip install -e '.[opensearch]')"
                ) from None
            return OpenSearchBackend(
                self.opensearch_url, self.opensearch_index, shards=self.shards, replicas=self.replicas
            )
        from search.backends.whoosh import WhooshBackend

        return WhooshBackend(self.index_dir)

    def __str__(self) -> str:
        if self.backend == "opensearch":
            return f"the OpenSearch index {self.opensearch_index!r} at {self.opensearch_url}"
        return self.index_dir


def open_backend(
    index_dir: str | Path = "index",
    backend: str | None = None,
    opensearch_url: str | None = None,
    opensearch_index: str | None = None,
    **options,
) -> Backend:
    """The backend the CLI and the site use: the Whoosh index in ``index_dir``, or the OpenSearch
    index ``opensearch_index`` at ``opensearch_url`` (``backend="opensearch"``, or a URL given)."""
    return Target.choose(index_dir, backend, opensearch_url, opensearch_index, **options).open()
