"""Channels read the outbox in order, one process at a time, each from its own position.

A channel's row in event_consumers holds its position (the last event it
took) and a lease: a process takes the lease with a conditional update
(free, expired, or already its own), renews it from a heartbeat thread while
it works, and moves the position only while it still holds the lease. Two
processes therefore never deliver the same channel's events at once; a
process that dies mid-way loses its lease when it expires, and the next
holder starts after the last event the dead one recorded as taken. An event
is taken at least once, and exactly once unless a process dies between
delivering it and recording that.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from freezer_api.storage.events import StoredEvent
from freezer_api.storage.store import Store
from freezer_api.storage.units import UnitOfWork

LOG = logging.getLogger(__name__)


class LeaseLost(Exception):
    """Another process holds the channel's lease now: stop without recording anything."""


def new_owner() -> str:
    """A name for this process's leases, unique across hosts and restarts."""
    return f"{socket.gethostname()[:64]}:{os.getpid()}:{uuid.uuid4().hex[:12]}"


class Lease:
    def __init__(self, store: Store, name: str, owner: str, seconds: float):
        self.store = store
        self.name = name
        self.owner = owner
        self.seconds = seconds
        self._stop = threading.Event()

    def claim(self) -> bool:
        now = time.time()
        return self.store.atomic(lambda uow: uow.events.claim(self.name, self.owner, now=now, until=now + self.seconds))

    def advance(self, uow: UnitOfWork, last_seq: int) -> None:
        """Record, in `uow`, that the channel took every event up to `last_seq`."""
        if not uow.events.advance(self.name, self.owner, last_seq):
            raise LeaseLost(self.name)

    @contextmanager
    def held(self) -> Iterator[bool]:
        """Claim the lease; while held, a heartbeat renews it. Yields whether it was claimed."""
        if not self.claim():
            yield False
            return
        heartbeat = threading.Thread(target=self._renew, name=f"lease-{self.name}", daemon=True)
        heartbeat.start()
        try:
            yield True
        finally:
            self._stop.set()
            heartbeat.join()
            try:
                self.store.atomic(lambda uow: uow.events.release(self.name, self.owner))
            except Exception:  # the lease expires anyway
                LOG.warning("could not release the %s lease", self.name, exc_info=True)

    def _renew(self) -> None:
        while not self._stop.wait(self.seconds / 3):
            try:
                if not self.claim():
                    LOG.warning("lost the %s lease to another process", self.name)
                    return
            except Exception:
                LOG.warning("could not renew the %s lease", self.name, exc_info=True)


def ensure_channel(store: Store, name: str) -> None:
    def add(uow: UnitOfWork) -> None:
        if uow.events.position(name) is None:
            uow.events.add_consumer(name)

    store.atomic(add)


def new_events(store: Store, name: str, limit: int) -> list[StoredEvent]:
    """The events after the channel's position, oldest first."""
    with store.reading() as uow:
        position = uow.events.position(name) or 0
        return uow.events.after(position, limit)


def has_new_events(store: Store, name: str) -> bool:
    with store.reading() as uow:
        position = uow.events.position(name)
        return position is None or uow.events.last_seq() > position
