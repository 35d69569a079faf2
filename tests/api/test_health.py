"""Liveness, job health and the project's summary (docs/health.md), through the HTTP edge.

The app here has short thresholds ([health] client_down_after 2 s, max_run_time
1 hour, grace 60 s, liveness_resolution 0), so that a client goes down within a
test: tests wait for it by polling with a deadline.
"""

from __future__ import annotations

import datetime
import time

import pytest

from freezer_api.app import create_app
from tests.api.test_runs import Agent
from tests.conftest import identity_headers, make_conf, new_project
from tests.support.factories import client_info, job
from tests.support.http import Caller, InProcess

DOWN_AFTER = 2
DEADLINE = 30.0


@pytest.fixture(scope="module")
def health_app(database):
    conf = make_conf(
        DEFAULT={"auth_strategy": "noauth"},
        database={"connection": database.url},
        health={"client_down_after": DOWN_AFTER, "max_run_time": 3600, "grace": 60, "liveness_resolution": 0},
    )
    database.upgrade()
    return create_app(conf)


@pytest.fixture
def member(health_app, project) -> Caller:
    return Caller(InProcess(health_app), identity_headers(project))


@pytest.fixture
def client_id(member, project) -> str:
    info = client_info()
    assert member.post(f"/v2/{project}/clients", info).status == 201
    return info["client_id"]


def new_job(member, project, client_id, **schedule) -> str:
    reply = member.post(f"/v2/{project}/jobs", job(client_id, job_schedule=schedule))
    assert reply.status == 201, reply
    return reply.json()["job_id"]


def wait_for(what: str, probe):
    """Poll `probe` until it returns something truthy; fail naming `what` after DEADLINE seconds."""
    deadline = time.monotonic() + DEADLINE
    last = None
    while time.monotonic() < deadline:
        last = probe()
        if last:
            return last
        time.sleep(0.05)
    raise AssertionError(f"{what}: not within {DEADLINE}s (last: {last!r})")


def client_health(member, project, client_id) -> dict:
    reply = member.get(f"/v2/{project}/clients/{client_id}/health")
    assert reply.status == 200, reply
    return reply.json()


def job_health(member, project, job_id) -> dict:
    reply = member.get(f"/v2/{project}/jobs/{job_id}/health")
    assert reply.status == 200, reply
    return reply.json()


def poll(member, project, client_id) -> None:
    """freezer-scheduler's poll: its client's jobs that are not completed."""
    body = {"match_not": [{"status": "completed"}], "match": [{"client_id": client_id}]}
    assert member.get(f"/v2/{project}/jobs", body, params={"limit": 10}).status == 200


def test_a_polling_client_is_up_then_down_when_it_stops(member, project, client_id):
    registered = wait_for(
        "the registration is recorded", lambda: client_health(member, project, client_id)["last_seen"]
    )

    def polled() -> dict | None:
        poll(member, project, client_id)  # the scheduler keeps polling: one of them lands in a later second
        health = client_health(member, project, client_id)
        return health if health["last_seen"] != registered else None

    up = wait_for("a poll is recorded", polled)
    assert up["state"] == "up" and up["last_seen"] > registered and up["jobs"] == {}
    down = wait_for(
        "the client goes down", lambda: (h := client_health(member, project, client_id))["state"] == "down" and h
    )
    assert down["last_seen"] == up["last_seen"]


def test_a_client_never_heard_from_in_this_project_is_unknown(member, project, health_app):
    admin = Caller(InProcess(health_app), identity_headers(new_project(), roles="admin"))
    central = client_info(is_central=True)
    assert admin.post(f"/v2/{admin.headers['X-Project-Id']}/clients", central).status == 201
    health = client_health(member, project, central["client_id"])
    assert health == {"client_id": central["client_id"], "state": "unknown", "last_seen": None, "jobs": {}}
    assert admin.delete(f"/v2/{admin.headers['X-Project-Id']}/clients/{central['client_id']}").status == 204
    assert member.get(f"/v2/{project}/clients/nowhere/health").status == 404


def test_job_health_follows_its_runs(member, project, client_id):
    job_id = new_job(member, project, client_id, schedule_interval="1 hours")
    health = job_health(member, project, job_id)
    assert health["state"] == "never_run" and health["last_run"] is None and health["client_id"] == client_id
    armed = int(time.time())
    assert armed - 5 <= health["next_expected_at"] - 3600 <= armed
    agent = Agent(member, project, job_id)
    agent.take_up()
    agent.start()
    running = job_health(member, project, job_id)
    assert running["state"] == "running" and running["next_expected_at"] is None
    assert running["last_run"]["result"] == "running"
    agent.finish("success")
    ok = job_health(member, project, job_id)
    assert ok["state"] == "ok" and ok["last_run"]["result"] == "success"
    assert ok["last_success_at"] == ok["last_run"]["ended_at"]
    assert ok["next_expected_at"] > ok["last_run"]["ended_at"]
    agent.start()
    agent.finish("fail")
    agent.start()
    agent.finish("aborted")
    failing = job_health(member, project, job_id)
    runs = member.get(f"/v2/{project}/jobs/{job_id}/runs").json()["runs"]
    assert failing["state"] == "failing" and failing["since"] == runs[1]["ended_at"]  # the first failure
    assert failing["last_success_at"] == ok["last_success_at"]
    assert member.post(f"/v2/{project}/jobs/{job_id}/event", {"stop": ""}).status == 202
    assert job_health(member, project, job_id)["state"] == "paused"
    assert client_health(member, project, client_id)["jobs"] == {"paused": 1}


def test_a_one_shot_job_is_done_after_its_run(member, project, client_id):
    job_id = new_job(member, project, client_id)
    agent = Agent(member, project, job_id)
    agent.start()
    agent.finish("success", status="completed")
    health = job_health(member, project, job_id)
    assert health["state"] == "done" and health["next_expected_at"] is None


def _iso(epoch: int) -> str:
    return datetime.datetime.fromtimestamp(epoch, tz=datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_a_missed_date_is_late_then_overdue(member, project, client_id):
    now = int(time.time())
    late = new_job(member, project, client_id, schedule_date=_iso(now - 10))
    overdue = new_job(member, project, client_id, schedule_date=_iso(now - 3600))
    soon = new_job(member, project, client_id, schedule_date=_iso(now + 3600))
    assert job_health(member, project, late)["state"] == "late"
    assert job_health(member, project, late)["since"] == now - 10
    assert job_health(member, project, overdue)["state"] == "overdue"
    assert job_health(member, project, overdue)["since"] == now - 3600 + 60
    assert job_health(member, project, soon)["state"] == "never_run"


def test_a_run_whose_client_goes_down_is_stuck_and_an_abort_loses_it(member, project, client_id):
    job_id = new_job(member, project, client_id, schedule_interval="1 hours")
    agent = Agent(member, project, job_id)
    agent.start()  # the PATCH is a sighting of the client
    wait_for("the client is seen", lambda: client_health(member, project, client_id)["state"] == "up")
    assert job_health(member, project, job_id)["state"] == "running"
    wait_for("the run is stuck", lambda: job_health(member, project, job_id)["state"] == "stuck")
    assert member.post(f"/v2/{project}/jobs/{job_id}/event", {"abort": ""}).status == 202
    (run,) = member.get(f"/v2/{project}/jobs/{job_id}/runs").json()["runs"]
    assert run["result"] == "lost"
    assert job_health(member, project, job_id)["state"] != "stuck"


def test_the_summary_counts_and_lists_what_needs_attention(member, project, client_id):
    now = int(time.time())
    overdue = new_job(member, project, client_id, schedule_date=_iso(now - 3600))
    failing = new_job(member, project, client_id, schedule_interval="1 hours")
    agent = Agent(member, project, failing)
    agent.start()
    agent.finish("fail")
    new_job(member, project, client_id, schedule_interval="1 hours")
    reply = member.get(f"/v2/{project}/health")
    assert reply.status == 200, reply
    summary = reply.json()
    assert summary["jobs"]["overdue"] == 1 and summary["jobs"]["failing"] == 1 and summary["jobs"]["never_run"] == 1
    assert sum(summary["clients"].values()) == 1
    jobs_listed = [(item["id"], item["state"]) for item in summary["attention"] if item["kind"] == "job"]
    assert jobs_listed == [(overdue, "overdue"), (failing, "failing")]
    limited = member.get(f"/v2/{project}/health", params={"limit": 1}).json()
    assert len(limited["attention"]) == 1


def test_all_projects_needs_admin_or_service(member, project, health_app):
    assert member.get(f"/v2/{project}/health", params={"all_projects": "true"}).status == 403
    admin = Caller(InProcess(health_app), identity_headers(project, roles="admin"))
    reply = admin.get(f"/v2/{project}/health", params={"all_projects": "true", "limit": 1000})
    assert reply.status == 200
    assert all("project_id" in item for item in reply.json()["attention"])


def test_another_project_sees_none_of_it(member, project, client_id):
    job_id = new_job(member, project, client_id)
    other = new_project()
    outsider = Caller(member.transport, identity_headers(other))
    assert outsider.get(f"/v2/{other}/jobs/{job_id}/health").status == 404
    assert outsider.get(f"/v2/{other}/clients/{client_id}/health").status == 404
    summary = outsider.get(f"/v2/{other}/health").json()
    assert summary["clients"] == {"up": 0, "down": 0, "unknown": 0}
    assert sum(summary["jobs"].values()) == 0
