"""While the database is unreachable every request that needs it answers 503 quickly,
and the API recovers by itself when the database is back (no restart).

A real freezer-api process (2 workers) reaches PostgreSQL or MariaDB through a
TCP proxy the test owns; the test cuts and restores the proxy, never the
database service.
"""

from __future__ import annotations

import time

import pytest
import requests
from sqlalchemy.engine import make_url

from tests.conftest import as_persona
from tests.support import databases
from tests.support.factories import backup_metadata
from tests.support.personas import PERSONAS
from tests.support.server import start_server, wait_for_healthcheck
from tests.support.tcp_proxy import TcpProxy

CONNECT_TIMEOUT = 2
SOCKET_TIMEOUT = 3
PROJECT = PERSONAS["member_a"].project_id
BACKUPS = f"/v2/{PROJECT}/backups"


@pytest.fixture(scope="module", params=databases.SERVER_ENGINES)
def outage(request, tmp_path_factory):
    """(server, proxy): a server whose only way to its database is the proxy."""
    with databases.upgraded_database(request.param, tmp_path_factory.mktemp(f"outage-db-{request.param}")) as db:
        target = make_url(db.url)
        proxy = TcpProxy(target.host, target.port).start()
        proxied = target.set(host=proxy.host, port=proxy.port).render_as_string(hide_password=False)
        server = None
        try:
            server = start_server(
                tmp_path_factory.mktemp(f"outage-server-{request.param}"),
                database_url=proxied,
                database_options={"connect_timeout": CONNECT_TIMEOUT, "socket_timeout": SOCKET_TIMEOUT},
            )
            yield server, proxy
        finally:
            if server is not None:
                server.stop()
            proxy.stop()


def requests_needing_the_database(member, backup_id):
    """Reads (pooled DBAPI connections) and writes (transactions), one of each kind."""
    return [
        lambda: member.get(f"{BACKUPS}/{backup_id}"),
        lambda: member.get(BACKUPS, params={"limit": 10}),
        lambda: member.get(BACKUPS, {"match": [{"backup_name": "before-outage"}]}),
        lambda: member.post(BACKUPS, backup_metadata(backup_name="during-outage")),
        lambda: member.patch(f"{BACKUPS}/{backup_id}", {"status": "error"}),
        lambda: member.delete(f"{BACKUPS}/{backup_id}"),
    ]


def assert_every_request_is_503(sends, *, within: float) -> None:
    for send in sends:
        started = time.monotonic()
        reply = send()
        elapsed = time.monotonic() - started
        assert reply.status == 503, reply
        assert set(reply.json()) == {"title", "description"}, reply
        assert reply.headers["retry-after"].isdigit()
        assert elapsed < within, f"503 took {elapsed:.1f}s"


def test_outage_is_503_with_retry_after_and_the_api_recovers_without_restart(outage):
    server, proxy = outage
    # A new connection per request, so both workers and several pooled
    # database connections are exercised.
    member = as_persona(server, "member_a").with_headers(Connection="close")
    created = member.post(BACKUPS, backup_metadata(backup_name="before-outage"))
    assert created.status == 201, created
    backup_id = created.json()["backup_id"]
    for _ in range(4):
        assert member.get(f"{BACKUPS}/{backup_id}").status == 200
        assert member.get(BACKUPS).status == 200
    assert proxy.connections() > 0  # pooled connections now go through the proxy

    # The database restarts: connections are dropped and new ones refused.
    proxy.cut()
    sends = requests_needing_the_database(member, backup_id)
    assert_every_request_is_503(sends * 2, within=CONNECT_TIMEOUT + 2)

    # The host accepts connections but never answers: each attempt waits out a
    # timeout (connect_timeout; PyMySQL reads the greeting under socket_timeout).
    proxy.blackhole()
    read, write = sends[0], sends[3]
    assert_every_request_is_503([read, write], within=max(CONNECT_TIMEOUT, SOCKET_TIMEOUT) + 3)

    # Back: the very first requests succeed, on every worker, with the data intact.
    proxy.restore()
    for round_ in range(4):
        reply = member.get(f"{BACKUPS}/{backup_id}")
        assert reply.status == 200, reply
        assert reply.json()["backup_metadata"]["backup_name"] == "before-outage"
        assert member.get(BACKUPS, {"match": [{"backup_name": "before-outage"}]}).json()["backups"]
        assert member.post(BACKUPS, backup_metadata(backup_name=f"after-outage-{round_}")).status == 201
        assert member.patch(f"{BACKUPS}/{backup_id}", {"status": "available"}).status == 200
    assert member.get(BACKUPS, {"match": [{"backup_name": "during-outage"}]}).json()["backups"] == []


def test_the_healthcheck_is_503_while_the_database_is_unreachable_and_200_once_it_is_back(outage):
    server, proxy = outage
    assert requests.get(server.url + "/healthcheck", timeout=30).text == "OK"
    # Results are cached for a second per worker; a cut shows within that, plus connect_timeout.
    within = CONNECT_TIMEOUT + SOCKET_TIMEOUT + 5
    try:
        proxy.cut()
        reply = wait_for_healthcheck(server.url, 503, within=within)
        assert reply.status_code == 503
        assert reply.json() == {"title": "Service Unavailable", "description": "The database cannot be reached."}
        detailed = requests.get(server.url + "/healthcheck", params={"detailed": "true"}, timeout=30)
        assert detailed.status_code == 503
        checks = {check["name"]: check for check in detailed.json()["checks"]}
        assert checks["database"]["status"] == "failed", checks
        assert checks["database"]["latency_ms"] < (CONNECT_TIMEOUT + 2) * 1000

        proxy.restore()
        assert wait_for_healthcheck(server.url, 200, within=within).status_code == 200

        # A host that accepts connections but never answers: a probe waits out connect_timeout, then 503.
        proxy.blackhole()
        assert wait_for_healthcheck(server.url, 503, within=within).status_code == 503
        detailed = requests.get(server.url + "/healthcheck", params={"detailed": "true"}, timeout=30)
        assert detailed.status_code == 503
        assert {check["name"]: check["status"] for check in detailed.json()["checks"]}["database"] == "failed"
    finally:
        proxy.restore()
    assert wait_for_healthcheck(server.url, 200, within=within).status_code == 200
