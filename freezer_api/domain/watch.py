"""The health watcher's rule: each change of a job's or client's health is reported once.

See docs/observability.md#health-watcher.

Overdue jobs and silent agents change state while nobody calls the API, so
every API process evaluates all health periodically (evaluate_rows, the
rules of GET /health) and compares it with the state last reported, kept
one row per job and client. A change is a compare-and-set of that row
(from the state this process read to the new one) in the transaction that
records its event: when several processes see the same change, the
database lets exactly one of them change the row, and only that one's event
is committed. A job or client seen for the first time gets its row without
an event (there is no previous state to report a change from).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from functools import partial
from typing import Protocol, TypeVar

from freezer_api.domain import events
from freezer_api.domain.health import ClientHealth, HealthPolicy, JobHealth
from freezer_api.domain.ports import HealthReader
from freezer_api.domain.protection import evaluate_rows

T = TypeVar("T")
SubjectKey = tuple[str, str, str]  # (project_id, "job" | "client", job or client id)
JOB, CLIENT = "job", "client"
BATCH = 200  # changes per transaction


class HealthStates(Protocol):
    def all(self) -> dict[SubjectKey, str]:
        """The state last reported of every job and client."""
        ...

    def claim(self, key: SubjectKey, state: str, at: int) -> bool:
        """Add the row of a subject that has none; false when another process just did."""
        ...

    def change(self, key: SubjectKey, old: str, new: str, at: int) -> bool:
        """Set the state to `new` if it is still `old`; whether this call changed it."""
        ...

    def forget(self, keys: Sequence[SubjectKey]) -> None: ...


class WatchUnit(Protocol):
    @property
    def health(self) -> HealthReader: ...
    @property
    def health_states(self) -> HealthStates: ...
    @property
    def events(self) -> events.EventOutbox: ...


class WatchStore(Protocol):
    def atomic(self, change: Callable[[WatchUnit], T]) -> T: ...
    def reading(self) -> AbstractContextManager[WatchUnit]: ...


Subject = JobHealth | ClientHealth


def watch(store: WatchStore, policy: HealthPolicy, at: int) -> int:
    """Evaluate every job and client at `at`; report each change this process wins. How many it reported."""
    with store.reading() as uow:
        # The reported states first: a row of a job added since is then one this round does not know
        # (its insert finds it there), never one it removes as gone.
        known = uow.health_states.all()
        jobs, clients = evaluate_rows(uow.health.jobs(None), uow.health.clients(None), at, policy)
    current: dict[SubjectKey, Subject] = {}
    for job in jobs:
        current[(job.project_id, JOB, job.job_id)] = job
    for client in clients:
        current[(client.project_id, CLIENT, client.client_id)] = client
    # In key order: concurrent watchers then lock rows in one order, and never deadlock.
    changed = sorted((key, subject) for key, subject in current.items() if known.get(key) != subject.state)
    reported = 0
    for start in range(0, len(changed), BATCH):
        batch = changed[start : start + BATCH]
        reported += store.atomic(partial(_apply, batch=batch, known=known, at=at))
    gone = sorted(key for key in known if key not in current)
    if gone:
        store.atomic(lambda uow: uow.health_states.forget(gone))
    return reported


def _apply(uow: WatchUnit, *, batch: list[tuple[SubjectKey, Subject]], known: dict[SubjectKey, str], at: int) -> int:
    reported = 0
    for key, subject in batch:
        old = known.get(key)
        if old is None:
            uow.health_states.claim(key, subject.state, at)
            continue
        if not uow.health_states.change(key, old, subject.state, at):
            continue  # another process reported this change (or a later one)
        for event in _events(key, old, subject, at):
            events.record(uow, event)
            reported += 1
    return reported


def _events(key: SubjectKey, old: str, subject: Subject, at: int) -> Iterator[events.Event]:
    project_id = key[0]
    if isinstance(subject, JobHealth):
        yield events.health_changed(
            project_id,
            job_id=subject.job_id,
            client_id=subject.client_id,
            old_state=old,
            new_state=subject.state,
            at=at,
        )
    elif subject.state == "down":
        yield events.client_down(project_id, client_id=subject.client_id, last_seen=subject.last_seen, at=at)
    elif subject.state == "up" and old == "down":
        yield events.client_up(None, project_id, client_id=subject.client_id, at=at)
