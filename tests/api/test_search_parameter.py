"""The search object as a query parameter (`?search=<URL-encoded JSON>`), for browsers (docs/search.md#parameter)."""

from __future__ import annotations

import orjson
import pytest

from freezer_api.domain.search import DEFAULT_MAX_SEARCH_TERMS
from tests.api.test_search_limits import assert_400_naming
from tests.support.factories import backup_metadata, client_info, job


def as_parameter(search) -> dict[str, str]:
    return {"search": orjson.dumps(search).decode()}


@pytest.fixture
def backups(api, project):
    path = f"/v2/{project}/backups"
    for name, stamp in (("etc", 1000), ("var", 2000), ("home", 3000)):
        assert api.post(path, backup_metadata(backup_name=name, time_stamp=stamp)).status == 201
    return path


def names(reply) -> list[str]:
    assert reply.status == 200, reply
    return [b["backup_metadata"]["backup_name"] for b in reply.json()["backups"]]


def test_the_parameter_filters_like_the_body(api, backups):
    for search in (
        {"match": [{"backup_name": "var"}]},
        {"match_not": [{"backup_name": "var"}]},
        {"time_after": 1500, "time_before": 2500},
    ):
        assert names(api.get(backups, params=as_parameter(search))) == names(api.get(backups, search))


def test_every_v2_list_takes_it(api, project):
    client = client_info()
    assert api.post(f"/v2/{project}/clients", client).status == 201
    assert api.post(f"/v2/{project}/jobs", job(client["client_id"], description="wanted")).status == 201
    assert api.post(f"/v2/{project}/jobs", job(client["client_id"], description="other")).status == 201
    reply = api.get(f"/v2/{project}/jobs", params=as_parameter({"match": [{"description": "wanted"}]}))
    assert [j["description"] for j in reply.json()["jobs"]] == ["wanted"]
    reply = api.get(f"/v2/{project}/clients", params=as_parameter({"match": [{"hostname": client["hostname"]}]}))
    assert [c["client"]["client_id"] for c in reply.json()["clients"]] == [client["client_id"]]
    for kind in ("actions", "sessions"):
        reply = api.get(f"/v2/{project}/{kind}", params=as_parameter({"match": [{"nothing": "here"}]}))
        assert reply.status == 200 and reply.json() == {kind: []}, reply


def test_v1_lists_take_it_too(api, backups):
    reply = api.get("/v1/backups", params=as_parameter({"match": [{"backup_name": "home"}]}))
    assert reply.status == 200, reply


def test_an_empty_parameter_means_no_filter(api, backups):
    assert sorted(names(api.get(backups, params={"search": ""}))) == ["etc", "home", "var"]


def test_a_body_and_the_parameter_together_are_400(api, backups):
    reply = api.get(backups, {"match": [{"backup_name": "etc"}]}, params=as_parameter({"match": []}))
    assert_400_naming(reply, "not both")


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("{not json", ("search", "not valid JSON")),
        ('{"mtach": []}', ("mtach",)),
        ('{"match": {"backup_name": "etc"}}', ("match",)),
        ("[" * 40 + "]" * 40, ("deep",)),
    ],
    ids=["malformed", "unknown key", "wrong shape", "too deep"],
)
def test_a_bad_parameter_is_400_naming_the_problem(api, backups, value, words):
    assert_400_naming(api.get(backups, params={"search": value}), *words)


def test_the_parameter_has_the_search_cost_limits(api, backups):
    search = {"match": [{f"field{index}": index} for index in range(DEFAULT_MAX_SEARCH_TERMS + 1)]}
    assert_400_naming(api.get(backups, params=as_parameter(search)), "max_search_terms")


def test_the_parameter_given_twice_is_400(api, backups):
    reply = api.get(backups, params={"search": ["{}", "{}"]})
    assert_400_naming(reply, "search")
