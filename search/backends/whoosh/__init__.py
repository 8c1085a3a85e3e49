"""The embedded Whoosh backend, and every use of Whoosh's internals (see README.md here)."""

from search.backends.whoosh.backend import WhooshBackend

__all__ = ["WhooshBackend"]
