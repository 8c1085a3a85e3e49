"""Search backends: where paragraphs are stored and searched (Whoosh embedded by default)."""
from __future__ import annotations

from pathlib import Path

from search.backend import Backend


def open_backend(index_dir: str | Path) -> Backend:
    """The backend the CLI and the site use: the Whoosh index in ``index_dir``."""
    from search.backends.whoosh import WhooshBackend

    return WhooshBackend(index_dir)
