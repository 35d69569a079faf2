"""What a database driver error means for a request: a retry, a 503, or a bug."""

from __future__ import annotations

import logging
import sqlite3
from typing import TYPE_CHECKING

from sqlalchemy import Engine
from sqlalchemy import exc as sa_exc
from sqlalchemy.pool import PoolProxiedConnection

if TYPE_CHECKING:
    from sqlalchemy.engine.interfaces import DBAPIModule

from freezer_api.domain.errors import Unavailable

LOG = logging.getLogger("freezer_api.storage")

# SQLSTATEs and MySQL/MariaDB error numbers (see error_codes) that
# mean "try again": serialization failure, deadlock detected; deadlock.
_RETRY_CODES = {"40001", "40P01", 1213}
# A lock waited for longer than [database] lock_timeout: held by a stuck
# transaction, so running the request again would only wait again.
_LOCK_TIMEOUT_CODES = {"55P03", 1205}
# A statement ran longer than [database] statement_timeout: PostgreSQL's
# query_canceled, MariaDB's max_statement_time, MySQL's max_execution_time.
_STATEMENT_TIMEOUT_CODES = {"57014", 1969, 3024}


class Retry(Exception):
    """The transaction collided with another one: run it again."""

    def __init__(self, cause: Exception):
        super().__init__(str(cause))
        self.cause = cause


class Disconnected(Retry):
    """The database dropped the connection (a restart, a failover): the work may run again on a new one."""


def checkout(engine: Engine) -> PoolProxiedConnection:
    """A pooled DBAPI connection; 503 when the database cannot be reached."""
    dbapi = engine.dialect.loaded_dbapi
    try:
        return engine.raw_connection()
    except (dbapi.OperationalError, dbapi.InterfaceError, sa_exc.DBAPIError) as error:
        raise unavailable(error) from error
    except sa_exc.TimeoutError as error:
        raise overloaded(error) from error


def rollback_quietly(connection: PoolProxiedConnection) -> None:
    try:
        connection.rollback()
    except Exception:  # the connection may be the thing that failed
        LOG.debug("rollback failed", exc_info=True)


def failure_of(error: DBAPIModule.Error, engine: Engine, connection: PoolProxiedConnection) -> Exception | None:
    """What a driver error means for the caller: a retry, a 503, or None (a bug: re-raise)."""
    dbapi = engine.dialect.loaded_dbapi
    if isinstance(error, dbapi.IntegrityError):
        # A concurrent insert of the same id: the retry sees the winner's row.
        return Retry(error)
    if is_retryable(error):
        return Retry(error)
    if is_lock_timeout(error):
        LOG.warning("gave up waiting for a locked document: %s", error)
        return Unavailable("A document this request needs is locked by another transaction; try again.")
    if is_statement_timeout(error):
        LOG.warning("statement cancelled after [database] statement_timeout: %s", error)
        return Unavailable(
            "The request took longer than the server allows a database statement to run; "
            "narrow the search or try again later."
        )
    if dropped(error, engine, connection):
        return Disconnected(error)
    if isinstance(error, (dbapi.OperationalError, dbapi.InterfaceError)):
        return unavailable(error)
    return None


def dropped(error: DBAPIModule.Error, engine: Engine, connection: PoolProxiedConnection) -> bool:
    """Whether `error` says the database dropped `connection`; if so, every pooled connection as old is replaced.

    Connections are not tested before use (a round trip each time): a dead
    one is found by the first statement that fails on it. What killed it
    (a restart) killed its pool mates too, so, as SQLAlchemy's own
    Connection does on a disconnect, every connection opened before now is
    replaced at its next checkout.
    """
    if not engine.dialect.is_disconnect(error, connection.dbapi_connection, None):
        return False
    LOG.warning("the database dropped a connection, replacing the pooled ones: %s", error)
    engine.pool._invalidate(connection, error)  # invalidates this one, and the older ones at checkout
    return True


def unavailable(error: Exception) -> Unavailable:
    LOG.error("database unavailable: %s", error)
    return Unavailable("The database is unavailable; try again shortly.")


def overloaded(error: Exception) -> Unavailable:
    LOG.error("no free database connection: %s", error)
    return Unavailable("The server is overloaded; try again shortly.")


def error_codes(orig: Exception) -> set[str | int]:
    """What a server's error says it is: its SQLSTATE (PostgreSQL, and PyMySQL too) and MySQL's error number."""
    if isinstance(orig, sqlite3.Error):
        return set()
    codes: set[str | int] = set()
    sqlstate = getattr(orig, "sqlstate", None)
    if isinstance(sqlstate, str):
        codes.add(sqlstate)
    args = getattr(orig, "args", ())
    if args and isinstance(args[0], int):
        codes.add(args[0])
    return codes


def is_lock_timeout(orig: Exception) -> bool:
    return bool(error_codes(orig) & _LOCK_TIMEOUT_CODES)


def is_statement_timeout(orig: Exception) -> bool:
    if isinstance(orig, sqlite3.OperationalError):
        return str(orig) == "interrupted"
    return bool(error_codes(orig) & _STATEMENT_TIMEOUT_CODES)


def is_retryable(orig: Exception) -> bool:
    if isinstance(orig, sqlite3.OperationalError):
        return "locked" in str(orig) or "busy" in str(orig)
    return bool(error_codes(orig) & _RETRY_CODES)
