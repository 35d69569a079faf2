"""Lists and searches are answered through indexes on every engine.

A catalog big enough (and analysed) that each planner prefers an index when
one fits; each statement the repositories send is then EXPLAINed on its
engine: no scan of a whole documents or terms table, no sort of the matches
(pages come out of an index in order). On PostgreSQL the generic plan is
checked too: psycopg prepares a statement after a few executions, and a
prepared statement may be planned without its parameter values.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field

import orjson
import pytest
from psycopg import sql as psycopg_sql
from sqlalchemy.dialects.postgresql.psycopg import PGDialect_psycopg

from freezer_api.context import RequestContext
from freezer_api.domain.backups import Backups
from freezer_api.domain.ports import Scope
from freezer_api.domain.search import parse_search
from freezer_api.storage.engine import make_engine
from freezer_api.storage.store import Store
from tests.support import databases
from tests.support.factories import backup_metadata
from tests.support.statements import Statement, recorded_statements

BIG = "project-big"
SMALL = "project-small-3"
BACKUPS_IN_BIG = 1200
BACKUP_NAMES = 12
JOBS_IN_BIG = 600
CLIENTS = 20
JOB_STATUSES = ("completed", "scheduled", "running")


def job_document(project_id: str, number: int) -> tuple[str, dict]:
    """A job as freezer-scheduler sees it, for client number % CLIENTS."""
    job_id = uuid.uuid4().hex
    return job_id, {
        "job_id": job_id,
        "project_id": project_id,
        "client_id": f"client{number % CLIENTS}",
        "description": f"nightly {number}",
        "job_schedule": {"status": JOB_STATUSES[number % len(JOB_STATUSES)], "schedule_interval": "1 days"},
        "job_actions": [
            {
                "freezer_action": {
                    "action": "backup",
                    "mode": "fs",
                    "path_to_backup": "/etc",
                    "backup_name": f"etc{number}",
                    "container": "/backups",
                },
                "max_retries": 3,
            }
        ],
    }


def backup_documents(project_id: str, count: int) -> list[tuple[str, dict]]:
    docs = []
    for number in range(count):
        backup_id = uuid.uuid4().hex
        metadata = backup_metadata(backup_name=f"name{number % BACKUP_NAMES}")
        docs.append(
            (
                backup_id,
                {
                    "backup_id": backup_id,
                    "project_id": project_id,
                    "user_id": "agent",
                    "status": "available",
                    "backup_metadata": metadata,
                },
            )
        )
    return docs


@pytest.fixture(scope="module")
def catalog(engine_name, tmp_path_factory) -> Store:
    """A fresh database: one big project, ten small ones, jobs of twenty clients; analysed."""
    with databases.upgraded_database(engine_name, tmp_path_factory.mktemp(f"plans-{engine_name}")) as db:
        engine = make_engine(db.url)
        store = Store(engine)
        big = backup_documents(BIG, BACKUPS_IN_BIG)
        for start in range(0, len(big), 400):
            store.atomic(lambda uow, start=start: uow.backups.insert_many(BIG, "agent", big[start : start + 400]))
        for number in range(10):
            small = f"project-small-{number}"
            store.atomic(lambda uow, small=small: uow.backups.insert_many(small, "agent", backup_documents(small, 30)))
        jobs = [job_document(BIG, number) for number in range(JOBS_IN_BIG)]
        store.atomic(lambda uow: uow.jobs.insert_many(BIG, "agent", jobs))
        with engine.begin() as conn:
            if engine_name == "mysql":
                conn.exec_driver_sql("ANALYZE TABLE backups, backup_terms, jobs, job_terms")
            else:
                conn.exec_driver_sql("ANALYZE")
        yield store
        store.dispose()


def api_statements(store: Store) -> dict[str, Statement]:
    """The statements behind GET, list and search of backups and the agent's job poll."""
    backups = Backups(store)
    caller = RequestContext(user_id="agent", project_id=BIG, roles=["member"])
    backup_id = backups.create(caller, BIG, backup_metadata(backup_name="name3"))
    poll = parse_search(
        {"match": [{"client_id": "client7"}, {"client_id": "client7"}], "match_not": [{"status": "completed"}]}
    )
    with recorded_statements() as recorded:
        assert orjson.loads(backups.get(BIG, backup_id).raw)["backup_id"] == backup_id
        assert len(backups.list(BIG, None, limit=10, offset=0)) == 10
        assert len(backups.list(SMALL, None, limit=10, offset=0)) == 10
        assert len(backups.list(BIG, {"match": [{"backup_name": "name7"}]}, limit=10, offset=0)) == 10
        with store.reading() as uow:
            polled = [orjson.loads(raw) for raw in uow.jobs.search(Scope(BIG), poll, limit=10, offset=0)]
    assert len(polled) == 10
    assert {job["client_id"] for job in polled} == {"client7"}
    assert all(job["job_schedule"]["status"] != "completed" for job in polled)
    names = ("get", "list", "list small project", "search backup_name", "job poll")
    assert len(recorded) == len(names)
    return dict(zip(names, recorded, strict=False))


# Searches must be driven by the terms table's key, whatever else the planner does.
DRIVING_INDEX = {
    "sqlite": {"search backup_name": "backup_terms key", "job poll": "job_terms key"},
    "postgresql": {"search backup_name": "pk_backup_terms", "job poll": "pk_job_terms"},
    "mysql": {"search backup_name": "PRIMARY", "job poll": "PRIMARY"},
}


def test_every_statement_is_answered_through_indexes(catalog):
    engine = catalog.read_engine  # autocommit: one failed EXPLAIN does not poison the next
    dialect = "mysql" if engine.dialect.name == "mariadb" else engine.dialect.name
    explain = {"sqlite": explain_sqlite, "postgresql": explain_postgresql, "mysql": explain_mysql}[dialect]
    raw = engine.raw_connection()
    try:
        plans = {name: explain(raw, engine.dialect, statement) for name, statement in api_statements(catalog).items()}
    finally:
        raw.close()
    assert {name: plan.problems for name, plan in plans.items() if plan.problems} == {}
    for name, index in DRIVING_INDEX[dialect].items():
        assert index in plans[name].indexes, (name, plans[name].indexes)


@dataclass
class Plan:
    problems: list[str] = field(default_factory=list)
    indexes: set[str] = field(default_factory=set)


def explain_sqlite(raw, dialect, statement: Statement) -> Plan:
    details = [str(row[-1]) for row in _fetch(raw, "EXPLAIN QUERY PLAN ", *statement.sql(dialect))]
    plan = Plan(problems=[d for d in details if d.startswith("SCAN ") or "TEMP B-TREE" in d])
    plan.indexes = {match.group(1) for d in details if (match := re.search(r"USING (?:COVERING )?INDEX (\w+)", d))}
    # A WITHOUT ROWID table is searched by its key: name it after the table behind the alias.
    aliases = {alias: table for table, alias in re.findall(r"(\w+) AS (\w+)", statement.sql(dialect)[0])}
    for d in details:
        if match := re.match(r"SEARCH (\w+) USING PRIMARY KEY", d):
            plan.indexes.add(f"{aliases.get(match.group(1), match.group(1))} key")
    if not plan.indexes and not any("PRIMARY KEY" in d for d in details):
        plan.problems.append(f"no index used: {details}")
    return plan


def explain_postgresql(raw, dialect, statement: Statement) -> Plan:
    sql, parameters = statement.sql(dialect)
    plan = Plan()
    _walk_pg_plan("custom", _fetch(raw, "EXPLAIN (FORMAT JSON) ", sql, parameters)[0][0][0]["Plan"], plan)
    # The generic plan of the same statement prepared with $n parameters.
    compiled = statement.query.statement.compile(dialect=PGDialect_psycopg(paramstyle="numeric_dollar"))
    values = [statement.values[name] for name in dict.fromkeys(compiled.positiontup)]
    cursor = raw.cursor()
    try:
        cursor.execute("PREPARE plan_check AS " + compiled.string)
        cursor.execute("SET plan_cache_mode = force_generic_plan")
        arguments = psycopg_sql.SQL(", ").join(psycopg_sql.Literal(value) for value in values)
        cursor.execute(psycopg_sql.SQL("EXPLAIN (FORMAT JSON) EXECUTE plan_check ({})").format(arguments))
        _walk_pg_plan("generic", cursor.fetchall()[0][0][0]["Plan"], plan)
    finally:
        cursor.execute("DEALLOCATE plan_check")
        cursor.execute("RESET plan_cache_mode")
        cursor.close()
    return plan


def _walk_pg_plan(kind: str, node: dict, plan: Plan) -> None:
    node_type = node["Node Type"]
    if node_type.endswith("Sort") or (node_type.endswith("Scan") and "Index" not in node_type):
        plan.problems.append(f"{kind} plan: {node_type} {node.get('Relation Name', '')}".strip())
    if "Index Name" in node:
        plan.indexes.add(node["Index Name"])
    for child in node.get("Plans", []):
        _walk_pg_plan(kind, child, plan)


def explain_mysql(raw, dialect, statement: Statement) -> Plan:
    cursor = raw.cursor()
    try:
        cursor.execute("EXPLAIN " + (sql := statement.sql(dialect))[0], sql[1])
        columns = [column[0] for column in cursor.description]
        rows = [dict(zip(columns, row, strict=False)) for row in cursor.fetchall()]
    finally:
        cursor.close()
    plan = Plan(indexes={row["key"] for row in rows if row["key"]})
    for row in rows:
        extra = row.get("Extra") or ""
        if row["type"] == "ALL" or row["key"] is None:
            plan.problems.append(f"{row['table']}: {row['type']} without an index")
        if "filesort" in extra or "temporary" in extra:
            plan.problems.append(f"{row['table']}: {extra}")
    return plan


def _fetch(raw, prefix: str, sql: str, parameters) -> list[tuple]:
    cursor = raw.cursor()
    try:
        cursor.execute(prefix + sql, parameters)
        return cursor.fetchall()
    finally:
        cursor.close()
