"""Runs, job facts, clients' liveness and the bulk reads of health, on a unit's connection (docs/health.md)."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    bindparam,
    delete,
    func,
    insert,
    literal_column,
    null,
    or_,
    select,
    union_all,
    update,
)
from sqlalchemy.dialects import mysql, postgresql, sqlite
from sqlalchemy.sql.expression import ClauseElement

from freezer_api.domain.ports import JobHealthRow, Sighting
from freezer_api.domain.runs import LOST, RUNNING, JobFacts, Run, RunQuery
from freezer_api.storage.cursors import Statements
from freezer_api.storage.documents import VersionConflict
from freezer_api.storage.queries import CompiledQuery
from freezer_api.storage.tables import CLIENT_LIVENESS, CLIENTS, JOB_HEALTH, JOBS, RUN_BACKUPS, RUNS, Key

r, b, h, live = RUNS.c, RUN_BACKUPS.c, JOB_HEALTH.c, CLIENT_LIVENESS.c
RUN_COLUMNS = (
    r.seq,
    r.run_id,
    r.job_id,
    r.project_id,
    r.client_id,
    r.session_id,
    r.session_tag,
    r.started_at,
    r.ended_at,
    r.result,
)
FACT_NAMES = list(JobFacts._fields)
ONE_SHOT = FACT_NAMES.index("one_shot")


def _run(row: Sequence[Any], backups: tuple[str, ...] = ()) -> Run:
    """A run from a row of RUN_COLUMNS (seq first)."""
    run_id, job_id, project_id, client_id, session_id, session_tag, started_at, ended_at, result = row[1:10]
    return Run(run_id, job_id, project_id, client_id, session_id, session_tag, started_at, ended_at, result, backups)


def _with_backups(rows: list[tuple]) -> list[Run]:
    """Runs from (run columns..., backup_id) rows of a page LEFT JOIN run_backups, in the page's order."""
    runs: dict[int, tuple[tuple, list[str]]] = {}
    for row in rows:
        entry = runs.setdefault(row[0], (row[:10], []))
        if row[10] is not None:
            entry[1].append(row[10])
    return [_run(head, tuple(sorted(backups))) for head, backups in runs.values()]


def _page_with_backups(page: Select) -> CompiledQuery:
    """The runs of `page` (newest first) with their backup ids, one row per backup."""
    runs = page.subquery("page")
    return CompiledQuery(
        select(*(runs.c[column.name] for column in RUN_COLUMNS), b.backup_id)
        .select_from(runs.outerjoin(RUN_BACKUPS, b.run_seq == runs.c.seq))
        .order_by(runs.c.seq.desc())
    )


class _RunQueries:
    def __init__(self) -> None:
        by_id = (r.project_id == bindparam("project_id"), r.run_id == bindparam("run_id"))
        self.open_run = CompiledQuery(
            select(*RUN_COLUMNS).where(r.project_id == bindparam("project_id"), r.open_job == bindparam("job_id"))
        )
        self.add = CompiledQuery(
            insert(RUNS).values(
                {c.name: bindparam(c.name) for c in RUNS.columns if c.name != "seq"},
            )
        )
        self.close = CompiledQuery(
            update(RUNS)
            .where(*by_id, r.open_job.is_not(None))
            .values(
                ended_at=bindparam("ended_at"),
                result=bindparam("result"),
                session_tag=bindparam("session_tag"),
                open_job=null(),
            )
        )
        self.attach_backup = CompiledQuery(
            insert(RUN_BACKUPS).from_select(
                ["run_seq", "backup_id"],
                select(r.seq, bindparam("backup_id", type_=Key)).where(
                    r.project_id == bindparam("project_id"), r.open_job == bindparam("job_id")
                ),
            )
        )
        self.get = _page_with_backups(select(*RUN_COLUMNS).where(*by_id))
        self.of_job = _page_with_backups(
            select(*RUN_COLUMNS)
            .where(r.project_id == bindparam("project_id"), r.job_id == bindparam("job_id"))
            .order_by(r.seq.desc())
            .limit(bindparam("limit"))
            .offset(bindparam("offset"))
        )
        latest = select(h.last_run_id).where(h.project_id == r.project_id, h.last_run_id == r.run_id).exists()
        self.purgeable = CompiledQuery(
            select(r.seq)
            .where(r.ended_at < bindparam("ended_before"), r.open_job.is_(None), ~latest)
            .order_by(r.seq)
            .limit(bindparam("batch"))
            .offset(bindparam("offset"))  # SQLite renders an OFFSET with every LIMIT
        )
        self.delete_backups = CompiledQuery(delete(RUN_BACKUPS).where(b.run_seq == bindparam("seq")))
        self.delete_run = CompiledQuery(delete(RUNS).where(r.seq == bindparam("seq")))
        self._searches: dict[tuple, CompiledQuery] = {}
        self._lock = threading.Lock()

    def search(self, query: RunQuery) -> tuple[CompiledQuery, dict[str, Any]]:
        shape = (
            tuple(name for name, _ in query.match),
            tuple(name for name, _ in query.match_not),
            query.started_after is not None,
            query.started_before is not None,
        )
        compiled = self._searches.get(shape)
        if compiled is None:
            with self._lock:
                compiled = self._searches.setdefault(shape, self._build_search(*shape))
        values: dict[str, Any] = {"started_after": query.started_after, "started_before": query.started_before}
        values.update({f"m{index}": value for index, (_, value) in enumerate(query.match)})
        values.update({f"n{index}": value for index, (_, value) in enumerate(query.match_not)})
        return compiled, values

    @staticmethod
    def _build_search(matches: tuple, excludes: tuple, after: bool, before: bool) -> CompiledQuery:
        conditions: list[ColumnElement[bool]] = [r.project_id == bindparam("project_id")]
        conditions += [r[name] == bindparam(f"m{index}") for index, name in enumerate(matches)]
        conditions += [or_(r[name].is_(None), r[name] != bindparam(f"n{index}")) for index, name in enumerate(excludes)]
        if after:
            conditions.append(r.started_at >= bindparam("started_after"))
        if before:
            conditions.append(r.started_at <= bindparam("started_before"))
        page = (
            select(*RUN_COLUMNS)
            .where(*conditions)
            .order_by(r.seq.desc())
            .limit(bindparam("limit"))
            .offset(bindparam("offset"))
        )
        return _page_with_backups(page)


_RUNS = _RunQueries()


class RunRepository(Statements):
    name = "runs"

    def open_run(self, project_id: str, job_id: str) -> Run | None:
        rows = self._rows(_RUNS.open_run, {"project_id": project_id, "job_id": job_id})
        return _run(rows[0]) if rows else None

    def add(self, run: Run) -> None:
        values = {
            "project_id": run.project_id,
            "run_id": run.run_id,
            "job_id": run.job_id,
            "client_id": run.client_id,
            "session_id": run.session_id,
            "session_tag": run.session_tag,
            "started_at": run.started_at,
            "ended_at": None,
            "result": RUNNING,
            "open_job": run.job_id,
        }
        self._execute(_RUNS.add, values)

    def close(self, run: Run) -> None:
        values = {
            "project_id": run.project_id,
            "run_id": run.run_id,
            "ended_at": run.ended_at,
            "result": run.result if run.result != RUNNING else LOST,
            "session_tag": run.session_tag,
        }
        if self._execute(_RUNS.close, values) != 1:
            raise VersionConflict(f"run {run.run_id} closed concurrently")

    def attach_backup(self, project_id: str, job_id: str, backup_id: str) -> None:
        self._execute(_RUNS.attach_backup, {"project_id": project_id, "job_id": job_id, "backup_id": backup_id})

    def get(self, project_id: str, run_id: str) -> Run | None:
        runs = _with_backups(self._rows(_RUNS.get, {"project_id": project_id, "run_id": run_id}))
        return runs[0] if runs else None

    def of_job(self, project_id: str, job_id: str, *, limit: int, offset: int) -> list[Run]:
        values = {"project_id": project_id, "job_id": job_id, "limit": limit, "offset": offset}
        return _with_backups(self._rows(_RUNS.of_job, values))

    def search(self, project_id: str, query: RunQuery, *, limit: int, offset: int) -> list[Run]:
        compiled, values = _RUNS.search(query)
        values.update(project_id=project_id, limit=limit, offset=offset)
        return _with_backups(self._rows(compiled, values))

    def purge(self, *, ended_before: int, batch: int) -> int:
        values = {"ended_before": ended_before, "batch": batch, "offset": 0}
        seqs = [{"seq": row[0]} for row in self._rows(_RUNS.purgeable, values)]
        self._execute_many(_RUNS.delete_backups, seqs)
        self._execute_many(_RUNS.delete_run, seqs)
        return len(seqs)


class _FactQueries:
    def __init__(self) -> None:
        key = (h.project_id == bindparam("project_id"), h.job_id == bindparam("job_id"))
        self.get = CompiledQuery(select(*(h[name] for name in FACT_NAMES)).where(*key))
        others = [name for name in FACT_NAMES if name not in ("project_id", "job_id")]
        self.update = CompiledQuery(
            update(JOB_HEALTH).where(*key).values({name: bindparam(f"v_{name}") for name in others})
        )
        self.insert = CompiledQuery(
            insert(JOB_HEALTH).values(
                project_id=bindparam("project_id"),
                job_id=bindparam("job_id"),
                **{name: bindparam(f"v_{name}") for name in others},
            )
        )
        self.delete = CompiledQuery(delete(JOB_HEALTH).where(*key))


_FACTS = _FactQueries()


def _facts(row: Sequence[Any]) -> JobFacts:
    """Facts from a row of FACT_NAMES (one_shot comes back as 0/1 from some drivers: truthiness is what counts)."""
    return JobFacts._make(row)


class JobFactsRepository(Statements):
    name = "job_health"

    def get(self, project_id: str, job_id: str) -> JobFacts | None:
        rows = self._rows(_FACTS.get, {"project_id": project_id, "job_id": job_id})
        return _facts(rows[0]) if rows else None

    def put(self, facts: JobFacts) -> None:
        values = {f"v_{name}": value for name, value in zip(FACT_NAMES, facts, strict=True)}
        values["v_one_shot"] = bool(facts.one_shot)
        values.update(project_id=facts.project_id, job_id=facts.job_id)
        if self._execute(_FACTS.update, values) == 0:
            self._execute(_FACTS.insert, values)

    def delete(self, project_id: str, job_id: str) -> None:
        self._execute(_FACTS.delete, {"project_id": project_id, "job_id": job_id})


def _upsert(dialect_name: str) -> ClauseElement:
    """Insert a sighting, or raise the client's last_seen to it (never lower it)."""
    values: dict[str, Any] = {name: bindparam(name) for name in ("project_id", "client_id", "last_seen")}
    if dialect_name == "postgresql":
        pg = postgresql.insert(CLIENT_LIVENESS).values(values)
        return pg.on_conflict_do_update(
            index_elements=["project_id", "client_id"],
            set_={"last_seen": func.greatest(CLIENT_LIVENESS.c.last_seen, pg.excluded.last_seen)},
        )
    if dialect_name in ("mysql", "mariadb"):
        my = mysql.insert(CLIENT_LIVENESS).values(values)
        return my.on_duplicate_key_update(last_seen=func.greatest(CLIENT_LIVENESS.c.last_seen, my.inserted.last_seen))
    lite = sqlite.insert(CLIENT_LIVENESS).values(values)
    return lite.on_conflict_do_update(
        index_elements=["project_id", "client_id"],
        set_={"last_seen": func.max(CLIENT_LIVENESS.c.last_seen, lite.excluded.last_seen)},
    )


_UPSERTS = {name: CompiledQuery(_upsert(name)) for name in ("postgresql", "mysql", "mariadb", "sqlite")}
_LAST_SEEN = CompiledQuery(
    select(live.last_seen).where(live.project_id == bindparam("project_id"), live.client_id == bindparam("client_id"))
)


class LivenessRepository(Statements):
    name = "client_liveness"

    def record(self, sightings: Sequence[Sighting]) -> None:
        rows = [{"project_id": p, "client_id": c, "last_seen": at} for p, c, at in sightings]
        self._execute_many(_UPSERTS[self.dialect.name], rows)

    def last_seen(self, project_id: str, client_id: str) -> int | None:
        rows = self._rows(_LAST_SEEN, {"project_id": project_id, "client_id": client_id})
        return rows[0][0] if rows else None


@dataclass(frozen=True)
class _ReadShape:
    all_projects: bool
    one_client: bool


def _jobs_read(shape: _ReadShape) -> CompiledQuery:
    """Every job's facts, then (one statement) the document of each job that has none yet.

    The facts table alone answers for every job the server has written since
    it keeps facts: narrow rows, clustered by project. Jobs written before
    (none once each has been written again) are found by an anti-join on the
    jobs table's unique index, and only their documents are read.
    """
    j = JOBS.table.c
    facts: Select = select(*(h[name] for name in FACT_NAMES), null().label("doc"))
    has_facts = select(h.job_id).where(h.project_id == j.project_id, h.job_id == j.job_id).exists()
    padding = [null().label(name) for name in FACT_NAMES[2:]]
    # `job_id >= ''` (true of every id) steers the planner to the (project_id, job_id) unique
    # index, which answers the anti-join alone: only the legacy jobs' rows are then read.
    legacy: Select = select(j.project_id, j.job_id, *padding, j.doc).where(j.job_id >= literal_column("''"), ~has_facts)
    if not shape.all_projects:
        facts = facts.where(h.project_id == bindparam("project_id"))
        legacy = legacy.where(j.project_id == bindparam("project_id"))
    if shape.one_client:
        facts = facts.where(h.client_id == bindparam("client_id"))
    return CompiledQuery(union_all(facts, legacy))


def _clients_read(all_projects: bool) -> CompiledQuery:
    c = CLIENTS.table.c
    source = CLIENTS.table.outerjoin(
        CLIENT_LIVENESS, and_(live.project_id == c.project_id, live.client_id == c.client_id)
    )
    query = select(c.project_id, c.client_id, live.last_seen).select_from(source)
    return CompiledQuery(query if all_projects else query.where(c.project_id == bindparam("project_id")))


_JOB_READS = {shape: _jobs_read(shape) for shape in (_ReadShape(a, o) for a in (False, True) for o in (False, True))}
_CLIENT_READS = {all_projects: _clients_read(all_projects) for all_projects in (False, True)}


class HealthReader(Statements):
    name = "health"

    def jobs(self, project_id: str | None, *, client_id: str | None = None) -> list[JobHealthRow]:
        query = _JOB_READS[_ReadShape(project_id is None, client_id is not None)]
        rows = self._rows(query, {"project_id": project_id, "client_id": client_id})
        width = len(FACT_NAMES)
        return [
            JobHealthRow(row[0], row[1], JobFacts._make(row[:width]), None)
            if row[width] is None  # no document: the job has facts
            else JobHealthRow(row[0], row[1], None, orjson.loads(row[width]))
            for row in rows
        ]

    def clients(self, project_id: str | None) -> list[tuple[str, str, int | None]]:
        rows = self._rows(_CLIENT_READS[project_id is None], {"project_id": project_id})
        return [(row[0], row[1], row[2]) for row in rows]
