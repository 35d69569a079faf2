"""/metrics protection series: jobs, clients and runs, computed from the database at scrape time."""

from __future__ import annotations

import time

from freezer_api.app import create_store
from freezer_api.storage.tables import CLIENT_LIVENESS
from tests.conftest import identity_headers, make_conf, new_project
from tests.observability.test_metrics import in_process, samples, sqlite_database, value  # noqa: F401
from tests.support import factories


class Agent:
    """Registers a client and PATCHes its job the way freezer-scheduler reports runs."""

    def __init__(self, client, project: str, **schedule):
        self.client, self.project = client, project
        self.headers = identity_headers(project)
        self.client_id = factories.unique("client")
        self._call("post", f"/v2/{project}/clients", factories.client_info(self.client_id), 201)
        job = factories.job(self.client_id, job_schedule=schedule)
        self.job_id = self._call("post", f"/v2/{project}/jobs", job, 201)["job_id"]
        self.schedule = dict(schedule)
        self.patch(status="scheduled", event="")

    def _call(self, method: str, path: str, body: dict, status: int) -> dict:
        answer = getattr(self.client, f"simulate_{method}")(path, json=body, headers=self.headers)
        assert answer.status_code == status, answer.text
        return answer.json

    def patch(self, **changes) -> None:
        self.schedule.update(changes)
        body = {"job_schedule": self.schedule, "session_id": "", "session_tag": 0}
        self._call("patch", f"/v2/{self.project}/jobs/{self.job_id}", body, 200)

    def run(self, result: str) -> None:
        self.patch(status="running", result="", time_started=int(time.time()), time_ended=-1)
        self.patch(status="scheduled", result=result, time_ended=int(time.time()))

    def runs(self) -> list[dict]:
        answer = self.client.simulate_get(f"/v2/{self.project}/jobs/{self.job_id}/runs", headers=self.headers)
        return answer.json["runs"]


def _wait_until_seen(store, project: str, client_id: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with store.reading() as uow:
            if uow.liveness.last_seen(project, client_id) is not None:
                return
        time.sleep(0.05)
    raise AssertionError(f"{client_id} was never recorded as seen")


def test_job_client_and_run_series_show_what_the_runs_recorded(database):
    client = in_process(database)
    project = new_project()
    hourly = Agent(client, project, schedule_interval="1 hours")
    hourly.run("success")
    hourly.run("fail")
    every_two_hours = Agent(client, project, schedule_hour="*/2", schedule_minute="0")
    every_two_hours.run("success")
    # A client last heard from an hour ago: down ([health] client_down_after is 300 s).
    silent = factories.unique("client")
    assert (
        client.simulate_post(
            f"/v2/{project}/clients", json=factories.client_info(silent), headers=identity_headers(project)
        ).status_code
        == 201
    )
    long_ago = int(time.time()) - 3600
    store = create_store(make_conf(database={"connection": database.url}))
    try:
        for client_id in (hourly.client_id, every_two_hours.client_id, silent):
            _wait_until_seen(store, project, client_id)  # the liveness writer is a background thread
        live = CLIENT_LIVENESS.c
        with store.engine.begin() as connection:
            forget = CLIENT_LIVENESS.update().where(live.project_id == project, live.client_id == silent)
            assert connection.execute(forget.values(last_seen=long_ago)).rowcount == 1
    finally:
        store.dispose()

    scraped = samples(client.simulate_get("/metrics").text)
    failed, succeeded = hourly.runs()
    labels = {"project_id": project, "job_id": hourly.job_id, "client_id": hourly.client_id}
    assert value(scraped, "freezer_job_last_success_timestamp_seconds", **labels) == succeeded["ended_at"]
    assert value(scraped, "freezer_job_last_run_timestamp_seconds", **labels) == failed["started_at"]
    assert value(scraped, "freezer_job_last_run_success", **labels) == 0
    assert value(scraped, "freezer_job_expected_interval_seconds", **labels) == 3600
    assert value(scraped, "freezer_job_health", **labels, state="failing") == 1
    assert value(scraped, "freezer_job_health", **labels, state="ok") is None
    other = {"project_id": project, "job_id": every_two_hours.job_id, "client_id": every_two_hours.client_id}
    assert value(scraped, "freezer_job_last_run_success", **other) == 1
    assert value(scraped, "freezer_job_expected_interval_seconds", **other) == 7200
    assert value(scraped, "freezer_job_health", **other, state="ok") == 1
    seen = value(scraped, "freezer_client_last_seen_timestamp_seconds", project_id=project, client_id=hourly.client_id)
    assert seen is not None and seen >= succeeded["started_at"] - 60
    assert value(scraped, "freezer_client_up", project_id=project, client_id=hourly.client_id) == 1
    assert value(scraped, "freezer_client_up", project_id=project, client_id=silent) == 0
    assert (
        value(scraped, "freezer_client_last_seen_timestamp_seconds", project_id=project, client_id=silent) == long_ago
    )
    assert value(scraped, "freezer_project_clients", project_id=project, state="down") == 1
    assert value(scraped, "freezer_job_runs_total", project_id=project, result="success") == 2
    assert value(scraped, "freezer_job_runs_total", project_id=project, result="fail") == 1
    assert value(scraped, "freezer_project_jobs", project_id=project, state="failing") == 1
    assert value(scraped, "freezer_project_jobs", project_id=project, state="ok") == 1


def test_per_job_series_off_keeps_only_project_aggregates_of_jobs_and_clients(sqlite_database):  # noqa: F811
    client = in_process(sqlite_database, per_job_series=False)
    project = new_project()
    Agent(client, project, schedule_interval="1 hours").run("success")
    deadline = time.monotonic() + 30
    while True:  # until the liveness writer (a background thread) recorded the client
        scraped = samples(client.simulate_get("/metrics").text)
        if value(scraped, "freezer_project_clients", project_id=project, state="up") or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    per_job = {name for name, labels in scraped if "job_id" in dict(labels) or "client_id" in dict(labels)}
    assert per_job == set()
    assert value(scraped, "freezer_project_jobs", project_id=project, state="ok") == 1
    assert value(scraped, "freezer_project_clients", project_id=project, state="up") == 1
    assert value(scraped, "freezer_job_runs_total", project_id=project, result="success") == 1
