"""Units of work: reads on a pooled connection, writes in one retried transaction."""

from __future__ import annotations

import logging
import random
import sqlite3
import time
from contextlib import contextmanager
from functools import cached_property
from typing import Callable, Iterator, TypeVar

from sqlalchemy import Connection, Engine
from sqlalchemy import exc as sa_exc

from freezer_api.domain.errors import Conflict, Unavailable
from freezer_api.storage import tables
from freezer_api.storage.documents import DocumentReader, DocumentRepository, VersionConflict
from freezer_api.storage.engine import WRITE_OPTION, make_read_engine

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

    def __init__(self, conn: Connection):
        self.conn = conn

    def _make(self, kind: tables.DocumentTables) -> DocumentRepository:
        return DocumentRepository(self.conn, kind)


class ReadUnit(_Repositories):
    """Read-only repositories on one pooled DBAPI connection."""

    def __init__(self, dbapi_connection, engine: Engine):
        self.dbapi_connection = dbapi_connection
        self.dialect = engine.dialect

    def _make(self, kind: tables.DocumentTables) -> DocumentReader:
        return DocumentReader(self.dbapi_connection, self.dialect, kind)


class Store:
    def __init__(self, engine: Engine, *, read_engine: Engine | None = None, max_retries: int = 10):
        self.engine = engine
        self.read_engine = read_engine or make_read_engine(engine)
        self.max_retries = max_retries

    def dispose(self) -> None:
        self.engine.dispose()
        if self.read_engine is not self.engine:
            self.read_engine.dispose()

    @contextmanager
    def reading(self) -> Iterator[ReadUnit]:
        """A read-only unit of work (each statement sees committed data)."""
        engine = self.read_engine
        dbapi = engine.dialect.loaded_dbapi
        # The pool and the raw connection raise the driver's own errors.
        unreachable = (dbapi.OperationalError, dbapi.InterfaceError)
        try:
            connection = engine.raw_connection()
        except unreachable as error:
            raise _unavailable(error) from error
        except sa_exc.TimeoutError as error:
            raise _overloaded(error) from error
        try:
            yield ReadUnit(connection, engine)
        except dbapi.Error as error:
            disconnected = engine.dialect.is_disconnect(error, connection.dbapi_connection, None)
            if disconnected:
                connection.invalidate(error)
            if disconnected or isinstance(error, unreachable):
                raise _unavailable(error) from error
            raise
        finally:
            connection.close()

    def atomic(self, change: Callable[[UnitOfWork], T]) -> T:
        """Run `change` in one write transaction, retried on conflicts.

        `change` may run several times: it must have no effect outside the
        unit of work it is given.
        """
        attempt = 0
        while True:
            try:
                with _database_errors():
                    with self.engine.connect() as conn:
                        conn = conn.execution_options(**{WRITE_OPTION: True})
                        with conn.begin():
                            return change(UnitOfWork(conn))
            except _Retry as retry:
                attempt += 1
                if attempt > self.max_retries:
                    LOG.warning("giving up after %d attempts: %s", attempt, retry.cause)
                    if isinstance(retry.cause, sa_exc.IntegrityError):
                        raise Conflict("The document was changed by another request; try again.") from None
                    raise Unavailable("The database is busy; try again.") from None
                LOG.debug("retrying transaction (attempt %d): %s", attempt, retry.cause)
                time.sleep(random.uniform(0, min(0.2, 0.005 * 2**attempt)))


class _Retry(Exception):
    def __init__(self, cause: Exception):
        super().__init__(str(cause))
        self.cause = cause


@contextmanager
def _database_errors() -> Iterator[None]:
    """Turn driver errors into retries or a 503-style Unavailable."""
    try:
        yield
    except VersionConflict as error:
        raise _Retry(error) from error
    except sa_exc.IntegrityError as error:
        # A concurrent insert of the same id: the retry sees the winner's row.
        raise _Retry(error) from error
    except sa_exc.DBAPIError as error:
        if _is_retryable(error):
            raise _Retry(error) from error
        if isinstance(error, (sa_exc.OperationalError, sa_exc.InterfaceError)) or error.connection_invalidated:
            raise _unavailable(error.orig) from error
        raise
    except sa_exc.TimeoutError as error:
        raise _overloaded(error) from error


def _unavailable(error: Exception) -> Unavailable:
    LOG.error("database unavailable: %s", error)
    return Unavailable("The database is unavailable; try again shortly.")


def _overloaded(error: Exception) -> Unavailable:
    LOG.error("no free database connection: %s", error)
    return Unavailable("The server is overloaded; try again shortly.")


def _is_retryable(error: sa_exc.DBAPIError) -> bool:
    orig = error.orig
    if isinstance(orig, sqlite3.OperationalError):
        return "locked" in str(orig) or "busy" in str(orig)
    sqlstate = getattr(orig, "sqlstate", None)
    if sqlstate in _PG_RETRY:
        return True
    args = getattr(orig, "args", ())
    return bool(args) and args[0] in _MYSQL_RETRY
