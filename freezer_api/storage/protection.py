"""What /metrics reports about protection, computed by the database at scrape time.

Never from in-process counters, which reset on restart: every value here
comes from the documents the agents wrote. The statements are built per
dialect (each engine spells "a value inside a JSON text" its own way) and
compiled once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import JSON, Select, cast, func, literal_column, select, type_coerce
from sqlalchemy.engine import Dialect
from sqlalchemy.sql.elements import ColumnElement

from freezer_api.storage.tables import BACKUPS
from freezer_api.storage.units import UnitOfWork

# A backup that completed: what "last good backup" means.
GOOD_BACKUP_STATUS = "available"


@dataclass(frozen=True)
class BackupSet:
    """The backups of one (project, hostname, backup_name): one protected data set."""

    project_id: str
    hostname: str
    backup_name: str
    last_backup: int  # epoch seconds of its newest good backup


def _json_text(dialect: Dialect, *path: str) -> ColumnElement[Any]:
    doc = BACKUPS.table.c.doc
    as_json = cast(doc, JSON) if dialect.name == "postgresql" else type_coerce(doc, JSON)
    return as_json[path].as_string()


def _last_backup_per_set(dialect: Dialect) -> Select[Any]:
    table = BACKUPS.table
    hostname = _json_text(dialect, "backup_metadata", "hostname").label("hostname")
    backup_name = _json_text(dialect, "backup_metadata", "backup_name").label("backup_name")
    status = _json_text(dialect, "status")
    return (
        select(table.c.project_id, hostname, backup_name, func.max(table.c.time_stamp))
        .where(table.c.time_stamp.is_not(None), status == GOOD_BACKUP_STATUS)
        # By position: each engine then extracts the JSON values once per row.
        .group_by(literal_column("1"), literal_column("2"), literal_column("3"))
    )


# The SQL of each dialect. Its only values are constants, rendered into the text.
_SQL: dict[str, str] = {}


def _sql(dialect: Dialect, build: Callable[[Dialect], Select[Any]]) -> str:
    sql = _SQL.get(dialect.name)
    if sql is None:
        compiled = build(dialect).compile(dialect=dialect, compile_kwargs={"literal_binds": True})
        sql = _SQL.setdefault(dialect.name, str(compiled))
    return sql


def last_backup_per_set(uow: UnitOfWork) -> list[BackupSet]:
    """Every backup set with at least one good, timestamped backup."""
    cursor = uow.dbapi_connection.cursor()
    try:
        cursor.execute(_sql(uow.dialect, _last_backup_per_set))
        rows = cursor.fetchall()
    finally:
        cursor.close()
    return [BackupSet(row[0], row[1] or "", row[2] or "", int(row[3])) for row in rows]
