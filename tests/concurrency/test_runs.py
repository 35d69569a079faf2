"""Runs under concurrency (docs/health.md#runs): N agents PATCH their jobs' transitions at the same moment.

Through several worker processes on every engine: no run without its
transition, never two open runs of one job, no backup id lost.
"""

import pytest
import requests

from tests.support.factories import backup_metadata, client_info, job
from tests.support.parallel import all_at_once
from tests.support.personas import PERSONAS

N = 16
PROJECT = PERSONAS["member_a"].project_id
HEADERS = {"X-Auth-Token": PERSONAS["member_a"].token, "Content-Type": "application/json"}
RUNNING = {"status": "running", "result": "", "time_ended": -1}


@pytest.fixture
def base(busy_server):
    return f"{busy_server.url}/v2/{PROJECT}"


def new_job(http, base) -> str:
    info = client_info()
    assert http.post(f"{base}/clients", json=info, headers=HEADERS).status_code == 201
    reply = http.post(f"{base}/jobs", json=job(info["client_id"]), headers=HEADERS)
    assert reply.status_code == 201, reply.text
    return reply.json()["job_id"]


def patch_schedule(http, base, job_id, **schedule):
    return http.patch(f"{base}/jobs/{job_id}", json={"job_schedule": schedule}, headers=HEADERS)


def runs_of(base, job_id) -> list[dict]:
    reply = requests.get(f"{base}/jobs/{job_id}/runs", params={"limit": 1000}, headers=HEADERS)
    assert reply.status_code == 200, reply.text
    return reply.json()["runs"]


def test_n_agents_run_their_jobs_at_once(base):
    http = requests.Session()
    job_ids = [new_job(http, base) for _ in range(N)]
    starts = all_at_once([lambda h, j=j: patch_schedule(h, base, j, **RUNNING, time_started=1000) for j in job_ids])
    assert [r.status_code for r in starts] == [200] * N
    posts = all_at_once(
        [lambda h, j=j: h.post(f"{base}/backups", json=backup_metadata(job_id=j), headers=HEADERS) for j in job_ids * 3]
    )
    assert [r.status_code for r in posts] == [201] * (3 * N)
    backups: dict[str, set[str]] = {}
    for job_id, reply in zip(job_ids * 3, posts, strict=True):
        backups.setdefault(job_id, set()).add(reply.json()["backup_id"])
    ends = all_at_once(
        [
            lambda h, j=j: patch_schedule(
                h, base, j, status="scheduled", result="success", time_started=1000, time_ended=2000
            )
            for j in job_ids
        ]
    )
    assert [r.status_code for r in ends] == [200] * N
    for job_id in job_ids:
        (run,) = runs_of(base, job_id)
        assert run["result"] == "success" and run["ended_at"] is not None
        assert set(run["backups"]) == backups[job_id]


def test_simultaneous_starts_of_one_job_leave_exactly_one_open_run(base):
    job_id = new_job(requests.Session(), base)
    replies = all_at_once([lambda h, i=i: patch_schedule(h, base, job_id, **RUNNING, time_started=i) for i in range(N)])
    assert [r.status_code for r in replies] == [200] * N
    runs = runs_of(base, job_id)
    # Every start is a transition (each names its own time_started): each opened a run, and each
    # but the last was lost to the next one.
    assert len(runs) == N
    assert [r["result"] for r in runs] == ["running"] + ["lost"] * (N - 1)
    assert sum(1 for r in runs if r["ended_at"] is None) == 1


def test_concurrent_backups_of_one_run_are_all_kept(base):
    job_id = new_job(requests.Session(), base)
    assert patch_schedule(requests, base, job_id, **RUNNING, time_started=1).status_code == 200
    posts = all_at_once([lambda h: h.post(f"{base}/backups", json=backup_metadata(job_id=job_id), headers=HEADERS)] * N)
    assert [r.status_code for r in posts] == [201] * N
    (run,) = runs_of(base, job_id)
    assert set(run["backups"]) == {r.json()["backup_id"] for r in posts}


def test_a_start_racing_an_end_never_loses_a_transition(base):
    """Ends and new starts of N jobs interleave; each job ends with one run per start."""
    http = requests.Session()
    job_ids = [new_job(http, base) for _ in range(N)]
    for job_id in job_ids:
        assert patch_schedule(http, base, job_id, **RUNNING, time_started=1).status_code == 200
    calls = []
    for job_id in job_ids:
        calls.append(
            lambda h, j=job_id: patch_schedule(
                h, base, j, status="scheduled", result="fail", time_started=1, time_ended=2
            )
        )
        calls.append(lambda h, j=job_id: patch_schedule(h, base, j, **RUNNING, time_started=3))
    replies = all_at_once(calls)
    assert [r.status_code for r in replies] == [200] * (2 * N)
    for job_id in job_ids:
        runs = runs_of(base, job_id)
        status = requests.get(f"{base}/jobs/{job_id}", headers=HEADERS).json()["job_schedule"]["status"]
        open_runs = [r for r in runs if r["ended_at"] is None]
        # The job's last transition decides: running has exactly one open run, scheduled none.
        assert len(open_runs) == (1 if status == "running" else 0), runs
        assert len(runs) in (1, 2), runs
        assert runs[-1]["result"] in ("fail", "lost"), runs
