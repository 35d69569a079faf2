"""Session bodies (contract 2.5, 4.5, 7)."""

from freezer_api.domain.schemas.common import ID
from freezer_api.domain.schemas.jobs import SCHEDULE

_MEMBER = {
    "type": "object",
    "properties": {
        "client_id": {"type": "string"},
        "status": {"type": "string"},
        "result": {"type": "string"},
        # Copied from the job's schedule on add; "" when the job had none.
        "time_started": {"type": ["integer", "string"]},
        "time_ended": {"type": ["integer", "string"]},
    },
    "additionalProperties": True,
}

_PROPERTIES = {
    "session_id": ID,
    "description": {"type": ["string", "null"]},
    "hold_off": {"type": "integer", "minimum": 0},
    "session_tag": {"type": "integer", "minimum": 0},
    "schedule": SCHEDULE,
    "status": {"type": "string"},
    "result": {"type": ["string", "null"]},
    "time_start": {"type": "integer"},
    "time_end": {"type": "integer"},
    "time_started": {"type": "integer"},
    "time_ended": {"type": "integer"},
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
        "current_tag": {"anyOf": [{"type": "integer", "minimum": 0}, {"type": "string", "pattern": r"^[0-9]+$"}]},
    },
    "required": ["job_id", "current_tag"],
}

END = {
    "type": "object",
    "properties": {
        "job_id": ID,
        "current_tag": {"anyOf": [{"type": "integer"}, {"type": "string", "pattern": r"^-?[0-9]+$"}]},
        "result": {"type": "string"},
    },
    "required": ["job_id", "current_tag", "result"],
}

ACTION_NAMES = ("start", "end")
