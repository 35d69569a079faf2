"""Runs (docs/health.md#runs): opened and closed by the job PATCHes freezer-scheduler 19.0.0 sends."""

import time

import pytest

from tests.conftest import identity_headers, new_project
from tests.support.factories import backup_metadata, client_info, job, session
from tests.support.http import Caller


@pytest.fixture
def client_id(api, project) -> str:
    info = client_info()
    assert api.post(f"/v2/{project}/clients", info).status == 201
    return info["client_id"]


@pytest.fixture
def job_id(api, project, client_id) -> str:
    reply = api.post(f"/v2/{project}/jobs", job(client_id, job_schedule={"schedule_interval": "5 minutes"}))
    assert reply.status == 201, reply
    return reply.json()["job_id"]


class Agent:
    """The job PATCHes of freezer-scheduler 19.0.0 (scheduler_job.Job), in its order."""

    def __init__(self, api: Caller, project: str, job_id: str):
        self.api, self.project, self.job_id = api, project, job_id
        self.schedule = api.get(self.path).json()["job_schedule"]

    @property
    def path(self) -> str:
        return f"/v2/{self.project}/jobs/{self.job_id}"

    def patch(self, **changes) -> None:
        self.schedule.update(changes)
        reply = self.api.patch(self.path, {"job_schedule": self.schedule, "session_id": "", "session_tag": 0})
        assert reply.status == 200, reply

    def take_up(self) -> None:
        self.patch(status="scheduled", event="")

    def start(self, started: int | None = None) -> None:
        self.patch(status="running", result="", time_started=started or int(time.time()), time_ended=-1)
        self.patch(current_pid=4242)

    def backup(self) -> str:
        reply = self.api.post(f"/v2/{self.project}/backups", backup_metadata(job_id=self.job_id))
        assert reply.status == 201, reply
        return reply.json()["backup_id"]

    def finish(self, result: str = "success", status: str = "scheduled") -> None:
        self.patch(status=status, result=result, time_ended=int(time.time()))


def runs_of(api, project, job_id, **params) -> list[dict]:
    reply = api.get(f"/v2/{project}/jobs/{job_id}/runs", params=params)
    assert reply.status == 200, reply
    return reply.json()["runs"]


def test_a_run_opens_on_running_and_closes_with_its_result_and_backups(api, project, job_id, client_id):
    agent = Agent(api, project, job_id)
    agent.take_up()
    assert runs_of(api, project, job_id) == []
    agent.start()
    (run,) = runs_of(api, project, job_id)
    assert run["result"] == "running" and run["ended_at"] is None and run["duration"] is None
    assert run["client_id"] == client_id and run["job_id"] == job_id and run["project_id"] == project
    assert run["session_id"] is None and run["session_tag"] is None
    backup_ids = {agent.backup(), agent.backup()}
    agent.finish("fail")
    (closed,) = runs_of(api, project, job_id)
    assert closed["run_id"] == run["run_id"]
    assert closed["result"] == "fail" and closed["ended_at"] >= closed["started_at"]
    assert closed["duration"] == closed["ended_at"] - closed["started_at"]
    assert set(closed["backups"]) == backup_ids
    assert api.get(f"/v2/{project}/runs/{run['run_id']}").json() == closed


def test_runs_are_listed_newest_first_and_paged(api, project, job_id):
    agent = Agent(api, project, job_id)
    for started in (1000, 2000, 3000):
        agent.start(started)
        agent.finish()
    runs = runs_of(api, project, job_id)
    assert [r["result"] for r in runs] == ["success"] * 3
    assert runs_of(api, project, job_id, limit=1, offset=1) == [runs[1]]


def test_a_new_start_while_a_run_is_open_closes_it_as_lost(api, project, job_id):
    agent = Agent(api, project, job_id)
    agent.start(1000)
    agent.start(2000)  # the scheduler died and its successor runs the job again
    newest, older = runs_of(api, project, job_id)
    assert (newest["result"], older["result"]) == ("running", "lost")


def test_a_restarted_scheduler_resetting_a_running_job_loses_the_run(api, project, job_id):
    agent = Agent(api, project, job_id)
    agent.start()
    # Job.create on restart: status running -> scheduled, no result, time_ended still -1.
    agent.patch(status="scheduled", event="")
    (run,) = runs_of(api, project, job_id)
    assert run["result"] == "lost"


def test_deleting_a_job_with_an_open_run_loses_it(api, project, job_id):
    agent = Agent(api, project, job_id)
    agent.start()
    (run,) = runs_of(api, project, job_id)
    assert api.delete(f"/v2/{project}/jobs/{job_id}").status == 204
    assert api.get(f"/v2/{project}/runs/{run['run_id']}").json()["result"] == "lost"
    assert api.get(f"/v2/{project}/jobs/{job_id}/runs").status == 404


def test_other_patches_never_open_a_run(api, project, job_id):
    assert api.patch(f"/v2/{project}/jobs/{job_id}", {"description": "x"}).status == 200
    agent = Agent(api, project, job_id)
    agent.take_up()
    agent.finish()  # scheduled -> scheduled: no run was open
    assert runs_of(api, project, job_id) == []


def test_a_backup_outside_a_run_belongs_to_none(api, project, job_id):
    Agent(api, project, job_id).backup()
    agent = Agent(api, project, job_id)
    agent.start()
    agent.finish()
    assert runs_of(api, project, job_id)[0]["backups"] == []


def test_search_runs_by_result_client_and_start(api, project, client_id):
    jobs = [api.post(f"/v2/{project}/jobs", job(client_id)).json()["job_id"] for _ in range(2)]
    first, second = (Agent(api, project, j) for j in jobs)
    first.start(1000)
    first.finish("success", status="completed")
    second.start(5000)
    second.finish("fail", status="completed")

    def search(body) -> list[str]:
        reply = api.get(f"/v2/{project}/runs", body)
        assert reply.status == 200, reply
        return [r["job_id"] for r in reply.json()["runs"]]

    assert search(None) == [jobs[1], jobs[0]]
    assert search({"match": [{"result": "fail"}]}) == [jobs[1]]
    assert search({"match_not": [{"result": "fail"}]}) == [jobs[0]]
    assert search({"match": [{"client_id": client_id}, {"job_id": jobs[0]}]}) == [jobs[0]]
    assert search({"match": [{"session_id": "nope"}]}) == []
    started = api.get(f"/v2/{project}/runs").json()["runs"][0]["started_at"]
    assert search({"time_after": started + 3600}) == []
    assert search({"time_before": started - 3600}) == []
    assert search({"time_after": started - 3600, "time_before": started + 3600}) == [jobs[1], jobs[0]]


@pytest.mark.parametrize(
    ("body", "names"),
    [
        ({"match": [{"status": "x"}]}, "status"),
        ({"match": [{"result": 1}]}, "string"),
        ({"mtach": []}, "mtach"),
        ({"time_after": "soon"}, "time_after"),
    ],
)
def test_a_bad_runs_search_is_a_400_naming_the_problem(api, project, body, names):
    reply = api.get(f"/v2/{project}/runs", body)
    assert reply.status == 400, reply
    assert names in reply.json()["description"]


def test_runs_are_read_only_and_missing_ones_are_404(api, project, job_id):
    assert api.get(f"/v2/{project}/runs/{'0' * 32}").status == 404
    assert api.get(f"/v2/{project}/jobs/{'0' * 32}/runs").status == 404
    assert api.post(f"/v2/{project}/runs", {}).status == 405
    assert api.delete(f"/v2/{project}/runs/{'0' * 32}").status == 405


def test_another_project_sees_no_runs(api, app, project, job_id):
    agent = Agent(api, project, job_id)
    agent.start()
    (run,) = runs_of(api, project, job_id)
    other = new_project()
    outsider = Caller(api.transport, identity_headers(other))
    assert outsider.get(f"/v2/{other}/runs").json() == {"runs": []}
    assert outsider.get(f"/v2/{other}/runs/{run['run_id']}").status == 404
    assert outsider.get(f"/v2/{other}/jobs/{job_id}/runs").status == 404


def test_events_and_session_membership_never_open_or_close_a_run(api, project, job_id):
    agent = Agent(api, project, job_id)
    agent.start()
    # The start event resets status and result (as the original did) while the agent still runs the job.
    assert api.post(f"/v2/{project}/jobs/{job_id}/event", {"start": ""}).status == 202
    (run,) = runs_of(api, project, job_id)
    assert run["result"] == "running"
    agent.patch(current_pid=4343)  # the agent's next report of the same run
    session_id = api.post(f"/v2/{project}/sessions", session()).json()["session_id"]
    assert api.put(f"/v2/{project}/sessions/{session_id}/jobs/{job_id}").status == 204
    assert [r["run_id"] for r in runs_of(api, project, job_id)] == [run["run_id"]]
    agent.finish()
    (closed,) = runs_of(api, project, job_id)
    assert closed["result"] == "success"


def test_a_replace_by_id_is_no_report_of_a_run(api, project, job_id, client_id):
    agent = Agent(api, project, job_id)
    agent.start()
    assert api.post(f"/v2/{project}/jobs/{job_id}", job(client_id)).status == 201  # status gone from the body
    (run,) = runs_of(api, project, job_id)
    assert run["result"] == "running"
    created = job(client_id, job_schedule={"status": "running", "time_started": 5})
    new_job = api.post(f"/v2/{project}/jobs", created).json()["job_id"]
    assert runs_of(api, project, new_job) == []
