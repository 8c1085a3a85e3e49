"""The production server for ``diplosearch serve``: gunicorn, one worker process per core.

Search is CPU-bound Python and numpy, so threads in one process share one
core; gunicorn's worker processes use them all. Each worker opens the index
itself and follows reindexes on its own (``search.backends.whoosh.WhooshBackend``).

The default worker is ``SearchWorker``, gunicorn's threaded worker with three
changes, so that slow clients cannot take the site down and the work still
spreads over every core:

- A worker takes a new connection only while none of its requests is being
  computed (and it has a free thread). Like a sync worker, a busy worker
  leaves new connections to an idle one; a connection whose client is still
  sending its request, or reading its answer, does not make it busy. Each
  answer closes its connection (no keep-alive: a kept-alive connection would
  stay with the worker that accepted it, busy or not; the benchmark once saw
  one of two workers do three quarters of the work that way).
- A request must arrive whole within ``REQUEST_SECONDS`` of its first byte
  (gunicorn already drops a connection that sends nothing for 5 s), and an
  answer is sent in pieces of ``SEND_CHUNK`` bytes, each within
  ``SEND_SECONDS``: a client trickling its request or not reading holds one
  of ``THREADS`` threads for that long at most, never the worker.
- The answer is computed before it is sent, so a slow reader costs a waiting
  thread, not a busy worker; and a connection is closed in its thread (gunicorn
  lingers up to 2 s there for the client to close first, which on the main
  thread stopped the worker taking connections).

Sync workers (``--threads 1``) serve one connection at a time: two clients
that send their request slowly take a two-core server down
(``bench/slow_clients.py`` measures both).
"""

from __future__ import annotations

import errno
import os
import threading
import time

from gunicorn.app.base import BaseApplication
from gunicorn.workers.gthread import TConn, ThreadWorker

THREADS = 32  # per worker: most of them wait on slow clients, only the computing one uses the core
REQUEST_SECONDS = 10.0  # to receive a whole request, from its first byte
SEND_SECONDS = 30.0  # to send each piece of an answer
SEND_CHUNK = 64 * 1024


class _Deadline:
    """A socket whose reads end (as if the client had closed) once ``seconds`` have passed."""

    def __init__(self, sock, seconds: float):
        self._sock = sock
        self._deadline = time.monotonic() + seconds

    def recv(self, size: int) -> bytes:
        remaining = self._deadline - time.monotonic()
        if remaining <= 0:
            return b""
        self._sock.settimeout(remaining)
        try:
            return self._sock.recv(size)
        except TimeoutError:
            return b""

    def __getattr__(self, name):
        return getattr(self._sock, name)


class _Connection(TConn):
    def init(self) -> None:
        first = not self.initialized
        super().init()
        if first and not self.is_http2 and self.parser is not None and hasattr(self.parser, "unreader"):
            self.parser.unreader.sock = _Deadline(self.sock, REQUEST_SECONDS)


class SearchWorker(ThreadWorker):
    """gunicorn's threaded worker, taking connections only while idle, with deadlines for slow clients."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.computing = 0  # requests in the application, in any thread
        self.computing_lock = threading.Lock()
        self.in_threads = 0  # connections handed to the thread pool (main thread only)

    # -- taking connections only while idle --------------------------------
    def set_accept_enabled(self, enabled: bool) -> None:
        super().set_accept_enabled(enabled and self.computing == 0 and self.in_threads < self.cfg.threads)

    def _refresh_accept(self) -> None:
        if self.alive:
            self.set_accept_enabled(self.nr_conns < self.worker_connections)

    def accept(self, listener) -> None:
        try:
            client, address = listener.accept()
        except OSError as error:
            if error.errno not in (errno.EAGAIN, errno.ECONNABORTED, errno.EWOULDBLOCK):
                raise
            return
        self.nr_conns += 1
        client.setblocking(True)
        self.enqueue_req(_Connection(self.cfg, client, address, listener.getsockname()))
        self._refresh_accept()

    def enqueue_req(self, conn) -> None:
        self.in_threads += 1
        super().enqueue_req(conn)

    def finish_request(self, conn, fs) -> None:
        self.in_threads -= 1
        super().finish_request(conn, fs)
        self._refresh_accept()

    def _computing(self, delta: int) -> None:
        with self.computing_lock:
            self.computing += delta
        self.method_queue.defer(self._refresh_accept)  # wakes the main loop

    # -- computing the answer before sending it ------------------------------
    def load_wsgi(self) -> None:
        super().load_wsgi()
        app = self.wsgi

        def computed_first(environ, start_response):
            self._computing(+1)
            try:
                result = app(environ, start_response)
                try:
                    body = b"".join(result)
                finally:
                    if hasattr(result, "close"):
                        result.close()
            finally:
                self._computing(-1)
            return [body[i : i + SEND_CHUNK] for i in range(0, len(body), SEND_CHUNK)] or [b""]

        self.wsgi = computed_first

    def handle(self, conn):
        result = super().handle(conn)
        if result is False:
            # gunicorn closes it on the main thread, lingering up to 2 s for the client to close
            # first: a slow client would stop the worker taking connections. Linger here instead.
            conn.close(graceful=True)
        return result

    def handle_request(self, req, conn):
        conn.sock.settimeout(SEND_SECONDS)  # each piece of the answer (one sendall) within it
        try:
            return super().handle_request(req, conn)
        except TimeoutError:
            self.log.info("Closed a connection whose client did not read its answer for %s s", SEND_SECONDS)
            return False


class Server(BaseApplication):
    def __init__(self, app, host: str, port: int, workers: int, threads: int):
        self.application = app
        self.options = {
            "bind": f"{host}:{port}",
            "workers": workers,
            "threads": threads,
            "worker_class": SearchWorker if threads > 1 else "sync",
            "timeout": 120,
            "graceful_timeout": 10,
            "keepalive": 0,  # each answer closes its connection: the next one goes to an idle worker
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


def serve(app, host: str, port: int, workers: int = 0, threads: int = THREADS) -> None:
    Server(app, host, port, workers or default_workers(), threads).run()
