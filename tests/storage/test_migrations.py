"""Alembic migrations are the only way the schema changes, on every engine.

`freezer-manage db upgrade | current | check` run here as real processes
with a config file, each test on a fresh, empty database of its engine.
"""

from __future__ import annotations

import subprocess
import sys
import uuid
from pathlib import Path

import orjson
import pytest
from sqlalchemy import text

from freezer_api.domain.backup_sets import BackupSets
from freezer_api.domain.backups import Backups
from freezer_api.domain.clients import Clients
from freezer_api.domain.jobs import Jobs
from freezer_api.domain.ports import Scope
from freezer_api.domain.search import document_terms, document_text, parse_search
from freezer_api.storage import schema
from freezer_api.storage.engine import make_engine
from freezer_api.storage.store import Store
from tests.conftest import new_project
from tests.support import databases
from tests.support.factories import backup_metadata, client_info

FIRST_REVISION = "0001"


@pytest.fixture
def empty_database(engine_name, tmp_path):
    db = databases.create_database(engine_name, tmp_path)
    yield db
    db.drop()


@pytest.fixture
def manage(empty_database, tmp_path):
    """Runs `freezer-manage --config-file F ...` over the empty database."""
    config = tmp_path / "freezer-api.conf"
    config.write_text(f"[database]\nconnection = {empty_database.url}\n")

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "freezer_api.cmd.manage", "--config-file", str(config), *args],
            capture_output=True,
            text=True,
            timeout=120,
            cwd=Path(__file__).parent,
        )

    return run


@pytest.fixture
def engine(empty_database):
    engine = make_engine(empty_database.url)
    yield engine
    engine.dispose()


def test_upgrade_creates_exactly_the_models_schema(manage, engine):
    head = schema.head_revision()
    current = manage("db", "current")
    assert current.returncode == 0 and "empty" in current.stdout

    upgraded = manage("db", "upgrade")
    assert upgraded.returncode == 0, upgraded.stderr
    assert f"database at revision {head}" in upgraded.stdout
    assert manage("db", "current").stdout.strip() == head
    assert schema.differences(engine) == []
    checked = manage("db", "check")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    schema.upgrade(engine)  # upgrading a current schema changes nothing
    assert schema.is_current(engine) and schema.differences(engine) == []


def test_check_reports_a_schema_that_drifted_from_the_models(manage, engine):
    schema.upgrade(engine)
    with engine.begin() as conn:
        conn.execute(text("DROP INDEX ix_backups_project_time" + (" ON backups" if _is_mysql(engine) else "")))
    drifted = manage("db", "check")
    assert drifted.returncode == 1
    assert "ix_backups_project_time" in drifted.stdout


def test_downgrade_to_nothing_and_upgrade_again(engine):
    schema.upgrade(engine)
    schema.downgrade(engine, "base")
    assert schema.current_revision(engine) is None
    schema.upgrade(engine)
    assert schema.is_current(engine) and schema.differences(engine) == []


def _write_as_at_revision_0001(engine, project: str) -> tuple[list[str], str]:
    """Backups and a client written as the 0001 schema stores them (its columns only)."""
    backup_ids, client_id = [], client_info(hostname="db01.example.com")["client_id"]
    documents = []
    for name, stamp in (("etc", 1000), ("var", 2000), ("etc", 3000), ("odd", "yesterday")):
        backup_id = uuid.uuid4().hex
        backup_ids.append(backup_id)
        doc = {
            "backup_id": backup_id,
            "project_id": project,
            "user_id": "agent",
            "status": "available",
            "backup_metadata": backup_metadata(backup_name=name, time_stamp=stamp),
        }
        time_stamp = stamp if isinstance(stamp, int) else None
        documents.append(("backups", "backup", "backup_id", backup_id, doc, {"time_stamp": time_stamp}))
    client = {
        "project_id": project,
        "user_id": "agent",
        "client": dict(client_info(client_id, hostname="db01.example.com"), is_central=False, uuid="u1"),
    }
    documents.append(("clients", "client", "client_id", client_id, client, {"is_central": False}))
    with engine.begin() as conn:
        for table, singular, id_column, doc_id, doc, extra in documents:
            columns = {
                "project_id": project,
                id_column: doc_id,
                "user_id": "agent",
                "version": 1,
                "doc": orjson.dumps(doc).decode(),
                "search_text": document_text(doc),
                **extra,
            }
            names = ", ".join(columns)
            conn.execute(text(f"INSERT INTO {table} ({names}) VALUES ({', '.join(':' + c for c in columns)})"), columns)
            seq = conn.execute(text(f"SELECT seq FROM {table} WHERE {id_column} = :i"), {"i": doc_id}).scalar_one()
            for name, value in document_terms(doc):
                conn.execute(
                    text(f"INSERT INTO {singular}_terms (doc_seq, name, value, project_id) VALUES (:s, :n, :v, :p)"),
                    {
                        "s": seq,
                        "n": name.encode() if _is_mysql(engine) else name,
                        "v": value.encode() if _is_mysql(engine) else value,
                        "p": project,
                    },
                )
    return backup_ids, client_id


def test_upgrade_from_the_first_revision_keeps_backups_and_clients(empty_database, manage, engine):
    empty_database.upgrade(FIRST_REVISION)
    project = new_project()
    backup_ids, client_id = _write_as_at_revision_0001(engine, project)
    stale = manage("db", "check")
    assert stale.returncode == 1 and "run 'freezer-manage db upgrade'" in stale.stdout

    upgraded = manage("db", "upgrade")
    assert upgraded.returncode == 0, upgraded.stderr
    assert schema.is_current(engine) and schema.differences(engine) == []

    store = Store(engine)
    backups, clients = Backups(store), Clients(store)
    assert backups.get(project, backup_ids[1]).doc["backup_metadata"]["backup_name"] == "var"
    etc = list(backups.list(project, {"match": [{"backup_name": "etc"}]}, limit=10, offset=0))
    assert len(etc) == 2 and backup_ids[0] in etc[0] and backup_ids[2] in etc[1]
    assert len(backups.list(project, {"time_after": 2000}, limit=10, offset=0)) == 2
    assert clients.get(project, client_id).doc["client"]["hostname"] == "db01.example.com"
    # The catalog columns of backup sets were filled from the documents (0005_backup_sets).
    sets = BackupSets(store, Jobs(store)).list(project, None, limit=10, offset=0)
    assert [(s["backup_name"], s["backups"], s["last_at"]) for s in sets] == [
        ("etc", 2, 3000),
        ("var", 1, 2000),
        ("odd", 1, None),
    ]
    assert "time_stamp 'yesterday'" in sets[2]["unusable"][0]["reason"]
    # Migrated documents stay writable, and the newer kinds work beside them.
    backups.patch(project, backup_ids[0], {"status": "error"})
    assert backups.list(project, {"match": [{"status": "error"}]}, limit=10, offset=0) == [
        backups.get(project, backup_ids[0]).raw
    ]
    job = {"job_id": "j1", "project_id": project, "client_id": client_id, "job_schedule": {"status": "scheduled"}}
    store.atomic(lambda uow: uow.jobs.insert(project, "j1", "agent", job))
    with store.reading() as uow:
        found = uow.jobs.search(Scope(project), parse_search({"match": [{"client_id": client_id}]}), limit=10, offset=0)
    assert len(found) == 1
    store.dispose()


def _is_mysql(engine) -> bool:
    return engine.dialect.name in ("mysql", "mariadb")
