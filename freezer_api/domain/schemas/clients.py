"""Client registration bodies (docs/resources.md#clients)."""

from freezer_api.domain.schemas.common import (
    ACTIONS,
    CLIENT_ID,
    ENGINES,
    HOSTNAME_PATTERN,
    MAX_ID_LENGTH,
    MODES,
    OWNER_FIELDS,
    STORAGES,
    STORED_ID,
    VERSION,
    Schema,
)


def _list_of(values: list[str]) -> dict:
    return {"type": "array", "items": {"enum": values}}


REGISTER: Schema = {
    "type": "object",
    "properties": {
        "client_id": CLIENT_ID,
        "hostname": {"type": "string", "pattern": HOSTNAME_PATTERN, "maxLength": 255},
        "description": {"type": ["string", "null"]},
        "uuid": {"type": "string", "pattern": r"^[\w-]+$", "maxLength": MAX_ID_LENGTH},
        "is_central": {"type": "boolean"},
        "supported_actions": _list_of(ACTIONS),
        "supported_modes": _list_of(MODES),
        "supported_storages": _list_of(STORAGES),
        "supported_engines": _list_of(ENGINES),
    },
    "required": ["client_id"],
    "additionalProperties": True,
}

# A registered client as the API returns it.
DOCUMENT: Schema = {
    "type": "object",
    "properties": {
        **OWNER_FIELDS,
        "client": {
            "type": "object",
            "properties": {
                "client_id": STORED_ID,
                "uuid": STORED_ID,
                "hostname": {"type": "string"},
                "description": {"type": ["string", "null"]},
                "is_central": {"type": "boolean"},
                **{
                    name: REGISTER["properties"][name]
                    for name in ("supported_actions", "supported_modes", "supported_storages", "supported_engines")
                },
            },
            "required": ["client_id", "uuid", "is_central"],
            "additionalProperties": True,
        },
        "_version": VERSION,
    },
    "required": ["project_id", "user_id", "client"],
    "additionalProperties": True,
}
