"""A GET is one indexed query; a list or search is one query, whatever the catalog size."""

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

    search = {"match": [{"backup_name": "b1"}, {"storage": "local"}], "match_not": [{"status": "error"}],
              "time_after": 0}
    with recorded_statements() as statements:
        assert len(backups.list(project, search, limit=100, offset=0)) == 10
    assert len(statements) == 1
