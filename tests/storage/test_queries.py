"""A GET is one indexed query; a list or search is one query, whatever the catalog size."""

import orjson

from freezer_api.context import RequestContext
from freezer_api.domain.backups import Backups
from tests.conftest import new_project
from tests.support.factories import backup_metadata
from tests.support.statements import recorded_statements


def test_get_list_and_search_are_one_query_each(store):
    backups = Backups(store)
    project = new_project()
    caller = RequestContext(user_id="u", project_id=project, roles=["member"])
    ids = [backups.create(caller, project, backup_metadata(backup_name=f"b{i % 3}")) for i in range(30)]

    with recorded_statements() as statements:
        backups.get(project, ids[7])
    assert len(statements) == 1

    with recorded_statements() as statements:
        assert len(backups.list(project, None, limit=10, offset=10)) == 10
    assert len(statements) == 1

    search = {
        "match": [{"backup_name": "b1"}, {"storage": "local"}],
        "match_not": [{"status": "error"}],
        "time_after": 0,
    }
    with recorded_statements() as statements:
        assert len(backups.list(project, search, limit=100, offset=0)) == 10
    assert len(statements) == 1


def test_a_marker_page_with_attributes_is_one_indexed_query(store):
    backups = Backups(store)
    project = new_project()
    caller = RequestContext(user_id="u", project_id=project, roles=["member"], user_name="alice")
    ids = [backups.create(caller, project, backup_metadata(backup_name=f"b{i % 2}")) for i in range(6)]

    with recorded_statements() as statements:
        page = backups.list_with_attributes(project, None, limit=2, offset=0, after_id=ids[1])
        searched = backups.list_with_attributes(
            project, {"match": [{"backup_name": "b0"}]}, limit=5, offset=0, after_id=ids[0]
        )
    assert [orjson.loads(raw)["backup_id"] for raw, _ in page] == ids[2:4]
    assert [attributes for _, attributes in page] == [{"user_name": "alice"}] * 2
    assert [orjson.loads(raw)["backup_id"] for raw, _ in searched] == [ids[2], ids[4]]
    assert len(statements) == 2
    if store.engine.dialect.name != "sqlite":
        return
    with store.engine.connect() as conn:
        for statement in statements:
            sql, params = statement.sql(store.engine.dialect)
            rows = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql, tuple(params)).fetchall()
            plan = "\n".join(str(row[-1]) for row in rows)
            assert "SCAN backups" not in plan and "SCAN marker" not in plan, plan
            assert "TEMP B-TREE" not in plan, plan
