"""The embedded Whoosh backend, and every use of Whoosh's internals (see README.md here)."""
