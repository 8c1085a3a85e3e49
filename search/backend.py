"""The search backend interface: what the index, query, web and CLI code call.

A backend keeps paragraph documents and answers searches over them. The
index stage (``search.index.build``) decides what to read, keep and drop,
and drives a backend's build through ``Backend.begin`` and ``Backend.publish``;
the web and the CLI call the query side. Implementations live in
``search.backends``: Whoosh, embedded, by default (all of Whoosh's internals
are fenced in ``search.backends.whoosh``).

A build carries, beside its documents, the index stage's own state as named
files (``state``: the manifest of sources, the near-duplicate index, the
list of other copies of each article), so the next reindex, on any machine
that reaches the backend, can be incremental.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Protocol

from search.models import Article, FacetValue, Paragraph, SearchRequest, SearchResult


@dataclass
class LiveState:
    """What the live build holds for the index stage."""

    files: dict[str, bytes] = field(default_factory=dict)  # the index stage's state files
    reusable: bool = False  # its documents can be kept by an incremental build
    damaged: list[str] = field(default_factory=list)  # its damaged files ("path: problem"): not reusable


@dataclass
class CheckReport:
    """What ``Backend.check`` found in the live build."""

    build: str
    files: int  # files verified
    bytes: int
    damaged: list[str]  # "path: problem", empty when the build is intact
    fix: str = ""  # the command that repairs it


class Build(Protocol):
    """One build being written; the live build keeps serving until it is published."""

    def delete_sources(self, paths: list[str]) -> None:
        """Drop the documents read from these source paths (kept from the live build)."""

    def add(self, source_path: str, article: Article) -> None:
        """Tag the article (unless tagging is off) and index its paragraphs."""

    def finish(self, state: dict[str, bytes]) -> int:
        """Write everything added and the state files; return the paragraphs in the build."""

    def cancel(self) -> None:
        """Throw the build away; nothing of it is ever served."""


class Backend(Protocol):
    """Where paragraphs are stored and searched."""

    def lock(self) -> AbstractContextManager[None]:
        """Held while a reindex runs; a second one raises ReindexBusy."""

    def live_state(self) -> LiveState | None:
        """The live build's state, None when there is no index yet; raises a
        DiploSearchError naming the fix when the live build cannot be read.
        Its files are verified: a damaged one is listed in ``damaged`` and
        the build is not reusable (its sources are read again)."""

    def check_ready(self) -> None:
        """Raise a DiploSearchError naming the fix unless the live build can be served
        (every file verified)."""

    def check(self) -> CheckReport:
        """Verify every file of the live build; raises a DiploSearchError naming the fix
        when there is no live build to verify."""

    def begin(self, incremental: bool, procs: int, tag: bool) -> Build:
        """A new build: a copy of the live one (``incremental``) or empty."""

    def publish(self, build: Build) -> str:
        """Make ``build`` the live one in one atomic step; return its name."""

    def search(self, request: SearchRequest) -> SearchResult:
        """One page of ranked hits with facets, timeline and suggestion."""

    def export(self, request: SearchRequest, cap: int) -> tuple[int, list[Paragraph]]:
        """All matching paragraphs in the request's order, up to ``cap``: (total, rows)."""

    def article(self, article_id: str) -> list[Paragraph]:
        """An article's paragraphs in order (empty when there is no such article)."""

    def alternates(self, article_id: str) -> list[dict]:
        """Other copies of an article that were not indexed (id, title, date, source, url)."""

    def facet_values(
        self, facet: str, prefix: str = "", limit: int = 20, request: SearchRequest | None = None
    ) -> list[FacetValue]:
        """Values of one facet whose words start with ``prefix``, most frequent first."""

    def close(self) -> None:
        """Release what searching opened (files, connections)."""
