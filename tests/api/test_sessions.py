"""v2 sessions (docs/sessions.md)."""

import time

import pytest

from tests.support.factories import client_info, job, session


@pytest.fixture
def client_id(api, project) -> str:
    info = client_info()
    api.post(f"/v2/{project}/clients", info)
    return info["client_id"]


def sessions_path(project: str) -> str:
    return f"/v2/{project}/sessions"


def create(api, project, body=None) -> str:
    reply = api.post(sessions_path(project) + "/", body or session())
    assert reply.status == 201, reply
    return reply.json()["session_id"]


def new_job(api, project, client_id, **overrides) -> str:
    reply = api.post(f"/v2/{project}/jobs", job(client_id, **overrides))
    assert reply.status == 201, reply
    return reply.json()["job_id"]


def member_session(api, project, client_id, members=2, **overrides):
    session_id = create(api, project, session(**overrides))
    job_ids = [new_job(api, project, client_id) for _ in range(members)]
    for job_id in job_ids:
        assert api.put(f"{sessions_path(project)}/{session_id}/jobs/{job_id}").status == 204
    return session_id, job_ids


def action(api, project, session_id, name, **parameters):
    return api.post(f"{sessions_path(project)}/{session_id}/action", {name: parameters})


def test_create_sets_server_fields_and_defaults(api, project):
    body = session(session_id="ignored", status="running", jobs={"x": {}}, description="d", last_start="")
    del body["hold_off"]
    session_id = create(api, project, body)
    assert session_id != "ignored" and len(session_id) == 32
    doc = api.get(f"{sessions_path(project)}/{session_id}").json()
    assert doc["session_id"] == session_id and doc["project_id"] == project and doc["user_id"] == "user-1"
    assert doc["status"] == "active" and doc["hold_off"] == 30 and doc["session_tag"] == 0
    assert doc["jobs"] == {} and doc["time_start"] == -1 and doc["time_end"] == -1
    assert doc["schedule"] == body["schedule"] and doc["description"] == "d"
    assert doc["last_start"] == ""
    assert doc["_version"] == 1


def test_create_needs_a_schedule(api, project):
    assert api.post(sessions_path(project), {"description": "x"}).status == 400
    assert api.post(sessions_path(project)).status == 400
    assert api.post(sessions_path(project), session(schedule={"schedule_interval": "often"})).status == 400
    assert api.get(sessions_path(project)).json()["sessions"] == []


def test_patch_merges_jobs_replaces_schedule_and_keeps_the_rest(api, project):
    session_id = create(api, project)
    path = f"{sessions_path(project)}/{session_id}"
    api.patch(path, {"jobs": {"j1": {"client_id": "c1", "status": "", "result": ""}}})
    reply = api.patch(
        path,
        {
            "jobs": {"j2": {"client_id": "c2"}},
            "schedule": {"schedule_date": "2026-05-01T00:00:00"},
            "last_start": "",
            "project_id": "elsewhere",
            "user_id": "mallory",
        },
    )
    assert reply.status == 200
    assert reply.json() == {"session_id": session_id, "version": 3}
    doc = api.get(path).json()
    assert set(doc["jobs"]) == {"j1", "j2"}
    assert doc["schedule"] == {"schedule_date": "2026-05-01T00:00:00"}
    assert doc["project_id"] == project and doc["user_id"] == "user-1"
    assert doc["description"] == "db cluster snapshot" and doc["last_start"] == ""
    assert api.patch(f"{sessions_path(project)}/missing", {"description": "x"}).status == 404
    assert api.patch(path, {"session_tag": "many"}).status == 400


def test_replace_means_replace(api, project):
    path = f"{sessions_path(project)}/chosen"
    reply = api.post(path, session(description="first", hold_off=99))
    assert reply.status == 201 and reply.json() == {"session_id": "chosen", "version": 1}
    api.patch(path, {"jobs": {"j1": {"client_id": "c"}}})
    reply = api.post(path, {"session_tag": 4, "schedule": {}})
    assert reply.json() == {"session_id": "chosen", "version": 3}
    doc = api.get(path).json()
    assert doc["description"] == "" and doc["hold_off"] == 30 and doc["session_tag"] == 4 and doc["jobs"] == {}
    assert api.post(path, {"schedule": {}}).status == 400  # session_tag is required


def test_delete_session(api, project):
    session_id = create(api, project)
    assert api.delete(f"{sessions_path(project)}/{session_id}").status == 204
    assert api.get(f"{sessions_path(project)}/{session_id}").status == 404
    assert api.delete(f"{sessions_path(project)}/{session_id}").status == 404


def test_adding_a_job_copies_its_state_and_gives_it_the_session_schedule(api, project, client_id):
    session_id = create(api, project, session(session_tag=5))
    job_id = new_job(api, project, client_id)
    api.patch(f"/v2/{project}/jobs/{job_id}", {"job_schedule": {"status": "scheduled", "time_started": 100}})
    assert api.put(f"{sessions_path(project)}/{session_id}/jobs/{job_id}").status == 204
    member = api.get(f"{sessions_path(project)}/{session_id}").json()["jobs"][job_id]
    assert member == {
        "client_id": client_id,
        "status": "scheduled",
        "result": "",
        "time_started": 100,
        "time_ended": "",
    }
    job_doc = api.get(f"/v2/{project}/jobs/{job_id}").json()
    assert job_doc["session_id"] == session_id and job_doc["session_tag"] == 5
    assert job_doc["job_schedule"] == session()["schedule"]


def test_moving_a_job_to_another_session_leaves_the_first(api, project, client_id):
    first, (job_id,) = member_session(api, project, client_id, members=1)
    second = create(api, project)
    api.put(f"{sessions_path(project)}/{second}/jobs/{job_id}")
    assert api.get(f"{sessions_path(project)}/{first}").json()["jobs"] == {}
    assert list(api.get(f"{sessions_path(project)}/{second}").json()["jobs"]) == [job_id]


def test_add_with_a_missing_document_is_404_and_changes_nothing(api, project, client_id):
    session_id = create(api, project)
    job_id = new_job(api, project, client_id)
    assert api.put(f"{sessions_path(project)}/{session_id}/jobs/missing").status == 404
    assert api.put(f"{sessions_path(project)}/missing/jobs/{job_id}").status == 404
    doc = api.get(f"{sessions_path(project)}/{session_id}").json()
    assert doc["jobs"] == {} and doc["_version"] == 1
    assert api.get(f"/v2/{project}/jobs/{job_id}").json()["session_id"] == ""


@pytest.mark.parametrize("bad_id", ["a" * 256, "a%00b", "sp ace", "%ff", "x.y"])
def test_adding_a_job_that_cannot_exist_is_404_and_changes_nothing(api, project, client_id, bad_id):
    session_id, (member,) = member_session(api, project, client_id, members=1)
    session_before = api.get(f"{sessions_path(project)}/{session_id}").json()
    job_id = new_job(api, project, client_id)
    job_before = api.get(f"/v2/{project}/jobs/{job_id}").json()
    assert api.put(f"{sessions_path(project)}/{session_id}/jobs/{bad_id}").status == 404
    assert api.put(f"{sessions_path(project)}/{bad_id}/jobs/{job_id}").status == 404
    assert api.delete(f"{sessions_path(project)}/{bad_id}/jobs/{member}").status == 404
    assert api.get(f"{sessions_path(project)}/{session_id}").json() == session_before
    assert api.get(f"/v2/{project}/jobs/{job_id}").json() == job_before


def test_adding_another_projects_job_is_404_and_changes_neither(transport, api, project, client_id):
    from tests.conftest import identity_headers, new_project
    from tests.support.http import Caller

    session_id = create(api, project)
    other_project = new_project()
    other = Caller(transport, identity_headers(other_project))
    other_client = client_info()
    other.post(f"/v2/{other_project}/clients", other_client)
    foreign_job = other.post(f"/v2/{other_project}/jobs", job(other_client["client_id"])).json()["job_id"]
    assert api.put(f"{sessions_path(project)}/{session_id}/jobs/{foreign_job}").status == 404
    assert api.get(f"{sessions_path(project)}/{session_id}").json()["_version"] == 1
    assert other.get(f"/v2/{other_project}/jobs/{foreign_job}").json()["_version"] == 1


def test_a_rejected_session_action_changes_nothing(api, project, client_id):
    session_id, (member,) = member_session(api, project, client_id, members=1)
    before = api.get(f"{sessions_path(project)}/{session_id}").json()
    for name, parameters in (
        ("start", {"job_id": "not-a-member", "current_tag": 0}),
        ("start", {"job_id": member, "current_tag": 99}),
        ("end", {"job_id": "not-a-member", "current_tag": 0, "result": "success"}),
        ("start", {"job_id": member, "current_tag": "0; DROP TABLE sessions"}),
    ):
        assert action(api, project, session_id, name, **parameters).status == 400
    assert api.get(f"{sessions_path(project)}/{session_id}").json() == before


def test_removing_a_member_stops_it_and_keeps_its_schedule(api, project, client_id):
    session_id, (job_id, other) = member_session(api, project, client_id)
    reply = api.delete(f"{sessions_path(project)}/{session_id}/jobs/{job_id}")
    assert reply.status == 204 and reply.body == b""
    assert list(api.get(f"{sessions_path(project)}/{session_id}").json()["jobs"]) == [other]
    job_doc = api.get(f"/v2/{project}/jobs/{job_id}").json()
    assert job_doc["session_id"] == "" and job_doc["session_tag"] == 0
    assert job_doc["job_schedule"] == dict(session()["schedule"], event="stop")
    # Removing it again, or a job that never was a member, is still 204.
    assert api.delete(f"{sessions_path(project)}/{session_id}/jobs/{job_id}").status == 204
    stranger = new_job(api, project, client_id)
    assert api.delete(f"{sessions_path(project)}/{session_id}/jobs/{stranger}").status == 204
    assert api.get(f"/v2/{project}/jobs/{stranger}").json()["job_schedule"].get("event") is None


def test_remove_from_a_missing_session_or_job_is_404(api, project, client_id):
    session_id, (job_id,) = member_session(api, project, client_id, members=1)
    assert api.delete(f"{sessions_path(project)}/missing/jobs/{job_id}").status == 404
    assert api.delete(f"{sessions_path(project)}/{session_id}/jobs/missing").status == 404
    assert list(api.get(f"{sessions_path(project)}/{session_id}").json()["jobs"]) == [job_id]


def test_first_start_opens_a_run_and_late_members_join_it(api, project, client_id):
    session_id, (first, second) = member_session(api, project, client_id, hold_off=3600)
    reply = action(api, project, session_id, "start", job_id=first, current_tag=0)
    assert reply.status == 202
    assert reply.json() == {"result": "success", "session_tag": 1}
    doc = api.get(f"{sessions_path(project)}/{session_id}").json()
    assert doc["status"] == "running" and doc["session_tag"] == 1 and doc["result"] == ""
    assert abs(doc["time_start"] - time.time()) < 60
    assert doc["jobs"][first]["status"] == "running"
    assert doc["jobs"][second]["status"] == ""

    # A member still holding the old tag, inside the hold-off window: joins.
    assert action(api, project, session_id, "start", job_id=second, current_tag="0").json() == {
        "result": "success",
        "session_tag": 1,
    }
    # A member already holding the new tag, inside the window: hold-off.
    assert action(api, project, session_id, "start", job_id=first, current_tag=1).json() == {
        "result": "hold-off",
        "session_tag": 1,
    }
    doc = api.get(f"{sessions_path(project)}/{session_id}").json()
    assert {j["status"] for j in doc["jobs"].values()} == {"running"}


def test_a_stale_tag_after_the_window_is_out_of_sync(api, project, client_id):
    body = session(hold_off=30, session_tag=3, time_start=int(time.time()) - 3600)
    session_id = create(api, project, body)
    job_id = new_job(api, project, client_id)
    api.put(f"{sessions_path(project)}/{session_id}/jobs/{job_id}")
    assert action(api, project, session_id, "start", job_id=job_id, current_tag=2).json() == {
        "result": "out-of-sync",
        "session_tag": 3,
    }
    assert action(api, project, session_id, "start", job_id=job_id, current_tag=3).json() == {
        "result": "success",
        "session_tag": 4,
    }


def test_a_tag_higher_than_the_sessions_is_400(api, project, client_id):
    session_id, (job_id, _) = member_session(api, project, client_id)
    reply = action(api, project, session_id, "start", job_id=job_id, current_tag=7)
    assert reply.status == 400
    assert "too high" in reply.json()["description"]


def test_end_completes_the_session_when_every_member_finished(api, project, client_id):
    session_id, (first, second) = member_session(api, project, client_id, hold_off=3600)
    action(api, project, session_id, "start", job_id=first, current_tag=0)
    action(api, project, session_id, "start", job_id=second, current_tag=0)
    reply = action(api, project, session_id, "end", job_id=first, current_tag=1, result="success")
    assert reply.status == 202 and reply.json() == {"result": "success", "session_tag": 1}
    doc = api.get(f"{sessions_path(project)}/{session_id}").json()
    assert doc["status"] == "running"
    assert doc["jobs"][first]["status"] == "completed" and doc["jobs"][first]["result"] == "success"
    action(api, project, session_id, "end", job_id=second, current_tag=1, result="success")
    doc = api.get(f"{sessions_path(project)}/{session_id}").json()
    assert doc["status"] == "completed" and doc["result"] == "success" and doc["time_end"] > 0


def test_a_failed_member_fails_the_session_but_running_members_win(api, project, client_id):
    session_id, (first, second) = member_session(api, project, client_id, hold_off=3600)
    action(api, project, session_id, "start", job_id=first, current_tag=0)
    action(api, project, session_id, "start", job_id=second, current_tag=0)
    action(api, project, session_id, "end", job_id=first, current_tag=1, result="fail")
    doc = api.get(f"{sessions_path(project)}/{session_id}").json()
    assert doc["status"] == "running"  # the second member is still running
    action(api, project, session_id, "end", job_id=second, current_tag=1, result="success")
    doc = api.get(f"{sessions_path(project)}/{session_id}").json()
    assert doc["status"] == "completed" and doc["result"] == "fail"


@pytest.mark.parametrize(
    "body",
    [
        {"start": {"job_id": "j"}},
        {"start": {"current_tag": 0}},
        {"start": {"job_id": "j", "current_tag": "zero"}},
        {"end": {"job_id": "j", "current_tag": 0}},
        {"start": "j"},
        {},
        {"start": {}, "end": {}},
    ],
)
def test_malformed_session_actions_are_400(api, project, client_id, body):
    session_id, _ = member_session(api, project, client_id)
    reply = api.post(f"{sessions_path(project)}/{session_id}/action", body)
    assert reply.status == 400, reply
    assert reply.json()["description"]


def test_unknown_session_action_is_405_bad_method(api, project, client_id):
    session_id, (job_id, _) = member_session(api, project, client_id)
    reply = action(api, project, session_id, "pause", job_id=job_id, current_tag=0)
    assert reply.status == 405
    assert reply.json()["title"] == "Bad Method"
    assert "POST" in reply.headers["allow"]


def test_session_action_errors_for_missing_documents_and_non_members(api, project, client_id):
    session_id, _ = member_session(api, project, client_id)
    assert action(api, project, "missing", "start", job_id="j", current_tag=0).status == 404
    reply = action(api, project, session_id, "start", job_id="not-a-member", current_tag=0)
    assert reply.status == 400
    assert "not found in session" in reply.json()["description"]
    assert api.post(f"{sessions_path(project)}/{session_id}/action").status == 400


def test_session_search(api, project):
    create(api, project, session(description="alpha"))
    create(api, project, session(description="beta"))
    found = api.get(sessions_path(project), {"match": [{"description": "beta"}]}).json()["sessions"]
    assert [s["description"] for s in found] == ["beta"]
    assert len(api.get(sessions_path(project), {"match": [{"status": "active"}]}).json()["sessions"]) == 2
