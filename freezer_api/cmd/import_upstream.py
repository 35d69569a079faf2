"""freezer-manage db import-upstream SOURCE_URL: bring an original freezer-api's database over.

Reads the original's SQL database at SOURCE_URL and writes every live
document into the database of the configuration (docs/migrating.md). Prints
progress on standard error and, at the end, the counts of each kind; exits 1
when a row had to be skipped (unless --allow-skips), 2 when the import could
not run, 130 when interrupted (run it again to continue).
"""

from __future__ import annotations

import sys
import time
from typing import Any, TextIO

from oslo_config import cfg

# Plain progress lines at most this often when standard error is not a terminal.
LINE_INTERVAL = 5.0
BAR_WIDTH = 30


def add_parser(db_actions: Any) -> None:
    parser = db_actions.add_parser(
        "import-upstream", help="import the documents of an original freezer-api's SQL database"
    )
    parser.add_argument("source_url", help="SQLAlchemy URL of the original's database ([database] connection there)")
    parser.add_argument("--dry-run", action="store_true", help="report what would be imported; write nothing")
    parser.add_argument("--allow-skips", action="store_true", help="exit 0 even when rows had to be skipped")


class ProgressOutput:
    """A progress bar on a terminal; otherwise a plain line now and then."""

    def __init__(self, stream: TextIO):
        self.stream = stream
        self.terminal = stream.isatty()
        self.last_line = 0.0
        self.started = time.monotonic()
        self.open_bar = False

    def __call__(self, kind: str, done: int, total: int) -> None:
        now = time.monotonic()
        rate = done / max(now - self.started, 1e-6)
        if self.terminal:
            filled = BAR_WIDTH * done // total if total else BAR_WIDTH
            bar = "#" * filled + "-" * (BAR_WIDTH - filled)
            self.stream.write(f"\r{kind:<8} [{bar}] {done}/{total} ({rate:.0f}/s)")
            self.open_bar = done < total
            if not self.open_bar:
                self.stream.write("\n")
        elif done in (0, total) or now - self.last_line >= LINE_INTERVAL:
            self.last_line = now
            self.stream.write(f"{kind}: {done}/{total} rows read\n")
        if done == 0:
            self.started = now
        self.stream.flush()

    def close(self) -> None:
        if self.open_bar:
            self.stream.write("\n")


def original_schema_revision(engine: Any) -> str | None:
    """The original freezer-api's alembic revision when `engine` holds its schema, else None."""
    from sqlalchemy import inspect

    from freezer_api.storage import schema
    from freezer_api.storage.upstream.source import ORIGINAL_ONLY_TABLES

    names = set(inspect(engine).get_table_names())
    if not names & ORIGINAL_ONLY_TABLES:
        return None
    revision = schema.current_revision(engine)
    return revision or "unknown"


def run(conf: cfg.ConfigOpts) -> int:
    from freezer_api.storage import schema
    from freezer_api.storage.configured import configured_engine
    from freezer_api.storage.store import Store
    from freezer_api.storage.upstream import importer, source

    options = conf.command
    target = configured_engine(conf)
    if not schema.is_current(target):
        print(
            "freezer-manage: the database of this server is not current: run 'freezer-manage db upgrade'",
            file=sys.stderr,
        )
        return 2
    try:
        origin = source.Source(source.open_source(options.source_url))
    except Exception as error:  # any driver's connection error: say what and stop
        print(f"freezer-manage: cannot read {options.source_url}: {error}", file=sys.stderr)
        return 2
    missing = origin.missing_tables()
    if missing:
        print(
            f"freezer-manage: {options.source_url} is not an original freezer-api database "
            f"(no {', '.join(missing)} table)",
            file=sys.stderr,
        )
        return 2
    store = Store(target)
    progress = ProgressOutput(sys.stderr)
    started = time.monotonic()
    try:
        with importer.import_lock(target):
            report = importer.import_upstream(origin, store, dry_run=options.dry_run, progress=progress)
    except importer.ImportLocked as error:
        print(f"freezer-manage: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        progress.close()
        print("interrupted: what was imported stays; run the same command again to continue", file=sys.stderr)
        return 130
    finally:
        store.dispose()
        origin.engine.dispose()
    progress.close()
    print_report(report, origin.revision, time.monotonic() - started)
    if report.skipped and not options.allow_skips:
        print(f"{report.skipped} rows skipped (see above); --allow-skips accepts that", file=sys.stderr)
        return 1
    return 0


def print_report(report: Any, revision: str | None, seconds: float) -> None:
    verb = "would import" if report.dry_run else "imported"
    print(f"source schema revision: {revision or 'unknown (no alembic_version)'}")
    for skip in report.skips:
        print(f"skipped {skip.kind[:-1]} {skip.doc_id} (project {skip.project_id}): {skip.reason}")
    for note in report.notes:
        print(f"note: {note}")
    print(f"{'kind':<10}{'read':>10}{verb:>14}{'present':>10}{'skipped':>10}{'deleted':>10}")
    total = 0
    for kind, counts in report.counts.items():
        total += counts.imported
        print(
            f"{kind:<10}{counts.read:>10}{counts.imported:>14}{counts.present:>10}{counts.skipped:>10}{counts.deleted:>10}"
        )
    for kind, counts in report.counts.items():
        for project_id, number in sorted(counts.projects.items()):
            print(f"  {kind} {verb} in project {project_id}: {number}")
    rate = total / seconds if seconds > 0 else 0.0
    print(
        f"{verb} {total} documents in {seconds:.1f} s ({rate:.0f}/s)"
        + (" (dry run: nothing written)" if report.dry_run else "")
    )
