"""v2 jobs (docs/jobs.md)."""

import pytest

from tests.conftest import identity_headers, new_project
from tests.support.factories import client_info, freezer_action, job
from tests.support.http import Caller


@pytest.fixture
def client_id(api, project) -> str:
    info = client_info(supported_modes=["fs", "mysql"], supported_storages=["local", "swift"])
    assert api.post(f"/v2/{project}/clients", info).status == 201
    return info["client_id"]


def jobs_path(project: str) -> str:
    return f"/v2/{project}/jobs"


def create(api, project, doc) -> str:
    reply = api.post(jobs_path(project) + "/", doc)
    assert reply.status == 201, reply
    return reply.json()["job_id"]


def actions_of(api, project) -> list[dict]:
    return api.get(f"/v2/{project}/actions", params={"limit": 1000}).json()["actions"]


def test_create_stamps_the_schedule_and_returns_classic_action_entries(api, project, client_id):
    action = freezer_action(exit_status="keep-me")
    doc = job(client_id, action)
    doc["job_actions"][0]["exit_status"] = 0
    doc["job_schedule"].update(time_created=5, time_started=6, time_ended=7, status="stop")
    job_id = create(api, project, doc)
    assert len(job_id) == 32

    stored = api.get(f"{jobs_path(project)}/{job_id}").json()
    assert stored["job_id"] == job_id
    assert stored["project_id"] == project and stored["user_id"] == "user-1"
    assert stored["client_id"] == client_id
    assert stored["description"] == "nightly /etc backup"
    assert stored["session_id"] == "" and stored["session_tag"] == 0
    schedule = stored["job_schedule"]
    assert schedule["time_started"] == -1 and schedule["time_ended"] == -1
    assert schedule["time_created"] > 1700000000
    assert schedule["status"] == "stop"
    assert schedule["schedule_interval"] == "1 days"
    (entry,) = stored["job_actions"]
    assert entry["freezer_action"] == action
    assert entry["mandatory"] is True and entry["max_retries"] == 3 and entry["max_retries_interval"] == 60
    assert entry["exit_status"] == 0
    assert entry["user_id"] == "user-1" and entry["project_id"] == project
    assert stored["_version"] == 1
    (stored_action,) = actions_of(api, project)
    assert stored_action["action_id"] == entry["action_id"]
    assert stored_action["freezer_action"] == action


def test_the_body_may_choose_the_job_id_once(api, project, client_id):
    assert create(api, project, job(client_id, job_id="my-nightly-job")) == "my-nightly-job"
    again = api.post(jobs_path(project), job(client_id, job_id="my-nightly-job"))
    assert again.status == 409
    assert again.json()["title"] == "Document already existing"


def test_job_ids_are_scoped_per_project(transport, client_id, api, project):
    create(api, project, job(client_id, job_id="shared-name"))
    other_project = new_project()
    other = Caller(transport, identity_headers(other_project))
    other_client = client_info()
    other.post(f"/v2/{other_project}/clients", other_client)
    assert other.post(jobs_path(other_project), job(other_client["client_id"], job_id="shared-name")).status == 201
    assert api.get(f"{jobs_path(project)}/shared-name").json()["project_id"] == project


def test_action_defaults_fill_missing_or_null_keys_and_are_not_stored(api, project, client_id):
    doc = job(client_id, freezer_action(storage=None), freezer_action(container="/elsewhere"))
    doc["action_defaults"] = {"storage": "swift", "container": "/defaults", "log_file": "/var/log/f.log"}
    job_id = create(api, project, doc)
    stored = api.get(f"{jobs_path(project)}/{job_id}").json()
    first, second = (entry["freezer_action"] for entry in stored["job_actions"])
    assert first["storage"] == "swift" and first["container"] == "/var/lib/freezer/backups"
    assert second["container"] == "/elsewhere" and second["storage"] == "local"
    assert first["log_file"] == second["log_file"] == "/var/log/f.log"
    assert "action_defaults" not in stored


def test_action_defaults_must_be_an_object(api, project, client_id):
    assert api.post(jobs_path(project), job(client_id, action_defaults=["x"])).status == 400


def test_identical_action_ids_are_reused_and_changed_ones_become_new_actions(api, project, client_id):
    action = freezer_action()
    first_job = create(api, project, job(client_id, action))
    action_id = api.get(f"{jobs_path(project)}/{first_job}").json()["job_actions"][0]["action_id"]

    same = job(client_id, action)
    same["job_actions"][0]["action_id"] = action_id
    reused = create(api, project, same)
    assert api.get(f"{jobs_path(project)}/{reused}").json()["job_actions"][0]["action_id"] == action_id
    assert len(actions_of(api, project)) == 1

    changed = job(client_id, dict(action, path_to_backup="/srv"))
    changed["job_actions"][0]["action_id"] = action_id
    moved = create(api, project, changed)
    new_id = api.get(f"{jobs_path(project)}/{moved}").json()["job_actions"][0]["action_id"]
    assert new_id != action_id
    definitions = {a["action_id"]: a["freezer_action"]["path_to_backup"] for a in actions_of(api, project)}
    assert definitions == {action_id: "/etc", new_id: "/srv"}


def test_a_missing_key_equals_null_when_comparing_definitions(api, project, client_id):
    action = freezer_action()
    job_id = create(api, project, job(client_id, action))
    action_id = api.get(f"{jobs_path(project)}/{job_id}").json()["job_actions"][0]["action_id"]
    with_null = job(client_id, dict(action, restore_abs_path=None))
    with_null["job_actions"][0]["action_id"] = action_id
    create(api, project, with_null)
    assert len(actions_of(api, project)) == 1


def test_an_unknown_action_id_creates_the_action_with_that_id(api, project, client_id):
    doc = job(client_id)
    doc["job_actions"][0]["action_id"] = "chosen-action-id"
    job_id = create(api, project, doc)
    assert api.get(f"{jobs_path(project)}/{job_id}").json()["job_actions"][0]["action_id"] == "chosen-action-id"
    assert api.get(f"/v2/{project}/actions/chosen-action-id").status == 200


def test_a_reference_to_a_stored_action_takes_its_definition(api, project, client_id):
    action = {"freezer_action": freezer_action(backup_name="referenced"), "max_retries": 7, "mandatory": False}
    action_id = api.post(f"/v2/{project}/actions", action).json()["action_id"]
    doc = job(client_id)
    doc["job_actions"] = [{"action_id": action_id}]
    job_id = create(api, project, doc)
    (entry,) = api.get(f"{jobs_path(project)}/{job_id}").json()["job_actions"]
    assert entry["freezer_action"]["backup_name"] == "referenced"
    assert entry["max_retries"] == 7 and entry["mandatory"] is False
    assert len(actions_of(api, project)) == 1


def test_a_reference_to_a_missing_action_is_422_and_creates_nothing(api, project, client_id):
    # A job referencing an unknown action id is 422, like an unknown client (docs/jobs.md#job-actions).
    doc = job(client_id)
    doc["job_actions"] = [{"freezer_action": freezer_action()}, {"action_id": "no-such-action"}]
    assert api.post(jobs_path(project), doc).status == 422
    assert actions_of(api, project) == []


def test_unknown_client_is_422_and_leaves_no_actions_behind(api, project, client_id):
    reply = api.post(jobs_path(project), job("ghost-client.example.com"))
    assert reply.status == 422
    assert reply.json()["title"] == "Unprocessable Entity"
    assert actions_of(api, project) == []
    assert api.get(jobs_path(project)).json()["jobs"] == []


@pytest.mark.parametrize(
    "action",
    [
        freezer_action(mode="mysql", storage="s3"),
        freezer_action(engine_name="rsync", storage="ftp"),
        freezer_action(action="restore", mode="nova"),
    ],
)
def test_client_capabilities_are_checked_and_a_refusal_writes_nothing(api, project, client_id, action):
    reply = api.post(jobs_path(project), job(client_id, freezer_action(), action))
    assert reply.status == 422, reply
    assert "does not support" in reply.json()["description"]
    assert actions_of(api, project) == []


def test_engine_name_is_checked_like_engine(api, project):
    info = client_info(supported_engines=["rsync"])
    api.post(f"/v2/{project}/clients", info)
    assert api.post(jobs_path(project), job(info["client_id"], freezer_action(engine_name="tar"))).status == 422
    assert api.post(jobs_path(project), job(info["client_id"], freezer_action(engine_name="rsync"))).status == 201


@pytest.mark.parametrize(
    "change",
    [
        {"client_id": "bad%project$id_host.domain.tld"},
        {"client_id": "0123456789_bad_hostname.bad/domain.b"},
        {"job_schedule": {"schedule_interval": "5 mins"}},
        {"job_schedule": {"unknown_key": 1}},
        {"job_schedule": {"schedule_start_date": "yesterday"}},
        {"job_schedule": {"schedule_year": "26"}},
        {"surprise": True},
        {"job_actions": "not-a-list"},
        {"job_actions": [{"max_retries": 2}]},
        {"job_actions": [{"freezer_action": {"action": "dance"}}]},
        {"job_actions": [{"freezer_action": {"action": "backup", "mode": "tape"}}]},
        {"session_id": "bad id!"},
    ],
)
def test_invalid_jobs_are_400(api, project, client_id, change):
    doc = job(client_id)
    doc.update(change)
    reply = api.post(jobs_path(project), doc)
    assert reply.status == 400, reply
    assert reply.json()["description"]
    assert actions_of(api, project) == []


def test_missing_job_actions_or_client_id_is_400(api, project, client_id):
    doc = job(client_id)
    del doc["job_actions"]
    assert api.post(jobs_path(project), doc).status == 400
    assert api.post(jobs_path(project), {"job_actions": []}).status == 400
    assert api.post(jobs_path(project)).status == 400


def test_valid_schedules_are_accepted(api, project, client_id):
    schedules = [
        {"schedule_date": "2026-03-01T10:00:00"},
        {"schedule_interval": "continuous"},
        {"schedule_interval": "12  hours", "schedule_end_date": "2027-01-01T00:00:00.5+02:00"},
        {
            "schedule_year": "2026",
            "schedule_month": "1-6, 9-12",
            "schedule_day_of_week": "mon, wed, fri",
            "schedule_hour": "03",
            "schedule_minute": "0",
            "schedule_second": "0",
        },
        {},
    ]
    for schedule in schedules:
        assert api.post(jobs_path(project), job(client_id, job_schedule=schedule)).status == 201, schedule


def test_client_sent_user_credentials_are_never_stored(api, project, client_id):
    doc = job(client_id, user_credentials={"trust_id": "someone-elses-trust", "trustor_user_id": "victim"})
    job_id = create(api, project, doc)
    assert "user_credentials" not in api.get(f"{jobs_path(project)}/{job_id}").json()


def test_patch_changes_only_what_it_names(api, project, client_id):
    job_id = create(api, project, job(client_id))
    before = api.get(f"{jobs_path(project)}/{job_id}").json()
    reply = api.patch(f"{jobs_path(project)}/{job_id}", {"description": "renamed"})
    assert reply.status == 200
    assert reply.json() == {"job_id": job_id, "version": 2}
    after = api.get(f"{jobs_path(project)}/{job_id}").json()
    assert after["description"] == "renamed"
    assert after["job_schedule"] == before["job_schedule"]
    assert after["job_actions"] == before["job_actions"]
    assert after["_version"] == 2


def test_patch_takes_the_schedulers_whole_schedule_back(api, project, client_id):
    job_id = create(api, project, job(client_id))
    schedule = api.get(f"{jobs_path(project)}/{job_id}").json()["job_schedule"]
    schedule.update(status="running", result="", time_started=1767229200, event="", current_pid=4242)
    reply = api.patch(f"{jobs_path(project)}/{job_id}", {"job_schedule": schedule, "session_id": "", "session_tag": 0})
    assert reply.status == 200
    assert api.get(f"{jobs_path(project)}/{job_id}").json()["job_schedule"] == schedule


def test_patch_ignores_ownership_and_identity_fields(api, project, client_id):
    job_id = create(api, project, job(client_id))
    other = api.with_headers(**{"X-User-Id": "someone-else"})
    body = {
        "project_id": "elsewhere",
        "user_id": "mallory",
        "job_id": "renamed",
        "_version": 99,
        "user_credentials": {"trust_id": "t", "trustor_user_id": "u"},
        "description": "ok",
    }
    assert other.patch(f"{jobs_path(project)}/{job_id}", body).status == 200
    doc = api.get(f"{jobs_path(project)}/{job_id}").json()
    assert doc["project_id"] == project and doc["user_id"] == "user-1" and doc["job_id"] == job_id
    assert "user_credentials" not in doc and doc["description"] == "ok"


def test_patch_with_job_actions_deduplicates_and_rechecks_the_client(api, project, client_id):
    job_id = create(api, project, job(client_id))
    bad = {"job_actions": [{"freezer_action": freezer_action(mode="cinder")}]}
    assert api.patch(f"{jobs_path(project)}/{job_id}", bad).status == 422
    assert len(actions_of(api, project)) == 1
    good = {"job_actions": [{"freezer_action": freezer_action(backup_name="second"), "mandatory": False}]}
    assert api.patch(f"{jobs_path(project)}/{job_id}", good).status == 200
    (entry,) = api.get(f"{jobs_path(project)}/{job_id}").json()["job_actions"]
    assert entry["freezer_action"]["backup_name"] == "second" and entry["mandatory"] is False
    assert len(actions_of(api, project)) == 2


def test_a_rejected_patch_that_fails_after_storing_actions_leaves_no_trace(api, project, client_id):
    # The new actions are written, then the client check refuses the job:
    # the whole transaction goes, the job keeps its version and definition.
    job_id = create(api, project, job(client_id))
    path = f"{jobs_path(project)}/{job_id}"
    before = api.get(path).json()
    actions_before = actions_of(api, project)
    for bad in (
        {"client_id": "ghost.example.com", "job_actions": [{"freezer_action": freezer_action(backup_name="new")}]},
        {"job_actions": [{"freezer_action": freezer_action(backup_name="ok")}, {"action_id": "no-such-action"}]},
        {"job_actions": [{"freezer_action": freezer_action()}, {"freezer_action": freezer_action(storage="tape")}]},
    ):
        assert api.patch(path, bad).status == 422, bad
    assert api.get(path).json() == before
    assert actions_of(api, project) == actions_before


def test_a_rejected_create_or_replace_writes_neither_job_nor_actions(api, project, client_id):
    path = f"{jobs_path(project)}/chosen"
    doc = job(client_id, freezer_action(backup_name="first"), freezer_action(mode="cinder"))
    assert api.post(path, doc).status == 422
    assert api.put(path, doc).status == 422
    assert api.get(path).status == 404
    assert actions_of(api, project) == []


def test_patch_of_a_missing_job_is_404_and_creates_no_action(api, project, client_id):
    reply = api.patch(f"{jobs_path(project)}/nope", {"job_actions": [{"freezer_action": freezer_action()}]})
    assert reply.status == 404
    assert reply.json()["title"] == "Not Found"
    assert actions_of(api, project) == []


def test_patch_rejects_bad_bodies(api, project, client_id):
    job_id = create(api, project, job(client_id))
    path = f"{jobs_path(project)}/{job_id}"
    assert api.patch(path).status == 400
    assert api.patch(path, {"job_schedule": {"status": "sleeping"}}).status == 400
    assert api.patch(path, {"unknown": 1}).status == 400
    assert api.patch(path, {"action_defaults": {"mode": "fs"}}).status == 400
    assert api.get(path).json()["_version"] == 1


def test_create_or_replace_by_item_url(api, project, client_id):
    path = f"{jobs_path(project)}/chosen-id"
    reply = api.post(path, job(client_id, description="first", session_tag=3))
    assert reply.status == 201
    assert reply.json() == {"job_id": "chosen-id", "version": 1}
    created = api.get(path).json()
    reply = api.post(path, job(client_id))
    assert reply.json() == {"job_id": "chosen-id", "version": 2}
    replaced = api.get(path).json()
    assert replaced["description"] == "nightly /etc backup"
    assert replaced["session_tag"] == 0
    assert replaced["job_schedule"]["time_created"] == created["job_schedule"]["time_created"]
    assert api.put(path, job(client_id, description="via put")).status == 201
    assert api.get(path).json()["description"] == "via put"


def test_replace_keeps_the_creator(api, project, client_id):
    path = f"{jobs_path(project)}/owned"
    api.post(path, job(client_id))
    api.with_headers(**{"X-User-Id": "editor"}).post(path, job(client_id))
    assert api.get(path).json()["user_id"] == "user-1"


def test_events_set_the_schedule_once(api, project, client_id):
    job_id = create(api, project, job(client_id))
    event_path = f"{jobs_path(project)}/{job_id}/event"
    api.patch(
        f"{jobs_path(project)}/{job_id}", {"job_schedule": {"status": "completed", "result": "fail", "event": ""}}
    )

    reply = api.post(event_path, {"start": None})
    assert reply.status == 202
    assert reply.json() == {"result": "success"}
    schedule = api.get(f"{jobs_path(project)}/{job_id}").json()["job_schedule"]
    assert schedule == {"status": "", "result": "", "event": "start"}
    assert api.post(event_path, {"start": {"anything": 1}}).json() == {"result": "start already requested"}
    assert api.post(event_path, {"stop": None}).json() == {"result": "success"}
    assert api.post(event_path, {"stop": None}).json() == {"result": "stop already requested"}
    assert api.post(event_path, {"abort": None}).json() == {"result": "success"}
    assert api.post(event_path, {"abort": None}).json() == {"result": "abort already requested"}
    assert api.get(f"{jobs_path(project)}/{job_id}").json()["job_schedule"]["event"] == "abort"


@pytest.mark.parametrize("body", [{"remove": None}, {"dance": None}, {}, {"start": None, "stop": None}, [1]])
def test_bad_events_are_400(api, project, client_id, body):
    job_id = create(api, project, job(client_id))
    reply = api.post(f"{jobs_path(project)}/{job_id}/event", body)
    assert reply.status == 400
    assert reply.json()["title"] == "Bad request format"


def test_event_without_body_is_400_and_on_a_missing_job_404(api, project, client_id):
    job_id = create(api, project, job(client_id))
    assert api.post(f"{jobs_path(project)}/{job_id}/event").status == 400
    reply = api.post(f"{jobs_path(project)}/missing/event", {"start": None})
    assert reply.status == 404
    assert reply.json()["title"] == "Not Found"


def test_events_still_work_after_the_client_is_deleted(api, project, client_id):
    job_id = create(api, project, job(client_id))
    assert api.delete(f"/v2/{project}/clients/{client_id}").status == 204
    assert api.post(f"{jobs_path(project)}/{job_id}/event", {"stop": None}).json() == {"result": "success"}
    assert api.patch(f"{jobs_path(project)}/{job_id}", {"description": "still editable"}).status == 200
    assert api.patch(f"{jobs_path(project)}/{job_id}", {"client_id": client_id}).status == 422


def test_delete_job_is_204_then_404_and_keeps_its_actions(api, project, client_id):
    job_id = create(api, project, job(client_id))
    assert api.delete(f"{jobs_path(project)}/{job_id}").status == 204
    assert api.get(f"{jobs_path(project)}/{job_id}").status == 404
    assert api.delete(f"{jobs_path(project)}/{job_id}").status == 404
    assert len(actions_of(api, project)) == 1


def test_the_scheduler_poll_finds_nested_status_and_client(api, project, client_id):
    other = client_info()
    api.post(f"/v2/{project}/clients", other)
    mine = [create(api, project, job(client_id)) for _ in range(3)]
    theirs = create(api, project, job(other["client_id"]))
    api.patch(f"{jobs_path(project)}/{mine[1]}", {"job_schedule": {"status": "completed"}})
    poll = {"match_not": [{"status": "completed"}], "match": [{"client_id": client_id}, {"client_id": client_id}]}
    found = api.get(jobs_path(project), poll, params={"limit": 10, "offset": 0}).json()["jobs"]
    assert [j["job_id"] for j in found] == [mine[0], mine[2]]
    everything = api.get(jobs_path(project), params={"limit": 100}).json()["jobs"]
    assert [j["job_id"] for j in everything] == [*mine, theirs]
    by_action = api.get(jobs_path(project), {"match": [{"path_to_backup": "/etc"}]}, params={"limit": 100})
    assert len(by_action.json()["jobs"]) == 4


def test_all_projects_needs_the_right_and_then_lists_every_project(transport, api, project, client_id):
    job_id = create(api, project, job(client_id))
    assert api.get(jobs_path(project), params={"all_projects": "true"}).status == 403
    assert api.get(jobs_path(project), params={"all_projects": "maybe"}).status == 400
    assert api.get(jobs_path(project), params={"all_projects": "False"}).status == 200

    admin_project = new_project()
    admin = Caller(transport, identity_headers(admin_project, roles="admin"))
    search = {"match": [{"job_id": job_id}]}
    assert admin.get(jobs_path(admin_project), search).json()["jobs"] == []
    found = admin.get(jobs_path(admin_project), search, params={"all_projects": "True"}).json()["jobs"]
    assert [j["job_id"] for j in found] == [job_id]
    assert admin.get(f"{jobs_path(admin_project)}/{job_id}").json()["project_id"] == project
    member = Caller(transport, identity_headers(new_project()))
    assert member.get(f"{jobs_path(project)}/{job_id}").status == 403


def test_pids_of_jobs_on_another_projects_central_scheduler_are_hidden(transport):
    owner_project, user_project = new_project(), new_project()
    admin = Caller(transport, identity_headers(owner_project, roles="admin"))
    central = client_info(is_central=True)
    assert admin.post(f"/v2/{owner_project}/clients", central).status == 201
    user = Caller(transport, identity_headers(user_project))
    job_id = create(user, user_project, job(central["client_id"]))
    user.patch(f"{jobs_path(user_project)}/{job_id}", {"job_schedule": {"status": "running", "current_pid": 777}})
    listed = user.get(jobs_path(user_project), params={"limit": 100}).json()["jobs"]
    assert [j["job_schedule"] for j in listed] == [{"status": "running"}]
    assert "current_pid" not in user.get(f"{jobs_path(user_project)}/{job_id}").json()["job_schedule"]
    everywhere = admin.get(jobs_path(owner_project), {"match": [{"job_id": job_id}]}, params={"all_projects": "1"})
    assert everywhere.json()["jobs"][0]["job_schedule"]["current_pid"] == 777
    admin.delete(f"/v2/{owner_project}/clients/{central['client_id']}")
