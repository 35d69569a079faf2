"""How long one /metrics scrape takes to compute its database series, by number of backups.

Fills a fresh database with BACKUPS backups spread over SETS backup sets
(through the store, as the API writes them), then times the registry's
exposition (every series the database computes, rendered in the text
format) several times and prints the median, with per_job_series on and off.

    python -m bench.metrics_scrape [--backups 100000] [--sets 10000] [--engine URL]
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
from freezer_api.metrics.endpoint import make_registry
from freezer_api.storage import schema
from freezer_api.storage.engine import EngineOptions, make_engine
from freezer_api.storage.store import Store

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
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--engine", help="SQLAlchemy URL of an empty database (default: a temporary SQLite file)")
    args = parser.parse_args()
    url = args.engine or f"sqlite:///{Path(tempfile.mkdtemp()) / 'scrape.sqlite'}"
    engine = make_engine(url, EngineOptions())
    schema.upgrade(engine)
    store = Store(engine)
    started = time.perf_counter()
    _fill(store, args.backups, args.sets)
    filled = time.perf_counter() - started
    print(f"{engine.dialect.name}: {args.backups} backups in {args.sets} sets, filled in {filled:.0f} s")
    for per_job in (True, False):
        seconds, size = _median_scrape(store, per_job, args.repeats)
        print(f"  per_job_series={per_job}: median scrape {seconds * 1000:.0f} ms, {size} bytes")
    store.dispose()


if __name__ == "__main__":
    main()
