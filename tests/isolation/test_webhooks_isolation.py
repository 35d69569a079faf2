"""Webhook routes in every v2 situation of the isolation matrix (routes.V2_SITUATIONS).

Webhooks are for the project's members (and admins): readers and services
get 403 even for reads, and another project's ids are 404 exactly like ids
that exist nowhere. Against a real server of its own whose webhooks may
target loopback; they point at a closed port, and subscribe to an event the
test never causes.
"""

from __future__ import annotations

import pytest

from tests.conftest import as_persona
from tests.isolation.routes import OWNER, V2_SITUATIONS, VICTIM_PROJECT, WEBHOOK_ROUTES, Route, Situation, passes
from tests.support.http import Caller, OverHTTP
from tests.support.personas import PERSONAS
from tests.support.server import start_server

TARGET = {"url": "http://127.0.0.1:9/never", "events": ["freezer.client.down"]}
SUCCESS = {"list": 200, "create": 201, "read": 200, "delete": 204, "list_deliveries": 200}
CELLS = [(route, situation) for route in WEBHOOK_ROUTES for situation in V2_SITUATIONS if not situation.reads_only]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    directory = tmp_path_factory.mktemp("webhooks-isolation")
    server = start_server(
        directory,
        database_url=f"sqlite:///{directory / 'db.sqlite'}",
        workers=1,
        extra_config="[webhooks]\nallowed_networks = 127.0.0.0/8\n",
    )
    yield server
    server.stop()


def _victim(server) -> str:
    made = as_persona(server, "member_a").post(f"/v2/{VICTIM_PROJECT}/webhooks", json=TARGET)
    assert made.status == 201, made
    return made.json()["webhook_id"]


def expected(route: Route, situation: Situation) -> int:
    if situation.persona is None:
        return 401
    if not passes(PERSONAS[situation.persona], OWNER, situation.path_project):
        return 403
    if situation.path_project == VICTIM_PROJECT or route.op in ("list", "create"):
        return SUCCESS[route.op]
    return 404


@pytest.mark.parametrize(("route", "situation"), CELLS, ids=[f"{s.name}:{r}" for r, s in CELLS])
def test_cell(server, route: Route, situation: Situation):
    owner = as_persona(server, "member_a")
    victim = _victim(server)
    caller = as_persona(server, situation.persona) if situation.persona else Caller(OverHTTP(server.url))
    path = route.path(situation.path_project, {"webhook_id": victim})
    reply = caller.post(path, json=TARGET) if route.method == "POST" else caller.request(route.method, path)
    want = expected(route, situation)
    assert reply.status == want, f"{route} in {situation.name}: {reply}"
    outsider = situation.path_project != VICTIM_PROJECT or situation.persona is None
    if reply.status >= 400:
        error = reply.json()
        assert error["title"] and error["description"], reply
        if outsider:
            assert VICTIM_PROJECT not in reply.body.decode() and "user-a" not in reply.body.decode(), reply
    if reply.status == 404:
        missing = caller.request(route.method, route.path(situation.path_project, {"webhook_id": "missing" * 4}))
        assert reply.body.decode().replace(victim, "missing" * 4) == missing.body.decode()
    if route.op == "list" and reply.status == 200:
        listed = [hook["webhook_id"] for hook in reply.json()["webhooks"]]
        assert (victim in listed) == (situation.path_project == VICTIM_PROJECT), reply
    if route.op == "create" and reply.status == 201:
        created = owner.get(f"/v2/{VICTIM_PROJECT}/webhooks/{reply.json()['webhook_id']}")
        assert (created.status == 200) == (situation.path_project == VICTIM_PROJECT)
    still = owner.get(f"/v2/{VICTIM_PROJECT}/webhooks/{victim}")
    deleted_legitimately = route.op == "delete" and want == 204
    assert still.status == (404 if deleted_legitimately else 200), still
