"""Databases of older releases of the original: their schema made by the original's own migrations, stopped early.

Rows are written as those releases wrote them (job actions as a JSON list
in the job row, `src_file` for `path_to_backup`, backups with `user_name`
and no `status`, clients without capability columns); the import reads each
schema by what it has.
"""

from __future__ import annotations

import datetime

import orjson
import pytest
from sqlalchemy import create_engine, text

from freezer_api.domain.clients import CAPABILITIES
from tests.support import databases
from tests.support.upstream_api import prepare_upstream
from tests.upstream import rows
from tests.upstream.conftest import manage_config, run_manage

WHEN = datetime.datetime(2020, 5, 1, 8, 30, 0)
COMMON = {"deleted": False, "created_at": WHEN, "updated_at": WHEN, "deleted_at": None}
ACTION = {"action": "backup", "mode": "fs", "src_file": "/etc", "backup_name": "etc", "container": "old"}


def _old_rows(url: str, *, capabilities: bool) -> None:
    client = {"id": "uuid-1", "uuid": "uuid-1", "project_id": "old-project", "user_id": "u1", "client_id": "old-host"}
    client.update(hostname="old-host.example", description="2019 host", **COMMON)
    if capabilities:
        client["supported_actions"] = '["backup"]'
    rows.insert(url, "clients", [client])
    rows.insert(
        url,
        "actions",
        [
            {
                "id": "action-1",
                "action": "backup",
                "project_id": "old-project",
                "user_id": "u1",
                "actionmode": "fs",
                # `path_to_backup` from revision e74c32f034c5 on
                ("path_to_backup" if capabilities else "src_file"): "/etc",
                "backup_name": "etc",
                "container": "old",
                "max_retries": 5,
                "max_retries_interval": 6,
                "mandatory": False,
                "backup_metadata": orjson.dumps(ACTION).decode(),
                **COMMON,
            }
        ],
    )
    entry = {"action_id": "action-1", "freezer_action": {**ACTION, "path_to_backup": "/etc"}, "max_retries": 5}
    rows.insert(
        url,
        "jobs",
        [
            {
                "id": "job-1",
                "project_id": "old-project",
                "user_id": "u1",
                "schedule": orjson.dumps({"schedule_interval": "1 days", "time_created": 1588321800}).decode(),
                "client_id": "old-host",
                "session_id": "",
                "session_tag": 0,
                "description": "from 2020",
                "job_actions": orjson.dumps([entry]).decode(),
                **COMMON,
            }
        ],
    )
    metadata = {"container": "old", "backup_name": "etc", "timestamp": 1588321800, "level": 0}
    rows.insert(
        url,
        "backups",
        [
            {
                "id": "backup-1",
                "job_id": "job-1",
                "project_id": "old-project",
                "user_id": "u1",
                "user_name": "olduser",
                "backup_metadata": orjson.dumps(metadata).decode(),
                **COMMON,
            }
        ],
    )


def _documents(url: str, table: str) -> dict[str, dict]:
    engine = create_engine(url)
    id_column = {"clients": "client_id", "actions": "action_id", "jobs": "job_id", "backups": "backup_id"}[table]
    try:
        with engine.connect() as conn:
            return {row[0]: orjson.loads(row[1]) for row in conn.execute(text(f"SELECT {id_column}, doc FROM {table}"))}
    finally:
        engine.dispose()


@pytest.mark.parametrize(
    "revision,capabilities",
    [
        ("1333cef214d9", False),  # the first alembic schema (2024): src_file, user_name, job_actions JSON
        ("30a3fd20ec97", True),  # capabilities, user_credentials and is_central; still job_actions JSON, user_name
    ],
)
def test_an_older_schema_is_imported_by_what_it_has(tmp_path, revision, capabilities):
    source = databases.create_database("sqlite", tmp_path)
    upstream = prepare_upstream(tmp_path / "original", source.url, sync=False)
    upstream.migrate_to(revision)
    _old_rows(source.url, capabilities=capabilities)

    with databases.upgraded_database("sqlite", tmp_path / "target") as target:
        config = manage_config(tmp_path / "target", target.url)
        result = run_manage(config, "db", "import-upstream", source.url)
        assert result.returncode == 0, result.stdout + result.stderr
        assert f"source schema revision: {revision}" in result.stdout

        (client,) = _documents(target.url, "clients").values()
        assert client["client"]["client_id"] == "old-host" and client["client"]["is_central"] is False
        every_action = list(CAPABILITIES["supported_actions"])
        assert client["client"]["supported_actions"] == (["backup"] if capabilities else every_action)
        (action,) = _documents(target.url, "actions").values()
        assert action["freezer_action"]["path_to_backup"] == "/etc"  # the column, src_file in the first schema
        (job,) = _documents(target.url, "jobs").values()
        assert [entry["action_id"] for entry in job["job_actions"]] == ["action-1"]
        assert job["job_schedule"]["time_created"] == 1588321800
        (backup,) = _documents(target.url, "backups").values()
        assert backup["status"] == "available"
        assert backup["backup_metadata"]["timestamp"] == 1588321800
        engine = create_engine(target.url)
        try:
            with engine.connect() as conn:
                assert conn.execute(text("SELECT user_name, time_stamp FROM backups")).one() == ("olduser", 1588321800)
        finally:
            engine.dispose()
