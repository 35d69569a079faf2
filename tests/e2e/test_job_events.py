"""A recurring backup steered by job events: freezer-scheduler acts on them and reports back."""

from __future__ import annotations

from tests.e2e.conftest import AccessLog, unique, wait_for
from tests.e2e.test_backup_restore import agent_action
from tests.e2e.trees import make_tree


def test_a_recurring_backup_is_stopped_and_started_again_by_events(freezer, start_schedulers, e2e_api, tmp_path):
    (scheduler,) = start_schedulers(unique("host"))
    access_log = AccessLog(e2e_api)
    action = agent_action("backup", hostname=scheduler.client_id, backup_name=unique("docs"),
                          storage=tmp_path / "storage", log_file=tmp_path / "agent.log",
                          path_to_backup=str(make_tree(tmp_path / "source")))
    job_id = freezer.jobs.create({"client_id": scheduler.client_id, "description": "every 3 seconds",
                                  "job_schedule": {"schedule_interval": "3 seconds"},
                                  "job_actions": [{"freezer_action": action, "max_retries": 0}]})

    def backups() -> list[dict]:
        return freezer.backups.list(limit=100, search={"match": [{"job_id": job_id}]})

    def schedule_when(*statuses: str) -> dict | None:
        """The schedule once the scheduler has acted on the last event and reported one of `statuses`."""
        schedule = freezer.jobs.get(job_id)["job_schedule"]
        return schedule if schedule.get("status") in statuses and schedule.get("event") == "" else None

    wait_for("two runs", lambda: backups() if len(backups()) >= 2 else None, [scheduler])
    # A recurring job never ends `completed` on its own: between runs it is `scheduled` (or already `running`).
    schedule = freezer.jobs.get(job_id)["job_schedule"]
    assert schedule["status"] in ("scheduled", "running") and schedule["schedule_interval"] == "3 seconds"
    assert schedule["time_started"] > 0 and schedule["event"] == ""

    # Stopped between two runs, the job is `stop`; stopped during one, it ends `completed` after it.
    assert freezer.jobs.stop_job(job_id) == {"result": "success"}
    wait_for("the job stopped", lambda: schedule_when("stop", "completed"), [scheduler])
    ran = len(backups())
    assert freezer.jobs.start_job(job_id) == {"result": "success"}
    wait_for("a run after the start event", lambda: True if len(backups()) > ran else None, [scheduler])
    assert freezer.jobs.stop_job(job_id) == {"result": "success"}
    wait_for("the job stopped again", lambda: schedule_when("stop", "completed"), [scheduler])

    assert access_log.refused() == []
    assert {(c.method, c.status) for c in access_log.requests() if c.path.endswith(f"/jobs/{job_id}")} >= {
        ("PATCH", 200)}
