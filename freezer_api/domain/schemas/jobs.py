"""Job, job action and schedule bodies (docs/jobs.md)."""

from freezer_api.domain.schemas.common import (
    ACTIONS,
    CLIENT_ID,
    ID,
    INTEGER,
    MAX_ID_LENGTH,
    MODES,
    OWNER_FIELDS,
    STORED_ID,
    VERSION,
    Schema,
)

ISO_DATE_TIME = (
    r"^(-?(?:[1-9][0-9]*)?[0-9]{4})-(1[0-2]|0[1-9])-(3[01]|0[1-9]|[12][0-9])"
    r"T(2[0-3]|[01][0-9]):([0-5][0-9]):([0-5][0-9])(\.[0-9]+)?(Z|[+-](?:2[0-3]|[01][0-9]):[0-5][0-9])?$"
)
INTERVAL = r"^(continuous|[0-9]+ +(weeks|days|hours|minutes|seconds))$"

_DATE = {"type": "string", "pattern": ISO_DATE_TIME}
_CRON_FIELD = {"type": "string"}

# job_schedule, and a session's schedule: only these keys (docs/jobs.md#job-schedule).
SCHEDULE = {
    "type": "object",
    "properties": {
        "time_created": INTEGER,
        "time_started": INTEGER,
        "time_ended": INTEGER,
        "status": {"enum": ["", "completed", "stop", "scheduled", "running", "aborting", "removed"]},
        "event": {"enum": ["", "stop", "start", "abort", "remove"]},
        "result": {"enum": ["", "success", "fail", "aborted"]},
        "current_pid": INTEGER,
        "schedule_date": _DATE,
        "schedule_interval": {"type": "string", "pattern": INTERVAL},
        "schedule_start_date": _DATE,
        "schedule_end_date": _DATE,
        "schedule_year": {"type": "string", "pattern": r"^[0-9]{4}$"},
        "schedule_month": _CRON_FIELD,
        "schedule_day": _CRON_FIELD,
        "schedule_week": _CRON_FIELD,
        "schedule_day_of_week": _CRON_FIELD,
        "schedule_hour": _CRON_FIELD,
        "schedule_minute": _CRON_FIELD,
        "schedule_second": _CRON_FIELD,
    },
    "additionalProperties": False,
}

_NULLABLE_STRING = {"type": ["string", "null"]}

# The options of one agent run; any further key is an agent option.
FREEZER_ACTION = {
    "type": "object",
    "properties": {
        "action": {"enum": ACTIONS},
        "mode": {"enum": [*MODES, None]},
        "path_to_backup": _NULLABLE_STRING,
        "backup_name": _NULLABLE_STRING,
        "container": _NULLABLE_STRING,
        "restore_abs_path": _NULLABLE_STRING,
        "cindernative_freezer_only": {"type": ["boolean", "null"]},
    },
    "additionalProperties": True,
}

# One element of job_actions. freezer_action may be left out only when
# action_id names a stored action (a reference).
JOB_ACTION: Schema = {
    "type": "object",
    "properties": {
        "freezer_action": FREEZER_ACTION,
        "action_id": ID,
        "max_retries": INTEGER,
        "max_retries_interval": INTEGER,
        "mandatory": {"type": "boolean"},
    },
    "anyOf": [{"required": ["freezer_action"]}, {"required": ["action_id"]}],
    "additionalProperties": True,
}

_JOB_PROPERTIES = {
    "job_id": ID,
    "project_id": {"type": "string", "maxLength": MAX_ID_LENGTH},
    "user_id": {"type": "string", "maxLength": MAX_ID_LENGTH},
    "client_id": CLIENT_ID,
    "description": _NULLABLE_STRING,
    "session_id": {"type": ["string", "null"], "pattern": r"^[\w-]*$", "maxLength": MAX_ID_LENGTH},
    "session_tag": INTEGER,
    "session_name": _NULLABLE_STRING,
    "job_schedule": SCHEDULE,
    "job_actions": {"type": "array", "items": JOB_ACTION},
    # Merged into every job action's freezer_action, so its keys take the same values.
    "action_defaults": {**FREEZER_ACTION, "description": "freezer_action keys every job action of this body gets"},
    # Accepted for compatibility and never stored from a client (docs/original-defects.md#d05).
    "user_credentials": {"type": "object"},
    "_version": INTEGER,
}

CREATE = {
    "type": "object",
    "properties": _JOB_PROPERTIES,
    "required": ["client_id", "job_actions"],
    "additionalProperties": False,
}

PATCH = {
    "type": "object",
    "properties": _JOB_PROPERTIES,
    # The defaults apply to the job actions the same body gives.
    "dependentRequired": {"action_defaults": ["job_actions"]},
    "additionalProperties": False,
}

# POST /jobs/{job_id}/event: one key naming the event; its value is ignored.
EVENT_NAMES = ("start", "stop", "abort")

# An element of job_actions as returned: as sent, with the id of the stored
# action it became (docs/original-defects.md#d07).
_STORED_JOB_ACTION = {
    "type": "object",
    "properties": {**JOB_ACTION["properties"], "action_id": STORED_ID, **OWNER_FIELDS},
    "required": ["action_id", "freezer_action"],
    "additionalProperties": True,
}

# A job as the API returns it.
DOCUMENT = {
    "type": "object",
    "properties": {
        "job_id": STORED_ID,
        **OWNER_FIELDS,
        "client_id": {"type": "string"},
        "description": _NULLABLE_STRING,
        "session_id": {"type": "string"},
        "session_tag": INTEGER,
        "session_name": _NULLABLE_STRING,
        "job_schedule": SCHEDULE,
        "job_actions": {"type": "array", "items": _STORED_JOB_ACTION},
        "user_credentials": {
            "type": "object",
            "properties": {"trust_id": {"type": "string"}, "trustor_user_id": {"type": "string"}},
        },
        "_version": VERSION,
    },
    "required": [
        "job_id",
        "project_id",
        "user_id",
        "client_id",
        "description",
        "session_id",
        "session_tag",
        "job_schedule",
        "job_actions",
    ],
    "additionalProperties": False,
}
