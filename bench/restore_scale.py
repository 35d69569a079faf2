#!/usr/bin/env python3
"""Backup sets and restore plans at scale on PostgreSQL (docs/restore.md).

Creates a fresh database, loads N backups of one project (default 1,000,000:
2,500 hosts x 4 backup names = 10,000 sets of 100 backups, levels 0..6
repeating, as freezer-agent with max_level 7 takes them), VACUUM ANALYZEs,
starts a real freezer-api (noauth, 2 workers) and measures, one request at a
time and then 8 at a time:

* `sets`: GET /backup-sets?limit=10 at a random offset among the first 1,000 sets;
* `sets-host`: GET /backup-sets matching one random hostname (its 4 sets);
* `plan`: GET /restore-plan of a random set at a random time.

The rows are written with COPY into the backups table with every column the
server derives (catalog columns included), and the sets into backup_sets,
but no search terms: these requests never read terms, and 25M term rows
would take most of an hour to load. Prints the figures and EXPLAIN ANALYZE of the statements.

    .venv/bin/python bench/restore_scale.py --backups 1000000 --requests 400
"""

from __future__ import annotations

import argparse
import http.client
import random
import statistics
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode, urlsplit

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import orjson  # noqa: E402

from freezer_api.domain.ports import prepare  # noqa: E402
from freezer_api.domain.restore import SetKey, host_digest, set_digest  # noqa: E402
from freezer_api.storage import tables  # noqa: E402
from freezer_api.storage.catalog import _entries_between, _level_zeros, _set_page  # noqa: E402
from freezer_api.storage.engine import make_engine  # noqa: E402
from freezer_api.storage.queries import CompiledQuery  # noqa: E402
from tests.support import databases  # noqa: E402
from tests.support.factories import backup_metadata  # noqa: E402
from tests.support.server import start_server  # noqa: E402

PROJECT = "bench-project"
USER = "bench-agent"
NAMES = ("etc", "home", "var", "srv")
PER_SET = 100
START = 1_700_000_000
HEADERS = {"X-Project-Id": PROJECT, "X-User-Id": USER, "X-Roles": "member,reader", "Content-Type": "application/json"}
CONTAINER = "/var/lib/freezer/backups"


def host(number: int) -> str:
    return f"host{number:05}.example.com"


def rows(count: int):
    """Each backup's row of the backups table, in time order across sets."""
    sets = max(1, count // PER_SET)
    columns = BACKUP_COLUMNS
    for number in range(count):
        set_number, position = number % sets, number // sets
        backup_id = uuid.uuid4().hex
        metadata = backup_metadata(
            container=CONTAINER,
            hostname=host(set_number // len(NAMES)),
            backup_name=NAMES[set_number % len(NAMES)],
            time_stamp=START + position * 3600,
            curr_backup_level=position % 7,
        )
        doc = {"backup_id": backup_id, "project_id": PROJECT, "user_id": USER, "status": "available"}
        encoded = prepare({**doc, "backup_metadata": metadata})
        values = {
            "project_id": PROJECT,
            "backup_id": backup_id,
            "user_id": USER,
            "version": 1,
            "doc": encoded.raw,
            "search_text": encoded.text,
            "user_name": None,
            **tables.BACKUPS.derive(encoded.doc),
        }
        yield [values[column] for column in columns]


BACKUP_COLUMNS = [column.name for column in tables.BACKUPS.table.columns if column.name != "seq"]


def load(engine, count: int) -> float:
    started = time.monotonic()
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute("SET statement_timeout = 0")  # one COPY of every row: longer than [database] allows
        with cursor.copy(f"COPY backups ({', '.join(BACKUP_COLUMNS)}) FROM STDIN") as copy:
            for done, row in enumerate(rows(count), 1):
                copy.write_row(row)
                if done % 100_000 == 0:
                    print(f"  {done:>9,} rows in {time.monotonic() - started:5.0f}s", flush=True)
        # The sets, in the order their first backups came (what BackupRepository would have written).
        with cursor.copy(
            "COPY backup_sets (project_id, set_key, host_set, container, hostname, backup_name) FROM STDIN"
        ) as copy:
            for set_number in range(min(count, max(1, count // PER_SET))):
                key = SetKey(CONTAINER, host(set_number // len(NAMES)), NAMES[set_number % len(NAMES)])
                digest = host_digest(key.hostname, key.backup_name)
                copy.write_row([PROJECT, set_digest(key), digest, key.container, key.hostname, key.backup_name])
        raw.commit()
    finally:
        raw.close()
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("SET statement_timeout = 0")
        conn.exec_driver_sql("VACUUM ANALYZE backups")
        conn.exec_driver_sql("VACUUM ANALYZE backup_sets")
    return time.monotonic() - started


def explain(engine, sets: int) -> dict[str, str]:
    key = SetKey(CONTAINER, host(7), NAMES[3])
    digest = host_digest(key.hostname, key.backup_name)
    statements = {
        "sets page": (_set_page((), False), {"project_id": PROJECT, "limit": 10, "offset": 500}),
        "sets of a host": (
            _set_page(("hostname",), False),
            {"project_id": PROJECT, "limit": 10, "offset": 0, "match_hostname": host(7)},
        ),
        "level zeros": (
            _level_zeros(False),
            {
                "project_id": PROJECT,
                "host_set": digest,
                "hostname": key.hostname,
                "backup_name": key.backup_name,
                "at": START + 50 * 3600,
            },
        ),
        "chain rows": (
            _entries_between(True),
            {
                "project_id": PROJECT,
                "host_set": digest,
                "hostname": key.hostname,
                "backup_name": key.backup_name,
                "container": CONTAINER,
                "since": START + 49 * 3600,
                "until": START + 50 * 3600,
            },
        ),
    }
    plans = {}
    raw = engine.raw_connection()
    try:
        for name, (statement, values) in statements.items():
            sql, parameters = CompiledQuery(statement).parameters(engine.dialect, values)
            cursor = raw.cursor()
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, parameters)
            plans[name] = "\n".join(row[0] for row in cursor.fetchall())
            cursor.close()
    finally:
        raw.close()
    return plans


def request_for(case: str, sets: int, rng: random.Random) -> tuple[str, bytes | None]:
    """The path and body of one request of `case`."""
    base = f"/v2/{PROJECT}"
    set_number = rng.randrange(sets)
    hostname = host(set_number // len(NAMES))
    if case == "sets":
        return f"{base}/backup-sets?limit=10&offset={rng.randrange(min(sets, 1000))}", None
    if case == "sets-host":
        return f"{base}/backup-sets?limit=10", orjson.dumps({"match": [{"hostname": hostname}]})
    params = {
        "hostname": hostname,
        "backup_name": NAMES[set_number % len(NAMES)],
        "at": START + rng.randrange(PER_SET * 3600),
    }
    return f"{base}/restore-plan?" + urlencode(params), None


def measure(url: str, case: str, sets: int, *, requests: int, concurrency: int) -> tuple[list[float], float]:
    latencies: list[float] = []
    lock = threading.Lock()
    split = urlsplit(url)

    def client(seed: int) -> None:
        rng = random.Random(seed)
        connection = http.client.HTTPConnection(split.hostname, split.port, timeout=60)
        mine = []
        for _ in range(requests // concurrency):
            path, body = request_for(case, sets, rng)
            started = time.perf_counter()
            connection.request("GET", path, body=body, headers=HEADERS)
            response = connection.getresponse()
            payload = response.read()
            mine.append((time.perf_counter() - started) * 1000)
            assert response.status == 200, (response.status, payload[:300])
        connection.close()
        with lock:
            latencies.extend(mine)

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(seed,)) for seed in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, time.perf_counter() - started


def summary(latencies: list[float], wall: float) -> str:
    quantiles = statistics.quantiles(sorted(latencies), n=100, method="inclusive")
    return (
        f"p50 {quantiles[49]:7.1f} ms  p90 {quantiles[89]:7.1f} ms  p99 {quantiles[98]:7.1f} ms  "
        f"{len(latencies) / wall:6.0f} req/s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--server", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    parser.add_argument("--backups", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 8])
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    sets = max(1, args.backups // PER_SET)
    db = databases.create_server_database("postgresql", args.server, prefix="freezer_bench_restore")
    server = None
    engine = make_engine(db.url)
    try:
        db.upgrade()
        print(f"== loading {args.backups:,} backups ({sets:,} sets)", flush=True)
        print(f"  loaded and analysed in {load(engine, args.backups):.0f}s", flush=True)
        for name, plan in explain(engine, sets).items():
            print(f"-- {name}\n{plan}\n", flush=True)
        server = start_server(
            Path(tempfile.mkdtemp(prefix="freezer-bench-restore-")),
            database_url=db.url,
            auth_strategy="noauth",
            workers=args.workers,
        )
        for concurrency in args.concurrency:
            for case in ("sets", "sets-host", "plan"):
                measure(server.url, case, sets, requests=max(concurrency, 20), concurrency=concurrency)  # warm
                latencies, wall = measure(server.url, case, sets, requests=args.requests, concurrency=concurrency)
                print(f"  {args.backups:>9,} {case:10} c{concurrency:<2} {summary(latencies, wall)}", flush=True)
    finally:
        if server is not None:
            server.stop()
        engine.dispose()
        db.drop()


if __name__ == "__main__":
    main()
