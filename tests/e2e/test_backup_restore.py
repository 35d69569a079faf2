"""A directory backed up and restored by freezer-scheduler and freezer-agent 19.0.0, driven through this API.

The test acts as the user (python-freezerclient, through Keystone), a real
freezer-scheduler polls for its host's jobs and runs the real freezer-agent,
which writes the backup to local storage; the scheduler reports the agent's
metadata back. Nothing is mocked or stubbed (see conftest.py for the catalog).
"""

from __future__ import annotations

from tests.e2e.conftest import AccessLog, unique, wait_until_completed
from tests.e2e.trees import differences, make_tree, snapshot


def agent_action(action: str, *, hostname: str, backup_name: str, storage, log_file, **options) -> dict:
    """A freezer_action for a filesystem backup kept in a local directory."""
    return {
        "action": action,
        "mode": "fs",
        "storage": "local",
        "container": str(storage),
        "hostname": hostname,
        "backup_name": backup_name,
        "log_file": str(log_file),
        **options,
    }


def job_of(client_id: str, description: str, freezer_action: dict) -> dict:
    """A job run once, as soon as the scheduler sees it (no schedule keys); a failure is not retried."""
    return {
        "client_id": client_id,
        "description": description,
        "job_actions": [{"freezer_action": freezer_action, "max_retries": 0, "mandatory": True}],
    }


def test_a_directory_is_backed_up_and_restored_byte_for_byte(freezer, start_schedulers, e2e_api, e2e_cloud, tmp_path):
    (scheduler,) = start_schedulers(unique("host"))
    access_log = AccessLog(e2e_api)  # every request from here on, the registration (checked above) aside
    source = make_tree(tmp_path / "source")
    original = snapshot(source)
    storage, target = tmp_path / "storage", tmp_path / "restored"
    hostname, name = scheduler.client_id, unique("docs")
    options = {"hostname": hostname, "backup_name": name, "storage": storage, "log_file": tmp_path / "agent.log"}

    backup_job = freezer.jobs.create(
        job_of(scheduler.client_id, "back up docs", agent_action("backup", path_to_backup=str(source), **options))
    )
    job = wait_until_completed(freezer, backup_job, [scheduler])

    schedule = job["job_schedule"]
    assert (schedule["status"], schedule["result"], schedule["event"]) == ("completed", "success", ""), scheduler.log()
    assert schedule["time_created"] <= schedule["time_started"] <= schedule["time_ended"]
    assert isinstance(schedule["current_pid"], int)
    # The scheduler reported the agent's metadata: one backup, found by the job that made it.
    (backup,) = freezer.backups.list(limit=10, search={"match": [{"job_id": backup_job}]})
    alice = e2e_cloud.users["alice"]
    assert (backup["status"], backup["project_id"], backup["user_id"]) == ("available", alice.project_id, alice.id)
    metadata = backup["backup_metadata"]
    assert {
        key: metadata[key]
        for key in (
            "action",
            "mode",
            "storage",
            "engine_name",
            "container",
            "path_to_backup",
            "backup_name",
            "hostname",
            "curr_backup_level",
            "client_version",
        )
    } == {
        "action": "backup",
        "mode": "fs",
        "storage": "local",
        "engine_name": "tar",
        "container": str(storage),
        "path_to_backup": str(source),
        "backup_name": name,
        "hostname": hostname,
        "curr_backup_level": 0,
        "client_version": "19.0.0",
    }
    stamp = metadata["time_stamp"]
    assert schedule["time_started"] <= stamp <= schedule["time_ended"]
    # ... and it names the backup the agent wrote to the storage.
    level_zero = storage / "data" / "tar" / f"{hostname}_{name}" / str(stamp) / f"0_{stamp}"
    assert level_zero.is_dir() and any(level_zero.iterdir())

    restore_job = freezer.jobs.create(
        job_of(scheduler.client_id, "restore docs", agent_action("restore", restore_abs_path=str(target), **options))
    )
    job = wait_until_completed(freezer, restore_job, [scheduler])

    assert (job["job_schedule"]["status"], job["job_schedule"]["result"]) == ("completed", "success"), scheduler.log()
    assert differences(original, snapshot(target)) == []
    assert snapshot(source) == original
    # A restore reports no backup.
    assert [b["backup_id"] for b in freezer.backups.list(limit=10, search={"match": [{"backup_name": name}]})] == [
        backup["backup_id"]
    ]
    # Every request of the scheduler (and of this test) was accepted, the scheduler's writes among them.
    assert access_log.refused() == []
    calls = access_log.requests()
    project = alice.project_id
    for job_id in (backup_job, restore_job):
        updates = [c for c in calls if (c.method, c.path) == ("PATCH", f"/v2/{project}/jobs/{job_id}")]
        assert len(updates) >= 3  # running, the agent's pid, completed
    assert ("POST", f"/v2/{project}/backups", 201) in {(c.method, c.path, c.status) for c in calls}


def test_a_backup_recorded_in_advance_is_completed_by_the_schedulers_report(
    freezer, start_schedulers, e2e_api, tmp_path
):
    """An orchestrator allocates the backup record first; the agent's --backup-id ties the run to it.

    freezer-scheduler then reports with PATCH /backups/{id} and the agent's flat
    metadata (client.backups.update), not with POST.
    """
    (scheduler,) = start_schedulers(unique("host"))
    access_log = AccessLog(e2e_api)
    source = make_tree(tmp_path / "source")
    storage, name = tmp_path / "storage", unique("docs")
    backup_id = freezer.backups.create(
        {"container": str(storage), "hostname": scheduler.client_id, "backup_name": name, "status": "creating"}
    )
    action = agent_action(
        "backup",
        hostname=scheduler.client_id,
        backup_name=name,
        storage=storage,
        log_file=tmp_path / "agent.log",
        path_to_backup=str(source),
        backup_id=backup_id,
    )
    job_id = freezer.jobs.create(job_of(scheduler.client_id, "back up docs", action))
    job = wait_until_completed(freezer, job_id, [scheduler])

    assert job["job_schedule"]["result"] == "success", scheduler.log()
    backup = freezer.backups.get(backup_id)
    assert backup["status"] == "available"
    metadata = backup["backup_metadata"]
    assert (metadata["job_id"], metadata["path_to_backup"], metadata["client_version"]) == (
        job_id,
        str(source),
        "19.0.0",
    )
    assert metadata["curr_backup_level"] == 0 and isinstance(metadata["time_stamp"], int)
    assert [b["backup_id"] for b in freezer.backups.list(limit=10, search={"match": [{"job_id": job_id}]})] == [
        backup_id
    ]
    project = backup["project_id"]
    assert ("PATCH", f"/v2/{project}/backups/{backup_id}", 200) in {
        (c.method, c.path, c.status) for c in access_log.requests()
    }
    assert access_log.refused() == []
