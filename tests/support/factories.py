"""Realistic documents as the freezer agent, scheduler and CLI send them."""

from __future__ import annotations

import itertools
import uuid

_counter = itertools.count(1)


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def backup_metadata(**overrides) -> dict:
    """A backup as freezer-agent reports it after a filesystem backup."""
    n = next(_counter)
    doc = {
        "action": "backup",
        "mode": "fs",
        "storage": "local",
        "container": "/var/lib/freezer/backups",
        "hostname": "db01.example.com",
        "backup_name": f"nightly_etc_{n}",
        "path_to_backup": "/etc",
        "time_stamp": 1718000000 + n,
        "curr_backup_level": 0,
        "max_level": 7,
        "engine_name": "tar",
        "compression": "gzip",
        "encrypted": False,
        "client_os": "linux",
        "client_version": "19.0.0",
        "consistency_checksum": "",
        "fs_real_path": "/etc",
        "vol_snap_path": "/etc",
        "job_id": uuid.uuid4().hex,
    }
    doc.update(overrides)
    return doc


def client_info(client_id: str | None = None, **overrides) -> dict:
    """A client registration as freezer-scheduler sends it at start-up."""
    hostname = overrides.pop("hostname", f"host{next(_counter)}.example.com")
    doc = {
        "client_id": client_id or f"{uuid.uuid4().hex}_{hostname}",
        "hostname": hostname,
        "description": "database host",
        "supported_actions": ["backup", "restore", "info", "admin", "exec"],
        "supported_modes": ["fs", "mysql"],
        "supported_storages": ["swift", "local"],
        "supported_engines": ["tar", "rsync"],
    }
    doc.update(overrides)
    return doc


def freezer_action(**overrides) -> dict:
    """What one agent run does: a filesystem backup by default."""
    action = {
        "action": "backup",
        "mode": "fs",
        "path_to_backup": "/etc",
        "backup_name": f"etc_{next(_counter)}",
        "storage": "local",
        "container": "/var/lib/freezer/backups",
        "engine_name": "tar",
    }
    action.update(overrides)
    return action


def job(client_id: str, *actions: dict, **overrides) -> dict:
    """A job as `freezer job-create` sends it."""
    doc = {
        "description": "nightly /etc backup",
        "client_id": client_id,
        "job_schedule": {"schedule_interval": "1 days", "schedule_start_date": "2026-01-01T02:00:00"},
        "job_actions": [
            {"freezer_action": action, "max_retries": 3, "max_retries_interval": 60, "mandatory": True}
            for action in (actions or (freezer_action(),))
        ],
    }
    doc.update(overrides)
    return doc


def session(**overrides) -> dict:
    doc = {
        "description": "db cluster snapshot",
        "hold_off": 30,
        "session_tag": 0,
        "schedule": {"schedule_interval": "1 days", "schedule_start_date": "2026-01-01T03:00:00"},
    }
    doc.update(overrides)
    return doc
