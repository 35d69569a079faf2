"""A document locked by a stuck transaction: writers give up after [database] lock_timeout with a 503.

On PostgreSQL and MariaDB a write locks the document's row for the length of
its transaction. Agents hold such locks for milliseconds; a transaction that
stalls while holding one (here: the test's own connection, left open) must
not hold every request that needs the same document, nor have them retried
for minutes. Reads never wait for it.
"""

from __future__ import annotations

import pytest
import requests
from sqlalchemy import create_engine, text

from tests.support import databases
from tests.support.factories import client_info, job
from tests.support.personas import PERSONAS
from tests.support.server import start_server

PROJECT = PERSONAS["member_a"].project_id
HEADERS = {"X-Auth-Token": PERSONAS["member_a"].token}
# Without a lock timeout the locked write would wait for as long as the lock
# is held: the test gives it this long before calling it hung.
HUNG_AFTER = 30


@pytest.fixture(scope="module", params=databases.SERVER_ENGINES)
def locked_world(request, tmp_path_factory):
    """(server, database URL) with lock_timeout = 1 second."""
    with databases.upgraded_database(request.param, tmp_path_factory.mktemp(f"lock-db-{request.param}")) as db:
        server = start_server(
            tmp_path_factory.mktemp(f"lock-server-{request.param}"),
            database_url=db.url,
            database_options={"lock_timeout": 1},
        )
        yield server, db.url
        server.stop()


def test_a_write_waiting_on_a_stuck_lock_answers_503_and_writes_nothing(locked_world):
    server, database_url = locked_world
    jobs = f"{server.url}/v2/{PROJECT}/jobs"
    info = client_info()
    assert requests.post(f"{server.url}/v2/{PROJECT}/clients", json=info, headers=HEADERS).status_code == 201
    job_id = requests.post(jobs, json=job(info["client_id"]), headers=HEADERS).json()["job_id"]
    before = requests.get(f"{jobs}/{job_id}", headers=HEADERS).json()

    engine = create_engine(database_url)
    try:
        with engine.connect() as stuck:
            stuck.execute(
                text("SELECT version FROM jobs WHERE project_id = :project AND job_id = :job FOR UPDATE"),
                {"project": PROJECT, "job": job_id},
            )
            # The lock is held (the transaction stays open) until the block ends.
            locked = requests.patch(
                f"{jobs}/{job_id}", json={"description": "while locked"}, headers=HEADERS, timeout=HUNG_AFTER
            )
            assert locked.status_code == 503
            assert locked.headers["Retry-After"]
            assert "locked by another transaction" in locked.json()["description"]
            event = requests.post(f"{jobs}/{job_id}/event", json={"start": None}, headers=HEADERS, timeout=HUNG_AFTER)
            assert event.status_code == 503
            # Reads do not wait for the lock.
            read = requests.get(f"{jobs}/{job_id}", headers=HEADERS, timeout=HUNG_AFTER)
            assert read.status_code == 200
            assert read.json() == before
            stuck.rollback()

        after = requests.patch(f"{jobs}/{job_id}", json={"description": "after"}, headers=HEADERS, timeout=HUNG_AFTER)
        assert after.status_code == 200
        assert after.json()["version"] == before["_version"] + 1
        doc = requests.get(f"{jobs}/{job_id}", headers=HEADERS).json()
        assert doc["description"] == "after"
        assert doc["job_schedule"] == before["job_schedule"]
    finally:
        engine.dispose()
