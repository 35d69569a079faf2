"""Each API process's health watcher thread: domain/watch.py every [health] watch_interval."""

from __future__ import annotations

import logging
import threading

from freezer_api.domain.clock import now
from freezer_api.domain.health import HealthPolicy
from freezer_api.domain.watch import watch
from freezer_api.storage.store import Store

LOG = logging.getLogger(__name__)


class HealthWatcher:
    def __init__(self, store: Store, policy: HealthPolicy, interval: float):
        self.store = store
        self.policy = policy
        self.interval = interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self.interval <= 0:
            return
        self._thread = threading.Thread(target=self._run, name="health-watcher", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                watch(self.store, self.policy, now())
            except Exception:  # the database may be down: try again next round
                LOG.warning("the health watcher failed; retrying in %.1f s", self.interval, exc_info=True)
