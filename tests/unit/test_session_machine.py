"""The session state machine: members start a run together, within the hold-off window, and end it."""

from __future__ import annotations

import pytest

from freezer_api.domain import sessions as sessions_module
from freezer_api.domain.errors import BadRequest, NotFound, UnknownAction
from freezer_api.domain.sessions import overall_result
from tests.support.factories import job, session

HOLD_OFF = 30
T0 = 1_800_000_000


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> int:
        return self.now


@pytest.fixture
def clock(monkeypatch) -> Clock:
    """The time the session rules read, moved by the test."""
    clock = Clock()
    monkeypatch.setattr(sessions_module, "now", clock)
    return clock


@pytest.fixture
def members(services, ctx, project, client_id) -> list[str]:
    return [services.jobs.create(ctx, project, job(client_id)) for _ in range(2)]


@pytest.fixture
def session_id(services, ctx, project, members) -> str:
    session_id = services.sessions.create(ctx, project, session(hold_off=HOLD_OFF))
    for job_id in members:
        services.sessions.add_job(project, session_id, job_id)
    return session_id


def start(services, project, session_id, job_id, tag):
    return services.sessions.action(project, session_id, {"start": {"job_id": job_id, "current_tag": tag}})


def end(services, project, session_id, job_id, result):
    return services.sessions.action(
        project, session_id, {"end": {"job_id": job_id, "current_tag": 0, "result": result}}
    )


def stored(services, project, session_id) -> dict:
    return services.sessions.get(project, session_id).doc


def test_the_first_start_opens_a_run_with_the_next_tag(services, project, session_id, members, clock):
    outcome = start(services, project, session_id, members[0], 0)
    assert (outcome.result, outcome.session_tag) == ("success", 1)
    doc = stored(services, project, session_id)
    assert (doc["status"], doc["time_start"], doc["session_tag"]) == ("running", T0, 1)
    assert doc["jobs"][members[0]]["status"] == "running"
    assert doc["jobs"][members[1]]["status"] == ""


def test_a_late_member_joins_the_current_run_within_hold_off(services, project, session_id, members, clock):
    start(services, project, session_id, members[0], 0)
    clock.now += HOLD_OFF
    outcome = start(services, project, session_id, members[1], 0)
    assert (outcome.result, outcome.session_tag) == ("success", 1)
    doc = stored(services, project, session_id)
    late = doc["jobs"][members[1]]
    assert (late["status"], late["time_started"]) == ("running", T0 + HOLD_OFF)
    assert doc["session_tag"] == 1 and doc["time_start"] == T0


def test_a_member_at_the_current_tag_holds_off(services, project, session_id, members, clock):
    start(services, project, session_id, members[0], 0)
    version = services.sessions.get(project, session_id).version
    clock.now += 1
    outcome = start(services, project, session_id, members[1], 1)
    assert (outcome.result, outcome.session_tag) == ("hold-off", 1)
    assert services.sessions.get(project, session_id).version == version  # nothing changed


def test_an_old_tag_after_hold_off_is_out_of_sync(services, project, session_id, members, clock):
    start(services, project, session_id, members[0], 0)
    clock.now += HOLD_OFF + 1
    outcome = start(services, project, session_id, members[1], 0)
    assert (outcome.result, outcome.session_tag) == ("out-of-sync", 1)


def test_the_current_tag_after_hold_off_opens_the_next_run(services, project, session_id, members, clock):
    start(services, project, session_id, members[0], 0)
    end(services, project, session_id, members[0], "success")
    clock.now += HOLD_OFF + 1
    outcome = start(services, project, session_id, members[1], 1)
    assert (outcome.result, outcome.session_tag) == ("success", 2)
    doc = stored(services, project, session_id)
    # A new run clears every member's previous outcome.
    assert doc["jobs"][members[0]]["status"] == "" and doc["jobs"][members[0]]["result"] == ""
    assert doc["time_start"] == T0 + HOLD_OFF + 1


def test_a_tag_beyond_the_sessions_is_refused(services, project, session_id, members, clock):
    with pytest.raises(BadRequest, match="too high"):
        start(services, project, session_id, members[0], 1)
    assert stored(services, project, session_id)["session_tag"] == 0


def test_the_run_completes_when_the_last_member_ends(services, project, session_id, members, clock):
    start(services, project, session_id, members[0], 0)
    start(services, project, session_id, members[1], 0)
    clock.now += 100
    end(services, project, session_id, members[0], "success")
    assert stored(services, project, session_id)["status"] == "running"
    end(services, project, session_id, members[1], "fail")
    doc = stored(services, project, session_id)
    assert (doc["status"], doc["result"], doc["time_end"]) == ("completed", "fail", T0 + 100)


@pytest.mark.parametrize(
    ("members", "result"),
    [
        ({"a": {"status": "completed", "result": "success"}, "b": {"status": "running"}}, "running"),
        ({"a": {"status": "completed", "result": "success"}, "b": {"status": "completed", "result": "fail"}}, "fail"),
        ({"a": {"status": "completed", "result": "success"}}, "success"),
        ({}, "success"),
    ],
)
def test_overall_result(members, result):
    assert overall_result(members) == result


def test_actions_name_a_member_and_a_known_action(services, ctx, project, session_id, members, client_id):
    outsider = services.jobs.create(ctx, project, job(client_id))
    with pytest.raises(BadRequest, match="not found in session"):
        start(services, project, session_id, outsider, 0)
    with pytest.raises(UnknownAction):
        services.sessions.action(project, session_id, {"pause": {"job_id": members[0]}})
    with pytest.raises(BadRequest):
        services.sessions.action(project, session_id, {"start": {"job_id": members[0]}})  # no current_tag
    with pytest.raises(NotFound):
        start(services, project, "0" * 32, members[0], 0)


def test_members_take_the_sessions_schedule_and_leave_told_to_stop(services, project, session_id, members):
    job_doc = services.jobs.get(project, members[0]).doc
    assert job_doc["session_id"] == session_id
    assert job_doc["job_schedule"] == session()["schedule"]
    services.sessions.remove_job(project, session_id, members[0])
    job_doc = services.jobs.get(project, members[0]).doc
    assert (job_doc["session_id"], job_doc["job_schedule"]["event"]) == ("", "stop")
    assert list(stored(services, project, session_id)["jobs"]) == [members[1]]


def test_a_job_moved_to_another_session_leaves_the_first(services, ctx, project, session_id, members):
    other = services.sessions.create(ctx, project, session())
    services.sessions.add_job(project, other, members[0])
    assert list(stored(services, project, session_id)["jobs"]) == [members[1]]
    assert list(stored(services, project, other)["jobs"]) == [members[0]]
