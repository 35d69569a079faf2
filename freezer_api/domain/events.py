"""Events: what happened, recorded in the transaction that made it happen (docs/observability.md#events).

A change that others want to hear about records an Event in its own unit of
work (`uow.events.add`): the event is committed with the change or not at
all, and never sent for a change that was rolled back. Adapters outside the
domain deliver the committed events from this outbox (OpenStack
notifications, webhooks); the domain never talks to a broker or a receiver.

Builders below make each event type's payload, so that every emitter of one
type says the same things. Each payload carries `project_id`, `user_id`
(None when no request caused it) and `request_id` ("" then), the ids of
the documents concerned, and the state or result.

For the protection-state work (runs, liveness, health): the code that opens
and closes a run calls `record(uow, run_started(...))` and
`record(uow, run_ended(...))` in the transaction that writes the run; the
health watcher calls `record(uow, health_changed(...))`,
`record(uow, client_down(...))` or `record(uow, client_up(...))` in the
transaction that stores the transition it won. Nothing else is needed: the
outbox delivers them to every configured channel.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field
from typing import Any, Protocol

from freezer_api.context import RequestContext

BACKUP_CREATE = "freezer.backup.create"
JOB_RUN_START = "freezer.job.run.start"
JOB_RUN_END = "freezer.job.run.end"
JOB_HEALTH_CHANGE = "freezer.job.health.change"
CLIENT_DOWN = "freezer.client.down"
CLIENT_UP = "freezer.client.up"
SESSION_END = "freezer.session.end"

EVENT_TYPES = (BACKUP_CREATE, JOB_RUN_START, JOB_RUN_END, JOB_HEALTH_CHANGE, CLIENT_DOWN, CLIENT_UP, SESSION_END)

INFO = "INFO"
ERROR = "ERROR"
# Run results whose end is reported at ERROR priority.
FAILED_RESULTS = frozenset({"fail", "failed", "error", "aborted", "abort", "lost"})


@dataclass(frozen=True)
class Event:
    event_type: str
    project_id: str
    payload: dict[str, Any]
    priority: str = INFO
    event_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    created_at: float = field(default_factory=time.time)


class EventOutbox(Protocol):
    """Where a unit of work records its events; committed with the unit."""

    def add(self, event: Event) -> None: ...


class RecordsEvents(Protocol):
    @property
    def events(self) -> EventOutbox: ...


def record(uow: RecordsEvents, event: Event) -> None:
    """Record `event` in the unit of work whose change it reports."""
    uow.events.add(event)


def _caused_by(ctx: RequestContext | None, project_id: str) -> dict[str, Any]:
    return {
        "project_id": project_id,
        "user_id": ctx.user_id if ctx is not None else None,
        "request_id": ctx.request_id if ctx is not None else "",
    }


def backup_created(ctx: RequestContext | None, project_id: str, doc: dict[str, Any]) -> Event:
    metadata = doc.get("backup_metadata") or {}
    return Event(
        BACKUP_CREATE,
        project_id,
        {
            **_caused_by(ctx, project_id),
            "backup_id": doc.get("backup_id"),
            "status": doc.get("status"),
            "hostname": metadata.get("hostname"),
            "backup_name": metadata.get("backup_name"),
            "time_stamp": metadata.get("time_stamp", metadata.get("timestamp")),
            "job_id": metadata.get("job_id"),
        },
    )


def session_ended(ctx: RequestContext | None, project_id: str, doc: dict[str, Any], job_id: str) -> Event:
    """A session whose last member job ended: its overall result."""
    result = doc.get("result")
    return Event(
        SESSION_END,
        project_id,
        {
            **_caused_by(ctx, project_id),
            "session_id": doc.get("session_id"),
            "session_tag": doc.get("session_tag"),
            "result": result,
            "time_end": doc.get("time_end"),
            "last_job_id": job_id,
            "jobs": {member: (info or {}).get("result") for member, info in (doc.get("jobs") or {}).items()},
        },
        priority=ERROR if result in FAILED_RESULTS else INFO,
    )


def run_started(
    ctx: RequestContext | None, project_id: str, *, job_id: str, run_id: str, client_id: str | None, started_at: float
) -> Event:
    return Event(
        JOB_RUN_START,
        project_id,
        {
            **_caused_by(ctx, project_id),
            "job_id": job_id,
            "run_id": run_id,
            "client_id": client_id,
            "started_at": started_at,
        },
    )


def run_ended(
    ctx: RequestContext | None,
    project_id: str,
    *,
    job_id: str,
    run_id: str,
    client_id: str | None,
    result: str,
    started_at: float | None,
    ended_at: float,
) -> Event:
    """The end of a run; ERROR priority when it failed, was aborted or was lost."""
    return Event(
        JOB_RUN_END,
        project_id,
        {
            **_caused_by(ctx, project_id),
            "job_id": job_id,
            "run_id": run_id,
            "client_id": client_id,
            "result": result,
            "started_at": started_at,
            "ended_at": ended_at,
        },
        priority=ERROR if result in FAILED_RESULTS else INFO,
    )


def health_changed(
    project_id: str, *, job_id: str, client_id: str | None, old_state: str | None, new_state: str, at: float
) -> Event:
    """A job's health changed (ok, overdue, failing, stuck, ...); ERROR unless the new state is ok."""
    return Event(
        JOB_HEALTH_CHANGE,
        project_id,
        {
            **_caused_by(None, project_id),
            "job_id": job_id,
            "client_id": client_id,
            "old_state": old_state,
            "new_state": new_state,
            "at": at,
        },
        priority=INFO if new_state == "ok" else ERROR,
    )


def client_down(project_id: str, *, client_id: str, last_seen: float | None, at: float) -> Event:
    return Event(
        CLIENT_DOWN,
        project_id,
        {**_caused_by(None, project_id), "client_id": client_id, "last_seen": last_seen, "at": at},
        priority=ERROR,
    )


def client_up(ctx: RequestContext | None, project_id: str, *, client_id: str, at: float) -> Event:
    return Event(CLIENT_UP, project_id, {**_caused_by(ctx, project_id), "client_id": client_id, "at": at})
