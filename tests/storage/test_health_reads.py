"""The health summary reads a project in two statements, whatever its size (docs/health.md#summary)."""

from __future__ import annotations

from sqlalchemy import text

from freezer_api.context import RequestContext
from freezer_api.domain.health import HealthPolicy
from freezer_api.domain.protection import Health
from freezer_api.domain.services import Services
from freezer_api.storage.cursors import Statements
from tests.conftest import new_project
from tests.support.factories import client_info, job


def statements_of_a_summary(store, project: str, monkeypatch) -> int:
    count = 0
    original = Statements._rows

    def counting(self, query, values):
        nonlocal count
        count += 1
        return original(self, query, values)

    monkeypatch.setattr(Statements, "_rows", counting)
    summary = Health(store, HealthPolicy()).summary(project, limit=50)
    monkeypatch.setattr(Statements, "_rows", original)
    assert sum(summary.jobs.values()) > 0
    return count


def test_two_statements_for_a_few_jobs_and_for_many(store, monkeypatch):
    project = new_project()
    ctx = RequestContext(user_id="u", project_id=project, roles=["member"])
    services = Services.over(store)
    clients = [services.clients.register(ctx, project, client_info()) for _ in range(3)]
    for n in range(3):
        services.jobs.create(ctx, project, job(clients[n % 3]))
    assert statements_of_a_summary(store, project, monkeypatch) == 2
    for n in range(40):
        job_id = services.jobs.create(ctx, project, job(clients[n % 3], job_schedule={"schedule_interval": "1 days"}))
        services.jobs.patch(ctx, project, job_id, {"job_schedule": {"status": "running", "time_started": n}})
    assert statements_of_a_summary(store, project, monkeypatch) == 2


def test_jobs_written_before_facts_were_kept_are_evaluated_from_their_documents(store):
    project = new_project()
    ctx = RequestContext(user_id="u", project_id=project, roles=["member"])
    services = Services.over(store)
    client_id = services.clients.register(ctx, project, client_info())
    old = services.jobs.create(ctx, project, job(client_id, job_schedule={"schedule_date": "2020-01-01T00:00:00"}))
    services.jobs.create(ctx, project, job(client_id, job_schedule={"schedule_interval": "1 days"}))
    with store.engine.begin() as connection:  # as a database upgraded from 0003 has it
        connection.execute(
            text("DELETE FROM job_health WHERE project_id = :p AND job_id = :j"), {"p": project, "j": old}
        )
    health = Health(store, HealthPolicy())
    summary = health.summary(project, limit=50)
    assert summary.jobs["overdue"] == 1 and summary.jobs["never_run"] == 1
    assert [item["id"] for item in summary.attention] == [old]
    assert health.job(project, old)["state"] == "overdue"
    assert health.client(project, client_id)["jobs"] == {"overdue": 1, "never_run": 1}
