"""How long one round of the health watcher takes, by number of jobs (each with its client).

Fills a fresh database with JOBS jobs and RUNS runs (as bench.metrics_scrape
does), then times the first round (every job and client gets its row),
rounds with nothing changed (what every API process does every [health]
watch_interval), and a later round in which the clients still up (one in
five) go down.

    python -m bench.health_watch [--jobs 10000] [--runs 100000] [--engine URL]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from bench.metrics_scrape import _fill_jobs
from freezer_api.domain.health import HealthPolicy
from freezer_api.domain.watch import watch
from freezer_api.storage import schema
from freezer_api.storage.engine import EngineOptions, make_engine
from freezer_api.storage.store import Store


def _timed(store: Store, policy: HealthPolicy, at: int) -> tuple[float, int]:
    started = time.perf_counter()
    reported = watch(store, policy, at)
    return time.perf_counter() - started, reported


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--jobs", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--engine", help="SQLAlchemy URL of an empty database (default: a temporary SQLite file)")
    args = parser.parse_args()
    url = args.engine or f"sqlite:///{Path(tempfile.mkdtemp()) / 'watch.sqlite'}"
    engine = make_engine(url, EngineOptions())
    schema.upgrade(engine)
    store = Store(engine)
    _fill_jobs(store, args.jobs, args.runs)
    policy = HealthPolicy()
    at = int(time.time())
    first, _ = _timed(store, policy, at)
    print(f"{engine.dialect.name}: {args.jobs} jobs and clients, {args.runs} runs")
    print(f"  first round (every row added): {first * 1000:.0f} ms")
    quiet = [_timed(store, policy, at)[0] for _ in range(args.repeats)]
    print(f"  round with no change: median {statistics.median(quiet) * 1000:.0f} ms")
    later, reported = _timed(store, policy, at + 10 * policy.client_down_after)
    print(f"  round in which the clients still up went down: {later * 1000:.0f} ms, {reported} events")
    store.dispose()


if __name__ == "__main__":
    main()
