"""python-freezerclient's jobs, actions and sessions managers, unchanged."""

import pytest
from freezerclient import exceptions

from tests.support.factories import client_info, freezer_action, job, session, unique


@pytest.fixture
def client_id(freezer) -> str:
    return freezer.clients.create(client_info())


def test_job_crud(freezer, client_id):
    job_id = freezer.jobs.create(job(client_id, description=unique("job")))
    doc = freezer.jobs.get(job_id)
    assert doc["client_id"] == client_id
    assert freezer.jobs.update(job_id, {"description": "changed"}) == 2
    assert freezer.jobs.get(job_id)["description"] == "changed"
    # create with a chosen id goes to POST /jobs/{id} (create-or-replace)
    assert freezer.jobs.create(job(client_id), job_id=f"{job_id}-copy") == f"{job_id}-copy"
    freezer.jobs.delete(job_id)
    assert freezer.jobs.get(job_id) is None
    with pytest.raises(exceptions.ApiClientException):
        freezer.jobs.delete(job_id)


def test_job_events(freezer, client_id):
    job_id = freezer.jobs.create(job(client_id))
    assert freezer.jobs.start_job(job_id) == {"result": "success"}
    assert freezer.jobs.start_job(job_id) == {"result": "start already requested"}
    assert freezer.jobs.stop_job(job_id) == {"result": "success"}
    assert freezer.jobs.abort_job(job_id) == {"result": "success"}
    assert freezer.jobs.abort_job(job_id) == {"result": "abort already requested"}


def test_job_list_by_client_with_paging(freezer, client_id):
    created = [freezer.jobs.create(job(client_id)) for _ in range(5)]
    # list() appends {"client_id": ...} to the search, as the CLI's -C does
    first = freezer.jobs.list(limit=3, offset=0, client_id=client_id)
    rest = freezer.jobs.list(limit=3, offset=3, client_id=client_id)
    assert [j["job_id"] for j in first + rest] == created
    everything = freezer.jobs.list_all(limit=100, search={"match": [{"client_id": client_id}]})
    assert [j["job_id"] for j in everything] == created


def test_action_crud(freezer):
    action = {"freezer_action": freezer_action(backup_name=unique("a")), "max_retries": 2, "mandatory": True}
    action_id = freezer.actions.create(action)
    assert freezer.actions.get(action_id)["freezer_action"] == action["freezer_action"]
    assert freezer.actions.update(action_id, {"max_retries": 4}) == 2
    assert freezer.actions.get(action_id)["max_retries"] == 4
    assert freezer.actions.create(action, action_id=f"{action_id}-2") == f"{action_id}-2"
    listed = freezer.actions.list(
        limit=100, search={"match": [{"backup_name": action["freezer_action"]["backup_name"]}]}
    )
    assert {a["action_id"] for a in listed} == {action_id, f"{action_id}-2"}
    freezer.actions.delete(action_id)
    assert freezer.actions.get(action_id) is None


def test_session_lifecycle(freezer, client_id):
    session_id = freezer.sessions.create(session(description=unique("s"), hold_off=3600))
    first, second = freezer.jobs.create(job(client_id)), freezer.jobs.create(job(client_id))
    freezer.sessions.add_job(session_id, first)
    freezer.sessions.add_job(session_id, second)
    assert freezer.jobs.get(first)["session_id"] == session_id

    assert freezer.sessions.start_session(session_id, first, 0) == {"result": "success", "session_tag": 1}
    assert freezer.sessions.start_session(session_id, second, 0) == {"result": "success", "session_tag": 1}
    assert freezer.sessions.end_session(session_id, first, 1, "success")["result"] == "success"
    assert freezer.sessions.end_session(session_id, second, 1, "success")["result"] == "success"
    doc = freezer.sessions.get(session_id)
    assert doc["status"] == "completed" and doc["result"] == "success"

    assert freezer.sessions.update(session_id, {"description": "renamed"}) == doc["_version"] + 1
    freezer.sessions.remove_job(session_id, first)
    assert list(freezer.sessions.get(session_id)["jobs"]) == [second]
    listed = freezer.sessions.list(limit=100, search={"match": [{"description": "renamed"}]})
    assert session_id in [s["session_id"] for s in listed]
    assert freezer.sessions.create(session(), session_id=f"{session_id}-b") == f"{session_id}-b"
    freezer.sessions.delete(session_id)
    assert freezer.sessions.get(session_id) is None
