"""Engine setup for the three supported databases."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.pool import NullPool

_MYSQL = ("mysql", "mariadb")

# SQLite: WAL pages after which a commit checkpoints itself (about 80 MB).
FOREGROUND_CHECKPOINT_PAGES = 20_000

# The driver each server engine runs on, and the extra that installs it.
_DRIVERS = {"postgresql": ("psycopg", "postgresql"), "mysql": ("pymysql", "mysql"), "mariadb": ("pymysql", "mysql")}


class UnusableDriver(RuntimeError):
    """The database URL names a driver this release does not use, or one not installed."""


@dataclass(frozen=True)
class EngineOptions:
    """How a worker process connects: pool sizes and network timeouts ([database] options)."""

    pool_size: int = 8
    max_overflow: int = 16
    pool_timeout: int = 10  # seconds a request waits for a free pooled connection
    connection_recycle_time: int = 3600  # seconds after which a pooled connection is replaced
    connect_timeout: int = 5  # seconds to establish a connection
    socket_timeout: int = 30  # seconds a connection may stay silent before it is given up
    lock_timeout: int = 10  # seconds a statement waits for a row another transaction locked
    statement_timeout: int = 30  # seconds a statement may run before the database cancels it
    sqlite_busy_timeout: int = 30


def parse_database_url(url: str) -> URL:
    """Parse a [database] connection URL, choosing our driver when none is named."""
    parsed = make_url(url)
    backend, driver = parsed.get_backend_name(), parsed.get_driver_name()
    if backend in _DRIVERS and "+" not in parsed.drivername:
        parsed = parsed.set(drivername=f"{backend}+{_DRIVERS[backend][0]}")
    elif backend in _DRIVERS and driver != _DRIVERS[backend][0]:
        raise UnusableDriver(f"unsupported driver {parsed.drivername!r}: use {backend}+{_DRIVERS[backend][0]}://...")
    return parsed


def make_engine(url: str, options: EngineOptions = EngineOptions()) -> Engine:
    """The engine of write transactions (and of reads on SQLite)."""
    parsed = parse_database_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(parsed, options)
    # READ COMMITTED everywhere: locking reads see the newest row; on MySQL, no gap locks.
    return _server_engine(parsed, options, isolation_level="READ COMMITTED")


def make_read_engine(write_engine: Engine, options: EngineOptions = EngineOptions()) -> Engine:
    """The engine whose pooled connections serve reads outside transactions.

    SQLite connections already run each statement on its own, so reads share
    the write engine. PostgreSQL and MySQL get a second pool in autocommit
    mode: a read leaves no transaction to roll back when its connection
    returns to the pool.
    """
    if is_sqlite(write_engine):
        return write_engine
    return _server_engine(write_engine.url, options, isolation_level="AUTOCOMMIT", pool_reset_on_return=None)


def _server_engine(url: URL, options: EngineOptions, **kwargs: Any) -> Engine:
    try:
        engine = create_engine(
            url,
            # No ping before each use (a round trip per request): a connection
            # a database restart left dead is found when a statement fails on
            # it, and the store runs the work again on a new one (store.py).
            pool_size=options.pool_size,
            max_overflow=options.max_overflow,
            pool_timeout=options.pool_timeout,
            pool_recycle=options.connection_recycle_time,
            connect_args=connect_args(url.get_backend_name(), options),
            **kwargs,
        )
    except ModuleNotFoundError as error:
        extra = _DRIVERS[url.get_backend_name()][1]
        raise UnusableDriver(
            f"{url.drivername} needs the {error.name} driver: pip install 'freezer-api[{extra}]'"
        ) from error
    if url.get_backend_name() in _MYSQL:
        _limit_mysql_statements(engine, options.statement_timeout)
    return engine


def _limit_mysql_statements(engine: Engine, seconds: int) -> None:
    """MariaDB and MySQL name the statement time limit differently: set the one the server has."""

    @event.listens_for(engine, "connect")
    def _statement_time_limit(dbapi_connection: Any, record: Any) -> None:
        mariadb = "mariadb" in dbapi_connection.get_server_info().lower()
        setting = ("max_statement_time", seconds) if mariadb else ("max_execution_time", seconds * 1000)
        record.info[_LIMIT_KEY] = setting
        _run(dbapi_connection, f"SET SESSION {setting[0]} = {setting[1]}")


def _run(dbapi_connection: Any, sql: str) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(sql)
    finally:
        cursor.close()


# Where a pooled connection's record keeps its statement time limit.
_LIMIT_KEY = "freezer_statement_limit"


@contextmanager
def statement_timeout_lifted(connection: Connection) -> Iterator[None]:
    """No statement time limit on this connection meanwhile: schema migrations may take long."""
    pooled = connection.connection
    dbapi_connection: Any = pooled.dbapi_connection  # the driver's own connection: sqlite3, psycopg or PyMySQL
    backend = connection.dialect.name
    if backend == "postgresql":
        connection.exec_driver_sql("SET LOCAL statement_timeout = 0")  # until the transaction ends
        yield
        return
    setting = pooled.info.get(_LIMIT_KEY)
    if setting is None:
        yield
        return
    if backend == "sqlite":
        dbapi_connection.set_progress_handler(None, 0)
    else:
        _run(dbapi_connection, f"SET SESSION {setting[0]} = 0")
    try:
        yield
    finally:
        if backend == "sqlite":
            _interrupt_slow_statements(dbapi_connection, setting)
        else:
            _run(dbapi_connection, f"SET SESSION {setting[0]} = {setting[1]}")


def connect_args(backend: str, options: EngineOptions) -> dict[str, Any]:
    """Driver arguments that bound how long an unreachable database, or a stuck lock, can hold a request."""
    if backend in _MYSQL:
        return {
            "charset": "utf8mb4",
            "connect_timeout": options.connect_timeout,
            # PyMySQL also reads the server greeting under read_timeout.
            "read_timeout": options.socket_timeout,
            "write_timeout": options.socket_timeout,
            "init_command": f"SET SESSION innodb_lock_wait_timeout = {options.lock_timeout}",
        }
    # libpq: give up on a peer that stops acknowledging or answering keepalives.
    idle = max(1, options.socket_timeout // 2)
    return {
        "connect_timeout": options.connect_timeout,
        "keepalives": 1,
        "keepalives_idle": idle,
        "keepalives_interval": max(1, (options.socket_timeout - idle) // 3),
        "keepalives_count": 3,
        "tcp_user_timeout": options.socket_timeout * 1000,
        "options": (
            f"-c lock_timeout={options.lock_timeout * 1000} -c statement_timeout={options.statement_timeout * 1000}"
        ),
    }


def _sqlite_engine(url: URL, options: EngineOptions) -> Engine:
    database = url.database or ""
    in_memory = not database or database == ":memory:" or url.query.get("mode") == "memory"
    if not in_memory:
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url,
            connect_args={"timeout": options.sqlite_busy_timeout, "check_same_thread": False},
            pool_size=options.pool_size,
            max_overflow=options.max_overflow,
            pool_timeout=options.pool_timeout,
        )
    else:
        engine = create_engine(url, connect_args={"check_same_thread": False}, poolclass=NullPool)
    statement_timeout = options.statement_timeout

    @event.listens_for(engine, "connect")
    def _sqlite_connect(dbapi_connection: sqlite3.Connection, record: Any) -> None:
        # Let SQLAlchemy's "begin" event, not the driver, open transactions.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        if not in_memory:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            # Checkpoints run in the background (sqlite_writes.Checkpointer);
            # a commit checkpoints itself only if that falls far behind.
            cursor.execute(f"PRAGMA wal_autocheckpoint={FOREGROUND_CHECKPOINT_PAGES}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()
        _interrupt_slow_statements(dbapi_connection, statement_timeout)
        record.info[_LIMIT_KEY] = statement_timeout

    @event.listens_for(engine, "begin")
    def _sqlite_begin(connection: Connection) -> None:
        # SQLAlchemy connections here only run migrations and maintenance:
        # they take the write lock when they start, like Store.atomic does.
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


# SQLite virtual machine steps between two looks at the clock (well under a millisecond).
_PROGRESS_STEPS = 10_000


def _interrupt_slow_statements(connection: sqlite3.Connection, seconds: float) -> None:
    """SQLite has no statement timeout: note when each statement starts, interrupt it after `seconds`.

    An interrupted statement fails with "interrupted" (storage/failures.py: a 503).
    """
    started = [time.monotonic()]

    def statement_started(_sql: str) -> None:
        started[0] = time.monotonic()

    def too_long() -> int:
        return 1 if time.monotonic() - started[0] > seconds else 0

    connection.set_trace_callback(statement_started)
    connection.set_progress_handler(too_long, _PROGRESS_STEPS)


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def sqlite_file(engine: Engine) -> str | None:
    """The database file of a SQLite engine; None for other engines and in-memory ones."""
    if not is_sqlite(engine):
        return None
    database = engine.url.database
    if not database or database == ":memory:" or engine.url.query.get("mode") == "memory":
        return None
    return database
