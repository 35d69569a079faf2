"""What one backup creation costs SQLite alone, without HTTP or Python around it.

Copies a preloaded SQLite database of the benchmark (bench/.data/, made by
`python -m bench.run`), then inserts backups the way the server does: the
document row and its search terms, each creation in a savepoint, several
per transaction (as the group commit batches them). Prints microseconds per
creation with and without the terms, per batch size. Since SQLite admits
one writer at a time, 1 / (cost per creation) is the most creations per
second any number of workers can reach.

    python -m bench.write_cost [--size 10000] [--count 2000]
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import tempfile
import time
import uuid
from pathlib import Path

from bench.servers import BENCH_DIR


def _database(size: int) -> Path:
    found = sorted((BENCH_DIR / ".data").glob(f"ours-sqlite-{size}-*/pristine.sqlite"))
    if not found:
        raise SystemExit(f"no preloaded SQLite database of {size} backups: run python -m bench.run --size {size} first")
    return found[-1]


def _creations(connection: sqlite3.Connection, count: int, batch: int, with_terms: bool) -> float:
    """Seconds per creation."""
    project_id, user_id, version, time_stamp, doc, search_text, user_name = connection.execute(
        "SELECT project_id, user_id, version, time_stamp, doc, search_text, user_name FROM backups LIMIT 1"
    ).fetchone()
    model_seq = connection.execute("SELECT doc_seq FROM backup_terms LIMIT 1").fetchone()[0]
    terms = connection.execute("SELECT name, value FROM backup_terms WHERE doc_seq = ?", (model_seq,)).fetchall()
    cursor = connection.cursor()
    started = time.perf_counter()
    for _ in range(count // batch):
        cursor.execute("BEGIN IMMEDIATE")
        for _ in range(batch):
            backup_id = uuid.uuid4().hex
            cursor.execute("SAVEPOINT change")
            cursor.execute(
                "INSERT INTO backups (project_id, backup_id, user_id, version, time_stamp, doc, search_text, user_name)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (project_id, backup_id, user_id, version, time_stamp, doc, search_text, user_name),
            )
            seq = cursor.lastrowid
            if with_terms:
                cursor.executemany(
                    "INSERT INTO backup_terms (project_id, name, value, doc_seq) VALUES (?, ?, ?, ?)",
                    [(project_id, name, backup_id if name == "backup_id" else value, seq) for name, value in terms],
                )
            cursor.execute("RELEASE change")
        cursor.execute("COMMIT")
    return (time.perf_counter() - started) / (count // batch * batch)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--count", type=int, default=2000, help="creations per measurement")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        copy = Path(directory) / "copy.sqlite"
        shutil.copy(_database(args.size), copy)
        connection = sqlite3.connect(copy, isolation_level=None)
        connection.execute("PRAGMA journal_mode = WAL")
        connection.execute("PRAGMA synchronous = NORMAL")
        terms = connection.execute(
            "SELECT COUNT(*) FROM backup_terms WHERE doc_seq = (SELECT MIN(doc_seq) FROM backup_terms)"
        ).fetchone()[0]
        print(f"{args.size:,} backups, {terms} terms per backup, {args.count} creations per line")
        print("| batch | with terms, µs per creation | without terms | most creations/s (with terms) |")
        print("| --- | --- | --- | --- |")
        for batch in (1, 8, 64):
            with_terms = _creations(connection, args.count, batch, True)
            without = _creations(connection, args.count, batch, False)
            print(f"| {batch} | {with_terms * 1e6:.0f} | {without * 1e6:.0f} | {1 / with_terms:,.0f} |")
        connection.close()


if __name__ == "__main__":
    main()
