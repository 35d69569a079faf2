"""Preload our server's database in process, with the project's own domain and storage code.

Clients, jobs and sessions go through the domain services as an API request
would (one transaction each; there are ~1,100 of them). Backups are built by
the Backups service too, but their inserts are collected and written in big
transactions with the repository's `insert_many`.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from bench import dataset
from bench.dataset import PROJECT_ID, Loaded
from freezer_api.app import create_store
from freezer_api.cmd.api import load_conf
from freezer_api.context import RequestContext
from freezer_api.domain.backups import Backups
from freezer_api.domain.services import Services
from freezer_api.storage.store import Store

BATCH = 2000


class _InsertCollector:
    """Stands in for the Store under a domain service: keeps its inserts instead of writing them."""

    def __init__(self) -> None:
        self.documents: list[tuple[str, dict]] = []

    def atomic(self, change: Callable):
        return change(self)

    @property
    def backups(self) -> _InsertCollector:
        return self

    @property
    def events(self) -> _InsertCollector:
        return self

    def add(self, event: object) -> None:
        """A preloaded backup's event is dropped: there is nobody to tell."""

    @property
    def runs(self) -> _InsertCollector:
        return self

    def open_run(self, project_id: str, job_id: str) -> None:
        return None  # the preloaded backups belong to no run

    def get(self, project_id: str, doc_id: str, **_) -> None:
        return None  # fresh random ids: nothing to find

    def insert(self, project_id: str, doc_id: str, user_id: str, doc: dict, attributes: dict | None = None) -> None:
        self.documents.append((doc_id, doc))


def open_store(config_file: str) -> Store:
    """The store of the configured database, its schema brought to head by freezer-manage."""
    manage = Path(sys.executable).with_name("freezer-manage")
    subprocess.run([str(manage), "--config-file", config_file, "db", "upgrade"], check=True)
    return create_store(load_conf(["--config-file", config_file]))


def load(config_file: str, size: int, progress: Callable[[str], None] = print) -> Loaded:
    store = open_store(config_file)
    try:
        return _load(store, size, progress)
    finally:
        store.dispose()


def _load(store: Store, size: int, progress: Callable[[str], None]) -> Loaded:
    ctx = RequestContext(user_id=dataset.USER_ID, project_id=PROJECT_ID, roles=["member"])
    services = Services.over(store)
    loaded = Loaded(size)

    started = time.monotonic()
    for i in range(dataset.CLIENTS):
        loaded.client_ids.append(services.clients.register(ctx, PROJECT_ID, dataset.client_body(i)))
    for client in range(dataset.CLIENTS):
        for j in range(dataset.JOBS_PER_CLIENT):
            loaded.job_ids.append(services.jobs.create(ctx, PROJECT_ID, dataset.job_body(client, j)))
    for index in loaded.pair_job_indexes():
        session_id = services.sessions.create(ctx, PROJECT_ID, dataset.session_body())
        services.sessions.add_job(PROJECT_ID, session_id, loaded.job_ids[index])
        loaded.pairs.append((loaded.job_ids[index], session_id))
    loaded.seconds["clients_jobs_sessions"] = round(time.monotonic() - started, 1)

    started = time.monotonic()
    collector = _InsertCollector()
    builder = Backups(collector)  # the domain's own validation and document shape
    for n in range(size):
        loaded.backup_ids.append(builder.create(ctx, PROJECT_ID, dataset.backup_body(n)))
        if len(collector.documents) >= BATCH or n == size - 1:
            batch, collector.documents = collector.documents, []
            store.atomic(lambda uow, batch=batch: uow.backups.insert_many(PROJECT_ID, dataset.USER_ID, batch))
            if (n + 1) % 50_000 == 0:
                rate = (n + 1) / (time.monotonic() - started)
                progress(f"  {n + 1:,} backups ({rate:,.0f}/s)")
    loaded.seconds["backups"] = round(time.monotonic() - started, 1)
    return loaded
