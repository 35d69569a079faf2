"""Documents in every state a real workflow leaves them conform to the published response schemas.

The fuzzing pass mostly meets empty projects and missing ids; this walks a
scheduler-like workflow against a real server and validates every answer.
"""

from __future__ import annotations

import uuid

import pytest
import requests
import schemathesis

from freezer_api.api.openapi import build_document
from tests.support.factories import backup_metadata, client_info, freezer_action, job, session
from tests.support.personas import PERSONAS

PROJECT = PERSONAS["member_a"].project_id


@pytest.fixture(scope="module")
def published():
    return schemathesis.openapi.from_dict(build_document())


class Checked:
    """Real HTTP as member_a; every response is validated against the operation it answers."""

    def __init__(self, server, published):
        self.url = server.url
        self.published = published
        self.http = requests.Session()
        self.http.headers["X-Auth-Token"] = PERSONAS["member_a"].token
        self.seen: list[str] = []

    def __call__(self, method: str, template: str, json=None, **path: str) -> requests.Response:
        url = self.url + template.format(project_id=PROJECT, **path)
        response = self.http.request(method, url, json=json, timeout=30)
        self.published[template][method].validate_response(response)
        self.seen.append(f"{method} {template} {response.status_code}")
        return response


def test_a_whole_workflow_answers_as_published(sqlite_server, published):
    call = Checked(sqlite_server, published)
    client = client_info()
    assert call("POST", "/v2/{project_id}/clients", client).status_code == 201
    actions = [freezer_action(), freezer_action(mode="mysql", backup_name="db", extra={"nested": [1, "two"]})]
    job_id = call("POST", "/v2/{project_id}/jobs", job(client["client_id"], *actions)).json()["job_id"]
    chosen = f"job-{uuid.uuid4().hex[:8]}"
    assert call("POST", "/v2/{project_id}/jobs/{job_id}", job(client["client_id"]), job_id=chosen).status_code == 201
    call("POST", "/v2/{project_id}/jobs/{job_id}/event", {"start": None}, job_id=job_id)
    call("POST", "/v2/{project_id}/jobs/{job_id}/event", {"start": None}, job_id=job_id)
    session_id = call("POST", "/v2/{project_id}/sessions", session()).json()["session_id"]
    for member in (job_id, chosen):
        call("PUT", "/v2/{project_id}/sessions/{session_id}/jobs/{job_id}", session_id=session_id, job_id=member)
    call(
        "POST",
        "/v2/{project_id}/sessions/{session_id}/action",
        {"start": {"job_id": job_id, "current_tag": 0}},
        session_id=session_id,
    )
    call(
        "POST",
        "/v2/{project_id}/sessions/{session_id}/action",
        {"end": {"job_id": job_id, "current_tag": 1, "result": "success"}},
        session_id=session_id,
    )
    stored = call("GET", "/v2/{project_id}/jobs/{job_id}", job_id=job_id).json()
    schedule = dict(stored["job_schedule"], status="running", current_pid=4242, time_started=1767229200)
    call(
        "PATCH",
        "/v2/{project_id}/jobs/{job_id}",
        {"job_schedule": schedule, "session_id": session_id, "session_tag": 1},
        job_id=job_id,
    )
    call(
        "PATCH",
        "/v2/{project_id}/sessions/{session_id}",
        {"description": None, "last_start": ""},
        session_id=session_id,
    )
    action_id = call("POST", "/v2/{project_id}/actions", {"freezer_action": freezer_action()}).json()["action_id"]
    call(
        "PATCH",
        "/v2/{project_id}/actions/{action_id}",
        {"freezer_action": {"backup_name": "renamed"}},
        action_id=action_id,
    )
    call(
        "PUT",
        "/v2/{project_id}/actions/{action_id}",
        {"freezer_action": freezer_action(), "mandatory": True},
        action_id=action_id,
    )
    backup_id = call("POST", "/v2/{project_id}/backups", backup_metadata(status="creating")).json()["backup_id"]
    call(
        "PATCH",
        "/v2/{project_id}/backups/{backup_id}",
        {"status": "available", "backup_metadata": {"size": 7}},
        backup_id=backup_id,
    )
    for kind, id_name, doc_id in (
        ("backups", "backup_id", backup_id),
        ("clients", "client_id", client["client_id"]),
        ("jobs", "job_id", job_id),
        ("jobs", "job_id", chosen),
        ("actions", "action_id", action_id),
        ("sessions", "session_id", session_id),
    ):
        call("GET", f"/v2/{{project_id}}/{kind}/{{{id_name}}}", **{id_name: doc_id})
        call("GET", f"/v2/{{project_id}}/{kind}")
    call("DELETE", "/v2/{project_id}/sessions/{session_id}/jobs/{job_id}", session_id=session_id, job_id=chosen)
    call("GET", "/v2/{project_id}/jobs/{job_id}", job_id=chosen)
    call("DELETE", "/v2/{project_id}/jobs/{job_id}", job_id=chosen)
    call("GET", "/v2/{project_id}/jobs/{job_id}", job_id=chosen)  # 404, validated as such
    call("GET", "/")
    call("GET", "/v2")
    # Every answer above was validated; the run covered these outcomes.
    assert {
        "POST /v2/{project_id}/jobs/{job_id}/event 202",
        "GET /v2/{project_id}/jobs/{job_id} 404",
        "PATCH /v2/{project_id}/backups/{backup_id} 200",
    } <= set(call.seen)
