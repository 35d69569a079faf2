"""Bodies that name an owner, a project, an id or credentials change none of them
(docs/original-defects.md#d01, docs/original-defects.md#d05, docs/original-defects.md#d15).

Every create, update and create-or-replace route of v1 and v2 (taken from
the matrix's route table, so a new one is covered too), against a real
server on every engine.
"""

from __future__ import annotations

import pytest

from tests.isolation.routes import ROUTES, VICTIM_PROJECT, Route
from tests.isolation.world import PATCHED, World, document_id, fresh
from tests.support.factories import freezer_action, job
from tests.support.personas import PERSONAS

UPDATES = [route for route in ROUTES if route.op in ("update", "upsert")]
CREATES = [route for route in ROUTES if route.op == "create"]
CREDENTIALS = {"trust_id": "stolen-trust", "trustor_user_id": "user-b"}


def stored(world: World, caller: str, project: str, route: Route, doc_id: str):
    return world.callers[caller].get(f"/v2/{project}/{route.kind}/{doc_id}")


def test_every_resource_has_updates_and_creates_here():
    assert {route.kind for route in UPDATES} == {"backups", "clients", "jobs", "actions", "sessions"}
    assert {route.kind for route in CREATES} == {"backups", "clients", "jobs", "actions", "sessions"}


@pytest.mark.parametrize("route", UPDATES, ids=str)
def test_an_update_keeps_project_creator_and_id(world: World, route: Route):
    """Another member of project-a sends the fields; the document stays put, its creator stays."""
    target = world.scratch_target(route)
    doc_id = target.ids[route.id_name]
    intruding = {"project_id": "project-b", "user_id": "intruder", "user_credentials": CREDENTIALS}
    hijacked = fresh("hijacked")
    if not (route.version == "v1" and route.kind == "clients"):  # there a changed id is refused: see below
        intruding[route.id_name] = hijacked
    body = {**world.body(route, target), **intruding}
    reply = world.callers["member_a2"].request(route.method, route.path(VICTIM_PROJECT, target.ids), body)
    assert reply.status == route.success, reply

    doc = stored(world, "member_a", VICTIM_PROJECT, route, doc_id).json()
    assert (doc["project_id"], doc["user_id"], document_id(route.kind, doc)) == (VICTIM_PROJECT, "user-a", doc_id)
    assert "user_credentials" not in doc
    assert PATCHED in str(doc) or route.op == "upsert"  # the legitimate part of the body was applied
    assert stored(world, "member_b", "project-b", route, doc_id).status == 404
    assert stored(world, "member_a", VICTIM_PROJECT, route, hijacked).status == 404


def test_a_v1_client_update_cannot_change_its_ids(world: World):
    route = next(r for r in UPDATES if r.version == "v1" and r.kind == "clients")
    target = world.scratch_target(route)
    client_id = target.ids["client_id"]
    before = stored(world, "member_a", VICTIM_PROJECT, route, client_id).body
    for change in ({"client_id": fresh("hijacked")}, {"uuid": fresh("hijacked")}, {"is_central": True}):
        reply = world.callers["member_a2"].patch(f"/v1/clients/{client_id}", {"description": PATCHED, **change})
        assert reply.status == 400, reply
        assert reply.json()["title"] == "Bad request format"
    assert stored(world, "member_a", VICTIM_PROJECT, route, client_id).body == before


@pytest.mark.parametrize("route", CREATES, ids=str)
def test_a_create_lands_in_the_callers_project_whatever_the_body_says(world: World, route: Route):
    """project-b's member names project-a and its member in the body: the document is project-b's."""
    target = world.scratch_target(route)  # fresh ids, nothing created
    body = {
        **world.body(route, target),
        "project_id": VICTIM_PROJECT,
        "user_id": "user-a",
        "user_credentials": CREDENTIALS,
    }
    lists_before = world.lists_now()
    reply = world.callers["member_b"].request(route.method, route.path("project-b", {}), body)
    assert reply.status == 201, reply
    doc_id = reply.json()[route.id_name]

    doc = stored(world, "member_b", "project-b", route, doc_id).json()
    assert (doc["project_id"], doc["user_id"]) == ("project-b", PERSONAS["member_b"].user_id)
    assert "user_credentials" not in doc
    assert stored(world, "member_a", VICTIM_PROJECT, route, doc_id).status == 404
    assert world.lists_now() == lists_before


def test_credentials_inside_job_actions_are_not_stored_either(world: World):
    """A job action entry (and the action stored from it) never keeps client-sent credentials.

    docs/original-defects.md#d05
    """
    member = world.callers["member_b"]
    body = job(world.central_client, freezer_action())
    body["job_actions"][0]["user_credentials"] = CREDENTIALS
    reply = member.post("/v2/project-b/jobs", body)
    assert reply.status == 201, reply
    stored_job = member.get(f"/v2/project-b/jobs/{reply.json()['job_id']}").json()
    (entry,) = stored_job["job_actions"]
    assert "user_credentials" not in entry and "user_credentials" not in stored_job
    action = member.get(f"/v2/project-b/actions/{entry['action_id']}").json()
    assert "user_credentials" not in action
