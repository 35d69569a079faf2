"""Writing to SQLite: writers queue on a lock file, and share commits.

While another connection holds SQLite's write lock, a writer waits in
SQLite's busy handler, which sleeps in growing steps (up to 100 ms) and
wakes only to try again: under many concurrent writers that sleep, not the
work, sets the latency. Writers of every worker process instead take an
exclusive lock on `<database>.write-lock` (WriteGate; threads of one process
first take a lock of their own), and the kernel wakes the next one the
moment the lock is released. Within a process, the writers queued behind
the one holding the lock share its commit (GroupCommit), and the WAL is
copied back into the database by a background thread (Checkpointer), not
by whichever commit crosses SQLite's threshold.
"""

from __future__ import annotations

import fcntl
import logging
import os
import sqlite3
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Generic, TypeVar, cast

from sqlalchemy import Engine
from sqlalchemy.engine.interfaces import DBAPICursor
from sqlalchemy.pool import PoolProxiedConnection

from freezer_api.domain.errors import ConcurrentChange, Unavailable
from freezer_api.storage.documents import VersionConflict
from freezer_api.storage.failures import Retry, checkout, failure_of, rollback_quietly
from freezer_api.storage.units import UnitOfWork

T = TypeVar("T")

LOG = logging.getLogger(__name__)


class WriteGate:
    def __init__(self, database: str):
        self.path = Path(database).expanduser().with_name(Path(database).name + ".write-lock")
        self._threads = threading.Lock()
        self._fd: int | None = None
        self._pid = 0

    @contextmanager
    def held(self) -> Iterator[None]:
        with self._threads:
            fd = self._descriptor()
            fcntl.flock(fd, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)

    def _descriptor(self) -> int:
        # A forked child must not share its parent's open file: flock locks
        # belong to the open file, so parent and child would not exclude
        # each other.
        if self._fd is None or self._pid != os.getpid():
            self._fd = os.open(self.path, os.O_CREAT | os.O_RDWR | os.O_CLOEXEC, 0o600)
            self._pid = os.getpid()
        return self._fd


class _Pending(Generic[T]):
    """One write transaction waiting for its commit."""

    __slots__ = ("attempts", "change", "error", "finished", "value")

    def __init__(self, change: Callable[[UnitOfWork], T]):
        self.change = change
        self.value: T | None = None
        self.error: BaseException | None = None
        self.finished = False
        self.attempts = 0

    def outcome(self) -> T:
        if self.error is not None:
            raise self.error
        return cast(T, self.value)  # set by the change, which has finished


class GroupCommit:
    """SQLite: the write transactions waiting in one process share one commit.

    A SQLite commit writes every page a transaction touched to the WAL, and a
    document's search terms touch a page per term; consecutive documents
    touch mostly the same pages. So the writer holding the lock (the leader)
    runs every change queued behind it, each inside a savepoint of one
    transaction, and commits once. Each change stays atomic (its savepoint
    is rolled back if it fails), changes run one after another (serially, as
    under SQLite's lock anyway), and no request is answered before the
    commit that holds its change.
    """

    def __init__(self, engine: Engine, gate: WriteGate, *, max_batch: int = 64, max_retries: int = 10):
        self._engine = engine
        self._gate = gate
        self._max_batch = max_batch
        self._max_retries = max_retries
        self._queue: deque[_Pending[Any]] = deque()
        self._condition = threading.Condition()
        self._leading = False

    def run(self, change: Callable[[UnitOfWork], T]) -> T:
        item = _Pending(change)
        with self._condition:
            self._queue.append(item)
        while True:
            with self._condition:
                while not item.finished and self._leading:
                    self._condition.wait()
                if item.finished:
                    return item.outcome()
                self._leading = True
                batch = [self._queue.popleft() for _ in range(min(len(self._queue), self._max_batch))]
            try:
                self._commit(batch)
            finally:
                with self._condition:
                    self._leading = False
                    self._condition.notify_all()

    def _commit(self, batch: list[_Pending[Any]]) -> None:
        engine = self._engine
        dbapi = engine.dialect.loaded_dbapi
        with self._gate.held():
            connection = checkout(engine)
            try:
                cursor = connection.cursor()
                cursor.execute("BEGIN IMMEDIATE")
                for item in batch:
                    self._apply(connection, cursor, item)
                connection.commit()
            except dbapi.Error as error:
                rollback_quietly(connection)
                self._failed(batch, failure_of(error, engine, connection) or error)
                return
            except BaseException as error:
                rollback_quietly(connection)
                self._failed(batch, error)
                raise
            finally:
                connection.close()
        for item in batch:
            item.finished = True

    def _apply(self, connection: PoolProxiedConnection, cursor: DBAPICursor, item: _Pending[Any]) -> None:
        """Run one change in a savepoint; its refusal or bug rolls back only itself."""
        dbapi = self._engine.dialect.loaded_dbapi
        for _ in range(self._max_retries + 1):
            cursor.execute("SAVEPOINT change")
            try:
                item.value = item.change(UnitOfWork(connection, self._engine.dialect, writable=True))
            except (dbapi.IntegrityError, VersionConflict):
                # It collided with a change of this batch: again, now that it can see it.
                _undo(cursor)
                continue
            except dbapi.Error as error:
                if failure_of(error, self._engine, connection) is not None:
                    raise  # the database itself failed: the whole batch goes
                _undo(cursor)
                item.error = error
                return
            except Exception as error:  # a refusal (NotFound, BadRequest, ...) or a bug
                _undo(cursor)
                item.error = error
                return
            cursor.execute("RELEASE change")
            item.error = None
            return
        item.error = ConcurrentChange()

    def _failed(self, batch: list[_Pending[Any]], failure: BaseException) -> None:
        """The transaction failed as a whole: retry its changes, or fail them all."""
        with self._condition:
            for item in reversed(batch):
                item.attempts += 1
                if isinstance(failure, Retry) and item.attempts <= self._max_retries:
                    self._queue.appendleft(item)
                    continue
                item.error = Unavailable("The database is busy; try again.") if isinstance(failure, Retry) else failure
                item.finished = True


def _undo(cursor: DBAPICursor) -> None:
    cursor.execute("ROLLBACK TO change")
    cursor.execute("RELEASE change")


class Checkpointer:
    """Copies the WAL back into the database from a thread of its own.

    A checkpoint writes the pages of many commits to the database file and
    syncs it: done by a commit, the request that happens to cross the
    threshold waits for it. Here a daemon thread of each worker process
    checkpoints (PASSIVE: never blocking readers or writers) whenever the
    WAL has grown past `pages`.
    """

    def __init__(self, database: str, *, pages: int = 2000, every: float = 0.25):
        self.database = str(Path(database).expanduser())
        self.wal = self.database + "-wal"
        self.threshold = pages * 4096
        self.every = every
        self._pid = 0
        self._lock = threading.Lock()

    def ensure_running(self) -> None:
        """Start this process's thread (threads do not survive a fork)."""
        if self._pid == os.getpid():
            return
        with self._lock:
            if self._pid != os.getpid():
                self._pid = os.getpid()
                threading.Thread(target=self._run, name="sqlite-checkpointer", daemon=True).start()

    def _run(self) -> None:
        connection = sqlite3.connect(self.database, isolation_level=None, check_same_thread=False)
        while True:  # as long as the process lives (a daemon thread)
            time.sleep(self.every)
            try:
                if os.stat(self.wal).st_size > self.threshold:
                    connection.execute("PRAGMA wal_checkpoint(PASSIVE)")
            except FileNotFoundError:
                if not os.path.exists(self.database):
                    connection.close()
                    return  # the database is gone (a test's, say): nothing left to do
            except (OSError, sqlite3.Error):
                LOG.warning("background checkpoint failed; commits will checkpoint", exc_info=True)
