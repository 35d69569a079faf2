"""/metrics: who may scrape it, what it shows, and that worker restarts neither reset nor double a counter."""

from __future__ import annotations

import os
import signal
import time

import falcon.testing
import pytest
from prometheus_client.parser import text_string_to_metric_families

from freezer_api.app import create_app
from tests.conftest import as_persona, identity_headers, make_conf, new_project
from tests.support import factories
from tests.support.server import start_server

BACKUPS_ROUTE = "/v2/{project_id}/backups"
BACKUP_ROUTE = "/v2/{project_id}/backups/{backup_id}"


def samples(text: str) -> dict[tuple[str, frozenset], float]:
    """{(sample name, labels): value} of a scrape, parsed by prometheus_client's own parser."""
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(scraped: dict, name: str, **labels: str) -> float | None:
    return scraped.get((name, frozenset(labels.items())))


def in_process(database, **metrics) -> falcon.testing.TestClient:
    conf = make_conf(DEFAULT={"auth_strategy": "noauth"}, database={"connection": database.url}, metrics=metrics)
    database.upgrade()
    return falcon.testing.TestClient(create_app(conf))


@pytest.fixture
def sqlite_database(tmp_path):
    from tests.support import databases

    db = databases.create_database("sqlite", tmp_path)
    yield db
    db.drop()


def test_a_caller_outside_allowed_networks_gets_403_json(sqlite_database):
    client = in_process(sqlite_database)
    refused = client.simulate_get("/metrics", remote_addr="10.1.2.3")
    assert refused.status_code == 403
    assert refused.json["title"] == "Forbidden" and "allowed_networks" in refused.json["description"]
    assert client.simulate_get("/metrics", remote_addr="127.0.0.1").status_code == 200
    assert client.simulate_get("/metrics", remote_addr="::1").status_code == 200


def test_a_token_is_needed_when_configured(sqlite_database):
    client = in_process(sqlite_database, token="s3cret", allowed_networks=["0.0.0.0/0", "::/0"])
    missing = client.simulate_get("/metrics", remote_addr="10.1.2.3")
    assert missing.status_code == 401 and missing.json["title"] == "Unauthorized"
    assert missing.headers["www-authenticate"] == "Bearer"
    wrong = client.simulate_get("/metrics", remote_addr="10.1.2.3", headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401
    right = client.simulate_get("/metrics", remote_addr="10.1.2.3", headers={"Authorization": "Bearer s3cret"})
    assert right.status_code == 200 and right.headers["content-type"].startswith("text/plain")


def test_disabled_metrics_are_not_served(sqlite_database):
    client = in_process(sqlite_database, enabled=False)
    answer = client.simulate_get("/metrics")
    assert answer.status_code == 404 and answer.json["title"]


def test_routes_are_templates_and_backup_sets_come_from_the_database(database):
    client = in_process(database)
    project = new_project()
    headers = identity_headers(project)
    newest = {}
    for hostname, name, stamp in [("db01", "etc", 1700000100), ("db01", "etc", 1700000200), ("web", "www", 1700000050)]:
        body = factories.backup_metadata(hostname=hostname, backup_name=name, time_stamp=stamp)
        created = client.simulate_post(f"/v2/{project}/backups", json=body, headers=headers)
        assert created.status_code == 201, created.text
        newest[(hostname, name)] = max(newest.get((hostname, name), 0), stamp)
        backup_id = created.json["backup_id"]
        assert client.simulate_get(f"/v2/{project}/backups/{backup_id}", headers=headers).status_code == 200
    # A failed backup is no good backup.
    failed = factories.backup_metadata(hostname="db01", backup_name="etc", time_stamp=1700000900)
    created = client.simulate_post(f"/v2/{project}/backups", json={**failed, "status": "error"}, headers=headers)
    assert created.status_code == 201, created.text
    assert client.simulate_get(f"/v2/{project}/no-such-thing", headers=headers).status_code == 404

    scraped = samples(client.simulate_get("/metrics").text)
    for (hostname, name), stamp in newest.items():
        assert (
            value(
                scraped,
                "freezer_backup_set_last_backup_timestamp_seconds",
                project_id=project,
                hostname=hostname,
                backup_name=name,
            )
            == stamp
        )
    assert value(scraped, "freezer_project_last_backup_timestamp_seconds", project_id=project) == 1700000200
    routes = {dict(labels).get("route") for name, labels in scraped if name == "freezer_http_requests_total"}
    assert {BACKUPS_ROUTE, BACKUP_ROUTE, "unmatched"} <= routes
    assert not any(project in route for route in routes if route)
    assert value(scraped, "freezer_http_requests_total", method="GET", route=BACKUP_ROUTE, status="200") >= 3
    assert value(scraped, "freezer_http_request_duration_seconds_count", method="GET", route=BACKUP_ROUTE) >= 3


def test_per_job_series_off_leaves_per_project_aggregates(sqlite_database):
    client = in_process(sqlite_database, per_job_series=False)
    project = new_project()
    body = factories.backup_metadata(time_stamp=1700000300)
    assert (
        client.simulate_post(f"/v2/{project}/backups", json=body, headers=identity_headers(project)).status_code == 201
    )
    scraped = samples(client.simulate_get("/metrics").text)
    assert not any(name == "freezer_backup_set_last_backup_timestamp_seconds" for name, _ in scraped)
    assert value(scraped, "freezer_project_last_backup_timestamp_seconds", project_id=project) == 1700000300


def _worker_pids(pid: int) -> set[int]:
    children = set()
    for task in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{task}/children") as listing:
            children.update(int(child) for child in listing.read().split())
    return children


def _wait_for(condition, what: str, timeout: float = 60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.mark.slow
def test_counters_are_summed_over_workers_and_survive_a_worker_restart(tmp_path):
    server = start_server(tmp_path / "server", database_url=f"sqlite:///{tmp_path / 'db.sqlite'}", workers=2)
    try:
        member = as_persona(server, "member_a")
        requests_sent = 40
        for _ in range(requests_sent):
            assert member.post("/v2/project-a/backups", json=factories.backup_metadata()).status == 201
        scraper = as_persona(server, "member_a").with_headers()

        def created_count() -> float | None:
            scraped = samples(scraper.get("/metrics").body.decode())
            return value(scraped, "freezer_http_requests_total", method="POST", route=BACKUPS_ROUTE, status="201")

        assert created_count() == requests_sent
        before = _worker_pids(server.process.pid)
        assert len(before) == 2
        server.process.send_signal(signal.SIGHUP)  # granian replaces every worker, one after the other
        _wait_for(lambda: len(_worker_pids(server.process.pid) - before) == 2, "two new workers", timeout=90)
        _wait_for(lambda: not (_worker_pids(server.process.pid) & before), "the old workers to stop", timeout=90)
        for _ in range(5):  # answered by the new workers, each seeing every worker's files
            assert created_count() == requests_sent
        assert member.post("/v2/project-a/backups", json=factories.backup_metadata()).status == 201
        assert created_count() == requests_sent + 1
    finally:
        server.stop()
