"""The isolation matrix's route table, identities and oracle.

The rules: docs/resources.md#policy, docs/jobs.md#listing-across-projects.

ROUTES lists every (method, route) the app serves, as Falcon's router names
them; test_isolation_matrix.py fails when the app serves one this table
lacks (or the other way round). The oracle says, from the documented rules alone
(not from the server's policy code), what each identity in each path
situation must get.
"""

from __future__ import annotations

from dataclasses import dataclass

from tests.support.personas import PERSONAS, Persona

VICTIM_PROJECT = "project-a"
V2 = "/v2/{project_id}"

# The base rules the default operation rules are made of (freezer_api/policies/base.py).
PUBLIC = "public"  # no token needed: /, /healthcheck, /openapi.json, /docs, /metrics (from loopback)
IDENTIFIED = "identified"  # any valid token: the home documents
READER_OR_SERVICE = "admin_or_reader_or_service"
OWNER = "admin_or_owner"
OWNER_OR_SERVICE = "admin_or_owner_or_service"
ADMIN_OR_SERVICE = "admin_or_service"

# What a route does to the documents it names. The protection-state reads
# (docs/health.md): a job's runs, a project's run search, one run, a job's or
# client's health, the project's summary.
STATE_READS = ("job_runs", "run_search", "run_read", "health_read", "health_summary")
READS = ("list", "read", "sets", "plan", *STATE_READS)
WRITES_EXISTING = ("update", "delete", "event", "session_action", "job_add", "job_remove")

SUCCESS = {
    "list": 200,
    "read": 200,
    "create": 201,
    "update": 200,
    "upsert": 201,  # POST (or PUT) to an item: create or replace (docs/original-defects.md#d22)
    "delete": 204,
    "event": 202,
    "session_action": 202,
    "job_add": 204,
    "job_remove": 204,
    "home": 200,
    "sets": 200,  # GET backup-sets (docs/restore.md#backup-sets)
    "plan": 200,  # GET restore-plan of the victim's backup's set
    "restore": 201,  # POST backups/{backup_id}/restore: a new job in the path's project
    **dict.fromkeys(STATE_READS, 200),
}

ID_NAMES = {
    "backups": "backup_id",
    "clients": "client_id",
    "jobs": "job_id",
    "actions": "action_id",
    "sessions": "session_id",
    "runs": "run_id",
}


@dataclass(frozen=True)
class Route:
    method: str
    template: str  # as Falcon's router shows it
    op: str
    kind: str = ""  # the document kind, "" for the version and home routes

    @property
    def version(self) -> str:
        if self.template.startswith("/v2"):
            return "v2"
        if self.template.startswith("/v1"):
            return "v1"
        return "public"

    @property
    def rule(self) -> str:
        """The base rule of the route's default policy (docs/resources.md#policy, docs/resources.md#v1)."""
        if self.op == "public":
            return PUBLIC
        if self.op == "home":
            return IDENTIFIED
        if self.op in READS:
            return READER_OR_SERVICE
        return OWNER_OR_SERVICE if self.kind == "backups" else OWNER

    @property
    def success(self) -> int:
        if self.op == "public":
            return 300 if self.template == "/" else 200
        return SUCCESS[self.op]

    @property
    def id_name(self) -> str:
        return ID_NAMES.get(self.kind, "")

    def path(self, project_id: str | None, ids: dict[str, str]) -> str:
        return self.template.format(project_id=project_id, **ids)

    def __str__(self) -> str:
        return f"{self.method} {self.template}"


def _collection(prefix: str, kind: str) -> list[Route]:
    return [Route("GET", f"{prefix}/{kind}", "list", kind), Route("POST", f"{prefix}/{kind}", "create", kind)]


def _item(prefix: str, kind: str, *operations: tuple[str, str]) -> list[Route]:
    template = f"{prefix}/{kind}/{{{ID_NAMES[kind]}}}"
    return [Route(method, template, op, kind) for method, op in operations]


# Item operations of the documents that have create-or-replace (jobs, actions, sessions).
_REPLACEABLE = (("GET", "read"), ("PATCH", "update"), ("POST", "upsert"), ("PUT", "upsert"), ("DELETE", "delete"))


def _catalog(prefix: str) -> list[Route]:
    """The jobs, actions and sessions routes, the same in v1 and v2 (docs/resources.md#v1)."""
    return [
        *_collection(prefix, "jobs"),
        *_item(prefix, "jobs", *_REPLACEABLE),
        Route("POST", f"{prefix}/jobs/{{job_id}}/event", "event", "jobs"),
        *_collection(prefix, "actions"),
        *_item(prefix, "actions", *_REPLACEABLE),
        *_collection(prefix, "sessions"),
        *_item(prefix, "sessions", *_REPLACEABLE),
        Route("POST", f"{prefix}/sessions/{{session_id}}/action", "session_action", "sessions"),
        Route("PUT", f"{prefix}/sessions/{{session_id}}/jobs/{{job_id}}", "job_add", "sessions"),
        Route("DELETE", f"{prefix}/sessions/{{session_id}}/jobs/{{job_id}}", "job_remove", "sessions"),
    ]


ROUTES: tuple[Route, ...] = (
    Route("GET", "/", "public"),
    Route("GET", "/healthcheck", "public"),
    Route("HEAD", "/healthcheck", "public"),
    Route("GET", "/openapi.json", "public"),
    Route("GET", "/docs", "public"),
    Route("GET", "/metrics", "public"),  # its own caller checks: [metrics] allowed_networks, token
    Route("GET", "/v2", "home"),
    *_collection(V2, "backups"),
    *_item(V2, "backups", ("GET", "read"), ("PATCH", "update"), ("DELETE", "delete")),
    Route("POST", f"{V2}/backups/{{backup_id}}/restore", "restore", "backups"),
    Route("GET", f"{V2}/backup-sets", "sets", "backups"),
    Route("GET", f"{V2}/restore-plan", "plan", "backups"),
    *_collection(V2, "clients"),
    *_item(V2, "clients", ("GET", "read"), ("DELETE", "delete")),
    *_catalog(V2),
    Route("GET", f"{V2}/jobs/{{job_id}}/runs", "job_runs", "runs"),
    Route("GET", f"{V2}/runs", "run_search", "runs"),
    Route("GET", f"{V2}/runs/{{run_id}}", "run_read", "runs"),
    Route("GET", f"{V2}/jobs/{{job_id}}/health", "health_read", "jobs"),
    Route("GET", f"{V2}/clients/{{client_id}}/health", "health_read", "clients"),
    Route("GET", f"{V2}/health", "health_summary", "health"),
    Route("GET", "/v1", "home"),
    *_collection("/v1", "backups"),
    *_item("/v1", "backups", ("GET", "read"), ("PATCH", "update"), ("PUT", "update"), ("DELETE", "delete")),
    *_collection("/v1", "clients"),
    *_item("/v1", "clients", ("GET", "read"), ("PATCH", "update"), ("DELETE", "delete")),
    *_catalog("/v1"),
)

# Webhooks: members of the project (and admins) only, reads included
# (docs/observability.md#webhooks); their cells are in test_webhooks_isolation.py.
WEBHOOK_ROUTES: tuple[Route, ...] = (
    Route("GET", f"{V2}/webhooks", "list", "webhooks"),
    Route("POST", f"{V2}/webhooks", "create", "webhooks"),
    Route("GET", f"{V2}/webhooks/{{webhook_id}}", "read", "webhooks"),
    Route("DELETE", f"{V2}/webhooks/{{webhook_id}}", "delete", "webhooks"),
    Route("GET", f"{V2}/webhooks/{{webhook_id}}/deliveries", "list_deliveries", "webhooks"),
)


@dataclass(frozen=True)
class Situation:
    """Who calls, and which project the path names (v2; v1 is always the token's)."""

    name: str
    persona: str | None  # None: no token
    path_project: str | None = None
    all_projects: bool = False
    reads_only: bool = False  # only GET routes (all_projects is a parameter of reads)

    def project(self, route: Route) -> str | None:
        """The project the request works in."""
        if route.version == "v1":
            return PERSONAS[self.persona].project_id if self.persona else None
        return self.path_project


# Every v2 path names project-a (the victim) or the caller's own project, whose
# path then carries project-a's document ids.
V2_SITUATIONS = (
    Situation("own", "member_a", VICTIM_PROJECT),
    Situation("other_project_path", "member_b", VICTIM_PROJECT),
    Situation("other_ids_own_path", "member_b", "project-b"),
    Situation("other_ids_all_projects", "member_b", "project-b", all_projects=True, reads_only=True),
    Situation("reader", "reader_a", VICTIM_PROJECT),
    Situation("reader_all_projects", "reader_a", VICTIM_PROJECT, all_projects=True, reads_only=True),
    Situation("no_token", None, VICTIM_PROJECT),
    Situation("no_roles", "norole_a", VICTIM_PROJECT),
    Situation("admin", "admin", VICTIM_PROJECT),
    Situation("admin_other_ids_own_path", "admin", "admin-project"),
    Situation("admin_other_ids_all_projects", "admin", "project-c", all_projects=True),
    Situation("service", "service", VICTIM_PROJECT),
    Situation("service_other_ids_all_projects", "service", "service", all_projects=True),
)

# v1 names no project: everyone but project-a's own people reaches project-a's
# documents only by their ids.
V1_SITUATIONS = (
    Situation("own", "member_a"),
    Situation("other_ids", "member_b"),
    Situation("other_ids_all_projects", "member_b", all_projects=True, reads_only=True),
    Situation("reader", "reader_a"),
    Situation("no_token", None),
    Situation("no_roles", "norole_a"),
    Situation("admin", "admin"),
    Situation("admin_all_projects", "admin", all_projects=True, reads_only=True),
    Situation("service", "service"),
)

PUBLIC_SITUATIONS = (Situation("no_token", None), Situation("no_roles", "norole_a"))


def situations_of(route: Route) -> tuple[Situation, ...]:
    candidates = {"v2": V2_SITUATIONS, "v1": V1_SITUATIONS, "public": PUBLIC_SITUATIONS}[route.version]
    return tuple(s for s in candidates if route.method == "GET" or not s.reads_only)


CELLS = [(route, situation) for route in ROUTES for situation in situations_of(route)]


def passes(persona: Persona, rule: str, project_id: str | None) -> bool:
    """Whether `persona` passes base rule `rule` on target `project_id` (docs/resources.md#policy)."""
    roles = set(persona.roles)
    admin_or_service = bool(roles & {"admin", "service"})
    member = "member" in roles and persona.project_id == project_id
    reader = "reader" in roles and persona.project_id == project_id
    return {
        IDENTIFIED: True,
        ADMIN_OR_SERVICE: admin_or_service,
        OWNER: "admin" in roles or member,
        OWNER_OR_SERVICE: admin_or_service or member,
        READER_OR_SERVICE: admin_or_service or member or reader,
    }[rule]


@dataclass(frozen=True)
class Expected:
    status: int
    # The request writes, legitimately, in project-a: it targets documents
    # made for the cell (scratch), never the victim's.
    scratch: bool = False
    # A list that must contain the victim's document (else: must not).
    lists_victim: bool = False


def expected(route: Route, situation: Situation) -> Expected:
    """What the documented rules say this identity gets on this route in this situation."""
    if route.rule == PUBLIC:
        return Expected(route.success)
    if situation.persona is None:
        return Expected(401)
    persona = PERSONAS[situation.persona]
    project = situation.project(route)
    if not passes(persona, route.rule, project):
        return Expected(403)
    if route.op == "home":
        return Expected(200)
    jobs_list_v2 = route.version == "v2" and route.kind == "jobs" and route.op == "list"
    every_project = (jobs_list_v2 or route.op == "health_summary") and situation.all_projects
    if every_project and not passes(persona, ADMIN_OR_SERVICE, project):
        return Expected(403)  # all_projects=true without the right (docs/original-defects.md#d06)
    if project == VICTIM_PROJECT:
        lists = route.op in ("list", "sets", "job_runs", "run_search", "health_summary")
        return Expected(route.success, scratch=route.op not in READS, lists_victim=lists)
    # Another project's path (the caller's own, or any for admin): project-a's ids are unknown there...
    if route.op in ("list", "create", "upsert", "sets", "run_search", "health_summary"):
        return Expected(route.success, lists_victim=every_project)
    # ...except that admin and service read any project's job by id (docs/jobs.md#listing-across-projects).
    if (
        route.op == "read"
        and route.kind == "jobs"
        and route.version == "v2"
        and passes(persona, ADMIN_OR_SERVICE, project)
    ):
        return Expected(200)
    return Expected(404)
