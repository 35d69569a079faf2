"""Transactions: a unit of work per request, retried on write conflicts."""

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
from freezer_api.storage.documents import DocumentRepository, VersionConflict
from freezer_api.storage.engine import WRITE_OPTION

LOG = logging.getLogger(__name__)

T = TypeVar("T")

# MySQL/MariaDB error numbers and PostgreSQL SQLSTATEs that mean "try again".
_MYSQL_RETRY = {1205, 1213}  # lock wait timeout, deadlock
_PG_RETRY = {"40001", "40P01"}  # serialization failure, deadlock detected


class UnitOfWork:
    """The repositories of every document kind, on one connection and transaction."""

    def __init__(self, conn: Connection):
        self.conn = conn

    @cached_property
    def backups(self) -> DocumentRepository:
        return DocumentRepository(self.conn, tables.BACKUPS)

    @cached_property
    def clients(self) -> DocumentRepository:
        return DocumentRepository(self.conn, tables.CLIENTS)

    @cached_property
    def jobs(self) -> DocumentRepository:
        return DocumentRepository(self.conn, tables.JOBS)

    @cached_property
    def actions(self) -> DocumentRepository:
        return DocumentRepository(self.conn, tables.ACTIONS)

    @cached_property
    def sessions(self) -> DocumentRepository:
        return DocumentRepository(self.conn, tables.SESSIONS)


class Store:
    def __init__(self, engine: Engine, *, max_retries: int = 10):
        self.engine = engine
        self.max_retries = max_retries

    @contextmanager
    def reading(self) -> Iterator[UnitOfWork]:
        """A read-only unit of work."""
        with _database_errors():
            with self.engine.connect() as conn:
                with conn.begin():
                    yield UnitOfWork(conn)

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
            LOG.error("database unavailable: %s", error.orig)
            raise Unavailable("The database is unavailable; try again shortly.") from error
        raise
    except sa_exc.TimeoutError as error:
        LOG.error("no free database connection: %s", error)
        raise Unavailable("The server is overloaded; try again shortly.") from error


def _is_retryable(error: sa_exc.DBAPIError) -> bool:
    orig = error.orig
    if isinstance(orig, sqlite3.OperationalError):
        return "locked" in str(orig) or "busy" in str(orig)
    sqlstate = getattr(orig, "sqlstate", None)
    if sqlstate in _PG_RETRY:
        return True
    args = getattr(orig, "args", ())
    return bool(args) and args[0] in _MYSQL_RETRY
