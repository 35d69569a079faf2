"""GET /v2/{p}/health at scale: the project summary over 10,000 jobs and 1,000 clients (docs/health.md#summary).

    python -m bench.health                       # SQLite, 10,000 jobs, 1,000 clients
    python -m bench.health --engine postgresql+psycopg://postgres@127.0.0.1:5432/freezer_health_bench
    python -m bench.health --jobs 100000 --clients 5000 --requests 300

Loads one project in process through the domain services (every job created,
taken up by its scheduler, and, for 60% of them, run once: 50% success, 10%
fail; 5% left running; 90% of the clients seen), once per engine and size
(cached in bench/.data/health-*), then starts freezer-api over it and times
sequential GET /health requests from one client. Prints p50/p90/p99/max in
milliseconds and the number of SQL statements one summary runs.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import requests

from freezer_api.context import RequestContext
from freezer_api.domain.liveness import LivenessRecorder
from freezer_api.domain.services import Services
from freezer_api.storage import schema
from freezer_api.storage.engine import make_engine
from freezer_api.storage.store import Store
from tests.support.factories import client_info, job
from tests.support.server import start_server

PROJECT = "bench0health000000000000000000001"
DATA = Path(__file__).parent / ".data"


def load(store: Store, jobs: int, clients: int) -> float:
    """The project's clients, jobs and runs, through the domain; seconds it took."""
    started = time.monotonic()
    ctx = RequestContext(user_id="bench", project_id=PROJECT, roles=["member"])
    services = Services.over(store)
    client_ids = [services.clients.register(ctx, PROJECT, client_info(f"host{i:05d}")) for i in range(clients)]
    for n in range(jobs):
        client_id = client_ids[n % clients]
        every_day = {"schedule_interval": "1 days"}
        job_id = services.jobs.create(ctx, PROJECT, job(client_id, job_schedule=every_day))
        schedule = {**every_day, "status": "scheduled", "event": ""}  # a PATCH replaces job_schedule whole
        services.jobs.patch(ctx, PROJECT, job_id, {"job_schedule": schedule})
        kind = n % 20
        if kind < 13:  # 65% start a run
            running = {**schedule, "status": "running", "result": "", "time_started": 1000 + n, "time_ended": -1}
            services.jobs.patch(ctx, PROJECT, job_id, {"job_schedule": running})
            if kind < 12:  # ...and 60% end it: 10 successes, 2 failures in 20
                result = "fail" if kind >= 10 else "success"
                ended = {**running, "status": "scheduled", "result": result, "time_ended": 2000 + n}
                services.jobs.patch(ctx, PROJECT, job_id, {"job_schedule": ended})
        if n % 1000 == 999:
            print(f"  {n + 1} jobs", file=sys.stderr)
    recorder = LivenessRecorder(store, resolution=0, background=False)
    now = int(time.time())
    for i, client_id in enumerate(client_ids):
        if i % 10:
            recorder.saw(PROJECT, client_id, now)
    recorder.flush()
    return time.monotonic() - started


def database_url(engine: str, jobs: int, clients: int) -> str:
    if engine != "sqlite":
        return engine
    DATA.mkdir(exist_ok=True)
    return f"sqlite:///{DATA / f'health-{jobs}-{clients}-{schema.head_revision()}.sqlite'}"


def prepare(url: str, jobs: int, clients: int) -> None:
    engine = make_engine(url)
    try:
        schema.upgrade(engine)
        store = Store(engine)
        with store.reading() as uow:
            loaded = len(uow.health.jobs(PROJECT))
        if loaded >= jobs:
            return
        print(f"loading {jobs} jobs, {clients} clients into {url}", file=sys.stderr)
        seconds = load(store, jobs, clients)
        print(f"loaded in {seconds:.0f} s", file=sys.stderr)
        store.dispose()
        # Planner statistics, as autovacuum would have them after such a load: without them PostgreSQL
        # estimates 2 rows per project and anti-joins 10,000 jobs by a nested loop (seconds, not ms).
        with engine.connect() as connection:
            connection.exec_driver_sql(
                "ANALYZE" if engine.dialect.name != "mysql" else "ANALYZE TABLE jobs, job_health"
            )
    finally:
        engine.dispose()


def measure(url: str, count: int) -> list[float]:
    with tempfile.TemporaryDirectory() as directory:
        server = start_server(Path(directory), database_url=url, auth_strategy="noauth")
        try:
            headers = {"X-User-Id": "bench", "X-Project-Id": PROJECT, "X-Roles": "member,reader"}
            http = requests.Session()
            path = f"{server.url}/v2/{PROJECT}/health"
            for _ in range(10):  # warm-up: both workers, their connections and statement caches
                assert http.get(path, headers=headers, timeout=30).status_code == 200
            timings = []
            for _ in range(count):
                began = time.perf_counter()
                reply = http.get(path, headers=headers, timeout=30)
                timings.append((time.perf_counter() - began) * 1000)
                assert reply.status_code == 200, reply.text
            summary = reply.json()
            print(f"jobs by state: {summary['jobs']}", file=sys.stderr)
            print(f"clients: {summary['clients']}, attention: {len(summary['attention'])}", file=sys.stderr)
            return timings
        finally:
            server.stop()


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--engine", default="sqlite", help="sqlite, or a SQLAlchemy URL of an empty database")
    parser.add_argument("--jobs", type=int, default=10_000)
    parser.add_argument("--clients", type=int, default=1_000)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args(argv)
    url = database_url(args.engine, args.jobs, args.clients)
    prepare(url, args.jobs, args.clients)
    timings = measure(url, args.requests)
    print(
        f"GET /health, {args.jobs} jobs, {args.clients} clients, {args.engine.split(':')[0]}: "
        f"p50 {statistics.median(timings):.1f} ms, p90 {percentile(timings, 0.9):.1f} ms, "
        f"p99 {percentile(timings, 0.99):.1f} ms, max {max(timings):.1f} ms ({len(timings)} sequential requests)"
    )


if __name__ == "__main__":
    main()
