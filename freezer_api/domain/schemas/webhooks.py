"""Webhook bodies (docs/observability.md#webhooks)."""

from freezer_api.domain.events import EVENT_TYPES

EVENT_SELECTOR = {"enum": [*EVENT_TYPES, "*"]}

CREATE = {
    "type": "object",
    "properties": {
        "url": {
            "type": "string",
            "minLength": 1,
            "maxLength": 2048,
            "pattern": "^(https?|HTTPS?)://",
            "description": "http:// or https://",
        },
        "events": {
            "type": "array",
            "items": EVENT_SELECTOR,
            "minItems": 1,
            "uniqueItems": True,
            "description": 'event types to deliver, or ["*"] for all',
        },
        "secret": {
            "type": "string",
            "minLength": 16,
            "maxLength": 255,
            "description": "the HMAC-SHA256 key of the signatures; the server makes one when absent",
        },
    },
    "required": ["url", "events"],
    "additionalProperties": False,
}

CREATED = {
    "type": "object",
    "properties": {
        "webhook_id": {"type": "string"},
        "secret": {"type": "string", "description": "only when the server made the secret: shown this once"},
    },
    "required": ["webhook_id"],
    "additionalProperties": False,
}

DOCUMENT = {
    "type": "object",
    "properties": {
        "webhook_id": {"type": "string"},
        "project_id": {"type": "string"},
        "user_id": {"type": "string"},
        "url": {"type": "string"},
        "events": {"type": "array", "items": EVENT_SELECTOR},
        "created_at": {"type": "number"},
    },
    "required": ["webhook_id", "project_id", "user_id", "url", "events", "created_at"],
    "additionalProperties": False,
}

_STAMP = {"type": ["number", "null"]}

DELIVERY = {
    "type": "object",
    "properties": {
        "delivery_id": {"type": "integer"},
        "event_id": {"type": "string"},
        "event_type": {"type": "string"},
        "status": {"enum": ["pending", "delivered", "failed"]},
        "attempts": {"type": "integer"},
        "next_attempt_at": {"type": "number"},
        "last_attempt_at": _STAMP,
        "response_status": {"type": ["integer", "null"]},
        "last_error": {"type": ["string", "null"]},
        "delivered_at": _STAMP,
        "created_at": {"type": "number"},
    },
    "required": ["delivery_id", "event_id", "event_type", "status", "attempts"],
    "additionalProperties": False,
}
