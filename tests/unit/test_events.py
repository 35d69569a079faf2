"""Which domain changes record which events, with what payload: over the in-memory store."""

from __future__ import annotations

import pytest

from freezer_api.domain import events
from freezer_api.domain.errors import Conflict
from tests.support.factories import backup_metadata, job, session
from tests.unit.test_session_machine import end, start


def test_a_recorded_backup_records_one_backup_create(services, store, ctx, project):
    ctx.request_id = "req-11111111-1111-4111-8111-111111111111"
    backup_id = services.backups.create(ctx, project, backup_metadata(hostname="db01", backup_name="etc"))
    (event,) = store.events
    assert (event.event_type, event.project_id, event.priority) == (events.BACKUP_CREATE, project, events.INFO)
    assert event.payload == {
        "project_id": project,
        "user_id": "user-1",
        "request_id": "req-11111111-1111-4111-8111-111111111111",
        "backup_id": backup_id,
        "status": "available",
        "hostname": "db01",
        "backup_name": "etc",
        "time_stamp": event.payload["time_stamp"],
        "job_id": event.payload["job_id"],
    }


def test_a_refused_change_records_nothing(services, store, ctx, project):
    metadata = backup_metadata()
    services.backups.add(ctx, project, "b-1", metadata)
    with pytest.raises(Conflict):
        services.backups.add(ctx, project, "b-1", metadata)
    assert len(store.events) == 1  # the rolled-back unit's event went with it


def test_a_session_end_is_recorded_once_when_its_last_member_ends(services, store, ctx, project, client_id):
    members = [services.jobs.create(ctx, project, job(client_id)) for _ in range(2)]
    session_id = services.sessions.create(ctx, project, session())
    for job_id in members:
        services.sessions.add_job(project, session_id, job_id)
    for job_id in members:
        start(services, project, session_id, job_id, 0)
    end(services, project, session_id, members[0], "success")
    assert [e.event_type for e in store.events] == []
    end(services, project, session_id, members[1], "fail")
    end(services, project, session_id, members[1], "fail")  # an agent repeating itself
    (event,) = store.events
    assert (event.event_type, event.priority) == (events.SESSION_END, events.ERROR)
    assert event.payload["session_id"] == session_id and event.payload["result"] == "fail"
    assert event.payload["last_job_id"] == members[1]
    assert event.payload["jobs"] == {members[0]: "success", members[1]: "fail"}


@pytest.mark.parametrize(("result", "priority"), [("success", "INFO"), ("fail", "ERROR"), ("aborted", "ERROR")])
def test_a_run_end_is_an_error_when_the_run_did_not_succeed(result, priority):
    event = events.run_ended(
        None, "p1", job_id="j1", run_id="r1", client_id="c1", result=result, started_at=1.0, ended_at=2.0
    )
    assert event.priority == priority and event.payload["user_id"] is None and event.payload["request_id"] == ""


def test_health_and_client_events_carry_their_states():
    change = events.health_changed("p1", job_id="j1", client_id="c1", old_state="ok", new_state="overdue", at=5.0)
    assert (change.event_type, change.priority) == (events.JOB_HEALTH_CHANGE, "ERROR")
    assert (change.payload["old_state"], change.payload["new_state"]) == ("ok", "overdue")
    assert (
        events.health_changed("p1", job_id="j1", client_id=None, old_state="overdue", new_state="ok", at=6.0).priority
        == "INFO"
    )
    assert events.client_down("p1", client_id="c1", last_seen=1.0, at=9.0).priority == "ERROR"
    assert events.client_up(None, "p1", client_id="c1", at=10.0).event_type == events.CLIENT_UP
