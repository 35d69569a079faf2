"""Backup metadata bodies (docs/resources.md#backups)."""

from freezer_api.domain.schemas.common import NON_NEGATIVE, OWNER_FIELDS, STORED_ID, VERSION

BACKUP_STATUSES = ["creating", "available", "error", "deleting", "deleted"]

_NAME = {"type": "string", "minLength": 1}
# Chains order backups by these (docs/restore.md): when present, non-negative integers.
_TIME_STAMP = {**NON_NEGATIVE, "description": "when the backup was taken, in seconds since the epoch"}
_LEVEL = {**NON_NEGATIVE, "description": "0 for a full backup, n for an increment on level n-1"}
_CHAIN_FIELDS = {"time_stamp": _TIME_STAMP, "curr_backup_level": _LEVEL}

CREATE = {
    "type": "object",
    "properties": {
        "container": _NAME,
        "hostname": _NAME,
        "backup_name": _NAME,
        **_CHAIN_FIELDS,
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
            "properties": {"container": _NAME, "hostname": _NAME, "backup_name": _NAME, **_CHAIN_FIELDS},
        },
    },
    "additionalProperties": True,
}

# v1 metadata (domain/backups_v1.py): the 2015 names and the later ones.
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

# A backup as the API returns it.
DOCUMENT = {
    "type": "object",
    "properties": {
        "backup_id": STORED_ID,
        **OWNER_FIELDS,
        "status": {"enum": BACKUP_STATUSES},
        "backup_metadata": {"type": "object", "description": "the metadata the agent reported, as sent"},
        "_version": VERSION,
    },
    "required": ["backup_id", "project_id", "user_id", "status", "backup_metadata"],
    "additionalProperties": True,
}
