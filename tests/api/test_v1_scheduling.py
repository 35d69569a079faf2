"""Classic v1 jobs, actions and sessions (docs/resources.md#v1): the v2 semantics without a project in the path."""

from tests.conftest import identity_headers, new_project
from tests.support.factories import client_info, job, session
from tests.support.http import Caller


def test_v1_job_lifecycle_in_the_token_project(api, project):
    client = client_info()
    assert api.post("/v1/clients", {"client_id": client["client_id"]}).status == 201
    reply = api.post("/v1/jobs/", job(client["client_id"], job_id="ignored-in-v1"))
    assert reply.status == 201
    job_id = reply.json()["job_id"]
    assert job_id != "ignored-in-v1" and len(job_id) == 32

    doc = api.get(f"/v1/jobs/{job_id}").json()
    assert doc["project_id"] == project
    assert api.get(f"/v2/{project}/jobs/{job_id}").json()["job_id"] == job_id
    assert [
        j["job_id"] for j in api.get("/v1/jobs", {"match": [{"client_id": client["client_id"]}]}).json()["jobs"]
    ] == [job_id]
    assert api.patch(f"/v1/jobs/{job_id}", {"description": "v1 edit"}).json() == {"job_id": job_id, "version": 2}
    assert api.post(f"/v1/jobs/{job_id}/event", {"start": None}).json() == {"result": "success"}
    assert api.post(f"/v1/jobs/{job_id}", job(client["client_id"])).json() == {"job_id": job_id, "version": 4}
    assert api.delete(f"/v1/jobs/{job_id}").status == 204
    assert api.delete(f"/v1/jobs/{job_id}").status == 404


def test_v1_actions_and_sessions(api, project):
    client = client_info()
    api.post(f"/v2/{project}/clients", client)
    action_id = api.post("/v1/actions", {"freezer_action": {"action": "info"}}).json()["action_id"]
    assert api.get(f"/v2/{project}/actions/{action_id}").status == 200
    assert api.patch(f"/v1/actions/{action_id}", {"max_retries": 1}).json()["version"] == 2
    assert api.delete(f"/v1/actions/{action_id}").status == 204

    session_id = api.post("/v1/sessions", session(hold_off=3600)).json()["session_id"]
    job_id = api.post("/v1/jobs", job(client["client_id"])).json()["job_id"]
    assert api.put(f"/v1/sessions/{session_id}/jobs/{job_id}").status == 204
    start = api.post(f"/v1/sessions/{session_id}/action", {"start": {"job_id": job_id, "current_tag": 0}})
    assert start.status == 202 and start.json() == {"result": "success", "session_tag": 1}
    assert api.get(f"/v2/{project}/sessions/{session_id}").json()["jobs"][job_id]["status"] == "running"
    assert api.delete(f"/v1/sessions/{session_id}/jobs/{job_id}").status == 204
    assert api.delete(f"/v1/sessions/{session_id}").status == 204


def test_v1_never_reaches_another_project(transport, api, project):
    client = client_info()
    api.post(f"/v2/{project}/clients", client)
    job_id = api.post(f"/v2/{project}/jobs", job(client["client_id"])).json()["job_id"]
    stranger = Caller(transport, identity_headers(new_project(), roles="admin"))
    assert stranger.get(f"/v1/jobs/{job_id}").status == 404
    assert stranger.get("/v1/jobs", {"match": [{"job_id": job_id}]}).json()["jobs"] == []
    everywhere = stranger.get("/v1/jobs", {"match": [{"job_id": job_id}]}, params={"all_projects": "true"})
    assert everywhere.json()["jobs"] == []
    assert stranger.delete(f"/v1/jobs/{job_id}").status == 404
    assert api.get(f"/v1/jobs/{job_id}").status == 200


def test_v1_reader_cannot_write_jobs(transport, project):
    reader = Caller(transport, identity_headers(project, roles="reader"))
    assert reader.get("/v1/jobs").status == 200
    assert reader.post("/v1/sessions", session()).status == 403
