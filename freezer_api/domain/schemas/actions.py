"""Stand-alone action bodies (docs/resources.md#actions)."""

from freezer_api.domain.schemas.common import ID, INTEGER, OWNER_FIELDS, STORED_ID, VERSION
from freezer_api.domain.schemas.jobs import FREEZER_ACTION

_PROPERTIES = {
    "action_id": ID,
    "freezer_action": FREEZER_ACTION,
    "max_retries": INTEGER,
    "max_retries_interval": INTEGER,
    "mandatory": {"type": "boolean"},
}

CREATE = {
    "type": "object",
    "properties": _PROPERTIES,
    "required": ["freezer_action"],
    "additionalProperties": True,
}

PATCH = {
    "type": "object",
    "properties": _PROPERTIES,
    "additionalProperties": True,
}

# An action as the API returns it: as sent, defaults filled.
DOCUMENT = {
    "type": "object",
    "properties": {**_PROPERTIES, "action_id": STORED_ID, **OWNER_FIELDS, "_version": VERSION},
    "required": [
        "action_id",
        "project_id",
        "user_id",
        "freezer_action",
        "max_retries",
        "max_retries_interval",
        "mandatory",
    ],
    "additionalProperties": True,
}
