"""Deadlocks and serialization failures are retried, not returned; a lock held too long is a 503.

Real conflicts between two transactions on PostgreSQL and MariaDB, made
deterministic with barriers and events (never sleeps). SQLite takes its
write lock when a transaction starts, so its writers queue instead.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from freezer_api.domain.errors import Unavailable
from freezer_api.storage.engine import EngineOptions, make_engine
from freezer_api.storage.store import Store, UnitOfWork
from tests.conftest import new_project
from tests.support import databases

WAIT = 30  # seconds before a synchronisation point gives up (a failure, not a pause)


@pytest.fixture(scope="module", params=databases.SERVER_ENGINES)
def server_store(request, tmp_path_factory) -> Store:
    with databases.upgraded_database(request.param, tmp_path_factory.mktemp(f"retries-{request.param}")) as db:
        store = Store(make_engine(db.url))
        yield store
        store.dispose()


def two_backups(store: Store) -> tuple[str, list[str]]:
    project = new_project()
    ids = ["backup-a", "backup-b"]
    store.atomic(
        lambda uow: uow.backups.insert_many(
            project, "agent", [(i, {"backup_id": i, "status": "available", "touched_by": []}) for i in ids]
        )
    )
    return project, ids


def touch(uow: UnitOfWork, stored, who: str) -> None:
    doc = dict(stored.doc)
    uow.backups.replace(stored, {**doc, "touched_by": [*doc["touched_by"], who]})


def stored_docs(store: Store, project: str, ids: list[str]) -> list[dict]:
    with store.reading() as uow:
        return [uow.backups.get(project, i).doc for i in ids]


def test_a_deadlock_is_retried_until_both_transactions_commit(server_store):
    project, (a, b) = two_backups(server_store)
    both_hold_one_lock = threading.Barrier(2, timeout=WAIT)
    attempts = {"ab": 0, "ba": 0}

    def lock_in_order(name: str, first: str, second: str):
        def change(uow: UnitOfWork) -> None:
            attempts[name] += 1
            one = uow.backups.get(project, first, for_update=True)
            if attempts[name] == 1:
                both_hold_one_lock.wait()  # then each asks for the other's row: a deadlock
            two = uow.backups.get(project, second, for_update=True)
            touch(uow, one, name)
            touch(uow, two, name)

        return lambda: server_store.atomic(change)

    with ThreadPoolExecutor(2) as pool:
        futures = [pool.submit(lock_in_order("ab", a, b)), pool.submit(lock_in_order("ba", b, a))]
        for future in futures:
            future.result(timeout=WAIT)
    assert sorted(attempts.values()) == [1, 2]  # the database chose one victim, retried once
    for doc in stored_docs(server_store, project, [a, b]):
        assert sorted(doc["touched_by"]) == ["ab", "ba"]


@pytest.mark.parametrize("server_store", ["postgresql"], indirect=True)
def test_a_serialization_failure_is_retried(server_store):
    """PostgreSQL: a REPEATABLE READ transaction updating a row changed since its snapshot."""
    project, (a, _) = two_backups(server_store)
    snapshot_taken, concurrent_update_done = threading.Event(), threading.Event()
    attempts = 0

    def change(uow: UnitOfWork) -> None:
        nonlocal attempts
        attempts += 1
        uow.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        uow.backups.get(project, a)  # the transaction's snapshot is taken here
        if attempts == 1:
            snapshot_taken.set()
            assert concurrent_update_done.wait(WAIT)
        touch(uow, uow.backups.get(project, a, for_update=True), "repeatable")

    with ThreadPoolExecutor(1) as pool:
        future = pool.submit(server_store.atomic, change)
        assert snapshot_taken.wait(WAIT)
        server_store.atomic(lambda uow: touch(uow, uow.backups.get(project, a, for_update=True), "concurrent"))
        concurrent_update_done.set()
        future.result(timeout=WAIT)
    assert attempts == 2
    assert stored_docs(server_store, project, [a])[0]["touched_by"] == ["concurrent", "repeatable"]


def test_a_lock_held_longer_than_lock_timeout_is_unavailable_at_once(server_store):
    """A writer gives up after [database] lock_timeout, is not run again, and leaves nothing behind."""
    project, (a, _) = two_backups(server_store)
    url = server_store.engine.url.render_as_string(hide_password=False)
    impatient = Store(make_engine(url, EngineOptions(lock_timeout=1)))
    holder_locked, waiter_gave_up = threading.Event(), threading.Event()
    attempts = 0

    def hold(uow: UnitOfWork) -> None:
        touch(uow, uow.backups.get(project, a, for_update=True), "holder")
        holder_locked.set()
        assert waiter_gave_up.wait(WAIT)  # commits only once the waiter has given up

    def wait_for_lock(uow: UnitOfWork) -> None:
        nonlocal attempts
        attempts += 1
        touch(uow, uow.backups.get(project, a, for_update=True), "waiter")

    try:
        with ThreadPoolExecutor(1) as pool:
            holder = pool.submit(server_store.atomic, hold)
            assert holder_locked.wait(WAIT)
            try:
                with pytest.raises(Unavailable, match="locked by another transaction"):
                    impatient.atomic(wait_for_lock)
            finally:
                waiter_gave_up.set()
            holder.result(timeout=WAIT)
    finally:
        impatient.dispose()
    assert attempts == 1
    assert stored_docs(server_store, project, [a])[0]["touched_by"] == ["holder"]
