"""Every operation of the v2 API (/v2/{project_id}/...), as documented in the OpenAPI document."""

from __future__ import annotations

from typing import Any

from freezer_api.api.openapi.operations import (
    AUTHENTICATED,
    READS_BODY,
    USES_DATABASE,
    DocumentKind,
    Operation,
    creation,
    deleting,
    listing,
    patching,
    replacing,
    showing,
)
from freezer_api.api.openapi.root import home_document
from freezer_api.domain.schemas import actions, backups, clients, health, jobs, restore, search, sessions, webhooks

PREFIX = "/v2/{project_id}"

BACKUPS = DocumentKind(PREFIX, "backups", "backup_id", "backup", "Backup", backups.DOCUMENT)
CLIENTS = DocumentKind(PREFIX, "clients", "client_id", "client", "Client", clients.DOCUMENT)
JOBS = DocumentKind(PREFIX, "jobs", "job_id", "job", "Job", jobs.DOCUMENT)
ACTIONS = DocumentKind(PREFIX, "actions", "action_id", "action", "Action", actions.DOCUMENT)
SESSIONS = DocumentKind(PREFIX, "sessions", "session_id", "session", "Session", sessions.DOCUMENT)
KINDS = (BACKUPS, CLIENTS, JOBS, ACTIONS, SESSIONS)

EVENT = {
    "type": "object",
    "description": "one key naming the event; its value is ignored",
    "properties": {name: {} for name in jobs.EVENT_NAMES},
    "minProperties": 1,
    "maxProperties": 1,
    "additionalProperties": False,
}

SESSION_ACTION = {
    "type": "object",
    "description": "one key, start or end, with its parameters (an unknown name is 405)",
    "properties": {"start": sessions.START, "end": sessions.END},
    "minProperties": 1,
    "maxProperties": 1,
    "additionalProperties": False,
}

RESULT = {
    "type": "object",
    "properties": {"result": {"type": "string"}},
    "required": ["result"],
    "additionalProperties": False,
}

SESSION_RESULT = {
    "type": "object",
    "properties": {"result": {"enum": ["success", "hold-off", "out-of-sync"]}, "session_tag": {"type": "integer"}},
    "required": ["result", "session_tag"],
    "additionalProperties": False,
}

_SESSION_MEMBER = f"{SESSIONS.item}/jobs/{{job_id}}"

BACKUP_SETS = {
    "type": "object",
    "properties": {"backup_sets": {"type": "array", "items": restore.BACKUP_SET}},
    "required": ["backup_sets"],
}

RESTORE_JOB = {
    "type": "object",
    "properties": {"job_id": {"type": "string", "description": "the one-shot restore job"}},
    "required": ["job_id"],
}

# Published names of the request and result schemas this version uses.
SCHEMAS: dict[str, dict] = {
    **{name: schema for kind in KINDS for name, schema in kind.schemas().items()},
    "Search": search.SEARCH,
    "BackupSearch": search.BACKUP_SEARCH,
    "BackupCreate": backups.CREATE,
    "BackupPatch": backups.PATCH,
    "ClientRegistration": clients.REGISTER,
    "JobCreate": jobs.CREATE,
    "JobPatch": jobs.PATCH,
    "JobSchedule": jobs.SCHEDULE,
    "JobAction": jobs.JOB_ACTION,
    "FreezerAction": jobs.FREEZER_ACTION,
    "JobEvent": EVENT,
    "JobEventResult": RESULT,
    "ActionCreate": actions.CREATE,
    "ActionPatch": actions.PATCH,
    "SessionCreate": sessions.CREATE,
    "SessionReplace": sessions.REPLACE,
    "SessionPatch": sessions.PATCH,
    "SessionAction": SESSION_ACTION,
    "SessionStart": sessions.START,
    "SessionEnd": sessions.END,
    "SessionActionResult": SESSION_RESULT,
    "BackupSetSearch": restore.SET_SEARCH,
    "BackupSet": restore.BACKUP_SET,
    "RestorePlan": restore.RESTORE_PLAN,
    "BackupRestore": restore.RESTORE,
    "RestoreJob": RESTORE_JOB,
    "WebhookCreate": webhooks.CREATE,
    "WebhookCreated": webhooks.CREATED,
    "Webhook": webhooks.DOCUMENT,
    "WebhookDelivery": webhooks.DELIVERY,
    "Run": health.RUN,
    "RunList": health.RUN_LIST,
    "JobHealth": health.JOB_HEALTH,
    "ClientHealth": health.CLIENT_HEALTH,
    "ProjectHealth": health.PROJECT_HEALTH,
    "AttentionItem": health.ATTENTION_ITEM,
}

# v2 lists page by offset, or by marker (keyset: as fast at any depth).
PAGED = ("limit", "offset", "marker")

WEBHOOKS = f"{PREFIX}/webhooks"
WEBHOOK = f"{WEBHOOKS}/{{webhook_id}}"


def _list_of(key: str, item: dict) -> dict:
    return {
        "type": "object",
        "properties": {key: {"type": "array", "items": item}},
        "required": [key],
        "additionalProperties": False,
    }


_RUNS_SEARCH = (
    "The optional JSON body of this GET is a search object: match / match_not on result, client_id, job_id and "
    "session_id (string values), time_after / time_before on started_at (epoch seconds, inclusive). Newest first."
)


def _read(path: str, operation_id: str, summary: str, tag: str, response: dict, **extra: Any) -> Operation:
    """A read-only operation of the protection state (docs/health.md): 404 when what the path names is unknown."""
    return Operation(
        "GET",
        path,
        operation_id,
        summary,
        tag,
        200,
        response,
        extra.pop("errors", (400, *AUTHENTICATED, 404, *USES_DATABASE)),
        **extra,
    )


OPERATIONS: list[Operation] = [
    home_document("v2"),
    # backups: metadata agents report after each run (docs/resources.md#backups)
    listing(BACKUPS, search.BACKUP_SEARCH, query=PAGED),
    creation(
        BACKUPS,
        backups.CREATE,
        summary="Record a backup's metadata",
        description="The body is the agent's metadata; `status` is taken out of it (default `available`).",
    ),
    showing(BACKUPS),
    patching(
        BACKUPS,
        backups.PATCH,
        response=BACKUPS.document,
        description="Merges `backup_metadata` shallowly and replaces `status`; answers the whole backup.",
    ),
    deleting(BACKUPS),
    # backup sets, restore plans, restores from the catalog (docs/restore.md)
    Operation(
        "GET",
        f"{PREFIX}/backup-sets",
        "v2_list_backup_sets",
        "List backup sets and their chains",
        "backups",
        200,
        BACKUP_SETS,
        (*READS_BODY, *AUTHENTICATED, *USES_DATABASE),
        body=restore.SET_SEARCH,
        query=("limit", "offset"),
        description="One entry per (container, hostname, backup_name), in the order the sets first appeared. "
        "The optional body matches names exactly. Backups whose stored time_stamp, level or status no chain "
        "can use are listed under `unusable` with the reason.",
    ),
    Operation(
        "GET",
        f"{PREFIX}/restore-plan",
        "v2_get_restore_plan",
        "Find the restore point of a backup set at a time",
        "backups",
        200,
        restore.RESTORE_PLAN,
        (400, *AUTHENTICATED, 404, 409, *USES_DATABASE),
        query=("hostname", "backup_name", "container", "at"),
        description="The newest backup at or before `at` whose chain is complete, and the chain to apply. "
        "404: no usable backup by then. 409: the backups are in several containers and none is named.",
    ),
    Operation(
        "POST",
        f"{BACKUPS.item}/restore",
        "v2_restore_backup",
        "Restore a backup onto a client",
        "backups",
        201,
        RESTORE_JOB,
        (*READS_BODY, *AUTHENTICATED, 404, 409, 422, *USES_DATABASE),
        body=restore.RESTORE,
        body_required=True,
        creates="job_id",
        description="Creates a one-shot job for `client_id` restoring exactly this backup (its container, "
        "backup name, source hostname, storage and mode, and restore_from_date its time_stamp), then "
        "`overrides`. 404: the backup or client is not the caller's to see. 409: the backup's chain is broken "
        "or its stored values are unusable. 422: the client cannot restore that mode or storage.",
    ),
    # clients: registered schedulers (docs/resources.md#clients)
    listing(
        CLIENTS,
        search.SEARCH,
        query=PAGED,
        description="Lists the project's clients and every project's central clients; a marker may name either.",
    ),
    creation(
        CLIENTS,
        clients.REGISTER,
        errors=(409,),
        summary="Register a client, or refresh its registration",
        description="Registering again updates description and capabilities. `is_central: true` needs the "
        "clients:create_central rule (admin or service). 409: the id belongs to another project.",
    ),
    showing(CLIENTS, description="The project's client, or another project's central client, with this id."),
    deleting(CLIENTS, description="403 for another project's central client."),
    # jobs (docs/jobs.md)
    listing(
        JOBS,
        search.SEARCH,
        query=(*PAGED, "all_projects"),
        description=(
            "`all_projects=true` lists every project's jobs and needs jobs:get_all_projects (403 otherwise); "
            "a marker pages one project's jobs only (400 with all_projects=true)."
        ),
    ),
    creation(
        JOBS,
        jobs.CREATE,
        errors=(409, 422),
        description="Each job action becomes a stored action (de-duplicated by action_id). 409: the body's "
        "job_id exists in this project. 422: the client is unknown or lacks a capability.",
    ),
    showing(JOBS, description="Admin and service callers find a job of any project through any project path."),
    *replacing(JOBS, jobs.CREATE, errors=(422,)),
    patching(
        JOBS,
        jobs.PATCH,
        errors=(422,),
        description="Changes only the fields given; job_actions, when given, replaces the action list.",
    ),
    deleting(JOBS),
    Operation(
        "POST",
        f"{JOBS.item}/event",
        "v2_post_job_event",
        "Start, stop or abort a job",
        "jobs",
        202,
        RESULT,
        (*READS_BODY, *AUTHENTICATED, 404, 409, *USES_DATABASE),
        body=EVENT,
        body_required=True,
        description=(
            "`result` is `success`, or `<event> already requested` when the job's event already had that value."
        ),
    ),
    # actions (docs/resources.md#actions)
    listing(ACTIONS, search.SEARCH, query=PAGED),
    creation(ACTIONS, actions.CREATE, errors=(409,), description="409: the body's action_id exists in this project."),
    showing(ACTIONS),
    *replacing(ACTIONS, actions.CREATE),
    patching(ACTIONS, actions.PATCH, description="Merges `freezer_action` key by key; other fields given replace."),
    deleting(ACTIONS),
    # sessions (docs/sessions.md)
    listing(SESSIONS, search.SEARCH, query=PAGED),
    creation(SESSIONS, sessions.CREATE, description="The server chooses the session_id; status starts `active`."),
    showing(SESSIONS),
    *replacing(SESSIONS, sessions.REPLACE),
    patching(SESSIONS, sessions.PATCH, description="Merges `jobs`; replaces `schedule` and every other field given."),
    deleting(SESSIONS),
    Operation(
        "POST",
        f"{SESSIONS.item}/action",
        "v2_post_session_action",
        "Start or end a run of a session",
        "sessions",
        202,
        SESSION_RESULT,
        (*READS_BODY, *AUTHENTICATED, 404, 405, 409, *USES_DATABASE),
        body=SESSION_ACTION,
        body_required=True,
        description="400 when the tag is higher than the session's or the job is not a member; 405 for an action "
        "other than start or end.",
    ),
    Operation(
        "PUT",
        _SESSION_MEMBER,
        "v2_add_session_job",
        "Make a job a member of a session",
        "sessions",
        204,
        None,
        (400, *AUTHENTICATED, 404, 409, *USES_DATABASE),
        description="The job takes the session's schedule and tag. No body.",
    ),
    Operation(
        "DELETE",
        _SESSION_MEMBER,
        "v2_remove_session_job",
        "Remove a job from a session",
        "sessions",
        204,
        None,
        (400, *AUTHENTICATED, 404, 409, *USES_DATABASE),
        description="204 also when the job was not a member; a member job is told to stop.",
    ),
    # webhooks (docs/observability.md#webhooks)
    Operation(
        "POST",
        WEBHOOKS,
        "v2_create_webhook",
        "Register a webhook",
        "webhooks",
        201,
        webhooks.CREATED,
        (*READS_BODY, *AUTHENTICATED, *USES_DATABASE),
        body=webhooks.CREATE,
        body_required=True,
        description="400 also when the URL resolves to an internal address (loopback, private, link-local, "
        "reserved) outside [webhooks] allowed_networks. The answer has `secret` only when the body had none.",
    ),
    Operation(
        "GET",
        WEBHOOKS,
        "v2_list_webhooks",
        "List the project's webhooks",
        "webhooks",
        200,
        _list_of("webhooks", webhooks.DOCUMENT),
        (400, *AUTHENTICATED, *USES_DATABASE),
        query=("limit", "offset"),
        description="Secrets are never shown.",
    ),
    Operation(
        "GET",
        WEBHOOK,
        "v2_get_webhook",
        "Show a webhook",
        "webhooks",
        200,
        webhooks.DOCUMENT,
        (400, *AUTHENTICATED, 404, *USES_DATABASE),
    ),
    Operation(
        "DELETE",
        WEBHOOK,
        "v2_delete_webhook",
        "Delete a webhook and its deliveries",
        "webhooks",
        204,
        None,
        (400, *AUTHENTICATED, 404, *USES_DATABASE),
    ),
    Operation(
        "GET",
        f"{WEBHOOK}/deliveries",
        "v2_list_webhook_deliveries",
        "List a webhook's deliveries, oldest first",
        "webhooks",
        200,
        _list_of("deliveries", webhooks.DELIVERY),
        (400, *AUTHENTICATED, 404, *USES_DATABASE),
        query=("limit", "offset"),
    ),
    # protection state: runs and health (docs/health.md), read-only
    _read(
        f"{JOBS.item}/runs",
        "v2_list_job_runs",
        "List a job's runs, newest first",
        "runs",
        health.RUN_LIST,
        query=("limit", "offset"),
    ),
    _read(
        f"{PREFIX}/runs",
        "v2_list_runs",
        "List and search the project's runs, newest first",
        "runs",
        health.RUN_LIST,
        errors=(*READS_BODY, *AUTHENTICATED, *USES_DATABASE),
        body=search.BACKUP_SEARCH,
        query=("limit", "offset"),
        description=_RUNS_SEARCH,
    ),
    _read(f"{PREFIX}/runs/{{run_id}}", "v2_get_run", "Get one run", "runs", health.RUN),
    _read(
        f"{JOBS.item}/health",
        "v2_get_job_health",
        "Get a job's health",
        "health",
        health.JOB_HEALTH,
        description="States, in the order that decides: paused, done, stuck, overdue, failing, late, running, "
        "never_run, ok (docs/health.md).",
    ),
    _read(
        f"{CLIENTS.item}/health",
        "v2_get_client_health",
        "Get a client's liveness and its jobs' health",
        "health",
        health.CLIENT_HEALTH,
    ),
    _read(
        f"{PREFIX}/health",
        "v2_get_health",
        "Get the project's health summary",
        "health",
        health.PROJECT_HEALTH,
        errors=(400, *AUTHENTICATED, *USES_DATABASE),
        query=("attention_limit", "all_projects"),
        description="Clients and jobs by state, and the worst first of those that need attention. "
        "`all_projects=true` covers every project and needs health:get_all_projects.",
    ),
]
