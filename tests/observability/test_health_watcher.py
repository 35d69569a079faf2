"""The health watcher: each change of a job's or client's health is reported once, by one of several API processes."""

from __future__ import annotations

import time

import orjson
import pytest
import sqlalchemy as sa

from tests.conftest import as_persona
from tests.observability.receiver import Receiver
from tests.observability.test_metrics import _wait_for as _until
from tests.support import databases, factories
from tests.support.server import start_server

WATCHED = ("freezer.job.health.change", "freezer.client.down", "freezer.client.up")
DOWN_AFTER = 5  # seconds: [health] client_down_after, short for the test


@pytest.mark.slow
@pytest.mark.parametrize("engine_name", databases.ENGINES)
def test_each_health_change_is_reported_exactly_once_by_several_api_processes(tmp_path, engine_name):
    with databases.upgraded_database(engine_name, tmp_path) as database:
        _watch_with_several_processes(tmp_path, database.url)


def _watch_with_several_processes(tmp_path, database_url: str) -> None:
    receiver = Receiver()
    receiver.up()
    server = start_server(
        tmp_path / "server",
        database_url=database_url,
        workers=3,
        extra_config=(
            "[events]\ndispatch_interval = 0.1\n[webhooks]\nallowed_networks = 127.0.0.0/8\n"
            f"[health]\nwatch_interval = 0.05\nclient_down_after = {DOWN_AFTER}\nliveness_resolution = 0\n"
        ),
    )
    engine = sa.create_engine(database_url)

    def reported_state(subject_id: str) -> str | None:
        with engine.connect() as connection:
            query = sa.text("SELECT state FROM health_states WHERE subject_id = :id")
            return connection.execute(query, {"id": subject_id}).scalar()

    def received(event_type: str, **payload) -> list[dict]:
        return [
            event
            for event in receiver.events()
            if event["event_type"] == event_type and all(event["payload"].get(k) == v for k, v in payload.items())
        ]

    try:
        member = as_persona(server, "member_a")
        assert member.post("/v2/project-a/webhooks", json={"url": receiver.url, "events": list(WATCHED)}).status == 201
        client_id = factories.unique("client")
        assert member.post("/v2/project-a/clients", json=factories.client_info(client_id)).status == 201
        job = factories.job(client_id, job_schedule={"schedule_interval": "1 hours"})
        job_id = member.post("/v2/project-a/jobs", json=job).json()["job_id"]
        path = f"/v2/project-a/jobs/{job_id}"
        schedule = member.get(path).json()["job_schedule"]

        def report(**changes) -> None:
            schedule.update(changes)
            assert member.patch(path, json={"job_schedule": schedule, "session_id": "", "session_tag": 0}).status == 200

        report(status="scheduled", event="")
        # First sightings are recorded without an event: no earlier state to change from.
        _until(lambda: reported_state(job_id) == "never_run", "the job's first state")
        _until(lambda: reported_state(client_id) == "up", "the client's first state")
        report(status="running", result="", time_started=int(time.time()), time_ended=-1)
        _until(lambda: received(WATCHED[0], job_id=job_id, new_state="running"), "never_run -> running")
        report(status="scheduled", result="fail", time_ended=int(time.time()))
        _until(lambda: received(WATCHED[0], job_id=job_id, new_state="failing"), "running -> failing")
        # Nothing from the agent for longer than client_down_after: down, with nobody calling.
        _until(lambda: received("freezer.client.down", client_id=client_id), "the client going down")
        report()  # the agent reports again (a sighting): up
        _until(lambda: received("freezer.client.up", client_id=client_id), "the client coming back")
        expected = 4
        receiver.wait_for(expected)
    finally:
        server.stop()
        receiver.down()

    # Every API process has stopped: the outbox holds all that any of them recorded.
    with engine.connect() as connection:
        rows = connection.execute(
            sa.text("SELECT event_type, payload FROM events WHERE event_type IN (:a, :b, :c) ORDER BY seq"),
            dict(zip("abc", WATCHED, strict=True)),
        ).all()
    engine.dispose()
    recorded = [(event_type, orjson.loads(payload)) for event_type, payload in rows]
    summary = [
        (event_type, payload.get("old_state"), payload.get("new_state"), payload["client_id"])
        for event_type, payload in recorded
    ]
    assert summary == [
        ("freezer.job.health.change", "never_run", "running", client_id),
        ("freezer.job.health.change", "running", "failing", client_id),
        ("freezer.client.down", None, None, client_id),
        ("freezer.client.up", None, None, client_id),
    ]
    assert [event["event_type"] for event in receiver.events()] == [event_type for event_type, _ in recorded]
    down = recorded[2][1]
    assert down["project_id"] == "project-a" and down["user_id"] is None and down["request_id"] == ""
    assert down["at"] - down["last_seen"] > DOWN_AFTER
    assert recorded[0][1]["job_id"] == job_id
