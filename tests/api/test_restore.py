"""Backup sets, restore plans and restores from the catalog (docs/restore.md), on every engine."""

from __future__ import annotations

import pytest

from tests.support.factories import backup_metadata, client_info, original_backup_metadata

HOST, NAME, CONTAINER = "db01.example.com", "etc", "/var/lib/freezer/backups"


def record(api, project, time_stamp, level, **overrides) -> str:
    body = backup_metadata(
        hostname=overrides.pop("hostname", HOST),
        backup_name=overrides.pop("backup_name", NAME),
        container=overrides.pop("container", CONTAINER),
        time_stamp=time_stamp,
        curr_backup_level=level,
        **overrides,
    )
    reply = api.post(f"/v2/{project}/backups", body)
    assert reply.status == 201, reply
    return reply.json()["backup_id"]


def sets(api, project, search=None, **params) -> list[dict]:
    path = f"/v2/{project}/backup-sets"
    reply = api.get(path, search, params=params) if search is not None else api.get(path, params=params)
    assert reply.status == 200, reply
    return reply.json()["backup_sets"]


def restore_plan(api, project, **params):
    return api.get(f"/v2/{project}/restore-plan", params={"hostname": HOST, "backup_name": NAME, **params})


def assert_error(reply, status, *words):
    assert reply.status == status, reply
    body = reply.json()
    assert set(body) >= {"title", "description"}
    for word in words:
        assert word in body["description"], body


# -- backup sets --------------------------------------------------------------------


def test_backup_sets_summarize_each_container_host_and_name(api, project, store_older_backups):
    b = [record(api, project, 1000 + 10 * n, level) for n, level in enumerate([0, 1, 2, 0, 1])]
    record(api, project, 5000, 0, hostname="web01")
    record(api, project, 6000, 0, container="/other")
    store_older_backups(project, {"older": backup_metadata(hostname=HOST, backup_name=NAME, time_stamp="yesterday")})

    listed = sets(api, project)
    assert [(s["container"], s["hostname"], s["backup_name"]) for s in listed] == [
        (CONTAINER, HOST, NAME),
        (CONTAINER, "web01", NAME),
        ("/other", HOST, NAME),
    ]
    first = listed[0]
    assert {key: first[key] for key in ("backups", "first_at", "last_at", "last_level0_at", "chains")} == {
        "backups": 6,
        "first_at": 1000,
        "last_at": 1040,
        "last_level0_at": 1030,
        "chains": 2,
    }
    assert first["complete"] is True
    assert (first["backup_id"], first["storage"], first["mode"]) == (b[4], "local", "fs")
    assert first["unusable"] == [
        {"backup_id": "older", "reason": "its time_stamp 'yesterday' is not a non-negative integer"}
    ]


def test_a_skipped_level_or_a_missing_level_zero_makes_a_set_incomplete(api, project):
    for n, level in enumerate([0, 1, 3]):
        record(api, project, 1000 + n, level)
    record(api, project, 1000, 2, backup_name="orphans")
    assert [s["complete"] for s in sets(api, project)] == [False, False]


def test_backup_sets_match_on_their_names_and_page_in_a_stable_order(api, project):
    for n in range(5):
        record(api, project, 1000 + n, 0, hostname=f"host{n}")
        record(api, project, 2000 + n, 0, hostname=f"host{n}", backup_name="var")
    everything = sets(api, project, limit=100)
    assert len(everything) == 10
    assert (
        sets(api, project, limit=4) + sets(api, project, limit=4, offset=4) + sets(api, project, limit=4, offset=8)
        == everything
    )
    matched = sets(api, project, {"match": [{"hostname": "host3"}]})
    assert [(s["hostname"], s["backup_name"]) for s in matched] == [("host3", NAME), ("host3", "var")]
    matched = sets(api, project, {"match": [{"hostname": "host3", "backup_name": "var"}, {"container": CONTAINER}]})
    assert [(s["hostname"], s["backup_name"]) for s in matched] == [("host3", "var")]
    assert sets(api, project, {"match": [{"hostname": "host3"}, {"hostname": "host4"}]}) == []


@pytest.mark.parametrize(
    "search", [{"match": [{"status": "x"}]}, {"match": [{"hostname": 3}]}, {"sort": "x"}, {"match": "host"}, [1]]
)
def test_backup_set_searches_other_than_name_matches_are_400(api, project, search):
    assert_error(api.get(f"/v2/{project}/backup-sets", search), 400)


def test_backups_recorded_through_v1_count_the_same(api, project):
    for n, level in enumerate([0, 1]):
        metadata = original_backup_metadata(
            container="freezer_backups", host_name=HOST, backup_name=NAME, timestamp=1000 + n, level=level
        )
        assert api.post("/v1/backups", metadata).status == 201
    (listed,) = sets(api, project)
    assert (listed["backups"], listed["chains"], listed["complete"], listed["last_at"]) == (2, 1, True, 1001)
    found = restore_plan(api, project).json()
    assert found["backup_id"] == f"freezer_backups_{HOST}_{NAME}_1001_1"
    assert [b["backup_metadata"]["curr_backup_level"] for b in found["chain"]] == [0, 1]


# -- restore plans --------------------------------------------------------------------


@pytest.fixture
def three(api, project) -> list[str]:
    """Backups of levels 0, 1, 2 at 1000, 2000, 3000."""
    return [record(api, project, 1000 * (n + 1), n) for n in range(3)]


@pytest.mark.parametrize(("at", "point", "count"), [(1000, 1000, 1), (1999, 1000, 1), (2500, 2000, 2), (3000, 3000, 3)])
def test_the_restore_plan_names_the_newest_backup_at_or_before_the_time(api, project, three, at, point, count):
    reply = restore_plan(api, project, at=at)
    assert reply.status == 200, reply
    found = reply.json()
    assert (found["restore_point"], found["complete"], found["skipped"]) == (point, True, [])
    assert [b["backup_id"] for b in found["chain"]] == three[:count]
    assert found["backup_id"] == three[count - 1] and found["container"] == CONTAINER


def test_the_restore_plan_defaults_to_now(api, project, three):
    assert restore_plan(api, project).json()["restore_point"] == 3000


def test_the_restore_plan_skips_broken_newer_backups_and_says_why(api, project, three):
    broken = record(api, project, 4000, 4)
    found = restore_plan(api, project, at=5000).json()
    assert found["restore_point"] == 3000
    assert [(s["backup_id"], "level 3 is missing" in s["reason"]) for s in found["skipped"]] == [(broken, True)]


def test_no_usable_backup_is_404(api, project, three):
    assert_error(restore_plan(api, project, at=999), 404, "no level-0")
    assert_error(restore_plan(api, project, hostname="nobody"), 404)


def test_several_containers_need_one_named(api, project, three):
    other = record(api, project, 2500, 0, container="/elsewhere")
    assert_error(restore_plan(api, project), 409, "/elsewhere", CONTAINER)
    assert restore_plan(api, project, container="/elsewhere").json()["backup_id"] == other
    assert restore_plan(api, project, container=CONTAINER).json()["restore_point"] == 3000


@pytest.mark.parametrize(
    "params", [{"hostname": ""}, {"backup_name": ""}, {"at": "yesterday"}, {"at": "-1"}, {"at": "1e5"}]
)
def test_bad_restore_plan_parameters_are_400(api, project, three, params):
    assert_error(restore_plan(api, project, **params), 400)


def test_a_stored_backup_with_unusable_values_is_listed_never_a_500(api, project, three, store_older_backups):
    store_older_backups(
        project,
        {
            "odd": backup_metadata(
                hostname=HOST, backup_name=NAME, container=CONTAINER, time_stamp=2100, curr_backup_level=None
            ),
            "text": backup_metadata(hostname=HOST, backup_name=NAME, container=CONTAINER, curr_backup_level="1"),
        },
    )
    found = restore_plan(api, project).json()
    assert found["restore_point"] == 3000
    assert sorted(u["backup_id"] for u in found["unusable"]) == ["odd", "text"]


# -- restore from the catalog ------------------------------------------------------------


@pytest.fixture
def target(api, project) -> str:
    reply = api.post(f"/v2/{project}/clients", client_info(hostname="target.example.com"))
    assert reply.status == 201, reply
    return reply.json()["client_id"]


def test_restore_creates_a_one_shot_job_restoring_exactly_that_backup(api, project, three, target):
    reply = api.post(
        f"/v2/{project}/backups/{three[1]}/restore",
        {"client_id": target, "restore_abs_path": "/srv/restored", "overrides": {"overwrite": True}},
    )
    assert reply.status == 201, reply
    job = api.get(f"/v2/{project}/jobs/{reply.json()['job_id']}").json()
    assert job["client_id"] == target and job["job_schedule"]["time_started"] == -1
    (entry,) = job["job_actions"]
    action = entry["freezer_action"]
    assert {key: action[key] for key in action if key != "action_id"} == {
        "action": "restore",
        "mode": "fs",
        "storage": "local",
        "engine_name": "tar",
        "container": CONTAINER,
        "backup_name": NAME,
        "hostname": HOST,
        # The time_stamp (2000) and up to a minute more, short of the next backup (3000).
        "restore_from_date": "1970-01-01T00:34:20Z",
        "restore_abs_path": "/srv/restored",
        "overwrite": True,
    }
    assert "Restore backup" in job["description"]


@pytest.mark.parametrize(("next_stamp", "date"), [(None, "00:34:20"), (2030, "00:33:49"), (2001, "00:33:20")])
def test_the_restore_date_stops_short_of_the_next_backup(api, project, target, next_stamp, date):
    backup_id = record(api, project, 2000, 0)
    if next_stamp is not None:
        record(api, project, next_stamp, 1)
    reply = api.post(f"/v2/{project}/backups/{backup_id}/restore", {"client_id": target, "restore_abs_path": "/srv"})
    job = api.get(f"/v2/{project}/jobs/{reply.json()['job_id']}").json()
    assert job["job_actions"][0]["freezer_action"]["restore_from_date"] == f"1970-01-01T{date}Z"


@pytest.mark.parametrize(
    "body",
    [
        {"restore_abs_path": "/srv"},
        {"client_id": "x"},
        {"client_id": "x", "restore_abs_path": "relative/path"},
        {"client_id": "x", "restore_abs_path": "/srv", "overrides": {"action": "backup"}},
        {"client_id": "x", "restore_abs_path": "/srv", "overrides": []},
        {"client_id": "x", "restore_abs_path": "/srv", "surprise": 1},
        None,
    ],
)
def test_bad_restore_bodies_are_400(api, project, three, body):
    assert_error(api.post(f"/v2/{project}/backups/{three[0]}/restore", body), 400)


def test_an_unknown_backup_or_client_is_404(api, project, three, target):
    body = {"client_id": target, "restore_abs_path": "/srv"}
    assert_error(api.post(f"/v2/{project}/backups/nothing/restore", body), 404, "nothing")
    body = {"client_id": "nobody", "restore_abs_path": "/srv"}
    assert_error(api.post(f"/v2/{project}/backups/{three[0]}/restore", body), 404, "nobody")
    assert api.get(f"/v2/{project}/jobs").json()["jobs"] == []


def test_a_client_that_cannot_restore_that_mode_or_storage_is_422(api, project, three):
    client = api.post(f"/v2/{project}/clients", client_info(supported_modes=["mysql"])).json()["client_id"]
    reply = api.post(f"/v2/{project}/backups/{three[0]}/restore", {"client_id": client, "restore_abs_path": "/srv"})
    assert_error(reply, 422, "mode")
    client = api.post(f"/v2/{project}/clients", client_info(supported_storages=["swift"])).json()["client_id"]
    reply = api.post(f"/v2/{project}/backups/{three[0]}/restore", {"client_id": client, "restore_abs_path": "/srv"})
    assert_error(reply, 422, "storage")


def test_a_backup_whose_chain_is_broken_or_unusable_is_409(api, project, three, target, store_older_backups):
    broken = record(api, project, 4000, 4)
    body = {"client_id": target, "restore_abs_path": "/srv"}
    assert_error(api.post(f"/v2/{project}/backups/{broken}/restore", body), 409, "level 3 is missing")
    failed = record(api, project, 5000, 0, status="error")
    assert_error(api.post(f"/v2/{project}/backups/{failed}/restore", body), 409, "status is 'error'")
    store_older_backups(project, {"text": backup_metadata(hostname=HOST, backup_name=NAME, time_stamp="soon")})
    assert_error(api.post(f"/v2/{project}/backups/text/restore", body), 409, "time_stamp 'soon'")
