"""freezer.job.run.start and freezer.job.run.end: from the real RabbitMQ and a webhook receiver, once each.

Needs FREEZER_TEST_RABBIT_URL (see test_notifications.py).
"""

from __future__ import annotations

import time

import pytest

from tests.conftest import as_persona
from tests.observability.receiver import Receiver
from tests.observability.test_notifications import listener, rabbit_url  # noqa: F401 (fixtures)
from tests.support import factories
from tests.support.server import start_server

RUN_EVENTS = ("freezer.job.run.start", "freezer.job.run.end")


class Scheduler:
    """PATCHes a job the way freezer-scheduler reports a run."""

    def __init__(self, api, job_id: str):
        self.api, self.path = api, f"/v2/project-a/jobs/{job_id}"
        self.schedule = api.get(self.path).json()["job_schedule"]

    def patch(self, **changes) -> str:
        self.schedule.update(changes)
        reply = self.api.patch(self.path, {"job_schedule": self.schedule, "session_id": "", "session_tag": 0})
        assert reply.status == 200, reply
        return reply.headers["x-openstack-request-id"]

    def run(self, result: str | None) -> tuple[str, str | None]:
        """A run ending with `result` (None: the scheduler restarts and resets the job: lost)."""
        started = self.patch(status="running", result="", time_started=int(time.time()), time_ended=-1)
        if result is None:
            return started, self.patch(status="scheduled", result="", time_ended=-1)
        return started, self.patch(status="scheduled", result=result, time_ended=int(time.time()))


@pytest.mark.slow
def test_each_run_start_and_end_is_notified_and_delivered_once(tmp_path, listener, rabbit_url):  # noqa: F811
    topic, collector = listener
    receiver = Receiver()
    receiver.up()
    server = start_server(
        tmp_path / "server",
        database_url=f"sqlite:///{tmp_path / 'db.sqlite'}",
        workers=2,
        extra_config=(
            "[events]\ndispatch_interval = 0.1\n[webhooks]\nallowed_networks = 127.0.0.0/8\n"
            f"[oslo_messaging_notifications]\ndriver = messagingv2\ntransport_url = {rabbit_url}\ntopics = {topic}\n"
        ),
    )
    try:
        member = as_persona(server, "member_a")
        hook = member.post("/v2/project-a/webhooks", json={"url": receiver.url, "events": list(RUN_EVENTS)})
        assert hook.status == 201, hook
        client_id = factories.unique("client")
        assert member.post("/v2/project-a/clients", json=factories.client_info(client_id)).status == 201
        job_id = member.post("/v2/project-a/jobs", json=factories.job(client_id)).json()["job_id"]
        scheduler = Scheduler(member, job_id)
        scheduler.patch(status="scheduled", event="")
        requests = [scheduler.run(result) for result in ("success", "fail", "aborted", None)]
        runs = member.get(f"/v2/project-a/jobs/{job_id}/runs").json()["runs"][::-1]
        expected = 2 * len(requests)
        notified = collector.wait_for(
            lambda got: sum(n["event_type"] in RUN_EVENTS for n in got) >= expected, "the run notifications"
        )
        delivered = receiver.wait_for(expected)
        # One more backup after them: once its notification is here, any duplicate of a run event would be too.
        sentinel = member.post("/v2/project-a/backups", json=factories.backup_metadata()).json()["backup_id"]
        notified = collector.wait_for(
            lambda got: any(n["payload"].get("backup_id") == sentinel for n in got), "the sentinel notification"
        )
    finally:
        server.stop()
        receiver.down()

    assert [run["result"] for run in runs] == ["success", "fail", "aborted", "lost"]
    wanted = []
    for run, (start_request, end_request) in zip(runs, requests, strict=True):
        wanted.append(("freezer.job.run.start", "INFO", run["run_id"], None, start_request))
        priority = "INFO" if run["result"] == "success" else "ERROR"
        wanted.append(("freezer.job.run.end", priority, run["run_id"], run["result"], end_request))

    def summary(event_type, priority, payload):
        return (event_type, priority, payload["run_id"], payload.get("result"), payload["request_id"])

    run_notifications = [n for n in notified if n["event_type"] in RUN_EVENTS]
    assert [summary(n["event_type"], n["priority"], n["payload"]) for n in run_notifications] == wanted
    assert [summary(e["event_type"], e["priority"], e["payload"]) for e in receiver.events()] == wanted
    assert len(delivered) == expected
    first_end = run_notifications[1]["payload"]
    assert first_end["project_id"] == "project-a" and first_end["user_id"] == "user-a"
    assert first_end["job_id"] == job_id and first_end["client_id"] == client_id
    assert first_end["started_at"] <= first_end["ended_at"]
