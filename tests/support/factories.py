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


def original_backup_metadata(**overrides) -> dict:
    """A backup as the first Freezer API README (April 2015) describes it: every field, 2015 names."""
    n = next(_counter)
    doc = {
        "container": "freezer_backups",
        "host_name": "db01.example.com",
        "backup_name": f"nightly_etc_{n}",
        "timestamp": 1430000000 + n,
        "level": 0,
        "backup_session": 1430000000,
        "max_level": 5,
        "mode": "fs",
        "fs_real_path": "/etc",
        "vol_snap_path": "/etc",
        "total_broken_links": 1,
        "total_fs_files": 1204,
        "total_directories": 146,
        "backup_size_uncompressed": 12,
        "backup_size_compressed": 4,
        "total_backup_session_size": 4,
        "compression_alg": "gzip",
        "encrypted": False,
        "client_os": "linux2",
        "broken_links": ["/etc/ssl/certs/expired.pem"],
        "excluded_files": ["/etc/shadow", "/etc/gshadow"],
        "cli": "freezerc --action backup --path-to-backup /etc --backup-name nightly_etc",
        "version": "0.1",
    }
    doc.update(overrides)
    return doc


def original_backup_id(metadata: dict) -> str:
    """container_hostname_backupname_timestamp_level, as the 2015 README defines it."""
    parts = ("container", "host_name", "backup_name", "timestamp", "level")
    return "_".join(str(metadata[name]) for name in parts)


def original_client_info(client_id: str | None = None, **overrides) -> dict:
    """A client registration as the 2015 README describes it."""
    doc = {
        "client_id": client_id or f"{uuid.uuid4().hex}_host{next(_counter)}.example.com",
        "description": "web server",
        "config_id": "fs-nightly-3",
    }
    doc.update(overrides)
    return doc
