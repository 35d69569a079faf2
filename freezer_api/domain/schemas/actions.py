"""Stand-alone action bodies (contract 2.4, 4.4)."""

from freezer_api.domain.schemas.common import ID
from freezer_api.domain.schemas.jobs import FREEZER_ACTION

_PROPERTIES = {
    "action_id": ID,
    "freezer_action": FREEZER_ACTION,
    "max_retries": {"type": "integer"},
    "max_retries_interval": {"type": "integer"},
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
