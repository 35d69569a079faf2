"""A recurring backup steered by job events: freezer-scheduler acts on them and reports back."""

from __future__ import annotations

from tests.e2e.conftest import AccessLog, unique, wait_for
from tests.e2e.test_backup_restore import agent_action
from tests.e2e.trees import make_tree

# Hourly from a start date in the past: the scheduler runs it 2 s after it sees it, then not for an hour,
# so the job is idle (`scheduled`) whenever this test sends an event.
HOURLY = {"schedule_interval": "1 hours", "schedule_start_date": "2020-01-01T00:00:00"}


def test_a_recurring_backup_is_stopped_and_started_again_by_events(freezer, start_schedulers, e2e_api, tmp_path):
    (scheduler,) = start_schedulers(unique("host"))
    access_log = AccessLog(e2e_api)
    action = agent_action(
        "backup",
        hostname=scheduler.client_id,
        backup_name=unique("docs"),
        storage=tmp_path / "storage",
        log_file=tmp_path / "agent.log",
        path_to_backup=str(make_tree(tmp_path / "source")),
    )
    job_id = freezer.jobs.create(
        {
            "client_id": scheduler.client_id,
            "description": "hourly",
            "job_schedule": HOURLY,
            "job_actions": [{"freezer_action": action, "max_retries": 0}],
        }
    )

    def backups() -> int:
        return len(freezer.backups.list(limit=100, search={"match": [{"job_id": job_id}]}))

    def schedule_when(status: str) -> dict | None:
        """The schedule once the scheduler has acted on the last event and reports `status`."""
        schedule = freezer.jobs.get(job_id)["job_schedule"]
        return schedule if (schedule.get("status"), schedule.get("event")) == (status, "") else None

    def after_the_next_poll() -> None:
        """Wait for the scheduler's next poll: it has then written all it had to for the previous one.

        (It acknowledges a stop with two PATCHes of its whole schedule; a start sent between them would be
        overwritten by the second one, in freezer-scheduler 19.0.0 as against any freezer-api.)
        """
        mark, jobs = AccessLog(e2e_api), f"/v2/{freezer.project_id}/jobs"
        wait_for(
            "the scheduler's next poll",
            lambda: True if any(c.path == jobs for c in mark.requests()) else None,
            [scheduler],
        )

    # A recurring job does not end `completed`: after its run it is `scheduled` for the next one.
    schedule = wait_for("the first run", lambda: schedule_when("scheduled") if backups() == 1 else None, [scheduler])
    assert schedule["result"] == "success" and schedule["time_started"] > 0

    assert freezer.jobs.stop_job(job_id) == {"result": "success"}
    wait_for("the job stopped", lambda: schedule_when("stop"), [scheduler])
    after_the_next_poll()
    assert backups() == 1

    assert freezer.jobs.start_job(job_id) == {"result": "success"}
    schedule = wait_for(
        "a run after the start event", lambda: schedule_when("scheduled") if backups() == 2 else None, [scheduler]
    )
    assert schedule["result"] == "success"

    assert access_log.refused() == []
    assert (
        len(
            [
                c
                for c in access_log.requests()
                if (c.method, c.path) == ("PATCH", f"/v2/{freezer.project_id}/jobs/{job_id}")
            ]
        )
        >= 6
    )
