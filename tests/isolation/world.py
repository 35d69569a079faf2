"""Project-a's documents (the victim), scratch documents, request bodies and snapshots.

One World per server: callers for every persona (one HTTP session each),
the victim's documents created once, and a snapshot of them (every
document's full GET body, `_version` included, and the ids each list of
project-a shows) to compare after every cell.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from tests.isolation.routes import ID_NAMES, VICTIM_PROJECT, Route
from tests.support.factories import (
    backup_metadata,
    client_info,
    freezer_action,
    job,
    original_backup_id,
    original_backup_metadata,
    original_client_info,
    session,
)
from tests.support.http import Caller, OverHTTP, Response
from tests.support.personas import PERSONAS

KINDS = tuple(ID_NAMES)
ANONYMOUS = "anonymous"
# Written by the matrix's updates; never a value another test searches for.
PATCHED = "isolation-matrix-patched"


def fresh(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def action_body(**overrides) -> dict:
    return {"freezer_action": freezer_action(), "max_retries": 2, "max_retries_interval": 30, **overrides}


@dataclass
class Target:
    """What one cell's request names: path ids and the ids/metadata its body carries."""

    ids: dict[str, str]
    chosen: dict = field(default_factory=dict)


def expect_status(reply: Response, status: int, what: str) -> Response:
    assert reply.status == status, f"{what}: {reply}"
    return reply


class World:
    def __init__(self, url: str):
        self.url = url
        self.callers = {name: Caller(OverHTTP(url), {"X-Auth-Token": p.token}) for name, p in PERSONAS.items()}
        self.callers[ANONYMOUS] = Caller(OverHTTP(url))
        self.owner = self.callers["member_a"]
        self.admin = self.callers["admin"]
        self.central_client = self._register("admin", client_info(fresh("isolation-central"), is_central=True))
        self.victim = self._create_victim()
        self.documents = self._victim_documents()
        self.baseline_documents = self.documents_now()
        self.baseline_lists = self.lists_now()

    def caller(self, persona: str | None) -> Caller:
        return self.callers[persona or ANONYMOUS]

    # -- the victim ---------------------------------------------------------

    def _create_victim(self) -> dict:
        """Project-a's documents, by its member; their ids by role in the matrix."""
        v: dict = {}
        v["client"] = self._register("member_a", client_info(fresh("isolation-victim"), uuid=fresh("uuid")))
        v["backup_metadata"] = backup_metadata()
        v["backup"] = self._post("backups", v["backup_metadata"])
        v["backup_v1_metadata"] = original_backup_metadata()
        v["backup_v1"] = self._post_v1("backups", v["backup_v1_metadata"])
        v["job"] = self._post("jobs", job(self.central_client))
        v["run"] = self._run(v["job"])
        v["action"] = self._post("actions", action_body())
        v["session"] = self._post("sessions", session())
        self._add_to_session(v["session"], v["job"])
        # Ids another project's create or create-or-replace may take for its own
        # documents (docs/original-defects.md#d31); never the ids other cells address, so no cell
        # depends on another having run.
        v["create"] = {
            "v2": {
                "jobs": self._post("jobs", job(self.central_client)),
                "actions": self._post("actions", action_body()),
                "clients": client_info(fresh("isolation-victim-c"), uuid=fresh("uuid")),
            },
            "v1": {
                # v1 ignores a job_id in the body: it may name project-a's job.
                "jobs": self._post("jobs", job(self.central_client)),
                "actions": self._post("actions", action_body()),
                "clients": original_client_info(fresh("isolation-victim-c1")),
                "backups": original_backup_metadata(),
            },
        }
        self._register("member_a", v["create"]["v2"]["clients"])
        self._register_v1(v["create"]["v1"]["clients"])
        self._post_v1("backups", v["create"]["v1"]["backups"])
        v["upsert"] = {kind: self._post(kind, body) for kind, body in self._upsert_bodies().items()}
        return v

    def _upsert_bodies(self) -> dict:
        return {"jobs": job(self.central_client), "actions": action_body(), "sessions": session()}

    def _victim_documents(self) -> dict[str, str]:
        """name -> the v2 path (in project-a) of every victim document."""
        v = self.victim
        paths = {
            "central_client": ("clients", self.central_client),
            "client": ("clients", v["client"]),
            "backup": ("backups", v["backup"]),
            "backup_v1": ("backups", v["backup_v1"]),
            "job": ("jobs", v["job"]),
            "action": ("actions", v["action"]),
            "session": ("sessions", v["session"]),
            "create_job": ("jobs", v["create"]["v2"]["jobs"]),
            "create_action": ("actions", v["create"]["v2"]["actions"]),
            "create_client": ("clients", v["create"]["v2"]["clients"]["client_id"]),
            "create_job_v1": ("jobs", v["create"]["v1"]["jobs"]),
            "create_action_v1": ("actions", v["create"]["v1"]["actions"]),
            "create_client_v1": ("clients", v["create"]["v1"]["clients"]["client_id"]),
            "create_backup_v1": ("backups", original_backup_id(v["create"]["v1"]["backups"])),
        }
        paths.update({f"upsert_{kind}": (kind, doc_id) for kind, doc_id in v["upsert"].items()})
        return {name: f"/v2/{VICTIM_PROJECT}/{kind}/{doc_id}" for name, (kind, doc_id) in paths.items()}

    def victim_target(self, route: Route) -> Target:
        """Project-a's ids as this route would name them."""
        v = self.victim
        created = v["create"].get(route.version, {})
        if route.op == "upsert":
            return Target({route.id_name: v["upsert"][route.kind]})
        ids = {
            "backup_id": v["backup_v1"] if route.version == "v1" else v["backup"],
            "client_id": v["client"],
            "job_id": v["job"],
            "action_id": v["action"],
            "session_id": v["session"],
            "run_id": v["run"],
        }
        chosen = {"member_job": v["job"], "v1_backup": v["backup_v1_metadata"]}
        if route.op == "create":
            chosen = {
                "id": created.get(route.kind),
                "client": created.get("clients"),
                "v1_backup": created.get("backups"),
            }
        return Target(ids, chosen)

    # -- scratch: project-a's documents a legitimate write may change -------

    def scratch_target(self, route: Route) -> Target:
        """Fresh project-a documents for one legitimate write."""
        if route.op == "create":
            client = original_client_info(fresh("own")) if route.version == "v1" else client_info(fresh("own"))
            return Target({}, {"id": fresh("own"), "client": client, "v1_backup": original_backup_metadata()})
        if route.kind == "backups" and route.version == "v1":
            metadata = original_backup_metadata()
            return Target({"backup_id": self._post_v1("backups", metadata)}, {"v1_backup": metadata})
        if route.kind == "backups":
            return Target({"backup_id": self._post("backups", backup_metadata())})
        if route.kind == "clients":
            return Target({"client_id": self._register("member_a", client_info(fresh("own")))})
        if route.op in ("session_action", "job_add", "job_remove"):
            session_id, job_id = self._post("sessions", session()), self._post("jobs", job(self.central_client))
            if route.op != "job_add":
                self._add_to_session(session_id, job_id)
            return Target({"session_id": session_id, "job_id": job_id}, {"member_job": job_id})
        body = self._upsert_bodies()[route.kind]
        return Target({route.id_name: self._post(route.kind, body)})

    # -- bodies ---------------------------------------------------------------

    def params(self, route: Route) -> dict[str, str]:
        """Query parameters the route needs: the restore plan names the victim's backup's set."""
        if route.op != "plan":
            return {}
        metadata = self.victim["backup_metadata"]
        return {"hostname": metadata["hostname"], "backup_name": metadata["backup_name"]}

    def body(self, route: Route, target: Target):
        """A valid body for the route, so that only identity and ids decide the outcome."""
        if route.op == "sets":
            return {"match": [{"backup_name": self.victim["backup_metadata"]["backup_name"]}]}
        if route.op == "restore":
            # Project-a's own client: visible in project-a only (another project's is a 404 there).
            return {"client_id": self.victim["client"], "restore_abs_path": "/tmp/isolation-restore"}
        if route.op == "list":
            return {"match": [{route.id_name: target.ids[route.id_name]}]}
        if route.op == "run_search":
            return {"match": [{"job_id": target.ids["job_id"]}]}
        if route.op == "create":
            return self._create_body(route, target)
        if route.op == "upsert":
            return self._upsert_bodies()[route.kind]
        if route.op == "update":
            return self._update_body(route, target)
        if route.op == "event":
            return {"start": ""}
        if route.op == "session_action":
            return {"start": {"job_id": target.chosen["member_job"], "current_tag": 0}}
        return None

    def _create_body(self, route: Route, target: Target):
        chosen_id = target.chosen.get("id")
        if route.kind == "backups":
            return target.chosen["v1_backup"] if route.version == "v1" else backup_metadata()
        if route.kind == "clients":
            return target.chosen["client"]
        if route.kind == "jobs":
            return job(self.central_client, job_id=chosen_id)
        if route.kind == "actions":
            return action_body(action_id=chosen_id)
        return session()

    def _update_body(self, route: Route, target: Target):
        if route.kind == "backups" and route.version == "v1":
            return {**target.chosen["v1_backup"], "mode": PATCHED} if route.method == "PUT" else {"mode": PATCHED}
        return {
            "backups": {"status": "error", "backup_metadata": {"mode": PATCHED}},
            "clients": {"description": PATCHED},
            "jobs": {"description": PATCHED},
            "actions": {"freezer_action": {"backup_name": PATCHED}},
            "sessions": {"description": PATCHED},
        }[route.kind]

    # -- snapshots --------------------------------------------------------------

    def documents_now(self) -> dict[str, tuple[int, bytes]]:
        """Every victim document's GET status and exact body."""
        return {name: _status_and_body(self.owner.get(path)) for name, path in self.documents.items()}

    def lists_now(self) -> dict[str, list[str]]:
        """The ids each list of project-a shows its member."""
        result = {}
        for kind in KINDS:
            reply = expect_status(self.owner.get(f"/v2/{VICTIM_PROJECT}/{kind}", params={"limit": 1000}), 200, kind)
            result[kind] = sorted(document_id(kind, doc) for doc in reply.json()[kind])
        return result

    # -- helpers ----------------------------------------------------------------

    def _post(self, kind: str, body: dict) -> str:
        reply = expect_status(self.owner.post(f"/v2/{VICTIM_PROJECT}/{kind}", body), 201, f"create {kind}")
        return reply.json()[ID_NAMES[kind]]

    def _post_v1(self, kind: str, body: dict) -> str:
        reply = expect_status(self.owner.post(f"/v1/{kind}", body), 201, f"create v1 {kind}")
        return reply.json()[ID_NAMES[kind]]

    def _register(self, persona: str, info: dict) -> str:
        reply = self.callers[persona].post(f"/v2/{VICTIM_PROJECT}/clients", info)
        return expect_status(reply, 201, "register client").json()["client_id"]

    def _register_v1(self, info: dict) -> str:
        return self._post_v1("clients", info)

    def _run(self, job_id: str) -> str:
        """One finished run of the job, with a backup, as its scheduler reports it; the run's id."""
        path = f"/v2/{VICTIM_PROJECT}/jobs/{job_id}"
        running = {"status": "running", "result": "", "time_started": 1767229200, "time_ended": -1}
        expect_status(self.owner.patch(path, {"job_schedule": running}), 200, "start a run")
        self._post("backups", backup_metadata(job_id=job_id))
        ended = {**running, "status": "completed", "result": "success", "time_ended": 1767229300}
        expect_status(self.owner.patch(path, {"job_schedule": ended}), 200, "end the run")
        runs = expect_status(self.owner.get(f"{path}/runs"), 200, "list runs").json()["runs"]
        return runs[0]["run_id"]

    def _add_to_session(self, session_id: str, job_id: str) -> None:
        reply = self.owner.put(f"/v2/{VICTIM_PROJECT}/sessions/{session_id}/jobs/{job_id}")
        expect_status(reply, 204, "add job to session")

    def close(self) -> None:
        """Remove the central client: it would show in every project's client list."""
        self.admin.delete(f"/v2/{VICTIM_PROJECT}/clients/{self.central_client}")


def document_id(kind: str, doc: dict) -> str:
    return doc["client"]["client_id"] if kind == "clients" else doc[ID_NAMES[kind]]


def _status_and_body(reply: Response) -> tuple[int, bytes]:
    return reply.status, reply.body
