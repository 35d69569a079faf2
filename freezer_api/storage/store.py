"""Units of work: reads on a pooled connection, writes in one retried transaction.

Both run on the driver's own connection from SQLAlchemy's pool; driver
errors become a retry (a conflict with another writer), a 503 (the database
cannot be reached) or, for anything else, propagate as the bug they are.
"""

from __future__ import annotations

import logging
import random
import sqlite3
import threading
import time
from contextlib import contextmanager, nullcontext
from functools import cached_property
from typing import Callable, Iterator, TypeVar

from sqlalchemy import Engine
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import Dialect

from freezer_api.domain.errors import Conflict, Unavailable
from freezer_api.storage import tables
from freezer_api.storage.documents import DocumentRepository, VersionConflict
from freezer_api.storage.engine import is_sqlite, make_read_engine, sqlite_file
from freezer_api.storage.sqlite_gate import WriteGate

LOG = logging.getLogger(__name__)

T = TypeVar("T")

# MySQL/MariaDB error numbers and PostgreSQL SQLSTATEs that mean "try again".
_MYSQL_RETRY = {1205, 1213}  # lock wait timeout, deadlock
_PG_RETRY = {"40001", "40P01"}  # serialization failure, deadlock detected


class _Repositories:
    """One repository per document kind, made on first use."""

    def _make(self, kind: tables.DocumentTables):
        raise NotImplementedError

    @cached_property
    def backups(self):
        return self._make(tables.BACKUPS)

    @cached_property
    def clients(self):
        return self._make(tables.CLIENTS)

    @cached_property
    def jobs(self):
        return self._make(tables.JOBS)

    @cached_property
    def actions(self):
        return self._make(tables.ACTIONS)

    @cached_property
    def sessions(self):
        return self._make(tables.SESSIONS)


class UnitOfWork(_Repositories):
    """The repositories of every document kind, inside one write transaction."""

    def __init__(self, dbapi_connection, dialect: Dialect):
        self.dbapi_connection = dbapi_connection
        self.dialect = dialect

    def _make(self, kind: tables.DocumentTables) -> DocumentRepository:
        return DocumentRepository(self.dbapi_connection, self.dialect, kind, writable=True)

    def execute(self, sql: str) -> None:
        """Run one SQL statement in this transaction (session settings, tests)."""
        cursor = self.dbapi_connection.cursor()
        try:
            cursor.execute(sql)
        finally:
            cursor.close()


class ReadUnit(_Repositories):
    """Read-only repositories on one pooled DBAPI connection."""

    def __init__(self, dbapi_connection, dialect: Dialect):
        self.dbapi_connection = dbapi_connection
        self.dialect = dialect

    def _make(self, kind: tables.DocumentTables) -> DocumentRepository:
        return DocumentRepository(self.dbapi_connection, self.dialect, kind, writable=False)


class Store:
    def __init__(self, engine: Engine, *, read_engine: Engine | None = None, max_retries: int = 10):
        self.engine = engine
        self.read_engine = read_engine or make_read_engine(engine)
        self.max_retries = max_retries
        database = sqlite_file(engine)
        self._write_gate = WriteGate(database) if database else None
        # SQLite: each thread keeps one reading connection (no pool round trip per read).
        self._own_readers = is_sqlite(self.read_engine)
        self._thread = threading.local()

    def dispose(self) -> None:
        self.engine.dispose()
        if self.read_engine is not self.engine:
            self.read_engine.dispose()

    @contextmanager
    def reading(self) -> Iterator[ReadUnit]:
        """A read-only unit of work (each statement sees committed data)."""
        engine = self.read_engine
        connection = self._thread_reader() if self._own_readers else _checkout(engine)
        try:
            yield ReadUnit(connection, engine.dialect)
        except engine.dialect.loaded_dbapi.Error as error:
            failure = _failure(error, engine, connection)
            if self._own_readers:
                self._drop_thread_reader()
            if failure is None or isinstance(failure, _Retry):
                raise
            raise failure from error
        finally:
            if not self._own_readers:
                connection.close()

    def _thread_reader(self):
        connection = getattr(self._thread, "reader", None)
        if connection is None:
            connection = _checkout(self.read_engine)
            connection.detach()  # this thread's for good; closed when the thread ends
            self._thread.reader = connection
        return connection

    def _drop_thread_reader(self) -> None:
        connection = self._thread.__dict__.pop("reader", None)
        if connection is not None:
            _rollback_quietly(connection)
            connection.close()

    def atomic(self, change: Callable[[UnitOfWork], T]) -> T:
        """Run `change` in one write transaction, retried on conflicts.

        `change` may run several times: it must have no effect outside the
        unit of work it is given.
        """
        attempt = 0
        while True:
            try:
                return self._transaction(change)
            except _Retry as retry:
                attempt += 1
                if attempt > self.max_retries:
                    LOG.warning("giving up after %d attempts: %s", attempt, retry.cause)
                    if isinstance(retry.cause, self.engine.dialect.loaded_dbapi.IntegrityError):
                        raise Conflict("The document was changed by another request; try again.") from None
                    raise Unavailable("The database is busy; try again.") from None
                LOG.debug("retrying transaction (attempt %d): %s", attempt, retry.cause)
                time.sleep(random.uniform(0, min(0.2, 0.005 * 2**attempt)))

    def _transaction(self, change: Callable[[UnitOfWork], T]) -> T:
        with self._write_gate.held() if self._write_gate else nullcontext():
            return self._transaction_on(self.engine, change)

    @staticmethod
    def _transaction_on(engine: Engine, change: Callable[[UnitOfWork], T]) -> T:
        connection = _checkout(engine)
        try:
            if is_sqlite(engine):
                # Take the write lock now: two writers never both read and
                # then fail to upgrade their locks.
                connection.cursor().execute("BEGIN IMMEDIATE")
            result = change(UnitOfWork(connection, engine.dialect))
            connection.commit()
            return result
        except engine.dialect.loaded_dbapi.Error as error:
            _rollback_quietly(connection)
            failure = _failure(error, engine, connection)
            if failure is None:
                raise
            raise failure from error
        except VersionConflict as conflict:
            _rollback_quietly(connection)
            raise _Retry(conflict) from conflict
        except BaseException:
            _rollback_quietly(connection)
            raise
        finally:
            connection.close()


def _checkout(engine: Engine):
    """A pooled DBAPI connection; 503 when the database cannot be reached."""
    dbapi = engine.dialect.loaded_dbapi
    try:
        return engine.raw_connection()
    except (dbapi.OperationalError, dbapi.InterfaceError, sa_exc.DBAPIError) as error:
        raise _unavailable(error) from error
    except sa_exc.TimeoutError as error:
        raise _overloaded(error) from error


def _rollback_quietly(connection) -> None:
    try:
        connection.rollback()
    except Exception:  # the connection may be the thing that failed
        LOG.debug("rollback failed", exc_info=True)


def _failure(error: Exception, engine: Engine, connection) -> Exception | None:
    """What a driver error means for the caller: a retry, a 503, or None (a bug: re-raise)."""
    dbapi = engine.dialect.loaded_dbapi
    if isinstance(error, dbapi.IntegrityError):
        # A concurrent insert of the same id: the retry sees the winner's row.
        return _Retry(error)
    if _is_retryable(error):
        return _Retry(error)
    disconnected = engine.dialect.is_disconnect(error, connection.dbapi_connection, None)
    if disconnected:
        connection.invalidate(error)
    if disconnected or isinstance(error, (dbapi.OperationalError, dbapi.InterfaceError)):
        return _unavailable(error)
    return None


class _Retry(Exception):
    def __init__(self, cause: Exception):
        super().__init__(str(cause))
        self.cause = cause


def _unavailable(error: Exception) -> Unavailable:
    LOG.error("database unavailable: %s", error)
    return Unavailable("The database is unavailable; try again shortly.")


def _overloaded(error: Exception) -> Unavailable:
    LOG.error("no free database connection: %s", error)
    return Unavailable("The server is overloaded; try again shortly.")


def _is_retryable(orig: Exception) -> bool:
    if isinstance(orig, sqlite3.OperationalError):
        return "locked" in str(orig) or "busy" in str(orig)
    sqlstate = getattr(orig, "sqlstate", None)
    if sqlstate in _PG_RETRY:
        return True
    args = getattr(orig, "args", ())
    return bool(args) and args[0] in _MYSQL_RETRY
