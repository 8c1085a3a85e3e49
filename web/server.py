"""The production server for ``diplosearch serve``: gunicorn, one worker process per core.

Search is CPU-bound Python and numpy, so threads in one process share one
core; gunicorn's worker processes use them all. Each worker opens the index
itself and follows reindexes on its own (``search.backends.whoosh.searcher.Index``).

By default each worker is a sync worker: it serves one request at a time and
closes the connection, so the next connection goes to whichever worker is
free. Threaded workers (``--threads`` above 1) keep connections alive, and a
kept-alive connection stays with the worker that accepted it: with 4 clients
the benchmark saw one of two workers do three quarters of the work while the
other idled. Threads suit many slow clients on a server with spare cores.
"""
from __future__ import annotations

import os

from gunicorn.app.base import BaseApplication


class Server(BaseApplication):
    def __init__(self, app, host: str, port: int, workers: int, threads: int):
        self.application = app
        self.options = {
            "bind": f"{host}:{port}",
            "workers": workers,
            "threads": threads,
            "worker_class": "sync" if threads <= 1 else "gthread",
            "timeout": 120,
            "graceful_timeout": 10,
            "keepalive": 5,
            "proc_name": "diplosearch",
        }
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        return self.application


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


def serve(app, host: str, port: int, workers: int = 0, threads: int = 1) -> None:
    Server(app, host, port, workers or default_workers(), threads).run()
