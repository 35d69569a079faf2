"""OpenStack notifications from the outbox, received from a real RabbitMQ with oslo.messaging's listener.

Needs FREEZER_TEST_RABBIT_URL (for example rabbit://guest:guest@127.0.0.1:5672/); skipped without it,
a failure when FREEZER_TEST_REQUIRE_DATABASES=1 (CI).
"""

from __future__ import annotations

import os
import threading
import time
import uuid
import warnings

import pytest
from oslo_config import cfg

from tests.conftest import as_persona
from tests.support import databases, factories
from tests.support.server import start_server

RABBIT_ENV = "FREEZER_TEST_RABBIT_URL"

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")
    import oslo_messaging


@pytest.fixture(scope="module")
def rabbit_url() -> str:
    url = os.environ.get(RABBIT_ENV)
    if not url:
        message = f"notification tests need RabbitMQ: set {RABBIT_ENV}, for example {RABBIT_ENV}=rabbit://guest:guest@127.0.0.1:5672/"
        if os.environ.get(databases.REQUIRE_ENV) == "1":
            pytest.fail(message + f" ({databases.REQUIRE_ENV}=1 makes this a failure)")
        pytest.skip(message)
    return url


class Collector:
    """A notification endpoint: keeps (priority, publisher_id, event_type, payload, context) of each."""

    def __init__(self):
        self.received: list[dict] = []
        self.lock = threading.Lock()

    def _keep(self, priority, ctxt, publisher_id, event_type, payload):
        with self.lock:
            self.received.append(
                {
                    "priority": priority,
                    "publisher_id": publisher_id,
                    "event_type": event_type,
                    "payload": payload,
                    "context": ctxt,
                }
            )

    def info(self, ctxt, publisher_id, event_type, payload, metadata):
        self._keep("INFO", ctxt, publisher_id, event_type, payload)

    def error(self, ctxt, publisher_id, event_type, payload, metadata):
        self._keep("ERROR", ctxt, publisher_id, event_type, payload)

    def wait_for(self, condition, what: str, timeout: float = 60.0) -> list[dict]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                received = list(self.received)
            if condition(received):
                return received
            time.sleep(0.05)
        raise AssertionError(f"timed out waiting for {what}; received {self.received}")


@pytest.fixture
def listener(rabbit_url):
    """Listening on a topic of its own, before the server sends anything (a queue must exist to keep messages)."""
    topic = f"freezer_test_{uuid.uuid4().hex[:8]}"
    conf = cfg.ConfigOpts()
    conf([], default_config_files=[])
    transport = oslo_messaging.get_notification_transport(conf, url=rabbit_url)
    collector = Collector()
    server = oslo_messaging.get_notification_listener(
        transport, [oslo_messaging.Target(topic=topic, exchange="freezer")], [collector], executor="threading"
    )
    server.start()
    yield topic, collector
    server.stop()
    server.wait()
    transport.cleanup()


def _session_run(member, result: str) -> tuple[str, str]:
    """A session with one job, started and ended with `result`: (session_id, job_id)."""
    client_id = factories.unique("client")
    assert member.post("/v2/project-a/clients", json=factories.client_info(client_id)).status == 201
    job_id = member.post("/v2/project-a/jobs", json=factories.job(client_id)).json()["job_id"]
    session_id = member.post("/v2/project-a/sessions", json=factories.session()).json()["session_id"]
    assert member.put(f"/v2/project-a/sessions/{session_id}/jobs/{job_id}").status == 204
    action = f"/v2/project-a/sessions/{session_id}/action"
    started = member.post(action, json={"start": {"job_id": job_id, "current_tag": 0}})
    assert started.status == 202, started
    tag = started.json()["session_tag"]
    ended = member.post(action, json={"end": {"job_id": job_id, "current_tag": tag, "result": result}})
    assert ended.status == 202, ended
    return session_id, job_id


@pytest.mark.slow
def test_each_event_is_notified_once_with_its_payload_across_several_api_processes(tmp_path, listener, rabbit_url):
    topic, collector = listener
    server = start_server(
        tmp_path / "server",
        database_url=f"sqlite:///{tmp_path / 'db.sqlite'}",
        workers=3,
        extra_config=(
            "[DEFAULT]\nhost = backup-node-1\n[events]\ndispatch_interval = 0.1\n"
            f"[oslo_messaging_notifications]\ndriver = messagingv2\ntransport_url = {rabbit_url}\ntopics = {topic}\n"
        ),
    )
    try:
        member = as_persona(server, "member_a")
        backups = []
        for n in range(5):
            created = member.post("/v2/project-a/backups", json=factories.backup_metadata(hostname=f"host{n}"))
            assert created.status == 201
            backups.append((created.json()["backup_id"], created.headers["x-openstack-request-id"]))
        good_session, good_job = _session_run(member, "success")
        bad_session, _ = _session_run(member, "fail")
        # A sentinel last: events go out in order, so once it is here every earlier one, and any
        # duplicate of one, has arrived too.
        sentinel = member.post("/v2/project-a/backups", json=factories.backup_metadata()).json()["backup_id"]
        received = collector.wait_for(
            lambda got: any(n["payload"].get("backup_id") == sentinel for n in got), "the sentinel notification"
        )
    finally:
        server.stop()

    created = [n for n in received if n["event_type"] == "freezer.backup.create"]
    assert [n["payload"]["backup_id"] for n in created] == [backup_id for backup_id, _ in backups] + [sentinel]
    first = created[0]
    assert first["priority"] == "INFO" and first["publisher_id"] == "backup.backup-node-1"
    assert first["payload"]["project_id"] == "project-a" and first["payload"]["user_id"] == "user-a"
    assert first["payload"]["request_id"] == backups[0][1] == first["context"]["request_id"]
    assert first["payload"]["hostname"] == "host0" and first["payload"]["status"] == "available"
    ended = [n for n in received if n["event_type"] == "freezer.session.end"]
    assert [(n["payload"]["session_id"], n["payload"]["result"], n["priority"]) for n in ended] == [
        (good_session, "success", "INFO"),
        (bad_session, "fail", "ERROR"),
    ]
    assert ended[0]["payload"]["last_job_id"] == good_job
    assert len({n["payload"]["event_id"] for n in received}) == len(received) == 5 + 2 + 1
