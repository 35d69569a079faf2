#!/usr/bin/env python3
"""Deep pages on PostgreSQL: list latency at growing `offset` in a project of 1,000,000 backups.

Loads a fresh database: 1,000 backups of one project through
DocumentRepository.insert_many (the API's own code), copied in SQL until the
project holds `--size` rows (each copy a new backup_id, its document
rewritten to match; the copies have no search terms, which a plain list does
not read), plus a small project of 10 backups; then VACUUM ANALYZE and a real
freezer-api process (noauth, 2 workers). Measures, at concurrency 1,
`GET /v2/{p}/backups?limit=10&offset=K` for offsets from 0 to the last page,
`offset=10^12` in the big and the small project, and the same pages reached
with `marker` (keyset paging: the id of the last backup of the page before).
Prints a Markdown table, writes JSON under bench/results/, drops the database.

    .venv/bin/python bench/deep_offset.py                  # 1M backups, about 5 minutes here
    .venv/bin/python bench/deep_offset.py --size 100000 --requests 10
"""

from __future__ import annotations

import argparse
import http.client
import json
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from sqlalchemy import text  # noqa: E402

from bench.scale_postgres import HEADERS, PROJECT, USER, backup_document, send, summary  # noqa: E402
from freezer_api.storage import tables  # noqa: E402
from freezer_api.storage.engine import make_engine, statement_timeout_lifted  # noqa: E402
from freezer_api.storage.store import Store  # noqa: E402
from tests.support import databases  # noqa: E402
from tests.support.server import start_server  # noqa: E402

SEED = 1_000
SMALL_PROJECT = "bench-small"
HUGE_OFFSET = 10**12


def load(store: Store, size: int) -> None:
    started = time.monotonic()
    docs = [backup_document(number) for number in range(SEED)]
    store.atomic(lambda uow: uow.backups.insert_many(PROJECT, USER, docs))
    small = [backup_document(number) for number in range(10)]
    for _id, doc in small:
        doc["project_id"] = SMALL_PROJECT
    store.atomic(lambda uow: uow.backups.insert_many(SMALL_PROJECT, USER, small))
    table = tables.BACKUPS.table
    copied = [column.name for column in table.columns if column.name not in ("seq", "backup_id", "doc")]
    new_id = "md5(b.seq::text || '-' || g::text)"
    with store.engine.begin() as conn, statement_timeout_lifted(conn):
        conn.execute(
            text(
                f"INSERT INTO {table.name} (backup_id, doc, {', '.join(copied)}) "
                f"SELECT {new_id}, replace(b.doc, b.backup_id, {new_id}), {', '.join('b.' + c for c in copied)} "
                f"FROM generate_series(1, :copies) AS g CROSS JOIN {table.name} AS b "
                "WHERE b.project_id = :project ORDER BY g, b.seq"
            ),
            {"copies": size // SEED - 1, "project": PROJECT},
        )
    with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("SET statement_timeout = 0")
        conn.execute(text(f"VACUUM ANALYZE {table.name}"))
        count = conn.execute(text(f"SELECT count(*) FROM {table.name} WHERE project_id = :p"), {"p": PROJECT})
        print(f"  {count.scalar_one():,} backups in {PROJECT} after {time.monotonic() - started:.0f}s", flush=True)


def backup_id_at(store: Store, position: int) -> str:
    """The id of the backup at `position` (0-based) of the project's creation order."""
    with store.engine.connect() as conn:
        return conn.execute(
            text("SELECT backup_id FROM backups WHERE project_id = :p ORDER BY seq OFFSET :o LIMIT 1"),
            {"p": PROJECT, "o": position},
        ).scalar_one()


def measure(base_url: str, project: str, params: dict, requests: int) -> tuple[dict, int]:
    """Latency summary of `requests` identical list requests, and the page size the last one returned."""
    parts = urlsplit(base_url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)
    path = f"/v2/{project}/backups?{urlencode(params)}"
    headers = {**HEADERS, "X-Project-Id": project}
    latencies = []
    try:
        send(connection, "GET", path, None)  # warm-up
        began_all = time.perf_counter()
        for _ in range(requests):
            began = time.perf_counter()
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            body = response.read()
            latencies.append((time.perf_counter() - began) * 1000)
            if response.status != 200:
                raise RuntimeError(f"{path}: HTTP {response.status} {body[:200]!r}")
        wall = time.perf_counter() - began_all
    finally:
        connection.close()
    return summary(latencies, wall), len(json.loads(body)["backups"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--server", default="postgresql+psycopg://postgres@127.0.0.1:5432/test", help="a PostgreSQL URL"
    )
    parser.add_argument("--size", type=int, default=1_000_000, help="backups in the big project (multiple of 1000)")
    parser.add_argument("--requests", type=int, default=20, help="measured requests per case")
    args = parser.parse_args()
    offsets = [0, 1_000, 10_000, 100_000, args.size // 2, args.size - 10]
    db = databases.create_server_database("postgresql", args.server, prefix="freezer_bench")
    store = server = None
    rows = []
    try:
        db.upgrade()
        store = Store(make_engine(db.url))
        print(f"== loading {args.size:,} backups", flush=True)
        load(store, args.size)
        markers = {offset: backup_id_at(store, offset - 1) for offset in offsets if offset}
        directory = Path(tempfile.mkdtemp(prefix="deep-offset-"))
        server = start_server(directory, database_url=db.url, auth_strategy="noauth")
        cases = [(PROJECT, f"offset={offset:,}", {"limit": 10, "offset": offset}) for offset in offsets]
        cases += [
            (PROJECT, "offset=10^12", {"limit": 10, "offset": HUGE_OFFSET}),
            (SMALL_PROJECT, "offset=10^12, project of 10", {"limit": 10, "offset": HUGE_OFFSET}),
        ]
        cases += [
            (PROJECT, f"marker at {offset:,}", {"limit": 10, "marker": marker}) for offset, marker in markers.items()
        ]
        for project, name, params in cases:
            try:
                result, page = measure(server.url, project, params, args.requests)
            except RuntimeError as error:  # marker on a release without keyset paging on v2
                print(f"  {name:<32} {error}", flush=True)
                continue
            rows.append({"case": name, "page": page, **result})
            print(f"  {name:<32} page {page:>2}  p50 {result['p50']:8.1f} ms  p99 {result['p99']:8.1f} ms", flush=True)
    finally:
        if server is not None:
            server.stop()
        if store is not None:
            store.dispose()
        db.drop()
    print(f"\n| list request ({args.size:,} backups) | page | p50 ms | p90 ms | max ms |")
    print("| --- | --- | --- | --- | --- |")
    for row in rows:
        print(f"| {row['case']} | {row['page']} | {row['p50']:.1f} | {row['p90']:.1f} | {row['max']:.1f} |")
    results = REPO / "bench" / "results"
    results.mkdir(exist_ok=True)
    out = results / f"deep-offset-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(json.dumps({"size": args.size, "requests": args.requests, "cases": rows}, indent=2))
    print(f"\nwritten to {out}")


if __name__ == "__main__":
    main()
