#!/usr/bin/env python3
"""PostgreSQL scale check: request latency with 10,000 and with 1,000,000 backups.

For each size: create a fresh database on the server, load that many backups
of one project (100 distinct backup names, metadata as freezer-agent reports
it) through DocumentRepository.insert_many, VACUUM ANALYZE, and start a real
freezer-api process (noauth, 2 workers) over it. Then measure GET-by-id, list
(limit=10&offset=0) and search by backup_name at concurrency 1 and 16, in
rounds alternating between the sizes (so other load on the machine hits them
alike). Finally stop the servers and drop the databases. Results are printed
as a Markdown table and written as JSON under bench/results/.

    .venv/bin/python bench/scale_postgres.py                       # 10k and 1M
    .venv/bin/python bench/scale_postgres.py --sizes 10000 --requests 200

Heavy (1M backups are about 25M term rows): run it on a quiet machine.
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import statistics
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import orjson  # noqa: E402
from sqlalchemy import text  # noqa: E402

from freezer_api.domain.ports import Scope  # noqa: E402
from freezer_api.domain.search import parse_search  # noqa: E402
from freezer_api.storage import tables  # noqa: E402
from freezer_api.storage.documents import queries_for  # noqa: E402
from freezer_api.storage.engine import make_engine  # noqa: E402
from freezer_api.storage.store import Store  # noqa: E402
from tests.support import databases  # noqa: E402
from tests.support.factories import backup_metadata  # noqa: E402
from tests.support.server import start_server  # noqa: E402

PROJECT = "bench-project"
USER = "bench-agent"
NAMES = 100
BATCH = 5000
HEADERS = {"X-Project-Id": PROJECT, "X-User-Id": USER, "X-Roles": "member,reader", "Content-Type": "application/json"}


def backup_name(number: int) -> str:
    return f"nightly_{number % NAMES:03}"


def backup_document(number: int) -> tuple[str, dict]:
    """Backup `number` as the API stores it (see freezer_api.domain.backups.create)."""
    backup_id = uuid.uuid4().hex
    metadata = backup_metadata(
        backup_name=backup_name(number),
        hostname=f"host{number % 250:03}.example.com",
        time_stamp=1_700_000_000 + number * 60,
        curr_backup_level=number % 8,
    )
    return backup_id, {
        "backup_id": backup_id,
        "project_id": PROJECT,
        "user_id": USER,
        "status": "available",
        "backup_metadata": metadata,
    }


def load(store: Store, count: int) -> float:
    """Insert `count` backups in batches; the seconds it took."""
    started = time.monotonic()
    for first in range(0, count, BATCH):
        docs = [backup_document(number) for number in range(first, min(count, first + BATCH))]
        store.atomic(lambda uow, docs=docs: uow.backups.insert_many(PROJECT, USER, docs))
        done = first + len(docs)
        if done % 100_000 == 0 or done == count:
            elapsed = time.monotonic() - started
            print(f"  loaded {done:>9,} backups in {elapsed:6.0f}s ({done / elapsed:,.0f}/s)", flush=True)
    return time.monotonic() - started


def sample_backup_ids(store: Store, count: int, wanted: int = 2000) -> list[str]:
    step = max(1, count // wanted)
    with store.engine.connect() as conn:
        rows = conn.execute(
            text("SELECT backup_id FROM backups WHERE seq % :step = 0 LIMIT :wanted"), {"step": step, "wanted": wanted}
        )
        return [row[0] for row in rows]


def database_size(store: Store) -> str:
    with store.engine.connect() as conn:
        return conn.execute(text("SELECT pg_size_pretty(pg_database_size(current_database()))")).scalar_one()


def explain(store: Store, backup_id: str) -> dict[str, str]:
    """EXPLAIN ANALYZE of the statements behind each measured request: plan shape and time."""
    queries = queries_for(tables.BACKUPS)
    search = parse_search({"match": [{"backup_name": backup_name(7)}]}, time_bounds=True)
    statements = {
        "get": (queries.get, {"project_id": PROJECT, "doc_id": backup_id}),
        "list": queries.search(Scope(PROJECT), parse_search(None, time_bounds=True)),
        "search": queries.search(Scope(PROJECT), search),
    }
    plans = {}
    raw = store.read_engine.raw_connection()
    try:
        for name, (query, values) in statements.items():
            values = {**values, "limit": 10, "offset": 0}
            sql, parameters = query.parameters(store.read_engine.dialect, values)
            cursor = raw.cursor()
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, parameters)
            plans[name] = "\n".join(row[0] for row in cursor.fetchall())
            cursor.close()
    finally:
        raw.close()
    return plans


def requests_for(case: str, ids: list[str], rng: random.Random):
    """(method, path, body) of the next request of a case."""
    path = f"/v2/{PROJECT}/backups"
    if case == "get":
        return "GET", f"{path}/{rng.choice(ids)}", None
    if case == "list":
        return "GET", f"{path}?limit=10&offset=0", None
    search = {"match": [{"backup_name": backup_name(rng.randrange(NAMES))}]}
    return "GET", f"{path}?limit=10&offset=0", orjson.dumps(search)


def measure(base_url: str, case: str, ids: list[str], *, concurrency: int, requests: int) -> tuple[list[float], float]:
    """Latencies (ms) of `requests` requests sent by `concurrency` keep-alive clients, and the seconds taken."""
    host, port = urlsplit(base_url).hostname, urlsplit(base_url).port
    per_client = max(1, requests // concurrency)
    start = threading.Barrier(concurrency)
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()

    def client(seed: int) -> None:
        rng = random.Random(seed)
        connection = http.client.HTTPConnection(host, port, timeout=60)
        mine = []
        try:
            for _warmup in range(5):
                send(connection, *requests_for(case, ids, rng))
            start.wait()
            for _ in range(per_client):
                began = time.perf_counter()
                status = send(connection, *requests_for(case, ids, rng))
                mine.append((time.perf_counter() - began) * 1000)
                if status != 200:
                    errors.append(f"{case}: HTTP {status}")
        finally:
            connection.close()
            with lock:
                latencies.extend(mine)

    threads = [threading.Thread(target=client, args=(seed,)) for seed in range(concurrency)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - began
    if errors:
        raise RuntimeError(f"{len(errors)} failed requests, e.g. {errors[0]}")
    return latencies, wall


def send(connection: http.client.HTTPConnection, method: str, path: str, body: bytes | None) -> int:
    connection.request(method, path, body=body, headers=HEADERS)
    response = connection.getresponse()
    response.read()
    return response.status


def summary(latencies: list[float], wall: float) -> dict:
    ordered = sorted(latencies)
    quantiles = statistics.quantiles(ordered, n=100, method="inclusive")
    return {
        "requests": len(ordered),
        "p50": quantiles[49],
        "p90": quantiles[89],
        "p99": quantiles[98],
        "max": ordered[-1],
        "throughput": len(ordered) / wall,
    }


class Catalog:
    """One size: its database, loaded and analysed, and a server over it."""

    def __init__(self, admin_url: str, count: int):
        self.count = count
        self.db = databases.create_server_database("postgresql", admin_url, prefix="freezer_bench")
        self.store: Store | None = None
        self.server = None
        self.result: dict = {"backups": count, "latency": {}}

    def load(self) -> None:
        print(f"== loading {self.count:,} backups", flush=True)
        self.db.upgrade()
        self.store = Store(make_engine(self.db.url))
        self.result["load_seconds"] = round(load(self.store, self.count))
        with self.store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")
        self.ids = sample_backup_ids(self.store, self.count)
        self.result["database_size"] = database_size(self.store)
        self.result["plans"] = explain(self.store, self.ids[0])
        print(f"  database size {self.result['database_size']}", flush=True)

    def serve(self, workers: int) -> None:
        workdir = Path(tempfile.mkdtemp(prefix=f"freezer-bench-{self.count}-"))
        self.server = start_server(workdir, database_url=self.db.url, auth_strategy="noauth", workers=workers)

    def close(self) -> None:
        if self.server is not None:
            self.server.stop()
        if self.store is not None:
            self.store.dispose()
        self.db.drop()


def compare(catalogs: list[Catalog], args) -> None:
    """Measure every case on every size in alternating rounds, so load on the machine hits all sizes alike."""
    rounds = 4
    for concurrency in args.concurrency:
        for case in ("get", "list", "search"):
            samples = {catalog.count: ([], 0.0) for catalog in catalogs}
            for _ in range(rounds):
                for catalog in catalogs:
                    latencies, wall = measure(
                        catalog.server.url, case, catalog.ids, concurrency=concurrency, requests=args.requests // rounds
                    )
                    previous, seconds = samples[catalog.count]
                    samples[catalog.count] = (previous + latencies, seconds + wall)
            for catalog in catalogs:
                figures = summary(*samples[catalog.count])
                catalog.result["latency"][f"{case} c{concurrency}"] = figures
                print(
                    f"  {catalog.count:>9,} {case:6} c{concurrency:<3} p50 {figures['p50']:7.2f} ms  "
                    f"p90 {figures['p90']:7.2f} ms  p99 {figures['p99']:7.2f} ms  "
                    f"{figures['throughput']:7.0f} req/s",
                    flush=True,
                )


def markdown(results: list[dict]) -> str:
    lines = [
        "| request | concurrency | " + " | ".join(f"{r['backups']:,}: p50 / p90 / p99 ms" for r in results) + " |",
        "| --- | --- | " + " | ".join("---" for _ in results) + " |",
    ]
    for key in results[0]["latency"]:
        case, concurrency = key.split(" c")
        cells = [
            f"{r['latency'][key]['p50']:.1f} / {r['latency'][key]['p90']:.1f} / {r['latency'][key]['p99']:.1f}"
            for r in results
        ]
        lines.append(f"| {case} | {concurrency} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--server",
        default="postgresql+psycopg://postgres@127.0.0.1:5432/test",
        help="a PostgreSQL URL whose user may create databases (default: %(default)s)",
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 1_000_000])
    parser.add_argument("--requests", type=int, default=1000, help="measured requests per case and size")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 16])
    parser.add_argument("--workers", type=int, default=2, help="freezer-api worker processes")
    args = parser.parse_args()

    catalogs: list[Catalog] = []
    try:
        for count in args.sizes:
            catalogs.append(Catalog(args.server, count))
            catalogs[-1].load()
        for catalog in catalogs:
            catalog.serve(args.workers)
        compare(catalogs, args)
    finally:
        for catalog in catalogs:
            catalog.close()
    results = [catalog.result for catalog in catalogs]
    out = REPO / "bench" / "results" / f"scale_postgres-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2))
    print()
    print(markdown(results))
    for result in results:
        print(
            f"\n-- plans at {result['backups']:,} backups (load {result['load_seconds']}s, {result['database_size']})"
        )
        for name, plan in result["plans"].items():
            print(f"[{name}]\n{plan}")
    print(f"\nresults: {out}")


if __name__ == "__main__":
    main()
