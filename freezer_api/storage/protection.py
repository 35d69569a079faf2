"""What /metrics reports about protection, computed by the database at scrape time.

Never from in-process counters, which reset on restart: every value here
comes from the documents the agents wrote, through the columns the backups
table keeps beside each document (tables.CATALOG_COLUMNS and tables.backup_status),
and from the runs the job transitions recorded.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import Select, func, literal_column, select

from freezer_api.storage.queries import CompiledQuery, fetch_rows
from freezer_api.storage.tables import BACKUPS, JOBS, RUNS
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


def _last_backup_per_set() -> Select[Any]:
    c = BACKUPS.table.c
    return (
        select(c.project_id, c.hostname, c.backup_name, func.max(c.time_stamp))
        .where(c.time_stamp.is_not(None), c.status == literal_column(f"'{GOOD_BACKUP_STATUS}'"))
        .group_by(c.project_id, c.hostname, c.backup_name)
    )


def last_backup_per_set(uow: UnitOfWork) -> list[BackupSet]:
    """Every backup set with at least one good, timestamped backup."""
    rows = _fetch(uow, _LAST_BACKUP_PER_SET)
    return [BackupSet(row[0], row[1] or "", row[2] or "", int(row[3])) for row in rows]


def _runs_per_result() -> Select[Any]:
    c = RUNS.c
    # Grouped by result first: by project_id first, SQLite walks ix_runs_project_seq, one lookup per run,
    # four times slower than the plain scan.
    running: Any = literal_column("'running'")
    return select(c.project_id, c.result, func.count()).where(c.result != running).group_by(c.result, c.project_id)


def _job_schedules() -> Select[Any]:
    c = JOBS.table.c
    return select(c.project_id, c.job_id, c.doc)


def _fetch(uow: UnitOfWork, query: CompiledQuery) -> list[Any]:
    return fetch_rows(uow.dbapi_connection, uow.dialect, query, {})


_LAST_BACKUP_PER_SET = CompiledQuery(_last_backup_per_set())
_RUNS_PER_RESULT = CompiledQuery(_runs_per_result())
_JOB_SCHEDULES = CompiledQuery(_job_schedules())


def runs_per_result(uow: UnitOfWork) -> list[tuple[str, str, int]]:
    """(project_id, result, count) of the closed runs the database keeps ([runs] keep_days)."""
    return [(row[0], row[1], int(row[2])) for row in _fetch(uow, _RUNS_PER_RESULT)]


def job_schedules(uow: UnitOfWork) -> dict[tuple[str, str], dict[str, Any]]:
    """{(project_id, job_id): job_schedule} of every job."""
    schedules = {}
    for project_id, job_id, doc in _fetch(uow, _JOB_SCHEDULES):
        schedules[(project_id, job_id)] = orjson.loads(doc).get("job_schedule") or {}
    return schedules
