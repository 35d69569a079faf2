"""What /metrics reports about protection, computed by the database at scrape time.

Never from in-process counters, which reset on restart: every value here
comes from the documents the agents wrote, through the columns the backups
table keeps beside each document (tables.CATALOG_COLUMNS and tables.backup_status).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, literal_column, select
from sqlalchemy.engine import Dialect

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


def _last_backup_per_set(dialect: Dialect) -> Select[Any]:
    c = BACKUPS.table.c
    return (
        select(c.project_id, c.hostname, c.backup_name, func.max(c.time_stamp))
        .where(c.time_stamp.is_not(None), c.status == literal_column(f"'{GOOD_BACKUP_STATUS}'"))
        .group_by(c.project_id, c.hostname, c.backup_name)
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
