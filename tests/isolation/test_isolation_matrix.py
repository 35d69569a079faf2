"""Tenant isolation matrix (issue #7): every route of v1 and v2 x every identity and path situation.

Against a real freezer-api process with static tokens. For each cell
(routes.py: 83 (method, route) pairs the app serves; 13 v2
situations, 9 v1 situations, 2 for the public routes; the all_projects
situations on GET routes only) the test checks:

* the status the documented rules give (routes.expected; docs/resources.md#policy);
* every non-2xx has a JSON {"title", "description"} body that names
  nothing of project-a to a caller outside it, and a 404 for project-a's
  ids is the very answer (status and body) ids that exist nowhere get;
* successes did what they claim: a read shows project-a's exact document,
  a list shows it or (from another project) nothing of project-a, a write
  in another project created that project's own document (docs/original-defects.md#d31: even with
  project-a's id), a legitimate write in project-a changed the scratch
  document made for it and kept its creator (docs/original-defects.md#d15);
* afterwards project-a's documents are byte-for-byte what they were
  (full GET bodies, `_version` included) and project-a's lists hold the
  same ids, unless the cell was a legitimate write in project-a (which
  never touches the victim's documents: it works on scratch ones).

The matrix has 776 cells (len(CELLS); test_matrix_size keeps this honest),
and all of them run on every engine of the run: SQLite, PostgreSQL and
MariaDB in CI, about 100 s in all on a 2-core machine.
"""

from __future__ import annotations

from dataclasses import dataclass

import falcon.inspect
import orjson
import pytest

from freezer_api.app import create_app
from tests.conftest import make_conf
from tests.isolation.routes import (
    CELLS,
    ROUTES,
    VICTIM_PROJECT,
    WEBHOOK_ROUTES,
    Expected,
    Route,
    Situation,
    expected,
)
from tests.isolation.world import Target, World, document_id, fresh
from tests.support.http import Response
from tests.support.personas import PERSONAS

MATRIX_SIZE = 815

ERROR_TITLES = {401: "Unauthorized", 403: "Access Forbidden", 404: "Not Found"}
VICTIM_MARKS = (VICTIM_PROJECT, PERSONAS["member_a"].user_id)


def test_the_matrix_covers_every_route_the_app_serves(tmp_path):
    conf = make_conf(
        DEFAULT={"auth_strategy": "noauth"}, database={"connection": f"sqlite:///{tmp_path / 'routes.sqlite'}"}
    )
    served = {
        (method.method, route.path)
        for route in falcon.inspect.inspect_routes(create_app(conf))
        for method in route.methods
        if not method.internal
    }
    in_matrix = {(route.method, route.template) for route in (*ROUTES, *WEBHOOK_ROUTES)}
    assert served - in_matrix == set(), "served routes missing from the isolation matrix"
    assert in_matrix - served == set(), "matrix routes the app does not serve"
    assert {route for route, _ in CELLS} == set(ROUTES)


def test_matrix_size():
    assert len(CELLS) == MATRIX_SIZE


def cell_id(cell: tuple[Route, Situation]) -> str:
    route, situation = cell
    return f"{situation.name}:{route}"


@dataclass
class Cell:
    """One request of the matrix: who sends it where, what it names, what it must get."""

    route: Route
    situation: Situation
    want: Expected
    target: Target
    before: dict | None  # the scratch document before a legitimate write

    @property
    def project(self) -> str | None:
        return self.situation.project(self.route)

    @property
    def caller_user(self) -> str:
        return PERSONAS[self.situation.persona].user_id


@pytest.mark.parametrize(("route", "situation"), CELLS, ids=[cell_id(cell) for cell in CELLS])
def test_cell(world: World, route: Route, situation: Situation):
    want = expected(route, situation)
    target = world.scratch_target(route) if want.scratch else world.victim_target(route)
    before = world.owner.get(_scratch_path(route, target)).json() if want.scratch and route.op != "create" else None
    cell = Cell(route, situation, want, target, before)
    params = {"all_projects": "true"} if situation.all_projects else {}
    if route.op in ("list", "sets"):
        params["limit"] = "1000"
    params.update(world.params(route))
    body = world.body(route, target)
    send = _sender(world.caller(situation.persona), cell, params)
    reply = send(target.ids, body)

    try:
        assert reply.status == want.status, f"{route} in {situation.name}, ids {target.ids}: {reply}"
        if reply.status == 404:
            _check_same_as_missing(send, target, body, reply)
        if reply.status >= 400:
            _check_error(cell, reply)
        else:
            _check_success(world, cell, reply)
    finally:
        # Also after a failed check, so that the next cell compares with what is there now.
        changes = _victim_changes(world, legitimate_write=want.scratch)
    assert not changes, "\n".join(changes)


def _sender(caller, cell: Cell, params: dict):
    """Sends the cell's request with the given path ids and body."""

    def send(ids: dict[str, str], body) -> Response:
        path = cell.route.path(cell.situation.path_project, ids)
        if body is None:
            return caller.request(cell.route.method, path, params=params)
        return caller.request(cell.route.method, path, body, params=params)

    return send


def _check_same_as_missing(send, target: Target, body, reply: Response) -> None:
    """Project-a's ids get exactly the answer ids that exist nowhere get: nothing to detect."""
    missing = {name: fresh("missing") for name in target.ids}
    raw = orjson.dumps(body).decode() if body is not None else None
    expected_body = reply.body.decode()
    for name, victim_id in target.ids.items():
        raw = raw.replace(victim_id, missing[name]) if raw is not None else None
        expected_body = expected_body.replace(victim_id, missing[name])
    again = send(missing, orjson.loads(raw) if raw is not None else None)
    assert (again.status, again.body.decode()) == (404, expected_body), f"{reply} vs {again}"


def _check_error(cell: Cell, reply: Response) -> None:
    assert reply.headers["content-type"].startswith("application/json"), reply
    error = reply.json()
    assert isinstance(error.get("title"), str) and error["title"], reply
    assert isinstance(error.get("description"), str) and error["description"], reply
    if reply.status in ERROR_TITLES:
        assert error["title"] == ERROR_TITLES[reply.status], reply
    persona = PERSONAS.get(cell.situation.persona or "")
    outsider = cell.project != VICTIM_PROJECT and (persona is None or persona.project_id != VICTIM_PROJECT)
    if outsider:
        for mark in VICTIM_MARKS:
            assert mark not in reply.body.decode(), f"an error tells an outsider about {mark}: {reply}"


def _check_success(world: World, cell: Cell, reply: Response) -> None:
    op = cell.route.op
    if op == "public":
        return  # / and /healthcheck: the status says it all
    if op == "home":
        assert "resources" in reply.json()
        return
    check = {
        "list": _check_list,
        "read": _check_read,
        "create": _check_create,
        "upsert": _check_upsert,
        "sets": _check_sets,
        "plan": _check_plan,
        "restore": _check_restore,
        "job_runs": _check_runs,
        "run_search": _check_runs,
        "run_read": _check_state_read,
        "health_read": _check_state_read,
        "health_summary": _check_summary,
    }
    check.get(op, _check_scratch_write)(world, cell, reply)


def _check_list(world: World, cell: Cell, reply: Response) -> None:
    route = cell.route
    listed = reply.json()[route.kind]
    victim_id = cell.target.ids[route.id_name]
    if cell.want.lists_victim:
        assert victim_id in [document_id(route.kind, doc) for doc in listed], reply
        if route.version == "v2":
            assert _victim_document(world, route, victim_id) in listed
        return
    for doc in listed:
        if route.kind == "clients" and doc["client"].get("is_central"):
            continue
        assert doc.get("project_id") != VICTIM_PROJECT and doc.get("user_id") != "user-a", f"listed: {doc}"


def _check_sets(world: World, cell: Cell, reply: Response) -> None:
    victim_name = world.victim["backup_metadata"]["backup_name"]
    names = [s["backup_name"] for s in reply.json()["backup_sets"]]
    assert names == ([victim_name] if cell.want.lists_victim else []), reply


def _check_plan(world: World, cell: Cell, reply: Response) -> None:
    plan = reply.json()
    assert plan["backup_id"] == world.victim["backup"] and plan["chain"][0]["project_id"] == VICTIM_PROJECT, plan


def _check_restore(world: World, cell: Cell, reply: Response) -> None:
    """The restore job is in project-a, for project-a's client, restoring the scratch backup's set."""
    job_id = reply.json()["job_id"]
    doc = _check_owned_by_path(world, cell, f"/v2/{VICTIM_PROJECT}/jobs/{job_id}")
    backup = world.owner.get(_scratch_path(cell.route, cell.target)).json()["backup_metadata"]
    action = doc["job_actions"][0]["freezer_action"]
    assert (doc["client_id"], action["action"], action["backup_name"]) == (
        world.victim["client"],
        "restore",
        backup["backup_name"],
    )


def _check_owned_by_path(world: World, cell: Cell, path: str) -> dict:
    reply = world.caller(cell.situation.persona).get(path)
    assert reply.status == 200, reply
    doc = reply.json()
    assert doc["project_id"] == cell.project and doc["user_id"] == cell.caller_user, doc
    return doc


def _check_read(world: World, cell: Cell, reply: Response) -> None:
    route = cell.route
    doc = reply.json()
    doc_id = cell.target.ids[route.id_name]
    if route.version == "v2":
        assert doc == {**_victim_document(world, route, doc_id), "_version": doc["_version"]}
    else:
        assert document_id(route.kind, doc) == doc_id and doc["user_id"] == "user-a", doc


def _check_runs(world: World, cell: Cell, reply: Response) -> None:
    """A runs list shows project-a's run to project-a, and nothing of project-a to anyone else."""
    runs = reply.json()["runs"]
    if cell.want.lists_victim:
        assert cell.target.ids["run_id"] in [run["run_id"] for run in runs], reply
    else:
        assert all(run["project_id"] != VICTIM_PROJECT for run in runs), reply


def _check_state_read(world: World, cell: Cell, reply: Response) -> None:
    """A run or a health answer is about the very run, job or client the path names."""
    doc = reply.json()
    id_name = cell.route.id_name
    assert doc[id_name] == cell.target.ids[id_name], reply
    if cell.route.kind == "runs":
        assert doc["project_id"] == VICTIM_PROJECT, reply


def _check_summary(world: World, cell: Cell, reply: Response) -> None:
    doc = reply.json()
    assert set(doc) == {"clients", "jobs", "attention"}, reply
    if not cell.want.lists_victim:
        for mark in (VICTIM_PROJECT, cell.target.ids["job_id"], cell.target.ids["client_id"]):
            assert mark not in reply.body.decode(), f"the summary tells an outsider about {mark}: {reply}"


def _check_create(world: World, cell: Cell, reply: Response) -> None:
    route, chosen = cell.route, cell.target.chosen
    new_id = reply.json()[route.id_name]
    if route.kind == "jobs" and route.version == "v1":
        assert new_id != chosen["id"]  # v1 always generates the job id
    elif route.kind in ("jobs", "actions"):
        # project-a having the id neither refuses nor redirects it (docs/original-defects.md#d31)
        assert new_id == chosen["id"]
    elif route.kind == "clients":
        assert new_id == chosen["client"]["client_id"]
    _check_owned_by(world, cell, new_id, creator=cell.caller_user)


def _check_upsert(world: World, cell: Cell, reply: Response) -> None:
    doc_id = cell.target.ids[cell.route.id_name]
    assert reply.json()[cell.route.id_name] == doc_id
    # A replace keeps the creator (docs/original-defects.md#d15); in another project the caller created
    # its own document.
    creator = "user-a" if cell.want.scratch else cell.caller_user
    doc = _check_owned_by(world, cell, doc_id, creator=creator)
    if cell.before is not None:
        assert doc["_version"] > cell.before["_version"]


def _check_owned_by(world: World, cell: Cell, doc_id: str, *, creator: str) -> dict:
    """The document is in the request's project, created by `creator`."""
    route = cell.route
    path = f"/v2/{cell.project}/{route.kind}/{doc_id}" if route.version == "v2" else f"/v1/{route.kind}/{doc_id}"
    reply = world.caller(cell.situation.persona).get(path)
    assert reply.status == 200, reply
    doc = reply.json()
    if "project_id" in doc:
        assert doc["project_id"] == cell.project, doc
    assert doc["user_id"] == creator, doc
    return doc


def _check_scratch_write(world: World, cell: Cell, reply: Response) -> None:
    """A legitimate write in project-a changed the scratch document (and only it: see the victim check)."""
    assert cell.want.scratch
    ids = cell.target.ids
    after = world.owner.get(_scratch_path(cell.route, cell.target))
    if cell.route.op == "delete":
        assert after.status == 404, after
        return
    doc = after.json()
    assert doc["_version"] > cell.before["_version"], (cell.before, doc)
    if "user_id" in doc:
        assert doc["user_id"] == "user-a", doc  # the creator stays
    if cell.route.op == "job_add":
        assert ids["job_id"] in doc["jobs"]
    if cell.route.op == "job_remove":
        assert ids["job_id"] not in doc["jobs"]
    if cell.route.op == "event":
        assert doc["job_schedule"]["event"] == "start"


def _scratch_path(route: Route, target: Target) -> str:
    """The v2 path, in project-a, of the document a legitimate write changes."""
    id_name = "session_id" if route.kind == "sessions" else route.id_name
    return f"/v2/{VICTIM_PROJECT}/{route.kind}/{target.ids[id_name]}"


def _victim_document(world: World, route: Route, doc_id: str) -> dict:
    """The victim's document with this id as its baseline GET showed it, without `_version`."""
    for name, path in world.documents.items():
        if path == f"/v2/{VICTIM_PROJECT}/{route.kind}/{doc_id}":
            _status, raw = world.baseline_documents[name]
            doc = orjson.loads(raw)
            doc.pop("_version")
            return doc
    raise AssertionError(f"{doc_id} is not a victim document")


def _victim_changes(world: World, *, legitimate_write: bool) -> list[str]:
    """What changed in project-a since the last cell that should not have; the new baseline."""
    documents, lists = world.documents_now(), world.lists_now()
    changes = [
        f"project-a's {name} changed:\n  before {world.baseline_documents[name]!r}\n  after  {now!r}"
        for name, now in documents.items()
        if now != world.baseline_documents[name]
    ]
    if not legitimate_write and lists != world.baseline_lists:
        changes.append(f"project-a's lists changed:\n  before {world.baseline_lists}\n  after  {lists}")
    world.baseline_documents, world.baseline_lists = documents, lists
    return changes
