"""Engine setup for the three supported databases."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

# Execution option asking for a transaction that will write (see _sqlite_begin).
WRITE_OPTION = "freezer_write"


def make_engine(
    url: str,
    *,
    pool_size: int = 8,
    max_overflow: int = 16,
    pool_timeout: int = 10,
    sqlite_busy_timeout: int = 30,
) -> Engine:
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return _sqlite_engine(url, sqlite_busy_timeout, pool_size, max_overflow, pool_timeout)
    kwargs = dict(
        pool_pre_ping=True,
        pool_size=pool_size,
        max_overflow=max_overflow,
        pool_timeout=pool_timeout,
        pool_recycle=3600,
    )
    if backend in ("mysql", "mariadb"):
        # READ COMMITTED: locking reads see the newest row, and no gap locks.
        kwargs["isolation_level"] = "READ COMMITTED"
        kwargs["connect_args"] = {"charset": "utf8mb4"}
    return create_engine(url, **kwargs)


def _sqlite_engine(url: str, busy_timeout: int, pool_size: int, max_overflow: int, pool_timeout: int) -> Engine:
    parsed = make_url(url)
    database = parsed.database
    in_memory = not database or database == ":memory:" or parsed.query.get("mode") == "memory"
    if not in_memory:
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url,
            connect_args={"timeout": busy_timeout, "check_same_thread": False},
            pool_size=pool_size,
            max_overflow=max_overflow,
            pool_timeout=pool_timeout,
        )
    else:
        engine = create_engine(url, connect_args={"check_same_thread": False}, poolclass=NullPool)

    @event.listens_for(engine, "connect")
    def _sqlite_connect(dbapi_connection: sqlite3.Connection, _record) -> None:
        # Let SQLAlchemy's "begin" event, not the driver, open transactions.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        if not in_memory:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _sqlite_begin(connection) -> None:
        # A writer takes the database lock when it starts, so two writers
        # never both read and then fail to upgrade their lock (deadlock).
        # Readers open no transaction: each SELECT reads a consistent
        # snapshot of its own (WAL), like READ COMMITTED elsewhere.
        if connection.get_execution_options().get(WRITE_OPTION):
            connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def make_read_engine(write_engine: Engine, *, pool_size: int = 8, max_overflow: int = 16, pool_timeout: int = 10) -> Engine:
    """The engine whose pooled connections serve reads outside transactions.

    SQLite connections already run each statement on its own, so reads share
    the write engine. PostgreSQL and MySQL get a second pool in autocommit
    mode: a read leaves no transaction to roll back when its connection
    returns to the pool.
    """
    if is_sqlite(write_engine):
        return write_engine
    connect_args = {"charset": "utf8mb4"} if write_engine.dialect.name in ("mysql", "mariadb") else {}
    return create_engine(
        write_engine.url,
        isolation_level="AUTOCOMMIT",
        pool_reset_on_return=None,
        pool_pre_ping=True,
        pool_size=pool_size,
        max_overflow=max_overflow,
        pool_timeout=pool_timeout,
        pool_recycle=3600,
        connect_args=connect_args,
    )


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"
