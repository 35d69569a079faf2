"""A varied catalog, made through the original freezer-api's own API, in two projects.

What the import tests compare afterwards: clients (plain, central, with
capabilities of their own), backups with v1-era metadata, actions, jobs with
several actions (new and referenced ones), a stopped job, a session with
member jobs, and documents deleted before the import.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tests.support.http import Caller
from tests.support.upstream_api import Upstream

PROJECT_A, PROJECT_B = "import-project-a", "import-project-b"
USER_A, USER_B = "alice", "bob"


@dataclass
class Catalog:
    ids: dict[str, set[str]] = field(default_factory=lambda: {k: set() for k in KINDS})
    deleted: dict[str, set[str]] = field(default_factory=lambda: {k: set() for k in KINDS})


KINDS = ("clients", "actions", "sessions", "jobs", "backups")
ID_KEYS = {
    "clients": "client_id",
    "actions": "action_id",
    "sessions": "session_id",
    "jobs": "job_id",
    "backups": "backup_id",
}


def _ok(response, *statuses: int):
    assert response.status in (statuses or (200, 201, 204)), response
    return response.json() if response.body else None


def fill(upstream: Upstream) -> Catalog:
    catalog = Catalog()
    a = upstream.caller(PROJECT_A, USER_A)
    b = upstream.caller(PROJECT_B, USER_B)
    _fill_project_a(a, catalog)
    # Only an admin registers a central client (the original's policy).
    admin = upstream.caller(PROJECT_A, USER_A, roles="admin,member,reader")
    _client(admin, catalog, PROJECT_A, {"client_id": "central-a", "hostname": "central.example", "is_central": True})
    _fill_project_b(b, catalog)
    return catalog


def _client(caller: Caller, catalog: Catalog, project: str, body: dict) -> str:
    _ok(caller.post(f"/v2/{project}/clients", body))
    catalog.ids["clients"].add(body["client_id"])
    return body["client_id"]


def _backup(caller: Caller, catalog: Catalog, project: str, body: dict) -> str:
    backup_id = _ok(caller.post(f"/v2/{project}/backups", body))["backup_id"]
    catalog.ids["backups"].add(backup_id)
    return backup_id


def _job(caller: Caller, catalog: Catalog, project: str, body: dict) -> str:
    job_id = _ok(caller.post(f"/v2/{project}/jobs", body))["job_id"]
    catalog.ids["jobs"].add(job_id)
    return job_id


def _fill_project_a(a: Caller, catalog: Catalog) -> None:
    p = PROJECT_A
    _client(a, catalog, p, {"client_id": "host-a1", "hostname": "host-a1.example", "description": "web"})
    _client(
        a,
        catalog,
        p,
        {
            "client_id": "host-a2",
            "hostname": "host-a2.example",
            "supported_actions": ["backup", "restore"],
            "supported_engines": ["tar", "rsync"],
        },
    )
    for n in range(3):
        _backup(
            a,
            catalog,
            p,
            {
                "container": "freezer-a",
                "hostname": "host-a1.example",
                "backup_name": f"etc-{n}",
                "time_stamp": 1700000000 + n * 3600,
                "level": n,
                "curr_backup_level": n,
                "max_level": 3,
                "path_to_backup": "/etc",
                "mode": "fs",
                "engine_name": "tar",
                "fs_real_path": "/etc",
                "vol_snap_path": "/etc",
                "total_broken_links": 0,
                "total_fs_files": 120 + n,
                "backup_chunks_size": 4096,
                "compression": "gzip",
                "client_os": "linux",
                "client_version": "19.0.0",
            },
        )
    # v1-era names: `timestamp`, no time_stamp.
    _backup(
        a,
        catalog,
        p,
        {
            "container": "legacy",
            "hostname": "host-a2.example",
            "backup_name": "old",
            "timestamp": 1400000000,
            "level": 0,
        },
    )
    gone = _backup(a, catalog, p, {"container": "freezer-a", "hostname": "x", "backup_name": "gone", "time_stamp": 1})
    _ok(a.delete(f"/v2/{p}/backups/{gone}"))
    catalog.ids["backups"].discard(gone)
    catalog.deleted["backups"].add(gone)

    action_id = _ok(
        a.post(
            f"/v2/{p}/actions",
            {
                "freezer_action": {
                    "action": "backup",
                    "mode": "fs",
                    "path_to_backup": "/var/log",
                    "backup_name": "logs",
                    "container": "freezer-a",
                    "storage": "local",
                },
                "max_retries": 2,
                "max_retries_interval": 10,
            },
        )
    )["action_id"]
    catalog.ids["actions"].add(action_id)

    job_body = {
        "client_id": "host-a1",
        "description": "nightly etc",
        "job_schedule": {"schedule_interval": "1 days", "schedule_start_date": "2030-01-01T02:00:00"},
        "job_actions": [
            {
                "freezer_action": {
                    "action": "backup",
                    "mode": "fs",
                    "path_to_backup": "/etc",
                    "backup_name": "etc",
                    "container": "freezer-a",
                    "storage": "local",
                },
                "max_retries": 3,
            },
            {"action_id": action_id},
            {
                "freezer_action": {
                    "action": "restore",
                    "restore_abs_path": "/tmp/restore",
                    "backup_name": "etc",
                    "container": "freezer-a",
                }
            },
        ],
    }
    nightly = _job(a, catalog, p, job_body)
    stopped = _job(a, catalog, p, {**job_body, "description": "stopped one", "job_actions": [{"action_id": action_id}]})
    _ok(a.post(f"/v2/{p}/jobs/{stopped}/event", {"stop": None}), 200, 202)
    _job(
        a,
        catalog,
        p,
        {**job_body, "client_id": "host-a2", "description": "on a2", "job_actions": job_body["job_actions"][:1]},
    )
    gone_job = _job(a, catalog, p, {**job_body, "description": "deleted job"})
    _ok(a.delete(f"/v2/{p}/jobs/{gone_job}"))
    catalog.ids["jobs"].discard(gone_job)
    catalog.deleted["jobs"].add(gone_job)

    session_id = _ok(
        a.post(
            f"/v2/{p}/sessions",
            {"description": "both hosts", "hold_off": 20, "schedule": {"schedule_interval": "2 days"}},
        )
    )["session_id"]
    catalog.ids["sessions"].add(session_id)
    _ok(a.put(f"/v2/{p}/sessions/{session_id}/jobs/{nightly}"))
    other = _job(
        a,
        catalog,
        p,
        {
            **job_body,
            "client_id": "host-a2",
            "description": "session member",
            "job_actions": job_body["job_actions"][:1],
        },
    )
    _ok(a.put(f"/v2/{p}/sessions/{session_id}/jobs/{other}"))
    empty = _ok(a.post(f"/v2/{p}/sessions", {"description": "empty", "schedule": {}}))["session_id"]
    catalog.ids["sessions"].add(empty)
    # Actions created inline by the jobs are documents too.
    for action in _ok(a.get(f"/v2/{p}/actions", params={"limit": 1000}))["actions"]:
        catalog.ids["actions"].add(action["action_id"])


def _fill_project_b(b: Caller, catalog: Catalog) -> None:
    p = PROJECT_B
    _client(b, catalog, p, {"client_id": "host-b1", "hostname": "host-b1.example"})
    _backup(
        b,
        catalog,
        p,
        {
            "container": "freezer-b",
            "hostname": "host-b1.example",
            "backup_name": "home",
            "time_stamp": 1710000000,
            "level": 0,
        },
    )
    _job(
        b,
        catalog,
        p,
        {
            "client_id": "host-b1",
            "description": "home",
            "job_schedule": {},
            "job_actions": [
                {
                    "freezer_action": {
                        "action": "backup",
                        "mode": "fs",
                        "path_to_backup": "/home",
                        "backup_name": "home",
                        "container": "freezer-b",
                    }
                }
            ],
        },
    )
    gone = _ok(b.post(f"/v2/{p}/clients", {"client_id": "host-b-gone", "hostname": "gone"}))
    assert gone
    _ok(b.delete(f"/v2/{p}/clients/host-b-gone"))
    catalog.deleted["clients"].add("host-b-gone")
    for action in _ok(b.get(f"/v2/{p}/actions", params={"limit": 1000}))["actions"]:
        catalog.ids["actions"].add(action["action_id"])
