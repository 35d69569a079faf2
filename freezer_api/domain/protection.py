"""Protection state, as the API reads it: runs, and the health of clients, jobs and projects (docs/health.md)."""

from __future__ import annotations

from typing import Any

from freezer_api.domain.clients import visible_client
from freezer_api.domain.clock import now
from freezer_api.domain.errors import not_found
from freezer_api.domain.health import (
    JOB_STATES,
    ClientHealth,
    HealthPolicy,
    JobHealth,
    Summary,
    evaluate_client,
    evaluate_job,
    summarize,
)
from freezer_api.domain.ids import is_possible_id
from freezer_api.domain.ports import JobHealthRow, Store, UnitOfWork
from freezer_api.domain.runs import JobFacts, Run, expected_start, initial_facts, parse_run_search

# Runs deleted per transaction by a purge: short transactions beside the live traffic.
PURGE_BATCH = 1000


class Runs:
    """Runs are read-only through the API: the job transitions write them."""

    def __init__(self, store: Store):
        self.store = store

    def get(self, project_id: str, run_id: str) -> Run:
        run = None
        if is_possible_id(run_id):
            with self.store.reading() as uow:
                run = uow.runs.get(project_id, run_id)
        if run is None:
            raise not_found("run", run_id, project_id)
        return run

    def of_job(self, project_id: str, job_id: str, *, limit: int, offset: int) -> list[Run]:
        """The job's runs, newest first (404 for a job the project does not have)."""
        with self.store.reading() as uow:
            _existing_job(uow, project_id, job_id)
            return uow.runs.of_job(project_id, job_id, limit=limit, offset=offset)

    def search(self, project_id: str, search_body: Any, *, limit: int, offset: int) -> list[Run]:
        query = parse_run_search(search_body)
        with self.store.reading() as uow:
            return uow.runs.search(project_id, query, limit=limit, offset=offset)

    def purge(self, *, older_than_days: int, batch: int = PURGE_BATCH) -> int:
        """Delete runs that ended more than that many days ago, one batch per transaction; how many.

        A job's latest run stays, however old (its health shows it).
        """
        ended_before = now() - older_than_days * 86400
        deleted = 0
        while True:
            count = self.store.atomic(lambda uow: uow.runs.purge(ended_before=ended_before, batch=batch))
            deleted += count
            if count < batch:
                return deleted


class Health:
    def __init__(self, store: Store, policy: HealthPolicy):
        self.store = store
        self.policy = policy

    def job(self, project_id: str, job_id: str) -> dict[str, Any]:
        """GET /jobs/{job_id}/health."""
        at = now()
        with self.store.reading() as uow:
            doc = _existing_job(uow, project_id, job_id)
            facts = uow.job_facts.get(project_id, job_id)
            if facts is None:
                facts = facts_of(JobHealthRow(project_id, job_id, None, doc), at, self.policy)
            last_seen = uow.liveness.last_seen(project_id, facts.client_id)
            last_run = uow.runs.get(project_id, facts.last_run_id) if facts.last_run_id else None
        health = evaluate_job(facts, last_seen, at, self.policy)
        return {
            "job_id": job_id,
            "client_id": health.client_id,
            "state": health.state,
            "since": health.since,
            "last_run": None if last_run is None else last_run.document(),
            "last_success_at": health.last_success_at,
            "next_expected_at": health.next_expected_at,
        }

    def client(self, project_id: str, client_id: str) -> dict[str, Any]:
        """GET /clients/{client_id}/health."""
        at = now()
        with self.store.reading() as uow:
            visible_client(uow, project_id, client_id)
            last_seen = uow.liveness.last_seen(project_id, client_id)
            rows = uow.health.jobs(project_id, client_id=client_id)
        client = evaluate_client(client_id, last_seen, at, self.policy)
        own = [facts for facts in (facts_of(row, at, self.policy) for row in rows) if facts.client_id == client_id]
        jobs = [evaluate_job(facts, last_seen, at, self.policy) for facts in own]
        counts = {state: n for state in JOB_STATES if (n := sum(1 for job in jobs if job.state == state))}
        return {"client_id": client_id, "state": client.state, "last_seen": last_seen, "jobs": counts}

    def summary(self, project_id: str | None, *, limit: int) -> Summary:
        """GET /health: the project's (None: every project's) clients and jobs by state, and what needs attention."""
        at = now()
        with self.store.reading() as uow:
            client_rows = uow.health.clients(project_id)
            job_rows = uow.health.jobs(project_id)
        return summarize_rows(job_rows, client_rows, at, self.policy, limit=limit, with_project=project_id is None)


def facts_of(row: JobHealthRow, at: int, policy: HealthPolicy) -> JobFacts:
    """A row's facts; for a job written before the server kept facts, made from its document now."""
    if row.facts is not None:
        return row.facts
    doc = row.doc or {}
    facts = initial_facts(row.project_id, row.job_id, doc, at)
    schedule = doc.get("job_schedule") or {}
    if schedule.get("status") == "running":
        return facts  # a run the server never saw open: nothing is expected of it now
    return facts._replace(expected_at=expected_start(facts, schedule, policy.zone))


def evaluate_rows(
    job_rows: list[JobHealthRow], client_rows: list[tuple[str, str, int | None]], at: int, policy: HealthPolicy
) -> tuple[list[JobHealth], list[ClientHealth]]:
    """The health of every job and client read in bulk (HealthReader.jobs and .clients), at `at`.

    What the summary, metrics and a dashboard compute their figures from:
    pure, no reads of its own.
    """
    seen = {(project, client): last for project, client, last in client_rows if last is not None}
    clients = [evaluate_client(client, last, at, policy, project) for project, client, last in client_rows]
    jobs = []
    for row in job_rows:
        facts = row.facts if row.facts is not None else facts_of(row, at, policy)
        jobs.append(evaluate_job(facts, seen.get((facts.project_id, facts.client_id)), at, policy))
    return jobs, clients


def summarize_rows(
    job_rows: list[JobHealthRow],
    client_rows: list[tuple[str, str, int | None]],
    at: int,
    policy: HealthPolicy,
    *,
    limit: int,
    with_project: bool = False,
) -> Summary:
    """The summary of rows read in bulk."""
    jobs, clients = evaluate_rows(job_rows, client_rows, at, policy)
    return summarize(jobs, clients, limit=limit, with_project=with_project)


def _existing_job(uow: UnitOfWork, project_id: str, job_id: str) -> dict[str, Any]:
    stored = uow.jobs.get(project_id, job_id) if is_possible_id(job_id) else None
    if stored is None:
        raise not_found("job", job_id, project_id)
    return stored.doc
