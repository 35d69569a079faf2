"""The health summary reads a project in two statements, whatever its size (docs/health.md#summary)."""

from __future__ import annotations

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
