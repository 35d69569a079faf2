"""[database] statement_timeout: the database cancels a statement that runs too long, on every engine.

The request then answers 503 (a domain Unavailable, with Retry-After at the
edge) instead of holding its worker thread and the database; schema
migrations run without the limit.
"""

from __future__ import annotations

import time

import pytest

from freezer_api.domain.errors import Unavailable
from freezer_api.storage import schema
from freezer_api.storage.engine import EngineOptions, make_engine, make_read_engine, statement_timeout_lifted
from freezer_api.storage.store import Store

TIMEOUT = 1
# Counting to a billion takes minutes: only the timeout ends it. (MariaDB
# stops a recursion after max_recursive_iterations, silently: it sleeps.)
COUNTING = (
    "WITH RECURSIVE counter(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM counter WHERE n < 1000000000) "
    "SELECT count(*) FROM counter"
)
ENDLESS = {"sqlite": COUNTING, "postgresql": COUNTING, "mysql": "SELECT SLEEP(600)"}
SLEEP_LONGER_THAN_THE_TIMEOUT = {"postgresql": "SELECT pg_sleep(1.5)", "mysql": "SELECT SLEEP(1.5)"}


@pytest.fixture
def endless(engine_name) -> str:
    return ENDLESS[engine_name]


@pytest.fixture
def limited(database):
    """A store whose statements may run for TIMEOUT seconds."""
    options = EngineOptions(statement_timeout=TIMEOUT)
    engine = make_engine(database.url, options)
    schema.upgrade(engine)
    store = Store(engine, read_engine=make_read_engine(engine, options))
    yield store
    store.dispose()


def run(unit, sql: str):
    cursor = unit.dbapi_connection.cursor()
    try:
        cursor.execute(sql)
        return cursor.fetchall()
    finally:
        cursor.close()


def test_a_read_running_too_long_is_cancelled_as_unavailable(limited, endless):
    started = time.monotonic()
    with pytest.raises(Unavailable, match="longer than the server allows"), limited.reading() as unit:
        run(unit, endless)
    assert time.monotonic() - started < TIMEOUT + 3
    with limited.reading() as unit:  # the connection (or its replacement) serves the next request
        assert run(unit, "SELECT 1")[0][0] == 1


def test_a_write_running_too_long_is_cancelled(limited, endless):
    started = time.monotonic()
    with pytest.raises(Unavailable, match="longer than the server allows"):
        limited.atomic(lambda unit: run(unit, endless))
    assert time.monotonic() - started < TIMEOUT + 3
    assert limited.atomic(lambda unit: run(unit, "SELECT 2"))[0][0] == 2


def test_migrations_run_without_the_limit_and_it_comes_back(limited, engine_name, endless):
    engine = limited.engine
    sleep = SLEEP_LONGER_THAN_THE_TIMEOUT.get(engine_name)
    with engine.begin() as connection, statement_timeout_lifted(connection):
        if sleep is not None:
            connection.exec_driver_sql(sleep)
    with pytest.raises(Unavailable, match="longer than the server allows"):
        limited.atomic(lambda unit: run(unit, endless))
