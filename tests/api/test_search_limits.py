"""What one search may cost: a bounded number of clauses and value length, and no unknown keys.

A caller's mistake is a 400 that says what is wrong, never a 503 (which
pages an operator and invites the same request again) and never a silently
unfiltered list. Run on every engine: the limit must still be answerable there.
"""

from __future__ import annotations

import orjson
import pytest

from freezer_api.domain.search import DEFAULT_MAX_SEARCH_TERMS, DEFAULT_MAX_SEARCH_VALUE_LENGTH, SEARCH_KEYS
from tests.support.factories import backup_metadata, client_info, job


def assert_400_naming(reply, *words: str) -> str:
    assert reply.status == 400, reply
    body = reply.json()
    assert set(body) == {"title", "description"}, body
    for word in words:
        assert word in body["description"], body
    return body["description"]


@pytest.fixture
def wide_backup(api, project):
    """A backup with as many distinct fields as a search may name."""
    path = f"/v2/{project}/backups"
    fields = {f"field{index}": f"value{index}" for index in range(DEFAULT_MAX_SEARCH_TERMS)}
    reply = api.post(path, backup_metadata(backup_name="wide", **fields))
    assert reply.status == 201, reply
    return path, fields


def test_a_search_at_the_clause_limit_is_answered(api, wide_backup):
    path, fields = wide_backup
    search = {"match": [{name: value} for name, value in fields.items()]}
    reply = api.get(path, search)
    assert reply.status == 200, reply
    assert [b["backup_metadata"]["backup_name"] for b in reply.json()["backups"]] == ["wide"]


def test_one_clause_more_than_the_limit_is_400_naming_it(api, wide_backup):
    path, fields = wide_backup
    search = {"match": [{name: value} for name, value in fields.items()], "match_not": [{"status": "gone"}]}
    assert_400_naming(api.get(path, search), str(DEFAULT_MAX_SEARCH_TERMS), "max_search_terms")


@pytest.mark.parametrize(
    "search",
    [
        {"match": [{"backup_name": f"name-{index}"} for index in range(1000)]},
        {"match_not": [{"backup_name": f"name-{index}"} for index in range(2000)]},
        {"match": [{f"field{index}": index for index in range(500)}]},  # one object, many pairs
        {"match": [{"_all": orjson.dumps([{"client_id": f"c{index}"} for index in range(200)]).decode()}]},
    ],
    ids=["1000 match", "2000 match_not", "500 pairs in one object", "200 pairs in _all"],
)
def test_huge_searches_are_400_not_503(api, project, search):
    # Refused before any statement runs (no timed assertion here: speed is bench/'s).
    reply = api.get(f"/v2/{project}/backups", search)
    assert_400_naming(reply, "max_search_terms")


def test_a_clause_repeated_counts_once(api, project):
    """The scheduler's client library appends its client_id pair again on every page."""
    client_id = "repeating-node"
    assert api.post(f"/v2/{project}/clients", client_info(client_id)).status == 201
    assert api.post(f"/v2/{project}/jobs", job(client_id)).status == 201
    search = {"match_not": [{"status": "completed"}], "match": [{"client_id": client_id}] * 300}
    reply = api.get(f"/v2/{project}/jobs", search, params={"limit": 10})
    assert reply.status == 200, reply
    assert len(reply.json()["jobs"]) == 1


def test_value_length_is_bounded(api, project):
    path = f"/v2/{project}/backups"
    longest = "x" * DEFAULT_MAX_SEARCH_VALUE_LENGTH
    assert api.post(path, backup_metadata(backup_name=longest)).status == 201
    reply = api.get(path, {"match": [{"backup_name": longest}]})
    assert reply.status == 200, reply
    assert len(reply.json()["backups"]) == 1
    too_long = longest + "x"
    for search in (
        {"match": [{"backup_name": too_long}]},
        {"match_not": [{too_long: 1}]},
        {"match": [{"_all": too_long}]},
    ):
        assert_400_naming(api.get(path, search), str(DEFAULT_MAX_SEARCH_VALUE_LENGTH), "max_search_value_length")
    # A structured value counts by its JSON text.
    nested = {
        "match": [
            {"tags": ["a" * (DEFAULT_MAX_SEARCH_VALUE_LENGTH // 2), "b" * (DEFAULT_MAX_SEARCH_VALUE_LENGTH // 2)]}
        ]
    }
    assert_400_naming(api.get(path, nested), "max_search_value_length")


@pytest.mark.parametrize("kind", ["backups", "jobs", "clients", "actions", "sessions"])
def test_an_unknown_top_level_key_is_400_naming_it_and_the_known_ones(api, project, kind):
    """A typo in a cleanup script must not turn into 'every document'."""
    description = assert_400_naming(api.get(f"/v2/{project}/{kind}", {"backup_name": "etc"}), "'backup_name'")
    for known in SEARCH_KEYS:
        assert known in description


def test_v1_lists_refuse_unknown_keys_and_huge_searches_too(api, project):
    headers = {"X-Project-Id": project}
    v1 = api.with_headers(**headers)
    assert_400_naming(v1.get("/v1/backups", {"backup_name": "etc"}), "'backup_name'")
    assert_400_naming(v1.get("/v1/clients", {"match": [{"client_id": str(i)} for i in range(100)]}), "max_search_terms")


@pytest.mark.parametrize("kind", ["jobs", "clients", "actions", "sessions"])
def test_time_bounds_stay_accepted_everywhere(api, project, kind):
    """Clients send them on backups; elsewhere they are accepted and have no effect."""
    reply = api.get(f"/v2/{project}/{kind}", {"time_after": 1, "time_before": 2, "match": [], "match_not": []})
    assert reply.status == 200, reply
