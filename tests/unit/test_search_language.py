"""The search language of list requests, answered by a store: match, match_not, _all, time bounds, scopes."""

from __future__ import annotations

import orjson
import pytest

from freezer_api.context import RequestContext
from freezer_api.domain.errors import BadRequest
from freezer_api.domain.ports import Scope
from freezer_api.domain.search import parse_search
from tests.support.factories import backup_metadata, client_info


@pytest.fixture
def backups(services, store, ctx, project) -> dict[str, str]:
    """Three backups of one project, by name; "var" as older releases stored it (string time_stamp and level)."""
    metadata = {
        "etc": backup_metadata(backup_name="etc", time_stamp=100, curr_backup_level=0, tags=["nightly", 7]),
        "home": backup_metadata(backup_name="home", time_stamp=200, curr_backup_level=1.0, hostname="Web01"),
    }
    ids = {name: services.backups.create(ctx, project, body) for name, body in metadata.items()}
    older = backup_metadata(backup_name="var", time_stamp="300", curr_backup_level="1", mode="mysql")
    doc = {"backup_id": "older-var", "project_id": project, "user_id": ctx.user_id, "status": "available"}
    store.atomic(
        lambda uow: uow.backups.insert(
            project, "older-var", ctx.user_id, {**doc, "backup_metadata": older}, {"user_name": ctx.user_name}
        )
    )
    return {**ids, "var": "older-var"}


def found(services, project, search, **paging) -> list[str]:
    paging = {"limit": 100, "offset": 0, **paging}
    return [
        orjson.loads(raw)["backup_metadata"]["backup_name"] for raw in services.backups.list(project, search, **paging)
    ]


def test_no_search_lists_everything_in_creation_order(services, project, backups):
    assert found(services, project, None) == ["etc", "home", "var"]
    assert found(services, project, {}) == ["etc", "home", "var"]


def test_match_pairs_all_apply(services, project, backups):
    assert found(services, project, {"match": [{"mode": "fs"}]}) == ["etc", "home"]
    assert found(services, project, {"match": [{"mode": "fs"}, {"backup_name": "home"}]}) == ["home"]
    assert found(services, project, {"match": [{"mode": "fs", "backup_name": "var"}]}) == []


def test_numbers_match_numerically_and_never_strings(services, project, backups):
    assert found(services, project, {"match": [{"curr_backup_level": 1}]}) == ["home"]
    assert found(services, project, {"match": [{"curr_backup_level": "1"}]}) == ["var"]


def test_an_array_matches_each_of_its_elements(services, project, backups):
    assert found(services, project, {"match": [{"tags": "nightly"}]}) == ["etc"]
    assert found(services, project, {"match": [{"tags": 7}]}) == ["etc"]
    assert found(services, project, {"match": [{"tags": ["nightly", 7]}]}) == ["etc"]


def test_match_not_excludes(services, project, backups):
    assert found(services, project, {"match_not": [{"mode": "fs"}]}) == ["var"]
    assert found(services, project, {"match": [{"mode": "fs"}], "match_not": [{"backup_name": "etc"}]}) == ["home"]


def test_free_text_matches_any_string_value_ignoring_case(services, project, backups):
    assert found(services, project, {"match": [{"_all": "WEB01"}]}) == ["home"]
    assert found(services, project, {"match": [{"_all": '[{"backup_name": "var"}]'}]}) == ["var"]
    assert found(services, project, {"match": [{"_all": "100"}]}) == []  # numbers are not text


def test_time_bounds_are_inclusive_and_read_digit_strings(services, project, backups):
    assert found(services, project, {"time_after": 200}) == ["home", "var"]
    assert found(services, project, {"time_before": "200"}) == ["etc", "home"]
    assert found(services, project, {"time_after": 150, "time_before": 250}) == ["home"]


def test_paging_and_markers(services, project, backups):
    assert found(services, project, None, limit=1, offset=1) == ["home"]
    page = services.backups.list_with_attributes(project, None, limit=10, offset=0, after_id=backups["etc"])
    assert [orjson.loads(raw)["backup_metadata"]["backup_name"] for raw, _ in page] == ["home", "var"]
    assert all(attributes == {"user_name": "Ursula"} for _, attributes in page)
    with pytest.raises(BadRequest, match="to page after"):
        services.backups.list_with_attributes(project, None, limit=10, offset=0, after_id="no-such-backup")


def test_other_projects_are_out_of_scope(services, store, project, backups):
    assert found(services, "another-project", None) == []
    with store.reading() as uow:
        everywhere = uow.backups.search(Scope(None), parse_search(None), limit=10, offset=0)
    assert len(everywhere) == 3


def test_client_lists_include_other_projects_central_clients(services, ctx, project):
    own = services.clients.register(ctx, project, client_info())
    other = "q" + project[1:]
    other_ctx = RequestContext(user_id="admin", project_id=other)
    central = services.clients.register(other_ctx, other, client_info(is_central=True))
    services.clients.register(other_ctx, other, client_info())  # not central: not listed
    listed = [
        orjson.loads(raw)["client"]["client_id"] for raw in services.clients.list(project, None, limit=10, offset=0)
    ]
    assert listed == [own, central]


@pytest.mark.parametrize(
    "body",
    [
        [],
        {"match": {"mode": "fs"}},
        {"match": [["mode", "fs"]]},
        {"match_not": "fs"},
        {"time_after": "yesterday"},
    ],
)
def test_malformed_searches_are_bad_requests(services, project, body):
    with pytest.raises(BadRequest):
        services.backups.list(project, body, limit=10, offset=0)


def test_time_bounds_are_ignored_where_documents_have_no_time(services, ctx, project, client_id):
    assert parse_search({"time_after": 5}).time_after is None
    assert len(services.clients.list(project, {"time_after": 10**12}, limit=10, offset=0)) == 1
