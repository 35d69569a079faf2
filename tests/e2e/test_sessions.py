"""Two hosts back up together in one session: two real freezer-schedulers coordinate through the API."""

from __future__ import annotations

import socket

from tests.e2e.conftest import AccessLog, unique, wait_for, wait_until_completed
from tests.e2e.test_backup_restore import agent_action, job_of
from tests.e2e.trees import make_tree

# Members that start within this many seconds of the session's first start join its run.
HOLD_OFF = 120


def test_two_schedulers_run_their_jobs_of_one_session_together(freezer, start_schedulers, e2e_api, tmp_path):
    hosts = [unique("db"), unique("web")]
    # The operator registers both hosts (as `freezer client-register` does) and puts one job of each in a
    # session before their schedulers run, so that neither job can start outside it.
    for host in hosts:
        freezer.clients.create({"client_id": host, "hostname": socket.gethostname()})
    session_id = freezer.sessions.create(
        {"description": "db and web, consistent", "hold_off": HOLD_OFF, "schedule": {}}
    )
    jobs = {}
    for host in hosts:
        action = agent_action(
            "backup",
            hostname=host,
            backup_name="site",
            storage=tmp_path / "storage",
            log_file=tmp_path / f"agent-{host}.log",
            path_to_backup=str(make_tree(tmp_path / host, seed=host.encode())),
        )
        jobs[host] = freezer.jobs.create(job_of(host, f"site files on {host}", action))
        freezer.sessions.add_job(session_id, jobs[host])
    access_log = AccessLog(e2e_api)

    schedulers = start_schedulers(*hosts)
    done = {host: wait_until_completed(freezer, jobs[host], schedulers) for host in hosts}
    session = wait_for("the session's end", lambda: _completed(freezer.sessions.get(session_id)), schedulers)

    assert (session["status"], session["result"], session["session_tag"]) == ("completed", "success", 1)
    assert set(session["jobs"]) == set(jobs.values())
    for host, job_id in jobs.items():
        member = session["jobs"][job_id]
        assert (member["client_id"], member["status"], member["result"]) == (host, "completed", "success")
        # Its start was accepted into run 1 (a late or stale start leaves the member's time_started alone).
        assert session["time_start"] <= member["time_started"] <= session["time_start"] + HOLD_OFF
        job = done[host]
        assert job["session_id"] == session_id
        # (The job's own session_tag is not checked: freezer-scheduler 19.0.0 may overwrite the tag it adopted
        # with the one of a job document it polls meanwhile, and report that.)
        assert (job["job_schedule"]["status"], job["job_schedule"]["result"]) == ("completed", "success")
        (backup,) = freezer.backups.list(limit=10, search={"match": [{"job_id": job_id}]})
        assert backup["backup_metadata"]["hostname"] == host
    assert session["time_end"] >= max(done[host]["job_schedule"]["time_ended"] for host in hosts)
    calls = {(c.method, c.path, c.status) for c in access_log.requests()}
    project = session["project_id"]
    assert ("POST", f"/v2/{project}/sessions/{session_id}/action", 202) in calls
    assert access_log.refused() == []


def _completed(session: dict) -> dict | None:
    return session if session["status"] == "completed" else None
