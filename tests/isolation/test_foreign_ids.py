"""Another project's ids where one request of the matrix cannot show it
(docs/original-defects.md#d31, docs/original-defects.md#d33; docs/jobs.md#trusts; docs/sessions.md#membership).

Ids inside bodies (a job's client and actions, a session's members, a v1
paging marker) and central clients, against a real server on every engine.
Project-a's documents never change, and what project-b learns about an id
of project-a is what it learns about an id that exists nowhere.
"""

from __future__ import annotations

import pytest

from tests.isolation.routes import VICTIM_PROJECT
from tests.isolation.world import World, action_body, fresh
from tests.support.factories import (
    backup_metadata,
    client_info,
    freezer_action,
    job,
    original_backup_metadata,
    session,
)
from tests.support.http import Caller, Response


@pytest.fixture
def member_a(world: World) -> Caller:
    return world.callers["member_a"]


@pytest.fixture
def member_b(world: World) -> Caller:
    return world.callers["member_b"]


def created(reply: Response, id_name: str) -> str:
    assert reply.status == 201, reply
    return reply.json()[id_name]


def same_answer(for_existing: Response, existing_id: str, for_missing: Response, missing_id: str) -> None:
    """Both answers are identical once each names its own id."""
    assert for_existing.status == for_missing.status, (for_existing, for_missing)
    assert for_existing.body.decode().replace(existing_id, missing_id) == for_missing.body.decode()


class Frozen:
    """Exact GET bodies (`_version` included) of documents that must not change."""

    def __init__(self, caller: Caller, *paths: str):
        self.caller, self.paths = caller, paths
        self.bodies = self._now()

    def _now(self) -> list[tuple[int, bytes]]:
        return [(reply.status, reply.body) for reply in map(self.caller.get, self.paths)]

    def check(self) -> None:
        assert self._now() == self.bodies


def test_a_job_cannot_target_another_projects_own_client(world, member_a, member_b):
    client_id = created(member_a.post(f"/v2/{VICTIM_PROJECT}/clients", client_info()), "client_id")
    frozen = Frozen(member_a, f"/v2/{VICTIM_PROJECT}/clients/{client_id}")
    nowhere = client_info()["client_id"]
    own_job = created(member_b.post("/v2/project-b/jobs", job(world.central_client)), "job_id")
    for method, path in (
        ("POST", "/v2/project-b/jobs"),
        ("POST", "/v1/jobs"),
        ("POST", f"/v2/project-b/jobs/{fresh('j')}"),
    ):
        refused = member_b.request(method, path, job(client_id))
        assert refused.status == 422 and refused.json()["title"] == "Unprocessable Entity", refused
        same_answer(refused, client_id, member_b.request(method, path, job(nowhere)), nowhere)
    refused = member_b.patch(f"/v2/project-b/jobs/{own_job}", {"client_id": client_id})
    same_answer(refused, client_id, member_b.patch(f"/v2/project-b/jobs/{own_job}", {"client_id": nowhere}), nowhere)
    assert refused.status == 422
    frozen.check()


def test_job_actions_naming_another_projects_action(world, member_a, member_b):
    action_id = created(member_a.post(f"/v2/{VICTIM_PROJECT}/actions", action_body()), "action_id")
    frozen = Frozen(member_a, f"/v2/{VICTIM_PROJECT}/actions/{action_id}")
    nowhere = fresh("nowhere")

    def by_reference(reference: str) -> Response:
        body = job(world.central_client)
        body["job_actions"] = [{"action_id": reference, "mandatory": True}]
        return member_b.post("/v2/project-b/jobs", body)

    refused = by_reference(action_id)
    assert refused.status == 422, refused  # project-b has no such action: give its definition
    same_answer(refused, action_id, by_reference(nowhere), nowhere)

    # With a definition the id is project-b's own (docs/original-defects.md#d31): a new action, project-a's untouched.
    body = job(world.central_client, freezer_action(backup_name="project-b's own"))
    body["job_actions"][0]["action_id"] = action_id
    job_id = created(member_b.post("/v2/project-b/jobs", body), "job_id")
    (entry,) = member_b.get(f"/v2/project-b/jobs/{job_id}").json()["job_actions"]
    assert entry["action_id"] == action_id and entry["project_id"] == "project-b"
    copy = member_b.get(f"/v2/project-b/actions/{action_id}").json()
    assert (copy["project_id"], copy["user_id"], copy["freezer_action"]["backup_name"]) == (
        "project-b",
        "user-b",
        "project-b's own",
    )
    frozen.check()


def test_sessions_and_jobs_of_two_projects_never_mix(world, member_a, member_b):
    a_job = created(member_a.post(f"/v2/{VICTIM_PROJECT}/jobs", job(world.central_client)), "job_id")
    a_session = created(member_a.post(f"/v2/{VICTIM_PROJECT}/sessions", session()), "session_id")
    assert member_a.put(f"/v2/{VICTIM_PROJECT}/sessions/{a_session}/jobs/{a_job}").status == 204
    frozen_a = Frozen(member_a, f"/v2/{VICTIM_PROJECT}/jobs/{a_job}", f"/v2/{VICTIM_PROJECT}/sessions/{a_session}")
    b_job = created(member_b.post("/v2/project-b/jobs", job(world.central_client)), "job_id")
    b_session = created(member_b.post("/v2/project-b/sessions", session()), "session_id")
    frozen_b = Frozen(member_b, f"/v2/project-b/jobs/{b_job}", f"/v2/project-b/sessions/{b_session}")

    for prefix in ("/v2/project-b", "/v1"):
        for session_id, job_id in ((b_session, a_job), (a_session, b_job), (a_session, a_job)):
            for method in ("PUT", "DELETE"):
                reply = member_b.request(method, f"{prefix}/sessions/{session_id}/jobs/{job_id}")
                assert reply.status == 404 and reply.json()["title"] == "Not Found", reply
        start = {"start": {"job_id": a_job, "current_tag": 0}}
        assert member_b.post(f"{prefix}/sessions/{b_session}/action", start).status == 400  # not a member of b's
    frozen_b.check()

    # Project-b may write project-a's ids into its own documents; they stay mere strings there.
    member = {"client_id": world.central_client, "status": "", "result": ""}
    assert member_b.patch(f"/v2/project-b/sessions/{b_session}", {"jobs": {a_job: member}}).status == 200
    started = member_b.post(
        f"/v2/project-b/sessions/{b_session}/action", {"start": {"job_id": a_job, "current_tag": 0}}
    )
    assert started.status == 202, started
    assert (
        member_b.post(
            f"/v2/project-b/sessions/{b_session}/action",
            {"end": {"job_id": a_job, "current_tag": 1, "result": "success"}},
        ).status
        == 202
    )
    assert member_b.patch(f"/v2/project-b/jobs/{b_job}", {"session_id": a_session}).status == 200
    assert (
        member_b.put(f"/v2/project-b/sessions/{b_session}/jobs/{b_job}").status == 204
    )  # leaves "a_session": none in b
    assert member_b.delete(f"/v2/project-b/sessions/{b_session}/jobs/{a_job}").status == 404
    frozen_a.check()


def test_central_clients_are_seen_everywhere_and_changed_only_by_their_project(world, member_a, member_b):
    admin = world.callers["admin"]
    central = created(admin.post(f"/v2/{VICTIM_PROJECT}/clients", client_info(is_central=True)), "client_id")
    try:
        frozen = Frozen(member_a, f"/v2/{VICTIM_PROJECT}/clients/{central}")
        seen = member_b.get(f"/v2/project-b/clients/{central}")
        assert seen.status == 200 and seen.body == frozen.bodies[0][1]
        listed = member_b.get("/v2/project-b/clients", {"match": [{"client_id": central}]}).json()["clients"]
        assert [c["client"]["client_id"] for c in listed] == [central]
        assert member_b.get(f"/v1/clients/{central}").json()["client"]["client_id"] == central

        for reply in (
            member_b.delete(f"/v2/project-b/clients/{central}"),
            member_b.delete(f"/v1/clients/{central}"),
            member_b.patch(f"/v1/clients/{central}", {"description": "taken over"}),
            admin.delete(f"/v2/admin-project/clients/{central}"),
        ):
            assert reply.status == 403 and reply.json()["title"] == "Access Forbidden", reply
        # Re-registering a central client's id elsewhere is refused (docs/original-defects.md#d33, kept on purpose).
        for path in ("/v2/project-b/clients", "/v1/clients"):
            reply = member_b.post(path, client_info(central))
            assert reply.status == 409 and reply.json()["title"] == "Document already existing", reply
        # Any project's jobs may target it.
        job_id = created(member_b.post("/v2/project-b/jobs", job(central)), "job_id")
        assert member_b.get(f"/v2/project-b/jobs/{job_id}").json()["project_id"] == "project-b"
        frozen.check()
        assert member_a.delete(f"/v2/{VICTIM_PROJECT}/clients/{central}").status == 204  # its own project may
    finally:
        admin.delete(f"/v2/{VICTIM_PROJECT}/clients/{central}")


def test_client_uuids_are_per_project_through_v1_too(world, member_a, member_b):
    info = client_info(uuid=fresh("uuid"))
    created(member_a.post(f"/v2/{VICTIM_PROJECT}/clients", info), "client_id")
    frozen = Frozen(member_a, f"/v2/{VICTIM_PROJECT}/clients/{info['client_id']}")
    for caller, path in ((member_b, "/v1/clients"), (world.callers["admin"], "/v2/project-c/clients")):
        other = client_info(uuid=info["uuid"])
        assert created(caller.post(path, other), "client_id") == other["client_id"]
    # Within one project a uuid is still unique.
    assert member_b.post("/v1/clients", client_info(uuid=info["uuid"])).status == 409
    frozen.check()


def test_a_v1_paging_marker_from_another_project_reveals_nothing(member_a, member_b):
    backup_id = created(member_a.post("/v1/backups", original_backup_metadata()), "backup_id")
    nowhere = fresh("nowhere")
    refused = member_b.get("/v1/backups", params={"marker": backup_id})
    assert refused.status == 400, refused
    same_answer(refused, backup_id, member_b.get("/v1/backups", params={"marker": nowhere}), nowhere)
    assert member_a.get("/v1/backups", params={"marker": backup_id}).status == 200


def test_a_restore_cannot_target_another_projects_own_client(world, member_a, member_b):
    """docs/restore.md#restore: the target client must be the caller's to see."""
    client_id = created(member_a.post(f"/v2/{VICTIM_PROJECT}/clients", client_info()), "client_id")
    frozen = Frozen(member_a, f"/v2/{VICTIM_PROJECT}/clients/{client_id}")
    own_backup = created(member_b.post("/v2/project-b/backups", backup_metadata()), "backup_id")
    nowhere = client_info()["client_id"]
    path = f"/v2/project-b/backups/{own_backup}/restore"
    foreign = member_b.post(path, {"client_id": client_id, "restore_abs_path": "/srv"})
    missing = member_b.post(path, {"client_id": nowhere, "restore_abs_path": "/srv"})
    assert foreign.status == 404
    same_answer(foreign, client_id, missing, nowhere)
    frozen.check()
    jobs = member_a.get(f"/v2/{VICTIM_PROJECT}/jobs", {"match": [{"client_id": client_id}]}).json()["jobs"]
    assert jobs == []
    # The central client is every project's to target.
    central = member_b.post(path, {"client_id": world.central_client, "restore_abs_path": "/srv"})
    assert central.status == 201, central
