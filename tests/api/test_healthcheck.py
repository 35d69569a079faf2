"""/healthcheck means "this process can serve": 200 `OK` while it can, 503 JSON when its schema is
behind the release or its operator took it out of rotation; `?detailed=true` shows every check.

A real freezer-api process over a SQLite file of its own, whose schema the
test moves with Alembic as `freezer-manage db upgrade` would. The database
outage cases (PostgreSQL, MariaDB) are in test_database_outage.py.
"""

from __future__ import annotations

import pytest
import requests
import schemathesis
from sqlalchemy import text

from freezer_api.api.openapi import build_document
from freezer_api.storage import schema
from freezer_api.storage.engine import make_engine
from tests.support.personas import PERSONAS
from tests.support.server import LiveServer, start_server, wait_for_healthcheck

DEADLINE = 15.0
FORWARDED = {"X-Forwarded-For": "203.0.113.7"}  # as a proxy on this host would send it


@pytest.fixture(scope="module")
def published():
    return schemathesis.openapi.from_dict(build_document())


@pytest.fixture(scope="module")
def own_server(tmp_path_factory):
    """(server, database URL, disable file): a server whose schema and disable file this module moves."""
    directory = tmp_path_factory.mktemp("healthcheck")
    disable_file = directory / "out-of-rotation"
    url = f"sqlite:///{directory / 'freezer.sqlite'}"
    server = start_server(
        directory,
        database_url=url,
        extra_config=f"[healthcheck]\ndisable_by_file_path = {disable_file}\n",
    )
    yield server, url, disable_file
    server.stop()


def healthcheck(server: LiveServer, *, detailed: bool = False, headers=None) -> requests.Response:
    params = {"detailed": "true"} if detailed else {}
    return requests.get(server.url + "/healthcheck", params=params, headers=headers or {}, timeout=30)


def wait_for_status(server: LiveServer, status: int) -> requests.Response:
    return wait_for_healthcheck(server.url, status, within=DEADLINE)


def checks_of(reply: requests.Response) -> dict[str, dict]:
    return {check["name"]: check for check in reply.json()["checks"]}


def test_a_serving_process_answers_ok_and_the_detailed_view_shows_each_check(own_server, published):
    server, _url, _disable = own_server
    reply = healthcheck(server)
    assert (reply.status_code, reply.text, reply.headers["content-type"]) == (200, "OK", "text/plain; charset=utf-8")
    assert requests.head(server.url + "/healthcheck", timeout=30).status_code == 200

    detailed = healthcheck(server, detailed=True)  # from loopback, no proxy: no token needed
    assert detailed.status_code == 200, detailed.text
    published["/healthcheck"]["GET"].validate_response(detailed)
    assert detailed.json()["status"] == "ok"
    checks = checks_of(detailed)
    assert list(checks) == ["database", "schema", "rotation"]
    assert all(check["status"] == "ok" for check in checks.values()), checks
    assert checks["schema"]["detail"] == f"at {schema.head_revision()}"
    assert all(isinstance(check["latency_ms"], float) and check["latency_ms"] >= 0 for check in checks.values())


def test_the_detailed_view_through_a_proxy_needs_an_administrator(own_server):
    server, _url, _disable = own_server
    for headers in (FORWARDED, {"Forwarded": "for=203.0.113.7"}):
        anonymous = healthcheck(server, detailed=True, headers=headers)
        assert anonymous.status_code == 401, anonymous.text
        assert set(anonymous.json()) == {"title", "description"}
    member = healthcheck(server, detailed=True, headers={**FORWARDED, "X-Auth-Token": PERSONAS["member_a"].token})
    assert member.status_code == 403, member.text
    assert "healthcheck:detailed" in member.json()["description"]
    admin = healthcheck(server, detailed=True, headers={**FORWARDED, "X-Auth-Token": PERSONAS["admin"].token})
    assert admin.status_code == 200, admin.text
    assert admin.json()["status"] == "ok"
    # The plain probe stays open to everyone, forwarded or not.
    assert healthcheck(server, headers=FORWARDED).status_code == 200


def test_a_bad_detailed_value_is_a_400_naming_it(own_server):
    server, _url, _disable = own_server
    reply = requests.get(server.url + "/healthcheck", params={"detailed": "maybe"}, timeout=30)
    assert reply.status_code == 400
    assert "detailed" in reply.json()["description"]


def test_the_disable_file_takes_the_process_out_of_rotation_and_back(own_server, published):
    server, _url, disable_file = own_server
    disable_file.touch()
    try:
        reply = healthcheck(server)
        assert reply.status_code == 503
        assert reply.json() == {
            "title": "Service Unavailable",
            "description": "This node was taken out of rotation by its operator.",
        }
        assert requests.head(server.url + "/healthcheck", timeout=30).status_code == 503
        detailed = healthcheck(server, detailed=True)
        assert detailed.status_code == 503
        published["/healthcheck"]["GET"].validate_response(detailed)
        assert detailed.json()["description"] == "Failed health checks: rotation."
        assert checks_of(detailed)["rotation"]["status"] == "failed"
        assert str(disable_file) in checks_of(detailed)["rotation"]["detail"]
    finally:
        disable_file.unlink()
    assert healthcheck(server).status_code == 200


def test_a_schema_behind_the_release_is_503_and_a_newer_one_is_served(own_server, published, tmp_path):
    server, url, _disable = own_server
    engine = make_engine(url)
    head = schema.head_revision()
    try:
        schema.downgrade(engine, "-1")
        previous = schema.current_revision(engine)
        reply = wait_for_status(server, 503)
        assert reply.status_code == 503, reply.text
        assert reply.json() == {
            "title": "Service Unavailable",
            "description": "The database schema is behind this release: run 'freezer-manage db upgrade'.",
        }
        assert reply.headers["retry-after"] == "1"
        detailed = healthcheck(server, detailed=True)
        assert detailed.status_code == 503
        published["/healthcheck"]["GET"].validate_response(detailed)
        schema_check = checks_of(detailed)["schema"]
        assert schema_check["status"] == "failed"
        assert f"at {previous}, this release needs {head}" in schema_check["detail"]
        assert checks_of(detailed)["database"]["status"] == "ok"

        schema.upgrade(engine)
        assert wait_for_status(server, 200).status_code == 200

        # A newer release migrated the database during a rolling upgrade: this process keeps serving.
        with engine.begin() as connection:
            connection.execute(text("UPDATE alembic_version SET version_num = 'ffff_from_the_next_release'"))
        detailed = healthcheck(server, detailed=True)
        assert detailed.status_code == 200, detailed.text
        assert "newer than this release" in checks_of(detailed)["schema"]["detail"]
        assert wait_for_status(server, 200).status_code == 200
        # ... and one of this release (re)started meanwhile, by systemd's Restart=on-failure say, serves too.
        restarted = start_server(tmp_path / "restarted", database_url=url)
        try:
            assert "newer than this release" in restarted.log()
            assert healthcheck(restarted).status_code == 200
        finally:
            restarted.stop()
    finally:
        with engine.begin() as connection:
            connection.execute(text("UPDATE alembic_version SET version_num = :head"), {"head": head})
        engine.dispose()
    assert wait_for_status(server, 200).status_code == 200
