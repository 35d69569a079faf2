"""Runs and health from what the real freezer-scheduler and freezer-agent 19.0.0 send (docs/health.md).

The server runs with short health thresholds (conftest.HEALTH_SECTION): a
client is down 6 s after its last sighting, a job overdue 3 s after its
expected start.
"""

from __future__ import annotations

import os
import signal

import requests
from prometheus_client.parser import text_string_to_metric_families

from tests.e2e.conftest import unique, wait_for
from tests.e2e.test_backup_restore import agent_action, job_of
from tests.e2e.trees import make_tree
from tests.support.freezer_agents import Scheduler, _children

# Long enough for freezer-agent's run to end well before the next start, so the test can stop the
# scheduler between two runs.
EVERY = "10 seconds"


class State:
    """The runs and health routes, with the freezer client's Keystone token (freezerclient knows neither)."""

    def __init__(self, freezer, api_url: str):
        self.freezer, self.base = freezer, f"{api_url}/v2/{freezer.project_id}"

    def get(self, path: str) -> dict:
        reply = requests.get(self.base + path, headers={"X-Auth-Token": self.freezer.auth_token}, timeout=30)
        assert reply.status_code == 200, reply.text
        return reply.json()

    def runs(self, job_id: str) -> list[dict]:
        return self.get(f"/jobs/{job_id}/runs")["runs"]

    def job(self, job_id: str) -> dict:
        return self.get(f"/jobs/{job_id}/health")

    def client(self, client_id: str) -> dict:
        return self.get(f"/clients/{client_id}/health")


def scrape(api_url: str) -> dict[tuple[str, frozenset], float]:
    """/metrics (open to loopback callers by default), parsed by prometheus_client's own parser."""
    reply = requests.get(f"{api_url}/metrics", timeout=30)
    assert reply.status_code == 200, reply.text
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(reply.text)
        for sample in family.samples
    }


def kill(scheduler: Scheduler) -> None:
    """SIGKILL the scheduler (and any freezer-agent it runs): a host that died."""
    for child in _children(scheduler.process.pid):
        os.kill(child, signal.SIGKILL)
    scheduler.process.kill()
    scheduler.process.wait(timeout=30)


def test_a_recurring_backup_runs_is_ok_and_turns_overdue_when_its_host_dies(
    freezer, start_schedulers, e2e_api, tmp_path
):
    (scheduler,) = start_schedulers(unique("host"))
    state = State(freezer, e2e_api.url)
    action = agent_action(
        "backup",
        hostname=scheduler.client_id,
        backup_name=unique("docs"),
        storage=tmp_path / "storage",
        log_file=tmp_path / "agent.log",
        path_to_backup=str(make_tree(tmp_path / "source")),
    )
    job_id = freezer.jobs.create(
        {**job_of(scheduler.client_id, "often", action), "job_schedule": {"schedule_interval": EVERY}}
    )

    def three_closed_runs() -> list[dict] | None:
        closed = [run for run in state.runs(job_id) if run["ended_at"] is not None]
        return closed if len(closed) >= 3 else None

    runs = wait_for("three runs", three_closed_runs, [scheduler])
    assert [run["result"] for run in runs] == ["success"] * len(runs)
    backups = {b["backup_id"] for b in freezer.backups.list(limit=100, search={"match": [{"job_id": job_id}]})}
    for run in runs:
        assert len(run["backups"]) == 1 and set(run["backups"]) <= backups, run
        assert run["client_id"] == scheduler.client_id and run["duration"] >= 0

    # Between two runs: ok, the next start expected, the client up.
    health = wait_for(
        "the job ok between runs", lambda: ((h := state.job(job_id))["state"] == "ok" and h) or None, [scheduler]
    )
    assert health["last_run"]["result"] == "success" and health["next_expected_at"] > health["last_success_at"]
    client = state.client(scheduler.client_id)
    assert client["state"] == "up" and client["jobs"].get("ok") == 1

    # The same, as Prometheus sees it (docs/observability.md#metrics); the next run may have begun.
    project = freezer.project_id
    job = {"project_id": project, "job_id": job_id, "client_id": scheduler.client_id}
    metrics = scrape(e2e_api.url)
    assert metrics[("freezer_job_last_run_success", frozenset(job.items()))] == 1
    assert metrics[("freezer_job_last_success_timestamp_seconds", frozenset(job.items()))] >= health["last_success_at"]
    assert metrics[("freezer_job_expected_interval_seconds", frozenset(job.items()))] == 10
    assert any(
        metrics.get(("freezer_job_health", frozenset({**job, "state": name}.items()))) == 1
        for name in ("ok", "running")
    )
    assert metrics[("freezer_client_up", frozenset({"project_id": project, "client_id": scheduler.client_id}.items()))]
    assert metrics[("freezer_job_runs_total", frozenset({"project_id": project, "result": "success"}.items()))] >= 3

    kill(scheduler)
    wait_for("the client down", lambda: state.client(scheduler.client_id)["state"] == "down" or None, [])
    overdue = wait_for("the job overdue", lambda: ((h := state.job(job_id))["state"] == "overdue" and h) or None, [])
    assert overdue["since"] >= health["next_expected_at"]
    metrics = scrape(e2e_api.url)
    assert metrics[("freezer_job_health", frozenset({**job, "state": "overdue"}.items()))] == 1
    client_labels = frozenset({"project_id": project, "client_id": scheduler.client_id}.items())
    assert metrics[("freezer_client_up", client_labels)] == 0
    summary = state.get("/health")
    assert {"kind": "client", "id": scheduler.client_id, "state": "down"}.items() <= next(
        item for item in summary["attention"] if item["id"] == scheduler.client_id
    ).items()


def test_a_backup_of_a_missing_path_is_failing_with_a_fail_run(freezer, start_schedulers, e2e_api, tmp_path):
    (scheduler,) = start_schedulers(unique("host"))
    state = State(freezer, e2e_api.url)
    action = agent_action(
        "backup",
        hostname=scheduler.client_id,
        backup_name=unique("missing"),
        storage=tmp_path / "storage",
        log_file=tmp_path / "agent.log",
        path_to_backup=str(tmp_path / "no-such-directory"),
    )
    job_id = freezer.jobs.create(job_of(scheduler.client_id, "doomed", action))
    (run,) = wait_for(
        "the failed run", lambda: [r for r in state.runs(job_id) if r["ended_at"] is not None] or None, [scheduler]
    )
    assert run["result"] == "fail" and run["backups"] == []
    health = state.job(job_id)
    assert health["state"] == "failing" and health["since"] == run["ended_at"]
    assert health["last_success_at"] is None and health["last_run"] == run
