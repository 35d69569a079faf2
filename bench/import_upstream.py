"""Throughput of freezer-manage db import-upstream: N backups from an original's database.

    .venv/bin/python -m bench.import_upstream --size 100000
    .venv/bin/python -m bench.import_upstream --size 100000 \\
        --target postgresql+psycopg://postgres@127.0.0.1:5432/test

The source is an original freezer-api 19.0.0 database on SQLite, its schema
made by its own migrations (the cached venv of tests/support/upstream_api.py),
filled with N backup rows as the original writes them. The target is a new
SQLite file, or a new database beside the one --target names. Prints the
import's wall time and documents per second, and its CPU time (run by hand;
figures go to bench/RESULTS.md).
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.support import databases
from tests.support.upstream_api import prepare_upstream
from tests.upstream import rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--target", default="sqlite", help="sqlite, or a server URL to create the target beside")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-import-") as tmp:
        directory = Path(tmp)
        source = f"sqlite:///{directory / 'original.sqlite'}"
        prepare_upstream(directory / "original", source)
        rows.insert(source, "backups", [rows.backup_row(n) for n in range(args.size)])
        if args.target == "sqlite":
            target = databases.create_database("sqlite", directory)
        else:
            engine_name = "postgresql" if args.target.startswith("postgresql") else "mysql"
            target = databases.create_server_database(engine_name, args.target, prefix="freezer_bench")
        try:
            target.upgrade()
            config = directory / "manage.conf"
            config.write_text(f"[database]\nconnection = {target.url}\n")
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            started = time.perf_counter()
            command = ["freezer_api.cmd.manage", "--config-file", str(config), "db", "import-upstream", source]
            result = subprocess.run(
                [sys.executable, "-m", *command],
                capture_output=True,
                text=True,
            )
            seconds = time.perf_counter() - started
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        finally:
            target.drop()
    if result.returncode != 0:
        sys.exit(f"import failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    print(result.stdout.splitlines()[-1])
    print(f"{args.size} backups into {args.target}: {seconds:.1f} s wall, {args.size / seconds:.0f} documents/s")
    # On a shared machine the wall time includes waiting for a core; the
    # importer's own CPU time is what it would take alone (on SQLite, where
    # the database works inside the importer's process, that is all of it).
    print(f"importer CPU time {cpu:.1f} s: {args.size / cpu:.0f} documents per CPU-second")


if __name__ == "__main__":
    main()
