"""No lost updates: N agents hit one document at the same moment, through several worker processes."""

import pytest
import requests

from tests.support.factories import client_info, job, session
from tests.support.parallel import all_at_once
from tests.support.personas import PERSONAS

N = 16
PROJECT = PERSONAS["member_a"].project_id
HEADERS = {"X-Auth-Token": PERSONAS["member_a"].token, "Content-Type": "application/json"}


@pytest.fixture
def base(busy_server):
    return f"{busy_server.url}/v2/{PROJECT}"


@pytest.fixture
def members(base):
    """A session with N member jobs, each on its own client (one per host)."""
    http = requests.Session()
    session_id = http.post(f"{base}/sessions", json=session(hold_off=3600), headers=HEADERS).json()["session_id"]
    job_ids = []
    for _ in range(N):
        info = client_info()
        assert http.post(f"{base}/clients", json=info, headers=HEADERS).status_code == 201
        job_id = http.post(f"{base}/jobs", json=job(info["client_id"]), headers=HEADERS).json()["job_id"]
        assert http.put(f"{base}/sessions/{session_id}/jobs/{job_id}", headers=HEADERS).status_code == 204
        job_ids.append(job_id)
    return session_id, job_ids


def session_doc(base, session_id):
    return requests.get(f"{base}/sessions/{session_id}", headers=HEADERS).json()


def test_concurrent_starts_with_one_tag_open_exactly_one_run(base, members):
    session_id, job_ids = members
    replies = all_at_once(
        [
            lambda http, j=j: http.post(
                f"{base}/sessions/{session_id}/action", json={"start": {"job_id": j, "current_tag": 0}}, headers=HEADERS
            )
            for j in job_ids
        ]
    )
    assert [r.status_code for r in replies] == [202] * N
    assert [r.json() for r in replies] == [{"result": "success", "session_tag": 1}] * N
    doc = session_doc(base, session_id)
    assert doc["session_tag"] == 1
    assert {j: m["status"] for j, m in doc["jobs"].items()} == dict.fromkeys(job_ids, "running")


def test_concurrent_ends_complete_the_session_with_every_member(base, members):
    session_id, job_ids = members
    for job_id in job_ids:
        requests.post(
            f"{base}/sessions/{session_id}/action",
            json={"start": {"job_id": job_id, "current_tag": 0}},
            headers=HEADERS,
        )
    replies = all_at_once(
        [
            lambda http, j=j: http.post(
                f"{base}/sessions/{session_id}/action",
                json={"end": {"job_id": j, "current_tag": 1, "result": "success"}},
                headers=HEADERS,
            )
            for j in job_ids
        ]
    )
    assert [r.status_code for r in replies] == [202] * N
    doc = session_doc(base, session_id)
    assert doc["status"] == "completed" and doc["result"] == "success"
    assert {m["status"] for m in doc["jobs"].values()} == {"completed"}
    assert len(doc["jobs"]) == N


def test_concurrent_add_job_keeps_every_member(base):
    http = requests.Session()
    info = client_info()
    http.post(f"{base}/clients", json=info, headers=HEADERS)
    session_id = http.post(f"{base}/sessions", json=session(), headers=HEADERS).json()["session_id"]
    job_ids = [
        http.post(f"{base}/jobs", json=job(info["client_id"]), headers=HEADERS).json()["job_id"] for _ in range(N)
    ]
    replies = all_at_once(
        [lambda http, j=j: http.put(f"{base}/sessions/{session_id}/jobs/{j}", headers=HEADERS) for j in job_ids]
    )
    assert [r.status_code for r in replies] == [204] * N
    assert sorted(session_doc(base, session_id)["jobs"]) == sorted(job_ids)
    for job_id in job_ids:
        assert http.get(f"{base}/jobs/{job_id}", headers=HEADERS).json()["session_id"] == session_id


def test_concurrent_identical_start_events_succeed_exactly_once(base):
    http = requests.Session()
    info = client_info()
    http.post(f"{base}/clients", json=info, headers=HEADERS)
    job_id = http.post(f"{base}/jobs", json=job(info["client_id"]), headers=HEADERS).json()["job_id"]
    replies = all_at_once(
        [lambda http: http.post(f"{base}/jobs/{job_id}/event", json={"start": None}, headers=HEADERS)] * N
    )
    assert [r.status_code for r in replies] == [202] * N
    results = sorted(r.json()["result"] for r in replies)
    assert results == ["start already requested"] * (N - 1) + ["success"]
    doc = http.get(f"{base}/jobs/{job_id}", headers=HEADERS).json()
    assert doc["_version"] == 2


def test_concurrent_session_patches_merge_every_member(base):
    http = requests.Session()
    session_id = http.post(f"{base}/sessions", json=session(), headers=HEADERS).json()["session_id"]
    replies = all_at_once(
        [
            lambda http, i=i: http.patch(
                f"{base}/sessions/{session_id}", json={"jobs": {f"job-{i}": {"client_id": f"c{i}"}}}, headers=HEADERS
            )
            for i in range(N)
        ]
    )
    assert [r.status_code for r in replies] == [200] * N
    assert sorted(r.json()["version"] for r in replies) == list(range(2, N + 2))
    assert len(session_doc(base, session_id)["jobs"]) == N


def test_concurrent_registrations_of_one_client_make_one_registration(base):
    info = client_info()
    replies = all_at_once([lambda http: http.post(f"{base}/clients", json=info, headers=HEADERS)] * N)
    assert [r.status_code for r in replies] == [201] * N
    found = requests.get(f"{base}/clients", json={"match": [{"client_id": info["client_id"]}]}, headers=HEADERS)
    assert len(found.json()["clients"]) == 1


def test_concurrent_creates_with_one_chosen_job_id_make_one_job(base):
    http = requests.Session()
    info = client_info()
    http.post(f"{base}/clients", json=info, headers=HEADERS)
    chosen = client_info()["client_id"].split("_")[0]
    replies = all_at_once(
        [lambda http: http.post(f"{base}/jobs", json=job(info["client_id"], job_id=chosen), headers=HEADERS)] * N
    )
    assert sorted(r.status_code for r in replies) == [201] + [409] * (N - 1)
    assert all(r.json().get("title") for r in replies if r.status_code == 409)
