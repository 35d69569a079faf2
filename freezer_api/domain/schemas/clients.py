"""Client registration bodies (contract 2.2, 4.2)."""

from freezer_api.domain.schemas.common import (
    ACTIONS,
    CLIENT_ID,
    ENGINES,
    HOSTNAME_PATTERN,
    MAX_ID_LENGTH,
    MODES,
    STORAGES,
)


def _list_of(values: list[str]) -> dict:
    return {"type": "array", "items": {"enum": values}}


REGISTER = {
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
