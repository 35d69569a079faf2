"""Agents' liveness: when the server last heard from each client (docs/health.md#liveness).

Every request of a client (its job polls, its job PATCHes, its backup posts,
its registration) is a sighting. Sightings are kept in memory and written by
a background thread, at most one per client per `resolution` seconds in each
server process, so a poll costs a dictionary lookup, never a database write.
"""

from __future__ import annotations

import logging
import os
import threading
from typing import Any

from freezer_api.domain.clock import now
from freezer_api.domain.ports import Store

LOG = logging.getLogger(__name__)

# How long the writer waits after a sighting for others to write with it.
BATCH_WINDOW = 0.2


def client_of_poll(search_body: Any) -> str | None:
    """The client a job search is the poll of: freezer-scheduler matches on its own client_id."""
    if not isinstance(search_body, dict):
        return None
    for entry in search_body.get("match") or ():
        if isinstance(entry, dict) and isinstance(entry.get("client_id"), str):
            return str(entry["client_id"])
    return None


class LivenessRecorder:
    """Throttles sightings and writes them off the request path."""

    def __init__(self, store: Store, *, resolution: int, background: bool = True):
        """`background` false: nothing writes until flush() is called (tests)."""
        self.store = store
        self.resolution = resolution
        self.background = background
        self._lock = threading.Lock()
        self._written: dict[tuple[str, str], int] = {}  # the last sighting queued per client
        self._pending: dict[tuple[str, str], int] = {}
        self._wake = threading.Event()
        self._writer: threading.Thread | None = None
        self._writer_pid = 0

    def saw(self, project_id: str, client_id: str | None, at: int | None = None) -> None:
        """Note that the client was heard from; cheap, never blocks on the database."""
        if not client_id:
            return
        at = now() if at is None else at
        key = (project_id, client_id)
        last = self._written.get(key)
        if last is not None and at < last + self.resolution:
            return
        with self._lock:
            self._written[key] = at
            self._pending[key] = max(at, self._pending.get(key, at))
        if self.background:
            self._ensure_writer()
            self._wake.set()

    def flush(self) -> int:
        """Write the pending sightings in one transaction; how many."""
        with self._lock:
            batch, self._pending = self._pending, {}
        if not batch:
            return 0
        sightings = sorted((project_id, client_id, at) for (project_id, client_id), at in batch.items())
        try:
            self.store.atomic(lambda uow: uow.liveness.record(sightings))
        except Exception:
            LOG.warning("could not record %d client sightings; will retry", len(sightings), exc_info=True)
            with self._lock:
                for project_id, client_id, at in sightings:
                    key = (project_id, client_id)
                    self._pending[key] = max(at, self._pending.get(key, at))
            raise
        return len(sightings)

    def _ensure_writer(self) -> None:
        pid = os.getpid()
        if self._writer is not None and self._writer_pid == pid and self._writer.is_alive():
            return
        with self._lock:
            if self._writer is not None and self._writer_pid == pid and self._writer.is_alive():
                return
            self._writer_pid = pid
            self._writer = threading.Thread(target=self._write_forever, name="liveness-writer", daemon=True)
            self._writer.start()

    def _write_forever(self) -> None:
        while True:
            self._wake.wait()
            self._wake.clear()
            threading.Event().wait(BATCH_WINDOW)  # let the sightings of one burst share a transaction
            try:
                self.flush()
            except Exception:
                threading.Event().wait(1.0)
                self._wake.set()
