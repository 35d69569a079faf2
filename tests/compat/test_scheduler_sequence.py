"""The requests freezer-scheduler sends, in its order, through python-freezerclient."""

from tests.support.factories import backup_metadata, client_info, job, session


def poll(freezer, client_id):
    """What the scheduler does every interval: page through non-completed jobs of its client."""
    search = {"match_not": [{"status": "completed"}]}
    found, offset = [], 0
    while True:
        page = freezer.jobs.list(limit=10, offset=offset, search=search, client_id=client_id, all_projects=False)
        found.extend(page)
        if len(page) < 10:
            return found
        offset += len(page)


def test_register_poll_run_report(freezer):
    info = client_info()
    # start-up registration: 201, and again on restart
    assert freezer.clients.create(info) == info["client_id"]
    assert freezer.clients.create(info) == info["client_id"]
    client_id = info["client_id"]

    session_id = freezer.sessions.create(session(hold_off=3600))
    job_ids = [freezer.jobs.create(job(client_id)) for _ in range(12)]
    freezer.sessions.add_job(session_id, job_ids[0])

    jobs = poll(freezer, client_id)
    assert [j["job_id"] for j in jobs] == job_ids
    assert all(j["job_actions"][0]["mandatory"] is True for j in jobs)

    # Run the session member the way the scheduler does.
    doc = jobs[0]
    schedule = doc["job_schedule"]
    schedule.update(status="running", result="", time_started=1767229200, time_ended=-1)
    metadata = {"job_schedule": schedule, "session_id": doc["session_id"], "session_tag": doc["session_tag"]}
    freezer.jobs.update(doc["job_id"], metadata)
    start = freezer.sessions.start_session(session_id, doc["job_id"], doc["session_tag"])
    assert start == {"result": "success", "session_tag": 1}
    schedule.update(current_pid=31337)
    freezer.jobs.update(doc["job_id"], {"job_schedule": schedule, "session_id": session_id, "session_tag": 1})

    backup_id = freezer.backups.create(backup_metadata(job_id=doc["job_id"]))
    schedule.update(status="completed", result="success", time_ended=1767229300, event="")
    schedule.pop("current_pid")
    freezer.jobs.update(doc["job_id"], {"job_schedule": schedule, "session_id": session_id, "session_tag": 1})
    assert freezer.sessions.end_session(session_id, doc["job_id"], 1, "success")["result"] == "success"

    # The completed job leaves the scheduler's view; the report is findable by job.
    assert [j["job_id"] for j in poll(freezer, client_id)] == job_ids[1:]
    reported = freezer.backups.list(limit=10, search={"match": [{"job_id": doc["job_id"]}]})
    assert [b["backup_id"] for b in reported] == [backup_id]
    assert freezer.sessions.get(session_id)["status"] == "completed"
    # A new start event makes the job appear again.
    freezer.jobs.start_job(doc["job_id"])
    assert doc["job_id"] in [j["job_id"] for j in poll(freezer, client_id)]
