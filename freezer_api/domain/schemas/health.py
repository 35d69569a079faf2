"""Runs and health documents, as the API answers them (docs/health.md)."""

from freezer_api.domain.health import CLIENT_STATES, JOB_STATES
from freezer_api.domain.runs import RESULTS
from freezer_api.domain.schemas.common import NON_NEGATIVE, STORED_ID, Schema

_EPOCH_OR_NULL = {"type": ["integer", "null"], "description": "epoch seconds"}
_STRING_OR_NULL = {"type": ["string", "null"]}

RUN: Schema = {
    "type": "object",
    "description": "One execution of a job; immutable once ended_at is set.",
    "properties": {
        "run_id": STORED_ID,
        "job_id": STORED_ID,
        "project_id": STORED_ID,
        "client_id": STORED_ID,
        "session_id": {**_STRING_OR_NULL, "description": "the job's session when the run started, else null"},
        "session_tag": {"type": ["integer", "null"]},
        "started_at": {**NON_NEGATIVE, "description": "epoch seconds, server time of the PATCH into running"},
        "ended_at": {**_EPOCH_OR_NULL, "description": "epoch seconds; null while the run is open"},
        "duration": {"type": ["integer", "null"], "description": "seconds; null while the run is open"},
        "result": {"enum": list(RESULTS)},
        "backups": {"type": "array", "items": STORED_ID, "description": "ids of the backups posted during the run"},
    },
    "required": [
        "run_id",
        "job_id",
        "project_id",
        "client_id",
        "session_id",
        "session_tag",
        "started_at",
        "ended_at",
        "duration",
        "result",
        "backups",
    ],
    "additionalProperties": False,
}

RUN_LIST: Schema = {
    "type": "object",
    "properties": {"runs": {"type": "array", "items": RUN}},
    "required": ["runs"],
    "additionalProperties": False,
}

_JOB_COUNTS = {
    "type": "object",
    "description": "number of jobs in each state",
    "properties": dict.fromkeys(JOB_STATES, NON_NEGATIVE),
    "additionalProperties": False,
}

JOB_HEALTH: Schema = {
    "type": "object",
    "properties": {
        "job_id": STORED_ID,
        "client_id": STORED_ID,
        "state": {"enum": list(JOB_STATES)},
        "since": {**_EPOCH_OR_NULL, "description": "when the state began, as far as the server knows"},
        "last_run": {"anyOf": [RUN, {"type": "null"}]},
        "last_success_at": _EPOCH_OR_NULL,
        "next_expected_at": _EPOCH_OR_NULL,
    },
    "required": ["job_id", "client_id", "state", "since", "last_run", "last_success_at", "next_expected_at"],
    "additionalProperties": False,
}

CLIENT_HEALTH: Schema = {
    "type": "object",
    "properties": {
        "client_id": STORED_ID,
        "state": {"enum": list(CLIENT_STATES)},
        "last_seen": _EPOCH_OR_NULL,
        "jobs": {**_JOB_COUNTS, "description": "the client's jobs by state (states without jobs left out)"},
    },
    "required": ["client_id", "state", "last_seen", "jobs"],
    "additionalProperties": False,
}

ATTENTION_ITEM: Schema = {
    "type": "object",
    "properties": {
        "kind": {"enum": ["job", "client"]},
        "id": STORED_ID,
        "state": {"enum": ["stuck", "down", "overdue", "failing", "late"]},
        "since": _EPOCH_OR_NULL,
        "client_id": {**STORED_ID, "description": "jobs only: the job's client"},
        "project_id": {**STORED_ID, "description": "with all_projects=true only"},
    },
    "required": ["kind", "id", "state", "since"],
    "additionalProperties": False,
}

PROJECT_HEALTH: Schema = {
    "type": "object",
    "properties": {
        "clients": {
            "type": "object",
            "properties": dict.fromkeys(CLIENT_STATES, NON_NEGATIVE),
            "required": list(CLIENT_STATES),
            "additionalProperties": False,
        },
        "jobs": {**_JOB_COUNTS, "required": list(JOB_STATES)},
        "attention": {"type": "array", "items": ATTENTION_ITEM, "description": "worst first"},
    },
    "required": ["clients", "jobs", "attention"],
    "additionalProperties": False,
}
