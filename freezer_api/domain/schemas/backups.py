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

# v1 metadata (domain/backups_v1.py): the 2015 names and the later ones.
_TIME_STAMP = {"type": "integer"}
_LEVEL = {"type": "integer", "minimum": 0}

V1_METADATA = {
    "type": "object",
    "properties": {
        "container": _NAME,
        "host_name": _NAME,
        "hostname": _NAME,
        "backup_name": _NAME,
        "timestamp": _TIME_STAMP,
        "time_stamp": _TIME_STAMP,
        "level": _LEVEL,
        "curr_backup_level": _LEVEL,
        "status": {"enum": BACKUP_STATUSES},
    },
    "additionalProperties": True,
}
