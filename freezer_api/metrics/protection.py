"""Series computed from the database when /metrics is scraped.

SOURCES is the hook: each source reads one unit of work and yields metric
families. Issue 14 (runs, liveness, health) adds its sources here:
`freezer_job_last_success_timestamp_seconds`, `freezer_job_last_run_timestamp_seconds`,
`freezer_job_last_run_success`, `freezer_job_expected_interval_seconds`,
`freezer_job_health{state}` (labels project_id, job_id, client_id),
`freezer_client_last_seen_timestamp_seconds`, `freezer_client_up`
(project_id, client_id) and `freezer_job_runs_total{project_id,result}`,
each honouring `per_job` the way backup_sets does.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from freezer_api.storage.protection import last_backup_per_set
from freezer_api.storage.store import Store
from freezer_api.storage.units import UnitOfWork

Family = GaugeMetricFamily
# (unit of work, per-job series wanted) -> metric families
Source = Callable[[UnitOfWork, bool], Iterable[Family]]


def backup_sets(uow: UnitOfWork, per_job: bool) -> Iterator[Family]:
    """The newest good backup of each set, and of each project."""
    sets = last_backup_per_set(uow)
    if per_job:
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


SOURCES: tuple[Source, ...] = (backup_sets,)


class ProtectionCollector(Collector):
    """All SOURCES, read in one unit of work per scrape."""

    def __init__(self, store: Store, *, per_job: bool, sources: tuple[Source, ...] = SOURCES):
        self.store = store
        self.per_job = per_job
        self.sources = sources

    def collect(self) -> Iterator[Family]:
        with self.store.reading() as uow:
            for source in self.sources:
                yield from source(uow, self.per_job)
