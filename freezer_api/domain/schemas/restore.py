"""Backup sets, restore plans and restores from the catalog (docs/restore.md)."""

from freezer_api.domain.schemas.common import CLIENT_ID, NON_NEGATIVE, STORED_ID, Schema

_STAMP = {**NON_NEGATIVE, "description": "a backup's time_stamp, seconds since the epoch"}
_MAYBE_STAMP = {"anyOf": [_STAMP, {"type": "null"}]}
_TEXT = {"type": "string"}
_MAYBE_TEXT = {"type": ["string", "null"]}

# null, like an absent body, means no filter (as on every list).
SET_SEARCH: Schema = {
    "type": ["object", "null"],
    "properties": {
        "match": {
            "type": "array",
            "description": "exact names the sets must have",
            "items": {
                "type": "object",
                "properties": {"container": _TEXT, "hostname": _TEXT, "backup_name": _TEXT},
                "additionalProperties": False,
                "minProperties": 1,
            },
        },
    },
    "additionalProperties": False,
}

RESTORE: Schema = {
    "type": "object",
    "properties": {
        "client_id": {**CLIENT_ID, "description": "the client (scheduler) of the host to restore onto"},
        "restore_abs_path": {
            "type": "string",
            "pattern": "^/",
            "description": "the absolute directory on the target host to restore into",
        },
        "description": _TEXT,
        "overrides": {
            "type": "object",
            "description": "freezer_action keys set after those taken from the backup (not `action`)",
            "not": {"required": ["action"]},
        },
    },
    "required": ["client_id", "restore_abs_path"],
    "additionalProperties": False,
}

_UNUSABLE = {
    "type": "array",
    "description": "backups of the set no chain can use, each with the reason",
    "items": {
        "type": "object",
        "properties": {"backup_id": STORED_ID, "reason": _TEXT},
        "required": ["backup_id", "reason"],
    },
}

BACKUP_SET: Schema = {
    "type": "object",
    "properties": {
        "container": _TEXT,
        "hostname": _TEXT,
        "backup_name": _TEXT,
        "backups": {**NON_NEGATIVE, "description": "how many backups the set holds, unusable ones included"},
        "first_at": _MAYBE_STAMP,
        "last_at": _MAYBE_STAMP,
        "last_level0_at": _MAYBE_STAMP,
        "chains": {**NON_NEGATIVE, "description": "level-0 backups, each starting a chain"},
        "complete": {"type": "boolean", "description": "false when a backup of some chain misses a level"},
        "backup_id": {"type": ["string", "null"], "description": "the newest usable backup"},
        "storage": _MAYBE_TEXT,
        "mode": _MAYBE_TEXT,
        "unusable": _UNUSABLE,
    },
    "required": ["container", "hostname", "backup_name", "backups", "chains", "complete", "unusable"],
}

_SKIPPED = {
    "type": "array",
    "description": "newer backups at or before `at` passed over, newest first, with why",
    "items": {
        "type": "object",
        "properties": {"backup_id": STORED_ID, "time_stamp": _STAMP, "level": NON_NEGATIVE, "reason": _TEXT},
        "required": ["backup_id", "reason"],
    },
}

RESTORE_PLAN: Schema = {
    "type": "object",
    "properties": {
        "restore_point": _STAMP,
        "backup_id": STORED_ID,
        "container": _TEXT,
        "hostname": _TEXT,
        "backup_name": _TEXT,
        "at": _STAMP,
        "chain": {"type": "array", "items": {"type": "object"}, "description": "the backups to apply, level 0 first"},
        "complete": {"type": "boolean"},
        "skipped": _SKIPPED,
        "unusable": _UNUSABLE,
    },
    "required": ["restore_point", "backup_id", "chain", "complete", "skipped"],
}
