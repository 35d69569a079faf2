"""Rows written straight into the original's tables (its schema made by its own migrations).

For what its API is too slow to fill (a large catalog) or never writes (rows
it could not have accepted); each row has the columns the original's
freezer_api/db/sqlalchemy/api.py writes for that kind.
"""

from __future__ import annotations

import datetime
import uuid
from typing import Any

import orjson
from sqlalchemy import MetaData, create_engine

from freezer_api.storage.upstream.source import source_url

PROJECT = "bulk-project"
USER = "bulk-user"


def _now() -> datetime.datetime:
    return datetime.datetime(2026, 1, 1, 12, 0, 0)


def backup_row(n: int, **overrides: Any) -> dict[str, Any]:
    metadata = {
        "container": "bulk",
        "hostname": f"host-{n % 50}",
        "backup_name": f"backup-{n % 200}",
        "time_stamp": 1700000000 + n,
        "level": n % 4,
        "curr_backup_level": n % 4,
        "path_to_backup": "/var/lib/data",
        "mode": "fs",
        "engine_name": "tar",
    }
    row = {
        "id": uuid.uuid4().hex,
        "project_id": PROJECT,
        "user_id": USER,
        "status": "available",
        "job_id": None,
        "backup_metadata": orjson.dumps(metadata).decode(),
        "deleted": False,
        "created_at": _now() + datetime.timedelta(seconds=n),
    }
    row.update(overrides)
    return row


def insert(url: str, table: str, rows: list[dict[str, Any]]) -> None:
    """Insert rows into one of the original's tables, in one transaction."""
    engine = create_engine(source_url(url))
    try:
        metadata = MetaData()
        metadata.reflect(engine, only=[table])
        with engine.begin() as conn:
            for start in range(0, len(rows), 5000):
                conn.execute(metadata.tables[table].insert(), rows[start : start + 5000])
    finally:
        engine.dispose()
