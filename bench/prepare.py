"""Preloaded databases, built once per (server, size) and copied for each run.

A SQLite data set lives in bench/.data/<server>-<size>/: the pristine database
(never served) and the files the wrk scripts read. Each run serves a copy, so
the write scenarios of one run do not leak into the next. Other engines are
loaded in place, once per URL and size (give the benchmark a database of its
own).
"""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, inspect, make_url, text
from sqlalchemy.exc import DBAPIError

from bench import dataset, load_direct, load_http, servers
from freezer_api.storage import schema

DATA_DIR = servers.BENCH_DIR / ".data"


@dataclass
class Prepared:
    database_url: str
    files: Path  # the directory of backup_ids.txt & co.
    manifest: dict


def display_url(url: str) -> str:
    """The URL without its password, for output and result files."""
    return url if url == "sqlite" else make_url(url).render_as_string(hide_password=True)


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def _cache_dir(target: str, size: int, engine: str) -> Path:
    # Ours: a new schema revision means a new data set (the old one is left for `rm -r`).
    version = f"-{schema.head_revision()}" if target == "ours" else ""
    if engine == "sqlite":
        return DATA_DIR / f"{target}-sqlite-{size}{version}"
    digest = hashlib.sha256(engine.encode()).hexdigest()[:10]
    return DATA_DIR / f"{target}-{engine.split(':', 1)[0]}-{digest}-{size}{version}"


def prepare(
    target: str, size: int, engine: str, run_dir: Path, *, fresh: bool, progress: Callable[[str], None]
) -> Prepared:
    cache = _cache_dir(target, size, engine)
    manifest = None if fresh else dataset.read_manifest(cache)
    if manifest and engine != "sqlite" and not _holds(engine, size):
        manifest = None  # the database was dropped or emptied since
    if manifest is None:
        if cache.exists():
            shutil.rmtree(cache)
        cache.mkdir(parents=True)
        url = sqlite_url(cache / "pristine.sqlite") if engine == "sqlite" else engine
        progress(f"preloading {target}: {size:,} backups into {display_url(engine) if engine != 'sqlite' else cache}")
        started = time.monotonic()
        loaded = _load(target, url, size, cache, progress)
        loaded.seconds["total"] = round(time.monotonic() - started, 1)
        loaded.write_files(cache)
        if engine == "sqlite":
            _checkpoint(cache / "pristine.sqlite")
        else:
            _analyze(url)
        manifest = dataset.read_manifest(cache)
        progress(f"preloaded {target} in {loaded.seconds['total']:.0f} s: {loaded.seconds}")
    if engine != "sqlite":
        return Prepared(engine, cache, manifest)
    database = run_dir / f"{target}.sqlite"
    shutil.copyfile(cache / "pristine.sqlite", database)
    return Prepared(sqlite_url(database), cache, manifest)


def _checkpoint(path: Path) -> None:
    """Fold any write-ahead log into the file, so that copying the file copies everything."""
    connection = sqlite3.connect(path)
    try:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        connection.close()


def _holds(url: str, size: int) -> bool:
    """Whether the database still has the preloaded backups."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            count = conn.execute(
                text("SELECT count(*) FROM backups WHERE project_id = :project"), {"project": dataset.PROJECT_ID}
            ).scalar()
        return count >= size
    except DBAPIError:
        return False
    finally:
        engine.dispose()


def _analyze(url: str) -> None:
    """Planner statistics, as autovacuum or a DBA would have them on a settled database."""
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            if engine.dialect.name == "postgresql":
                conn.exec_driver_sql("ANALYZE")
            else:
                names = ", ".join(f"`{name}`" for name in inspect(conn).get_table_names())
                conn.exec_driver_sql(f"ANALYZE TABLE {names}")
    finally:
        engine.dispose()


def _load(target: str, url: str, size: int, cache: Path, progress) -> dataset.Loaded:
    if target == "ours":
        config = servers.write_ours_config(cache, url)
        return load_direct.load(str(config), size, progress)
    servers.sync_original_database(cache, url)
    server = servers.start_original(cache, url)
    try:
        return load_http.load(server.url, size, progress=progress)
    finally:
        server.stop()
