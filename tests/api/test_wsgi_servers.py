"""`freezer_api.cmd.api:application` under uWSGI and gunicorn, as operators run the original.

Each server runs the callable in 2 pre-forked worker processes with threads,
reading its configuration from FREEZER_API_CONFIG_FILES; the app must be
built in each worker (after the fork) and answer exactly as under
`freezer-api`, across workers.
"""

import pytest
import requests

from tests.support.factories import client_info, job
from tests.support.parallel import all_at_once
from tests.support.personas import PERSONAS
from tests.support.server import start_server

PROJECT = PERSONAS["member_a"].project_id
HEADERS = {"X-Auth-Token": PERSONAS["member_a"].token}


@pytest.fixture(scope="module", params=["uwsgi", "gunicorn"])
def wsgi_server(request, tmp_path_factory):
    directory = tmp_path_factory.mktemp(f"server-{request.param}")
    server = start_server(
        directory, database_url=f"sqlite:///{directory / 'freezer.sqlite'}", wsgi_server=request.param
    )
    yield server
    server.stop()


def test_answers_with_the_configured_tokens_and_json_errors(wsgi_server):
    anonymous = requests.get(f"{wsgi_server.url}/v2/{PROJECT}/clients")
    assert anonymous.status_code == 401
    assert anonymous.json()["title"] == "Unauthorized"
    missing = requests.get(f"{wsgi_server.url}/v2/{PROJECT}/clients/nowhere", headers=HEADERS)
    assert missing.status_code == 404
    assert missing.headers["Content-Type"].startswith("application/json")
    assert "nowhere" in missing.json()["description"]


def test_what_one_worker_writes_every_worker_reads(wsgi_server):
    base = f"{wsgi_server.url}/v2/{PROJECT}"
    info = client_info()
    assert requests.post(f"{base}/clients", json=info, headers=HEADERS).status_code == 201
    # Fresh connections, all at once: both workers answer some of them.
    replies = all_at_once([lambda http: http.get(f"{base}/clients/{info['client_id']}", headers=HEADERS)] * 16)
    assert [r.status_code for r in replies] == [200] * 16
    assert {r.json()["client"]["hostname"] for r in replies} == {info["hostname"]}


def test_a_job_started_by_many_agents_at_once_starts_once(wsgi_server):
    base = f"{wsgi_server.url}/v2/{PROJECT}"
    info = client_info()
    requests.post(f"{base}/clients", json=info, headers=HEADERS)
    job_id = requests.post(f"{base}/jobs", json=job(info["client_id"]), headers=HEADERS).json()["job_id"]
    replies = all_at_once(
        [lambda http: http.post(f"{base}/jobs/{job_id}/event", json={"start": None}, headers=HEADERS)] * 8
    )
    assert [r.status_code for r in replies] == [202] * 8
    assert sorted(r.json()["result"] for r in replies) == ["start already requested"] * 7 + ["success"]
    assert requests.get(f"{base}/jobs/{job_id}", headers=HEADERS).json()["_version"] == 2
