"""The store: reads on a pooled connection, writes in one retried transaction.

Both run on the driver's own connection from SQLAlchemy's pool; driver
errors become a retry (a conflict with another writer), a 503 (the database
cannot be reached) or, for anything else, propagate as the bug they are
(failures.py). Writes to a SQLite file queue and share commits
(sqlite_writes.py).
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from sqlalchemy import Engine

from freezer_api.domain.errors import ConcurrentChange, Unavailable
from freezer_api.storage.documents import VersionConflict
from freezer_api.storage.engine import is_sqlite, make_read_engine, sqlite_file
from freezer_api.storage.failures import (
    Disconnected,
    Retry,
    checkout,
    dropped,
    failure_of,
    rollback_quietly,
    unavailable,
)
from freezer_api.storage.sqlite_writes import Checkpointer, GroupCommit, WriteGate
from freezer_api.storage.units import UnitOfWork

__all__ = ["Store", "UnitOfWork"]

LOG = logging.getLogger(__name__)

T = TypeVar("T")


class ReadConnection:
    """The connection of a read unit (PostgreSQL, MariaDB), replaced once if the database dropped it.

    Reads run in autocommit mode, each statement on its own, so the statement
    that found the connection dead runs again on a new one
    (DocumentRepository._rows): a database restart costs no request an error.
    """

    def __init__(self, engine: Engine):
        self.engine = engine
        self.pooled = checkout(engine)
        self.replaced = False
        self._open = True

    def cursor(self) -> Any:
        return self.pooled.cursor()

    def reconnect_after(self, error: Exception) -> bool:
        """Whether `error` was the database dropping this connection, now replaced by a new one (once)."""
        if self.replaced or not isinstance(error, self.engine.dialect.loaded_dbapi.Error):
            return False
        if not dropped(error, self.engine, self.pooled):
            return False
        self.replaced = True
        self.pooled.close()
        self._open = False
        self.pooled = checkout(self.engine)  # 503 when the database cannot be reached
        self._open = True
        return True

    def close(self) -> None:
        if self._open:
            self.pooled.close()
            self._open = False


class Store:
    def __init__(self, engine: Engine, *, read_engine: Engine | None = None, max_retries: int = 10):
        self.engine = engine
        self.read_engine = read_engine or make_read_engine(engine)
        self.max_retries = max_retries
        database = sqlite_file(engine)
        self._group_commit = GroupCommit(engine, WriteGate(database), max_retries=max_retries) if database else None
        self._checkpointer = Checkpointer(database) if database else None
        # SQLite: each thread keeps one reading connection (no pool round trip per read).
        self._own_readers = is_sqlite(self.read_engine)
        self._thread = threading.local()

    def dispose(self) -> None:
        self.engine.dispose()
        if self.read_engine is not self.engine:
            self.read_engine.dispose()

    @contextmanager
    def reading(self) -> Iterator[UnitOfWork]:
        """A read-only unit of work (each statement sees committed data)."""
        engine = self.read_engine
        if self._own_readers:
            connection = self._thread_reader()
            reader: Any = connection
        else:
            reader = ReadConnection(engine)
            connection = reader.pooled
        try:
            yield UnitOfWork(reader, engine.dialect, writable=False)
        except engine.dialect.loaded_dbapi.Error as error:
            if not self._own_readers:
                connection = reader.pooled
            failure = failure_of(error, engine, connection)
            if self._own_readers:
                self._drop_thread_reader()
            if isinstance(failure, Disconnected):
                raise unavailable(error) from error
            if failure is None or isinstance(failure, Retry):
                raise
            raise failure from error
        finally:
            if not self._own_readers:
                reader.close()

    def _thread_reader(self) -> Any:
        connection = getattr(self._thread, "reader", None)
        if connection is None:
            connection = checkout(self.read_engine)
            connection.detach()  # this thread's for good; closed when the thread ends
            self._thread.reader = connection
        return connection

    def _drop_thread_reader(self) -> None:
        connection = self._thread.__dict__.pop("reader", None)
        if connection is not None:
            rollback_quietly(connection)
            connection.close()

    def atomic(self, change: Callable[[UnitOfWork], T]) -> T:
        """Run `change` in one write transaction, retried on conflicts.

        `change` may run several times: it must have no effect outside the
        unit of work it is given.
        """
        if self._group_commit is not None:
            if self._checkpointer is not None:
                self._checkpointer.ensure_running()
            return self._group_commit.run(change)
        attempt = 0
        reconnected = False
        while True:
            try:
                return self._transaction(change)
            except Disconnected as disconnected:
                # Uncommitted work on a dropped connection was rolled back with it: run it once more.
                if reconnected:
                    raise unavailable(disconnected.cause) from None
                reconnected = True
            except Retry as retry:
                attempt += 1
                if attempt > self.max_retries:
                    LOG.warning("giving up after %d attempts: %s", attempt, retry.cause)
                    if isinstance(retry.cause, self.engine.dialect.loaded_dbapi.IntegrityError):
                        raise ConcurrentChange() from None
                    raise Unavailable("The database is busy; try again.") from None
                LOG.debug("retrying transaction (attempt %d): %s", attempt, retry.cause)
                time.sleep(random.uniform(0, min(0.2, 0.005 * 2**attempt)))

    def _transaction(self, change: Callable[[UnitOfWork], T]) -> T:
        engine = self.engine
        connection = checkout(engine)
        committing = False
        try:
            if is_sqlite(engine):  # in memory: take the write lock at once
                connection.cursor().execute("BEGIN IMMEDIATE")
            result = change(UnitOfWork(connection, engine.dialect, writable=True))
            committing = True
            connection.commit()
            return result
        except engine.dialect.loaded_dbapi.Error as error:
            rollback_quietly(connection)
            failure = failure_of(error, engine, connection)
            if failure is None:
                raise
            if isinstance(failure, Disconnected) and committing:
                # The commit may or may not have happened: running the change again could apply it twice.
                raise unavailable(error) from error
            raise failure from error
        except VersionConflict as conflict:
            rollback_quietly(connection)
            raise Retry(conflict) from conflict
        except BaseException:
            rollback_quietly(connection)
            raise
        finally:
            connection.close()
