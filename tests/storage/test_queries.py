"""A GET is one indexed query; a list or search is one query, whatever the catalog size."""

from contextlib import contextmanager

import orjson
import pytest

from freezer_api.context import RequestContext
from freezer_api.domain.backups import Backups
from freezer_api.storage import documents
from tests.conftest import new_project
from tests.support.factories import backup_metadata


@contextmanager
def recorded_statements(engine):
    """Every SQL statement reads send to the database (they all go through DocumentReader._rows)."""
    statements = []
    original = documents.DocumentReader._rows

    def record(reader, query, values):
        statements.append(query.parameters(reader.dialect, values))
        return original(reader, query, values)

    documents.DocumentReader._rows = record
    try:
        yield statements
    finally:
        documents.DocumentReader._rows = original


def test_get_list_and_search_are_one_query_each(store):
    backups = Backups(store)
    project = new_project()
    caller = RequestContext(user_id="u", project_id=project, roles=["member"])
    ids = [backups.create(caller, project, backup_metadata(backup_name=f"b{i % 3}")) for i in range(30)]

    with recorded_statements(store.engine) as statements:
        backups.get(project, ids[7])
    assert len(statements) == 1

    with recorded_statements(store.engine) as statements:
        assert len(backups.list(project, None, limit=10, offset=10)) == 10
    assert len(statements) == 1

    search = {"match": [{"backup_name": "b1"}, {"storage": "local"}], "match_not": [{"status": "error"}],
              "time_after": 0}
    with recorded_statements(store.engine) as statements:
        assert len(backups.list(project, search, limit=100, offset=0)) == 10
    assert len(statements) == 1


def test_sqlite_plans_use_indexes(store):
    """On SQLite, EXPLAIN QUERY PLAN shows index searches, never a scan of the documents."""
    if store.engine.dialect.name != "sqlite":
        pytest.skip("plan shape checked on SQLite here; PostgreSQL plans are checked in the engine suite")
    backups = Backups(store)
    project = new_project()
    caller = RequestContext(user_id="u", project_id=project, roles=["member"])
    backup_id = backups.create(caller, project, backup_metadata(backup_name="x"))

    with recorded_statements(store.engine) as statements:
        backups.get(project, backup_id)
        backups.list(project, None, limit=10, offset=0)
        backups.list(project, {"match": [{"backup_name": "x"}]}, limit=10, offset=0)
    assert len(statements) == 3
    with store.engine.connect() as conn:
        for sql, params in statements:
            rows = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql, tuple(params)).fetchall()
            plan = "\n".join(str(row[-1]) for row in rows)
            assert "SCAN backups" not in plan, plan
            assert "USING" in plan and "INDEX" in plan, plan
            assert "TEMP B-TREE" not in plan, plan  # pages come in index order, never sorted


def test_a_marker_page_with_attributes_is_one_indexed_query(store):
    backups = Backups(store)
    project = new_project()
    caller = RequestContext(user_id="u", project_id=project, roles=["member"], user_name="alice")
    ids = [backups.create(caller, project, backup_metadata(backup_name=f"b{i % 2}")) for i in range(6)]

    with recorded_statements(store.engine) as statements:
        page = backups.list_with_attributes(project, None, limit=2, offset=0, after_id=ids[1])
        searched = backups.list_with_attributes(project, {"match": [{"backup_name": "b0"}]}, limit=5, offset=0,
                                                after_id=ids[0])
    assert [orjson.loads(raw)["backup_id"] for raw, _ in page] == ids[2:4]
    assert [attributes for _, attributes in page] == [{"user_name": "alice"}] * 2
    assert [orjson.loads(raw)["backup_id"] for raw, _ in searched] == [ids[2], ids[4]]
    assert len(statements) == 2
    if store.engine.dialect.name != "sqlite":
        return
    with store.engine.connect() as conn:
        for sql, params in statements:
            rows = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql, tuple(params)).fetchall()
            plan = "\n".join(str(row[-1]) for row in rows)
            assert "SCAN backups" not in plan and "SCAN marker" not in plan, plan
            assert "TEMP B-TREE" not in plan, plan
