"""v2 actions (docs/resources.md#actions)."""

import pytest

from tests.conftest import identity_headers, new_project
from tests.support.factories import client_info, freezer_action, job
from tests.support.http import Caller

TEMPEST_ACTION = {
    "freezer_action": {
        "action": "backup",
        "mode": "fs",
        "path_to_backup": "/home/tylerdurden/project_mayhem",
        "backup_name": "project_mayhem_backup",
        "container": "my_backup_container",
        "max_backup_level": 3,
        "always_backup_level": 1,
        "no_incremental": True,
        "encrypt_pass_file": "/secret/encrypt_pass",
        "log_file": "/var/log/freezer.log",
        "hostname": False,
        "max_cpu_priority": False,
    },
    "max_retries": 3,
    "max_retries_interval": 60,
    "mandatory": False,
}


def actions_path(project: str) -> str:
    return f"/v2/{project}/actions"


def create(api, project, body) -> str:
    reply = api.post(actions_path(project) + "/", body)
    assert reply.status == 201, reply
    return reply.json()["action_id"]


def test_create_and_read_back_every_field(api, project):
    action_id = create(api, project, TEMPEST_ACTION)
    assert len(action_id) == 32
    doc = api.get(f"{actions_path(project)}/{action_id}").json()
    for key, value in TEMPEST_ACTION.items():
        assert doc[key] == value
    assert doc["action_id"] == action_id and doc["project_id"] == project and doc["user_id"] == "user-1"
    listed = api.get(actions_path(project)).json()["actions"]
    assert listed == [{k: v for k, v in doc.items() if k != "_version"}]


def test_defaults_fill_omitted_retry_fields(api, project):
    action_id = create(api, project, {"freezer_action": {"action": "info"}})
    doc = api.get(f"{actions_path(project)}/{action_id}").json()
    assert (doc["max_retries"], doc["max_retries_interval"], doc["mandatory"]) == (5, 6, False)


def test_an_action_without_its_action_key_is_accepted(api, project):
    assert api.post(actions_path(project), {"freezer_action": {"mode": "fs"}}).status == 201


def test_chosen_ids_conflict_only_within_the_project(transport, api, project):
    assert create(api, project, dict(TEMPEST_ACTION, action_id="mine")) == "mine"
    assert api.post(actions_path(project), dict(TEMPEST_ACTION, action_id="mine")).status == 409
    other_project = new_project()
    other = Caller(transport, identity_headers(other_project))
    assert other.post(actions_path(other_project), dict(TEMPEST_ACTION, action_id="mine")).status == 201
    assert api.get(f"{actions_path(project)}/mine").json()["project_id"] == project


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"max_retries": 1},
        {"freezer_action": "backup"},
        {"freezer_action": {"action": "bogus"}},
        {"freezer_action": {"action": "backup", "mode": "zzz"}},
        {"freezer_action": {"action": "backup"}, "max_retries": "3"},
        {"freezer_action": {"action": "backup"}, "action_id": "has space"},
    ],
)
def test_invalid_actions_are_400(api, project, body):
    reply = api.post(actions_path(project), body)
    assert reply.status == 400
    assert reply.json()["description"]


def test_top_level_mode_is_not_an_agent_option(api, project):
    assert api.post(actions_path(project), {"freezer_action": {"action": "backup"}, "mode": "zzz"}).status == 201


def test_patch_merges_freezer_action_and_keeps_omitted_fields(api, project):
    action_id = create(api, project, TEMPEST_ACTION)
    path = f"{actions_path(project)}/{action_id}"
    reply = api.patch(path, {"freezer_action": {"backup_name": "renamed"}, "user_id": "x", "action_id": "y"})
    assert reply.status == 200
    assert reply.json() == {"action_id": action_id, "version": 2}
    doc = api.get(path).json()
    assert doc["freezer_action"] == dict(TEMPEST_ACTION["freezer_action"], backup_name="renamed")
    assert doc["max_retries"] == 3 and doc["max_retries_interval"] == 60
    assert doc["user_id"] == "user-1" and doc["action_id"] == action_id
    assert api.patch(path, {"max_retries": 9}).status == 200
    assert api.get(path).json()["freezer_action"]["backup_name"] == "renamed"


def test_patch_errors(api, project):
    action_id = create(api, project, TEMPEST_ACTION)
    path = f"{actions_path(project)}/{action_id}"
    assert api.patch(path, {"freezer_action": {"mode": "tape"}}).status == 400
    assert api.patch(path).status == 400
    assert api.patch(f"{actions_path(project)}/missing", {"max_retries": 1}).status == 404
    assert api.get(path).json()["_version"] == 1


def test_replace_creates_then_replaces(api, project):
    path = f"{actions_path(project)}/by-id"
    reply = api.post(path, TEMPEST_ACTION)
    assert reply.status == 201 and reply.json() == {"action_id": "by-id", "version": 1}
    changed = {"freezer_action": dict(TEMPEST_ACTION["freezer_action"], backup_name="new_name")}
    reply = api.post(path, changed)
    assert reply.json() == {"action_id": "by-id", "version": 2}
    doc = api.get(path).json()
    assert doc["freezer_action"]["backup_name"] == "new_name"
    assert doc["max_retries"] == 5  # replace means replace: omitted fields take defaults


def test_deleting_an_action_never_changes_a_job(api, project):
    info = client_info()
    api.post(f"/v2/{project}/clients", info)
    job_id = api.post(f"/v2/{project}/jobs", job(info["client_id"], freezer_action())).json()["job_id"]
    before = api.get(f"/v2/{project}/jobs/{job_id}").json()
    action_id = before["job_actions"][0]["action_id"]
    assert api.delete(f"{actions_path(project)}/{action_id}").status == 204
    assert api.delete(f"{actions_path(project)}/{action_id}").status == 404
    after = api.get(f"/v2/{project}/jobs/{job_id}").json()
    assert after["job_actions"] == before["job_actions"]


def test_action_search(api, project):
    create(api, project, {"freezer_action": freezer_action(mode="fs", backup_name="a")})
    create(api, project, {"freezer_action": freezer_action(mode="mysql", backup_name="b")})
    found = api.get(actions_path(project), {"match": [{"mode": "mysql"}]}).json()["actions"]
    assert [a["freezer_action"]["backup_name"] for a in found] == ["b"]
