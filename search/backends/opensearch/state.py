"""What a build keeps in the cluster besides its paragraphs, and the reindex lock.

One small index, ``<name>-state``, holds:

* per build (keyed by the build's index name): the index stage's state files
  (``search.index.build``: the manifest of sources, the near-duplicate index,
  the other copies of each article) and the backend's own (the names merged
  per facet), each as chunked base64 blobs (not indexed), so that any machine
  reaching the cluster can run the next incremental reindex; and last, the
  build's *record* (format, facets, paragraphs, each file's size and SHA-256),
  written when everything else is: a build without one was never finished;
* ``pointer``: the live build and the one before it (kept for requests that
  resolved the alias just before a switch);
* ``lock``: created with ``op_type=create``, so that one reindex at a time gets
  it. It names its holder (host, pid, process start time) and carries a
  heartbeat the holder refreshes. A lock whose holder ran on this machine and
  is gone is taken over at once (as the Whoosh backend's lock follows its
  process); one whose heartbeat is older than ``STALE_SECONDS`` (a holder on
  another machine that died) too. Taking over deletes it with optimistic
  concurrency control, so of two reindexes taking it over at once, one wins.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import socket
import threading
import time

from opensearchpy import exceptions as os_errors

from search.backends.workers import running, start_time
from search.errors import ReindexBusy

CHUNK_CHARS = 4_000_000
STALE_SECONDS = 120.0
HEARTBEAT_SECONDS = 15.0
RECORD = "record"  # a build's record: written last
FILE = "file:"  # kind prefix of the index stage's state files
STATE_MAPPINGS = {
    "dynamic": False,
    "properties": {
        "kind": {"type": "keyword"},
        "build": {"type": "keyword"},
        "part": {"type": "integer"},
        "parts": {"type": "integer"},
    },
}


def state_index(name: str) -> str:
    return f"{name}-state"


def ensure_state_index(client, name: str) -> str:
    index = state_index(name)
    if not client.indices.exists(index=index):
        try:
            client.indices.create(
                index=index,
                body={
                    "settings": {"index": {"number_of_shards": 1, "auto_expand_replicas": "0-1"}},
                    "mappings": STATE_MAPPINGS,
                },
            )
        except os_errors.RequestError as error:
            if "resource_already_exists" not in str(error):
                raise
    return index


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def put_blob(client, name: str, build: str, kind: str, data: bytes, refresh: bool = True) -> None:
    index = ensure_state_index(client, name)
    text = base64.b64encode(data).decode("ascii")
    parts = [text[i : i + CHUNK_CHARS] for i in range(0, len(text), CHUNK_CHARS)] or [""]
    for number, part in enumerate(parts):
        client.index(
            index=index,
            id=f"{build}/{kind}/{number}",
            body={"kind": kind, "build": build, "part": number, "parts": len(parts), "data": part},
        )
    if refresh:
        client.indices.refresh(index=index)


def get_blob(client, name: str, build: str, kind: str) -> bytes | None:
    """A blob, or None when it (or one of its parts) is missing or unreadable."""
    index = state_index(name)
    try:
        first = client.get(index=index, id=f"{build}/{kind}/0")
        parts = [first["_source"]["data"]]
        for number in range(1, first["_source"]["parts"]):
            parts.append(client.get(index=index, id=f"{build}/{kind}/{number}")["_source"]["data"])
        return base64.b64decode("".join(parts), validate=True)
    except os_errors.NotFoundError:
        return None
    except (KeyError, TypeError, ValueError):
        return None


def put_json(client, name: str, build: str, kind: str, value, refresh: bool = True) -> None:
    put_blob(client, name, build, kind, json.dumps(value, ensure_ascii=False).encode("utf-8"), refresh)


def get_json(client, name: str, build: str, kind: str, default=None):
    data = get_blob(client, name, build, kind)
    if data is None:
        return default
    try:
        return json.loads(data.decode("utf-8"))
    except ValueError:
        return default


def delete_build_state(client, name: str, build: str) -> None:
    try:
        client.delete_by_query(
            index=state_index(name), body={"query": {"term": {"build": build}}}, refresh=True, conflicts="proceed"
        )
    except os_errors.NotFoundError:
        pass


def _holder() -> dict:
    return {
        "host": socket.gethostname(),
        "pid": os.getpid(),
        "start": start_time(os.getpid()),
        "since": time.strftime("%Y-%m-%d %H:%M:%S"),
    }


class BuildLock:
    """The cluster-wide reindex lock of one ``name``; ``acquire`` raises ReindexBusy."""

    def __init__(
        self, client, name: str, stale_seconds: float = STALE_SECONDS, heartbeat_seconds: float = HEARTBEAT_SECONDS
    ):
        self.client = client
        self.name = name
        self.index = state_index(name)
        self.stale_seconds = stale_seconds
        self.heartbeat_seconds = heartbeat_seconds
        self.holder = _holder()
        self._version: tuple[int, int] | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def _body(self) -> dict:
        return {"kind": "lock", **self.holder, "heartbeat": time.time()}

    def acquire(self) -> None:
        ensure_state_index(self.client, self.name)
        self.holder = _holder()
        for _ in range(3):
            try:
                response = self.client.create(index=self.index, id="lock", body=self._body(), refresh=True)
                self._version = (response["_seq_no"], response["_primary_term"])
                break
            except os_errors.ConflictError:
                if not self._take_over_dead():
                    raise ReindexBusy(self._busy_message()) from None
        else:
            raise ReindexBusy(self._busy_message())
        self._stop.clear()
        self._thread = threading.Thread(target=self._beat, name="reindex-lock-heartbeat", daemon=True)
        self._thread.start()

    def _busy_message(self) -> str:
        try:
            held = self.client.get(index=self.index, id="lock")["_source"]
            age = time.time() - float(held.get("heartbeat", 0))
            holder = (
                f" (pid {held.get('pid', '?')} on {held.get('host', '?')} since {held.get('since', '?')}, "
                f"alive {age:.0f} s ago)"
            )
        except os_errors.NotFoundError:
            holder = ""
        return (
            f"another reindex of the OpenSearch index {self.name!r} is running{holder}; wait for it to "
            f"finish and try again (a lock not refreshed for {self.stale_seconds:.0f} s is taken over)"
        )

    def _dead(self, held: dict) -> bool:
        """Whether the lock's holder is gone: a process of this machine that no longer runs,
        or one anywhere that has not refreshed the lock for ``stale_seconds``."""
        if time.time() - float(held.get("heartbeat", 0)) >= self.stale_seconds:
            return True
        pid = held.get("pid")
        return held.get("host") == socket.gethostname() and isinstance(pid, int) and not running(pid, held.get("start"))

    def _take_over_dead(self) -> bool:
        """Delete the lock if its holder is gone; True when it is gone."""
        try:
            held = self.client.get(index=self.index, id="lock")
        except os_errors.NotFoundError:
            return True
        if not self._dead(held["_source"]):
            return False
        try:
            self.client.delete(
                index=self.index,
                id="lock",
                if_seq_no=held["_seq_no"],
                if_primary_term=held["_primary_term"],
                refresh=True,
            )
        except (os_errors.ConflictError, os_errors.NotFoundError):
            pass  # someone else took it over first: try to create it again
        return True

    def _beat(self) -> None:
        while not self._stop.wait(self.heartbeat_seconds):
            with self._lock:
                if self._version is None:
                    return
                try:
                    response = self.client.index(
                        index=self.index,
                        id="lock",
                        body=self._body(),
                        if_seq_no=self._version[0],
                        if_primary_term=self._version[1],
                    )
                    self._version = (response["_seq_no"], response["_primary_term"])
                except Exception:  # lost it (taken over) or the cluster is away: publishing will notice
                    return

    def still_held(self) -> bool:
        try:
            held = self.client.get(index=self.index, id="lock")
        except os_errors.NotFoundError:
            return False
        with self._lock:
            return self._version is not None and (held["_seq_no"], held["_primary_term"]) == self._version

    def release(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        with self._lock:
            version, self._version = self._version, None
        if version is None:
            return
        try:
            self.client.delete(
                index=self.index, id="lock", if_seq_no=version[0], if_primary_term=version[1], refresh=True
            )
        except (os_errors.ConflictError, os_errors.NotFoundError):
            pass
