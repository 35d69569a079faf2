"""Backup metadata bodies (contract 2.1, 4.1)."""

BACKUP_STATUSES = ["creating", "available", "error", "deleting", "deleted"]

_NAME = {"type": "string", "minLength": 1}

CREATE = {
    "type": "object",
    "properties": {
        "container": _NAME,
        "hostname": _NAME,
        "backup_name": _NAME,
        "status": {"enum": BACKUP_STATUSES},
    },
    "required": ["container", "hostname", "backup_name"],
    "additionalProperties": True,
}

PATCH = {
    "type": "object",
    "properties": {
        "status": {"enum": BACKUP_STATUSES},
        "backup_metadata": {
            "type": "object",
            "properties": {"container": _NAME, "hostname": _NAME, "backup_name": _NAME},
        },
    },
    "additionalProperties": True,
}
