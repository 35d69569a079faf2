"""How long one /metrics scrape takes to compute its database series, by number of backups, jobs and runs.

Fills a fresh database with BACKUPS backups spread over SETS backup sets
(through the store, as the API writes them), and JOBS jobs (one client each,
half hourly intervals, half cron) with RUNS ended runs between them and their
health facts, then times the registry's exposition (every series the
database computes, rendered in the text format) several times and prints
the median, with per_job_series on and off.

    python -m bench.metrics_scrape [--backups 100000] [--sets 10000] [--jobs 10000] [--runs 100000] [--engine URL]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import uuid
from pathlib import Path

from prometheus_client import generate_latest

from freezer_api.domain.ports import prepare
from freezer_api.domain.runs import JobFacts
from freezer_api.metrics.endpoint import make_registry
from freezer_api.storage import schema
from freezer_api.storage.engine import EngineOptions, make_engine
from freezer_api.storage.store import Store
from freezer_api.storage.tables import RUNS

BATCH = 1000


def _fill(store: Store, backups: int, sets: int) -> None:
    for start in range(0, backups, BATCH):
        docs = []
        for n in range(start, min(backups, start + BATCH)):
            metadata = {"hostname": f"host{n % sets}", "backup_name": f"set{n % sets}", "time_stamp": 1700000000 + n}
            doc = {
                "backup_id": uuid.uuid4().hex,
                "project_id": f"p{n % 50}",
                "user_id": "bench",
                "status": "available",
                "backup_metadata": metadata,
            }
            docs.append((doc["project_id"], doc))
        for project_id in {project for project, _ in docs}:
            mine = [(doc["backup_id"], prepare(doc)) for project, doc in docs if project == project_id]
            store.atomic(lambda uow, p=project_id, m=mine: uow.backups.insert_many(p, "bench", m))


def _fill_jobs(store: Store, jobs: int, runs: int) -> None:
    """Jobs with their clients, liveness and facts (as the job transitions keep them), and their ended runs."""
    base = 1700000000
    for start in range(0, jobs, BATCH):
        batch = range(start, min(jobs, start + BATCH))

        def write(uow, batch=batch) -> None:
            sightings = []
            for n in batch:
                project_id, client_id, job_id = f"p{n % 50}", f"client{n}", f"job{n:08d}"
                schedule = {"schedule_interval": "1 hours"} if n % 2 else {"schedule_hour": "2", "schedule_minute": "0"}
                job = {"job_id": job_id, "client_id": client_id, "project_id": project_id, "job_schedule": schedule}
                uow.clients.insert(project_id, client_id, "bench", prepare({"client": {"client_id": client_id}}))
                uow.jobs.insert(project_id, job_id, "bench", prepare(job))
                ended = base + n
                result = "success" if n % 3 else "fail"
                uow.job_facts.put(
                    JobFacts(
                        project_id=project_id,
                        job_id=job_id,
                        client_id=client_id,
                        armed_at=base,
                        one_shot=False,
                        expected_at=ended + 3600,
                        last_run_id=f"run{n}",
                        last_result=result,
                        last_started_at=ended - 60,
                        last_ended_at=ended,
                        last_success_at=ended if result == "success" else None,
                        failing_since=None if result == "success" else ended,
                    )
                )
                sightings.append((project_id, client_id, ended if n % 5 else int(time.time())))
            uow.liveness.record(sightings)

        store.atomic(write)
    results = ("success", "success", "success", "fail", "aborted", "lost")
    with store.engine.begin() as connection:
        for start in range(0, runs, 10 * BATCH):
            rows = []
            for n in range(start, min(runs, start + 10 * BATCH)):
                job = n % jobs
                rows.append(
                    {
                        "project_id": f"p{job % 50}",
                        "run_id": uuid.uuid4().hex,
                        "job_id": f"job{job:08d}",
                        "client_id": f"client{job}",
                        "started_at": 1600000000 + n,
                        "ended_at": 1600000060 + n,
                        "result": results[n % len(results)],
                    }
                )
            connection.execute(RUNS.insert(), rows)


def _median_scrape(store: Store, per_job: bool, repeats: int) -> tuple[float, int]:
    registry = make_registry(store, per_job)
    times = []
    size = 0
    for _ in range(repeats):
        started = time.perf_counter()
        size = len(generate_latest(registry))
        times.append(time.perf_counter() - started)
    return statistics.median(times), size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backups", type=int, default=100_000)
    parser.add_argument("--sets", type=int, default=10_000)
    parser.add_argument("--jobs", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--engine", help="SQLAlchemy URL of an empty database (default: a temporary SQLite file)")
    args = parser.parse_args()
    url = args.engine or f"sqlite:///{Path(tempfile.mkdtemp()) / 'scrape.sqlite'}"
    engine = make_engine(url, EngineOptions())
    schema.upgrade(engine)
    store = Store(engine)
    started = time.perf_counter()
    _fill(store, args.backups, args.sets)
    _fill_jobs(store, args.jobs, args.runs)
    filled = time.perf_counter() - started
    print(
        f"{engine.dialect.name}: {args.backups} backups in {args.sets} sets, {args.jobs} jobs, {args.runs} runs,"
        f" filled in {filled:.0f} s"
    )
    for per_job in (True, False):
        seconds, size = _median_scrape(store, per_job, args.repeats)
        print(f"  per_job_series={per_job}: median scrape {seconds * 1000:.0f} ms, {size} bytes")
    store.dispose()


if __name__ == "__main__":
    main()
