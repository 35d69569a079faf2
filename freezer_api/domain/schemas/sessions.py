"""Session bodies (docs/sessions.md)."""

from freezer_api.domain.schemas.common import (
    ID,
    INTEGER,
    MAX_SAFE_INTEGER,
    NON_NEGATIVE,
    OWNER_FIELDS,
    STORED_ID,
    VERSION,
)
from freezer_api.domain.schemas.jobs import SCHEDULE

_MEMBER = {
    "type": "object",
    "properties": {
        "client_id": {"type": "string"},
        "status": {"type": "string"},
        "result": {"type": "string"},
        # Copied from the job's schedule on add; "" when the job had none.
        "time_started": {"type": ["integer", "string"], "minimum": -MAX_SAFE_INTEGER, "maximum": MAX_SAFE_INTEGER},
        "time_ended": {"type": ["integer", "string"], "minimum": -MAX_SAFE_INTEGER, "maximum": MAX_SAFE_INTEGER},
    },
    "additionalProperties": True,
}

_PROPERTIES = {
    "session_id": ID,
    "description": {"type": ["string", "null"]},
    "hold_off": NON_NEGATIVE,
    "session_tag": NON_NEGATIVE,
    "schedule": SCHEDULE,
    "status": {"type": "string"},
    "result": {"type": ["string", "null"]},
    "time_start": INTEGER,
    "time_end": INTEGER,
    "time_started": INTEGER,
    "time_ended": INTEGER,
    "jobs": {"type": ["object", "array"], "additionalProperties": _MEMBER},
}

CREATE = {
    "type": "object",
    "properties": _PROPERTIES,
    "required": ["schedule"],
    "additionalProperties": True,
}

REPLACE = {
    "type": "object",
    "properties": _PROPERTIES,
    "required": ["schedule", "session_tag"],
    "additionalProperties": True,
}

PATCH = {
    "type": "object",
    "properties": {**_PROPERTIES, "jobs": {"type": "object", "additionalProperties": _MEMBER}},
    "additionalProperties": True,
}

START = {
    "type": "object",
    "properties": {
        "job_id": ID,
        "current_tag": {"anyOf": [NON_NEGATIVE, {"type": "string", "pattern": r"^[0-9]{1,15}$"}]},
    },
    "required": ["job_id", "current_tag"],
}

END = {
    "type": "object",
    "properties": {
        "job_id": ID,
        "current_tag": {"anyOf": [INTEGER, {"type": "string", "pattern": r"^-?[0-9]{1,15}$"}]},
        "result": {"type": "string"},
    },
    "required": ["job_id", "current_tag", "result"],
}

ACTION_NAMES = ("start", "end")

# A session as the API returns it (docs/sessions.md#document).
DOCUMENT = {
    "type": "object",
    "properties": {
        **_PROPERTIES,
        "session_id": STORED_ID,
        **OWNER_FIELDS,
        "jobs": {"type": "object", "additionalProperties": _MEMBER},
        "_version": VERSION,
    },
    "required": [
        "session_id",
        "project_id",
        "user_id",
        "session_tag",
        "hold_off",
        "status",
        "schedule",
        "jobs",
        "time_start",
        "time_end",
    ],
    "additionalProperties": True,
}
