"""Webhooks: registration rules (SSRF first), and signed deliveries that survive a receiver and an API down."""

from __future__ import annotations

import time

import pytest

from tests.conftest import as_persona
from tests.observability.receiver import Receiver, verify
from tests.support import factories
from tests.support.server import start_server

SECRET = "0123456789abcdef-webhook-secret"
FAST_RETRIES = (
    "[events]\ndispatch_interval = 0.1\n"
    "[webhooks]\nallowed_networks = 127.0.0.0/8\nretry_base = 0.2\nretry_max = 1.0\nmax_attempts = 1000\n"
)


def register(api, project: str, url: str, events=("*",), **extra):
    return api.post(f"/v2/{project}/webhooks", json={"url": url, "events": list(events), **extra})


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.8/hook",
        "http://192.168.1.1/hook",
        "http://[::1]/hook",
        "http://[::ffff:127.0.0.1]/hook",
        "http://0.0.0.0/hook",
        "http://localhost/hook",
    ],
)
def test_an_internal_target_is_refused_at_registration_without_opt_in(api, project, url):
    refused = register(api, project, url)
    assert refused.status == 400, refused
    body = refused.json()
    assert body["title"] and "allowed_networks" in body["description"]
    assert api.get(f"/v2/{project}/webhooks").json() == {"webhooks": []}


@pytest.mark.parametrize(
    ("body", "named"),
    [
        ({"url": "ftp://example.com/x", "events": ["*"]}, "http"),
        ({"url": "http://8.8.8.8/x", "events": []}, "events"),
        ({"url": "http://8.8.8.8/x", "events": ["freezer.nothing"]}, "events"),
        ({"url": "http://8.8.8.8/x", "events": ["*"], "secret": "short"}, "secret"),
        ({"url": "http://8.8.8.8/x", "events": ["*"], "colour": "red"}, "colour"),
        ({"events": ["*"]}, "url"),
    ],
)
def test_a_bad_registration_is_a_400_naming_what_is_wrong(api, project, body, named):
    refused = api.post(f"/v2/{project}/webhooks", json=body)
    assert refused.status == 400, refused
    assert named in refused.json()["description"]


def test_register_list_show_and_delete(api, project):
    # A public address: registration resolves it but sends nothing.
    made = register(api, project, "https://8.8.8.8/hooks", events=["freezer.backup.create", "freezer.session.end"])
    assert made.status == 201, made
    webhook_id = made.json()["webhook_id"]
    secret = made.json()["secret"]  # the server made it: shown this once
    assert len(secret) >= 32
    given = register(api, project, "https://8.8.8.8/other", secret=SECRET)
    assert given.status == 201 and "secret" not in given.json()

    listed = api.get(f"/v2/{project}/webhooks").json()["webhooks"]
    assert [hook["webhook_id"] for hook in listed] == [webhook_id, given.json()["webhook_id"]]
    shown = api.get(f"/v2/{project}/webhooks/{webhook_id}").json()
    assert shown["url"] == "https://8.8.8.8/hooks" and shown["events"] == [
        "freezer.backup.create",
        "freezer.session.end",
    ]
    assert "secret" not in shown and all("secret" not in hook for hook in listed)
    assert api.get(f"/v2/{project}/webhooks/{webhook_id}/deliveries").json() == {"deliveries": []}

    assert api.delete(f"/v2/{project}/webhooks/{webhook_id}").status == 204
    gone = api.get(f"/v2/{project}/webhooks/{webhook_id}")
    assert gone.status == 404 and gone.json()["title"]
    assert api.delete(f"/v2/{project}/webhooks/{webhook_id}").status == 404
    assert api.get(f"/v2/{project}/webhooks/{webhook_id}/deliveries").status == 404


def _backup(member, n: int, job_id: str) -> str:
    body = factories.backup_metadata(hostname="db01", backup_name="etc", time_stamp=1700000000 + n, job_id=job_id)
    created = member.post("/v2/project-a/backups", json=body)
    assert created.status == 201, created
    return created.json()["backup_id"]


@pytest.mark.slow
def test_a_receiver_down_for_a_while_gets_every_event_in_order_even_across_an_api_restart(tmp_path):
    database_url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    receiver = Receiver()
    server = start_server(tmp_path / "one", database_url=database_url, workers=2, extra_config=FAST_RETRIES)
    try:
        member = as_persona(server, "member_a")
        made = register(member, "project-a", receiver.url, secret=SECRET)
        assert made.status == 201, made
        webhook_id = made.json()["webhook_id"]
        # The other project's events are not this webhook's.
        assert (
            as_persona(server, "member_b").post("/v2/project-b/backups", json=factories.backup_metadata()).status == 201
        )
        sent = [_backup(member, n, job_id="job-1") for n in range(6)]

        def attempted_while_down() -> bool:
            deliveries = member.get(f"/v2/project-a/webhooks/{webhook_id}/deliveries").json()["deliveries"]
            return bool(deliveries) and deliveries[0]["attempts"] >= 2

        _wait(attempted_while_down, "failed attempts while the receiver is down")
        first = member.get(f"/v2/project-a/webhooks/{webhook_id}/deliveries").json()["deliveries"][0]
        assert first["status"] == "pending" and "ConnectionRefusedError" in first["last_error"]
    finally:
        server.stop()
    # The API restarts (a new process) while the receiver is still down; more events happen.
    server = start_server(tmp_path / "two", database_url=database_url, workers=2, extra_config=FAST_RETRIES)
    try:
        member = as_persona(server, "member_a")
        sent += [_backup(member, n, job_id="job-1") for n in range(6, 10)]
        receiver.up()
        events = receiver.wait_for(len(sent))
        assert [event["payload"]["backup_id"] for event in events] == sent  # every one, in order, once
        assert {event["event_type"] for event in events} == {"freezer.backup.create"}
        assert len({event["event_id"] for event in events}) == len(sent)
        assert all(verify(SECRET, delivery) for delivery in receiver.received)
        assert all(delivery.headers["x-freezer-event"] == "freezer.backup.create" for delivery in receiver.received)
        payload = events[0]["payload"]
        assert payload["project_id"] == "project-a" and payload["user_id"] == "user-a"
        assert payload["request_id"].startswith("req-") and payload["hostname"] == "db01"
        assert events[0]["publisher_id"].startswith("backup.")

        def all_delivered() -> list[dict] | None:
            deliveries = member.get(f"/v2/project-a/webhooks/{webhook_id}/deliveries").json()["deliveries"]
            return deliveries if all(d["status"] == "delivered" for d in deliveries) else None

        deliveries = _wait(all_delivered, "every delivery marked delivered")
        assert len(deliveries) == len(sent) and deliveries[0]["attempts"] >= 3
        assert deliveries[0]["response_status"] == 204
        # A later event follows at once, and nothing was delivered twice meanwhile.
        sent.append(_backup(member, 99, job_id="job-1"))
        events = receiver.wait_for(len(sent))
        assert [event["payload"]["backup_id"] for event in events] == sent
    finally:
        server.stop()
        receiver.down()


def _wait(condition, what: str, timeout: float = 90.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.mark.parametrize("option", ["webhooks", "metrics"])
def test_a_network_that_is_no_network_stops_the_server_at_start_naming_the_option(tmp_path, option):
    with pytest.raises(RuntimeError) as failed:
        start_server(
            tmp_path / "server",
            database_url=f"sqlite:///{tmp_path / 'db.sqlite'}",
            workers=1,
            extra_config=f"[{option}]\nallowed_networks = 10.0.0.0/33\n",
        )
    assert f"[{option}] allowed_networks: '10.0.0.0/33' does not appear to be" in str(failed.value)
