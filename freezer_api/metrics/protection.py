"""Series computed from the database when /metrics is scraped.

SOURCES is the hook: each source reads one unit of work and yields metric
families, honouring `scrape.per_job` (per-job, per-client and per-set series
off: per-project aggregates only). The job and client series come from the
same bulk health evaluation as GET /health (domain.protection.evaluate_rows).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from freezer_api.domain.clock import now
from freezer_api.domain.health import CLIENT_STATES, JOB_STATES, HealthPolicy
from freezer_api.domain.protection import evaluate_rows, facts_of
from freezer_api.domain.schedules import TRIGGER_KEYS as _TRIGGER_KEYS
from freezer_api.domain.schedules import expected_interval
from freezer_api.storage.protection import job_schedules, last_backup_per_set, runs_per_result
from freezer_api.storage.store import Store
from freezer_api.storage.units import UnitOfWork

Family = Metric


@dataclass(frozen=True)
class Scrape:
    """What a source knows of the scrape it serves."""

    per_job: bool
    policy: HealthPolicy = field(default_factory=HealthPolicy)
    at: int = field(default_factory=now)


# (unit of work, scrape) -> metric families
Source = Callable[[UnitOfWork, Scrape], Iterable[Family]]


def backup_sets(uow: UnitOfWork, scrape: Scrape) -> Iterator[Family]:
    """The newest good backup of each set, and of each project."""
    sets = last_backup_per_set(uow)
    if scrape.per_job:
        family = GaugeMetricFamily(
            "freezer_backup_set_last_backup_timestamp_seconds",
            "When the newest available backup of each backup set (project, hostname, backup_name) was taken.",
            labels=["project_id", "hostname", "backup_name"],
        )
        for backup_set in sets:
            family.add_metric(
                [backup_set.project_id, backup_set.hostname, backup_set.backup_name], backup_set.last_backup
            )
        yield family
    newest: dict[str, int] = {}
    for backup_set in sets:
        newest[backup_set.project_id] = max(newest.get(backup_set.project_id, 0), backup_set.last_backup)
    per_project = GaugeMetricFamily(
        "freezer_project_last_backup_timestamp_seconds",
        "When the newest available backup of each project was taken.",
        labels=["project_id"],
    )
    for project_id, stamp in sorted(newest.items()):
        per_project.add_metric([project_id], stamp)
    yield per_project


TRIGGER_KEYS = sorted(_TRIGGER_KEYS)
JOB_LABELS = ["project_id", "job_id", "client_id"]
CLIENT_LABELS = ["project_id", "client_id"]


def _gauge(name: str, documentation: str, labels: list[str]) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, documentation, labels=labels)


def health(uow: UnitOfWork, scrape: Scrape) -> Iterator[Family]:
    """Each job's and client's protection state, evaluated from the facts the job transitions keep."""
    job_rows = uow.health.jobs(None)
    client_rows = uow.health.clients(None)
    jobs, clients = evaluate_rows(job_rows, client_rows, scrape.at, scrape.policy)
    if scrape.per_job:
        yield from _per_job(uow, scrape, job_rows, jobs)
        yield from _per_client(clients)
    job_counts = Counter((job.project_id, job.state) for job in jobs)
    per_project = _gauge("freezer_project_jobs", "Jobs of each project by health state.", ["project_id", "state"])
    for (project_id, state), count in sorted(job_counts.items()):
        per_project.add_metric([project_id, state], count)
    yield per_project
    client_counts = Counter((client.project_id, client.state) for client in clients)
    per_project = _gauge("freezer_project_clients", "Clients of each project by state.", ["project_id", "state"])
    for (project_id, state), count in sorted(client_counts.items()):
        per_project.add_metric([project_id, state], count)
    yield per_project


def _per_job(uow: UnitOfWork, scrape: Scrape, job_rows: list, jobs: list) -> Iterator[Family]:
    success = _gauge(
        "freezer_job_last_success_timestamp_seconds", "When the job's last successful run ended.", JOB_LABELS
    )
    last_run = _gauge("freezer_job_last_run_timestamp_seconds", "When the job's latest run started.", JOB_LABELS)
    run_success = _gauge(
        "freezer_job_last_run_success", "1 when the job's latest ended run succeeded, else 0.", JOB_LABELS
    )
    interval = _gauge(
        "freezer_job_expected_interval_seconds", "Seconds between two expected starts of a recurring job.", JOB_LABELS
    )
    state = _gauge(
        "freezer_job_health",
        f"1 for the job's current health state (one of {', '.join(JOB_STATES)}).",
        [*JOB_LABELS, "state"],
    )
    schedules = job_schedules(uow)
    intervals: dict[str, int | None] = {}  # many jobs share a trigger
    for row, job in zip(job_rows, jobs, strict=True):
        facts = facts_of(row, scrape.at, scrape.policy)
        labels = [job.project_id, job.job_id, job.client_id]
        if facts.last_success_at is not None:
            success.add_metric(labels, facts.last_success_at)
        started = facts.open_started_at if facts.open_started_at is not None else facts.last_started_at
        if started is not None:
            last_run.add_metric(labels, started)
        if facts.last_result is not None:
            run_success.add_metric(labels, 1 if facts.last_result == "success" else 0)
        schedule = schedules.get((job.project_id, job.job_id)) or {}
        key = repr([schedule.get(name) for name in TRIGGER_KEYS])
        if key not in intervals:
            intervals[key] = expected_interval(schedule, scrape.at, scrape.policy.zone)
        if (seconds := intervals[key]) is not None:
            interval.add_metric(labels, seconds)
        state.add_metric([*labels, job.state], 1)
    yield from (success, last_run, run_success, interval, state)


def _per_client(clients: list) -> Iterator[Family]:
    seen = _gauge(
        "freezer_client_last_seen_timestamp_seconds", "When the server last heard from the client.", CLIENT_LABELS
    )
    up = _gauge(
        "freezer_client_up",
        f"1 when the client was heard from within [health] client_down_after, 0 when down "
        f"(a client never heard from has no sample; states: {', '.join(CLIENT_STATES)}).",
        CLIENT_LABELS,
    )
    for client in clients:
        labels = [client.project_id, client.client_id]
        if client.last_seen is not None:
            seen.add_metric(labels, client.last_seen)
        if client.state != "unknown":
            up.add_metric(labels, 1 if client.state == "up" else 0)
    yield from (seen, up)


def runs(uow: UnitOfWork, scrape: Scrape) -> Iterator[Family]:
    """The ended runs the database keeps, by project and result."""
    family = CounterMetricFamily(
        "freezer_job_runs",
        "Ended job runs kept in the database ([runs] keep_days), by project and result.",
        labels=["project_id", "result"],
    )
    for project_id, result, count in sorted(runs_per_result(uow)):
        family.add_metric([project_id, result], count)
    yield family


SOURCES: tuple[Source, ...] = (backup_sets, health, runs)


class ProtectionCollector(Collector):
    """All SOURCES, read in one unit of work per scrape."""

    def __init__(
        self,
        store: Store,
        *,
        per_job: bool,
        policy: HealthPolicy | None = None,
        sources: tuple[Source, ...] = SOURCES,
    ):
        self.store = store
        self.per_job = per_job
        self.policy = policy or HealthPolicy()
        self.sources = sources

    def collect(self) -> Iterator[Family]:
        scrape = Scrape(self.per_job, self.policy, now())
        with self.store.reading() as uow:
            for source in self.sources:
                yield from source(uow, scrape)
