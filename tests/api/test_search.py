"""The search language of list requests (docs/search.md), evaluated by the database."""

import pytest

from tests.support.factories import backup_metadata


@pytest.fixture
def catalog(api, project, store_older_backups):
    """Four backups of one project, two stored with values older releases accepted; (path, {name: backup_id})."""
    path = f"/v2/{project}/backups"
    docs = {
        "etc": backup_metadata(
            backup_name="etc",
            storage="swift",
            time_stamp=1000,
            curr_backup_level=0,
            nested={"deep": {"owner": "Alice"}},
            tags=["gold", "weekly"],
        ),
        "var": backup_metadata(
            backup_name="var",
            storage="local",
            time_stamp=2000,
            curr_backup_level=1,
            nested={"deep": {"owner": "bob"}},
            tags=["silver"],
        ),
    }
    older = {
        "home": backup_metadata(
            backup_name="home", storage="local", time_stamp="3000", curr_backup_level=1.0, encrypted=True
        ),
        "srv": backup_metadata(backup_name="srv", storage="s3", time_stamp=4000, curr_backup_level="1", status="error"),
    }
    ids = {}
    for name, doc in docs.items():
        reply = api.post(path, doc)
        assert reply.status == 201
        ids[name] = reply.json()["backup_id"]
    for name, doc in older.items():
        store_older_backups(project, {f"older-{name}": doc})
        ids[name] = f"older-{name}"
    return path, ids


def names(api, path, search, **params):
    reply = api.get(path, search, params=params)
    assert reply.status == 200, reply
    return [b["backup_metadata"]["backup_name"] for b in reply.json()["backups"]]


def test_match_on_a_nested_leaf_name(api, catalog):
    path, _ = catalog
    assert names(api, path, {"match": [{"backup_name": "var"}]}) == ["var"]
    assert names(api, path, {"match": [{"owner": "Alice"}]}) == ["etc"]


def test_match_is_exact_and_case_sensitive(api, catalog):
    path, _ = catalog
    assert names(api, path, {"match": [{"owner": "alice"}]}) == []
    assert names(api, path, {"match": [{"backup_name": "va"}]}) == []
    assert names(api, path, {"match": [{"backup_name": "var "}]}) == []


def test_every_pair_of_every_match_entry_must_hold(api, catalog):
    path, _ = catalog
    assert names(api, path, {"match": [{"storage": "local"}, {"curr_backup_level": 1}]}) == ["var", "home"]
    assert names(api, path, {"match": [{"storage": "local", "backup_name": "home"}]}) == ["home"]
    assert names(api, path, {"match": [{"storage": "local"}, {"storage": "s3"}]}) == []


def test_numbers_compare_numerically_but_never_equal_strings(api, catalog):
    path, _ = catalog
    assert names(api, path, {"match": [{"curr_backup_level": 1}]}) == ["var", "home"]
    assert names(api, path, {"match": [{"curr_backup_level": 1.0}]}) == ["var", "home"]
    assert names(api, path, {"match": [{"curr_backup_level": "1"}]}) == ["srv"]


def test_booleans_and_array_elements_match(api, catalog):
    path, _ = catalog
    assert names(api, path, {"match": [{"encrypted": True}]}) == ["home"]
    assert names(api, path, {"match": [{"tags": "weekly"}]}) == ["etc"]


def test_match_not_drops_documents_where_any_pair_matches(api, catalog):
    path, _ = catalog
    assert names(api, path, {"match_not": [{"storage": "local"}]}) == ["etc", "srv"]
    assert names(api, path, {"match_not": [{"storage": "local"}, {"backup_name": "srv"}]}) == ["etc"]
    assert names(api, path, {"match": [{"storage": "local"}], "match_not": [{"backup_name": "var"}]}) == ["home"]


def test_top_level_status_is_searchable(api, catalog):
    path, _ = catalog
    assert names(api, path, {"match": [{"status": "error"}]}) == ["srv"]
    assert names(api, path, {"match_not": [{"status": "available"}]}) == ["srv"]


def test_repeated_pairs_are_harmless(api, catalog):
    path, _ = catalog
    search = {"match": [{"storage": "local"}, {"storage": "local"}, {"storage": "local"}]}
    assert names(api, path, search) == ["var", "home"]


def test_time_bounds_are_inclusive_on_time_stamp(api, catalog):
    path, _ = catalog
    assert names(api, path, {"time_after": 2000}) == ["var", "home", "srv"]
    assert names(api, path, {"time_before": 2000}) == ["etc", "var"]
    assert names(api, path, {"time_after": "2000", "time_before": "3000"}) == ["var", "home"]
    assert names(api, path, {"time_after": 2001, "match": [{"storage": "local"}]}) == ["home"]


def test_free_text_searches_string_values_case_insensitively(api, catalog):
    path, _ = catalog
    assert names(api, path, {"match": [{"_all": "ALICE"}]}) == ["etc"]
    assert names(api, path, {"match": [{"_all": "50%"}]}) == []


def test_free_text_holding_a_json_list_of_pairs_is_a_match(api, catalog):
    path, _ = catalog
    assert names(api, path, {"match": [{"_all": '[{"storage": "local"}, {"backup_name": "var"}]'}]}) == ["var"]


def test_paging_applies_after_filtering(api, catalog):
    path, _ = catalog
    search = {"match_not": [{"backup_name": "etc"}]}
    assert names(api, path, search, limit=2) == ["var", "home"]
    assert names(api, path, search, limit=2, offset=2) == ["srv"]


@pytest.mark.parametrize(
    "search",
    [
        [1, 2],
        "text",
        {"match": {"storage": "local"}},
        {"match": ["storage"]},
        {"match_not": 5},
        {"time_after": "yesterday"},
        {"time_before": True},
    ],
)
def test_malformed_search_is_400(api, catalog, search):
    path, _ = catalog
    reply = api.get(path, search)
    assert reply.status == 400
    assert reply.json()["description"]


def test_unknown_top_level_keys_are_refused_not_ignored(api, catalog):
    """Once ignored (the whole catalog came back); test_search_limits.py has the details."""
    path, _ = catalog
    assert api.get(path, {"sort": "whatever"}).status == 400


def test_long_values_are_matched_exactly(api, project):
    path = f"/v2/{project}/backups"
    long_a, long_b = "a" * 500, "a" * 499 + "b"
    api.post(path, backup_metadata(backup_name="long", comment=long_a))
    assert names(api, path, {"match": [{"comment": long_a}]}) == ["long"]
    assert names(api, path, {"match": [{"comment": long_b}]}) == []
