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
