"""The job event rules: start, stop and abort steer a job's schedule, each once."""

from __future__ import annotations

import pytest

from freezer_api.domain.errors import BadRequest, NotFound, Unprocessable
from freezer_api.domain.jobs import expand_action_defaults
from tests.support.factories import freezer_action, job


@pytest.fixture
def job_id(services, ctx, project, client_id) -> str:
    return services.jobs.create(ctx, project, job(client_id))


def schedule(services, project, job_id) -> dict:
    return services.jobs.get(project, job_id).doc["job_schedule"]


def test_a_new_job_has_a_fresh_schedule(services, project, job_id):
    stored = schedule(services, project, job_id)
    assert stored["time_started"] == stored["time_ended"] == -1
    assert isinstance(stored["time_created"], int) and stored["time_created"] > 0
    assert "event" not in stored


def test_start_clears_the_outcome_of_the_previous_run(services, store, project, job_id):
    store.atomic(lambda uow: _set_schedule(uow, project, job_id, status="completed", result="fail"))
    assert services.jobs.event(project, job_id, {"start": None}) == "success"
    stored = schedule(services, project, job_id)
    assert (stored["event"], stored["status"], stored["result"]) == ("start", "", "")


@pytest.mark.parametrize("event", ["start", "stop", "abort"])
def test_the_same_event_twice_is_applied_once(services, project, job_id, event):
    assert services.jobs.event(project, job_id, {event: {}}) == "success"
    version = services.jobs.get(project, job_id).version
    assert services.jobs.event(project, job_id, {event: {}}) == f"{event} already requested"
    assert services.jobs.get(project, job_id).version == version


def test_stop_and_abort_keep_the_run_outcome(services, store, project, job_id):
    store.atomic(lambda uow: _set_schedule(uow, project, job_id, status="running", result=""))
    services.jobs.event(project, job_id, {"stop": None})
    assert schedule(services, project, job_id)["status"] == "running"
    services.jobs.event(project, job_id, {"abort": None})
    stored = schedule(services, project, job_id)
    assert (stored["event"], stored["status"]) == ("abort", "running")


@pytest.mark.parametrize("body", [{}, {"start": 1, "stop": 1}, ["start"], None, {"pause": {}}])
def test_an_event_body_names_exactly_one_known_event(services, project, job_id, body):
    with pytest.raises(BadRequest):
        services.jobs.event(project, job_id, body)
    assert "event" not in schedule(services, project, job_id)


def test_an_event_for_an_unknown_job_is_not_found(services, project, job_id):
    with pytest.raises(NotFound):
        services.jobs.event(project, "0" * 32, {"start": None})
    with pytest.raises(NotFound):
        services.jobs.event("another-project", job_id, {"start": None})


def test_a_job_needs_a_client_that_supports_its_actions(services, ctx, project, client_id):
    with pytest.raises(Unprocessable):
        services.jobs.create(ctx, project, job("no-such-client"))
    with pytest.raises(Unprocessable):
        services.jobs.create(ctx, project, job(client_id, freezer_action(engine_name="nova")))
    assert services.jobs.list(project, None, limit=10, offset=0) == []


def test_action_defaults_fill_only_what_an_action_lacks():
    body = {
        "action_defaults": {"storage": "swift", "max_level": 3},
        "job_actions": [{"freezer_action": {"action": "backup", "storage": "local"}}, {"freezer_action": {}}],
    }
    expanded = expand_action_defaults(body)
    assert [entry["freezer_action"] for entry in expanded["job_actions"]] == [
        {"action": "backup", "storage": "local", "max_level": 3},
        {"storage": "swift", "max_level": 3},
    ]
    assert body["job_actions"][1]["freezer_action"] == {}  # the request body is left as it was


def _set_schedule(uow, project, job_id, **fields) -> None:
    stored = uow.jobs.get(project, job_id, for_update=True)
    doc = dict(stored.doc)
    doc["job_schedule"] = {**doc["job_schedule"], **fields}
    uow.jobs.replace(stored, doc)
