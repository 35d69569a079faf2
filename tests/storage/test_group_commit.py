"""SQLite: write transactions queued in one process share a commit, and stay atomic one by one."""

from __future__ import annotations

import threading
import time

import pytest

from freezer_api.domain.errors import Conflict, NotFound
from freezer_api.storage.engine import make_engine
from freezer_api.storage.store import Store
from tests.conftest import new_project

WAIT = 30  # seconds before a synchronisation point gives up (a failure, not a pause)


@pytest.fixture
def store(tmp_path):
    from freezer_api.storage import schema

    engine = make_engine(f"sqlite:///{tmp_path / 'group.sqlite'}")
    schema.upgrade(engine)
    store = Store(engine)
    yield store
    store.dispose()


def backup(doc_id: str) -> dict:
    return {"backup_id": doc_id, "status": "available", "backup_metadata": {"backup_name": doc_id}}


def queued(store: Store, count: int) -> None:
    """Wait until a transaction is running and `count` others are queued behind it."""
    group = store._group_commit
    deadline = time.monotonic() + WAIT
    while not (group._leading and len(group._queue) == count):
        assert time.monotonic() < deadline, "the writers never queued"
        time.sleep(0.001)


def run_batch(store: Store, changes: list) -> list:
    """Run changes[0] as the leader, the rest queued behind it; each one's result or error."""
    release = threading.Event()
    outcomes: list = [None] * len(changes)

    def leader(uow):
        release.wait(WAIT)
        return changes[0](uow)

    def call(index, change):
        try:
            outcomes[index] = store.atomic(change)
        except Exception as error:  # the outcome under test
            outcomes[index] = error

    threads = [threading.Thread(target=call, args=(0, leader))]
    threads[0].start()
    queued(store, 0)
    for index, change in enumerate(changes[1:], start=1):
        threads.append(threading.Thread(target=call, args=(index, change)))
        threads[-1].start()
    queued(store, len(changes) - 1)
    release.set()
    for thread in threads:
        thread.join(WAIT)
    return outcomes


def stored_ids(store: Store, project: str, ids: list[str]) -> list[str]:
    with store.reading() as uow:
        return [i for i in ids if uow.backups.get(project, i) is not None]


def test_a_refused_change_rolls_back_alone(store):
    project = new_project()

    def insert(doc_id):
        return lambda uow: uow.backups.insert(project, doc_id, "u", backup(doc_id)).seq

    def insert_then_refuse(uow):
        uow.backups.insert(project, "refused", "u", backup("refused"))
        raise NotFound("refused after writing")

    outcomes = run_batch(store, [insert("first"), insert("second"), insert_then_refuse, insert("third")])
    assert isinstance(outcomes[2], NotFound)
    assert all(isinstance(o, int) for i, o in enumerate(outcomes) if i != 2), outcomes
    assert stored_ids(store, project, ["first", "second", "refused", "third"]) == ["first", "second", "third"]


def test_a_collision_inside_a_batch_is_retried_and_then_a_conflict(store):
    project = new_project()

    def insert_twice_named(uow):
        return uow.backups.insert(project, "same", "u", backup("same")).seq

    def insert_unless_present(uow):
        if uow.backups.get(project, "same") is not None:
            raise Conflict("already there")
        return uow.backups.insert(project, "same", "u", backup("same")).seq

    outcomes = run_batch(store, [insert_twice_named, insert_twice_named, insert_unless_present])
    assert isinstance(outcomes[0], int)
    assert isinstance(outcomes[1], Conflict)  # retried until it gives up: the id stays taken
    assert isinstance(outcomes[2], Conflict)  # sees the first one's row in the same transaction
    assert stored_ids(store, project, ["same"]) == ["same"]


def test_changes_of_one_batch_see_each_other_in_order(store):
    project = new_project()
    store.atomic(lambda uow: uow.backups.insert(project, "counter", "u", {"n": 0}))

    def increment(uow):
        stored = uow.backups.get(project, "counter", for_update=True)
        return uow.backups.replace(stored, {"n": stored.doc["n"] + 1})

    outcomes = run_batch(store, [increment] * 8)
    assert sorted(outcomes) == list(range(2, 10))
    with store.reading() as uow:
        assert uow.backups.get(project, "counter").doc == {"n": 8}
