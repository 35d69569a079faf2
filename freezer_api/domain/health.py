"""Health: is each client up, and is each job protecting what it should (docs/health.md#states).

Pure rules over facts fetched in bulk: evaluate_job, evaluate_client and
summarize take what storage read (JobFacts, last-seen times) and the
current time, and read nothing themselves, so one request evaluates any
number of jobs from one or two queries, and metrics or a dashboard can
evaluate the same rules over the same rows.
"""

from __future__ import annotations

import datetime
import heapq
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, NamedTuple

from freezer_api.domain.runs import FAILED_RESULTS, JobFacts, expected_start

# Job states, in the order that decides when several apply.
JOB_STATES = ("paused", "done", "stuck", "overdue", "failing", "late", "running", "never_run", "ok")
CLIENT_STATES = ("up", "down", "unknown")
# States that need nobody's attention.
QUIET_JOB_STATES = frozenset(("ok", "running", "done", "paused", "never_run"))
# attention lists the worst first: a stuck run, a host that stopped answering, then missed and failed runs.
SEVERITY = {
    ("job", "stuck"): 0,
    ("client", "down"): 1,
    ("job", "overdue"): 2,
    ("job", "failing"): 3,
    ("job", "late"): 4,
}


@dataclass(frozen=True)
class HealthPolicy:
    """The thresholds of the rules ([health] options)."""

    client_down_after: int = 300
    max_run_time: int = 86400
    grace: int = 600
    zone: datetime.tzinfo = datetime.UTC  # the agents' local time zone (cron fields, dates without offset)


class ClientHealth(NamedTuple):
    client_id: str
    state: str
    last_seen: int | None
    since: int | None  # when the state began, as far as known
    project_id: str = ""


class JobHealth(NamedTuple):
    job_id: str
    client_id: str
    state: str
    since: int | None
    next_expected_at: int | None
    last_success_at: int | None
    project_id: str = ""


def evaluate_client(
    client_id: str, last_seen: int | None, now: int, policy: HealthPolicy, project_id: str = ""
) -> ClientHealth:
    """up when heard from within client_down_after, down after that, unknown when never heard from."""
    if last_seen is None:
        return ClientHealth(client_id, "unknown", None, None, project_id)
    down_at = last_seen + policy.client_down_after
    if now > down_at:
        return ClientHealth(client_id, "down", last_seen, down_at, project_id)
    return ClientHealth(client_id, "up", last_seen, last_seen, project_id)


def evaluate_job(facts: JobFacts, last_seen: int | None, now: int, policy: HealthPolicy) -> JobHealth:
    """The job's state and since when, by the rules of docs/health.md#states, first that applies."""
    state, since = _state(facts, last_seen, now, policy)
    return JobHealth(
        facts.job_id, facts.client_id, state, since, facts.expected_at, facts.last_success_at, facts.project_id
    )


def _state(facts: JobFacts, last_seen: int | None, now: int, policy: HealthPolicy) -> tuple[str, int | None]:
    down_at = None if last_seen is None else last_seen + policy.client_down_after
    client_down = down_at is not None and now > down_at
    if facts.paused_since is not None:
        return "paused", facts.paused_since
    if facts.open_run_id is None and facts.one_shot and facts.last_result == "success":
        return "done", facts.last_ended_at
    if facts.open_started_at is not None:
        began = []  # when each reason for stuck began
        if now > facts.open_started_at + policy.max_run_time:
            began.append(facts.open_started_at + policy.max_run_time)
        if client_down and down_at is not None:
            began.append(max(down_at, facts.open_started_at))
        if began:
            return "stuck", min(began)
    expected = facts.expected_at
    if expected is not None and facts.open_run_id is None:
        if now > expected + policy.grace:
            return "overdue", expected + policy.grace
        if client_down and now > expected:
            return "overdue", max(expected, down_at or expected)
    if facts.open_run_id is None and facts.last_result in FAILED_RESULTS:
        return "failing", facts.failing_since
    if expected is not None and facts.open_run_id is None and now > expected:
        return "late", expected
    if facts.open_started_at is not None:
        return "running", facts.open_started_at
    if facts.last_run_id is None:
        return "never_run", facts.armed_at
    return "ok", facts.last_ended_at


def facts_for_read(facts: JobFacts, job_schedule: dict[str, Any] | None, zone: datetime.tzinfo) -> JobFacts:
    """Facts of a job written before this server tracked it (job_schedule given): expected start computed now."""
    if job_schedule is None:
        return facts
    return facts._replace(expected_at=expected_start(facts, job_schedule, zone))


@dataclass(frozen=True)
class Summary:
    clients: dict[str, int]
    jobs: dict[str, int]
    attention: list[dict[str, Any]]

    def document(self) -> dict[str, Any]:
        return {"clients": self.clients, "jobs": self.jobs, "attention": self.attention}


def summarize(
    jobs: Iterable[JobHealth], clients: Iterable[ClientHealth], *, limit: int, with_project: bool = False
) -> Summary:
    """Counts of clients and jobs by state, and the `limit` worst of those that need attention."""
    client_counts = dict.fromkeys(CLIENT_STATES, 0)
    job_counts = dict.fromkeys(JOB_STATES, 0)
    flagged: list[tuple[int, int, int, JobHealth | ClientHealth]] = []
    for n, job in enumerate(jobs):
        job_counts[job.state] += 1
        if job.state not in QUIET_JOB_STATES:
            flagged.append((SEVERITY[("job", job.state)], job.since or 0, n, job))
    for n, client in enumerate(clients):
        client_counts[client.state] += 1
        if client.state == "down":
            flagged.append((SEVERITY[("client", "down")], client.since or 0, -1 - n, client))
    worst = heapq.nsmallest(limit, flagged, key=lambda entry: entry[:3])
    return Summary(client_counts, job_counts, [_attention(entry[3], with_project) for entry in worst])


def _attention(health: JobHealth | ClientHealth, with_project: bool) -> dict[str, Any]:
    if isinstance(health, JobHealth):
        item = {"kind": "job", "id": health.job_id, "state": health.state, "since": health.since}
        item["client_id"] = health.client_id
    else:
        item = {"kind": "client", "id": health.client_id, "state": health.state, "since": health.since}
    return _scoped(item, health.project_id, with_project)


def _scoped(item: dict[str, Any], project_id: str, with_project: bool) -> dict[str, Any]:
    return {**item, "project_id": project_id} if with_project else item
