"""The database engines the suite runs on, each in a fresh database of its own.

SQLite always runs. PostgreSQL and MariaDB/MySQL run when their server URL is
in the environment (`.ci/run` sets both):

    FREEZER_TEST_POSTGRES_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test
    FREEZER_TEST_MYSQL_URL=mysql+pymysql://root@127.0.0.1:3306/test

The URL names a server and a database the suite may connect to; the suite
creates a uniquely named database beside it and drops it afterwards. With
FREEZER_TEST_REQUIRE_DATABASES=1 (CI), a missing URL fails instead of skipping.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ENGINES = ("sqlite", "postgresql", "mysql")
# Engines reached over the network: what outage, lock and plan tests need.
SERVER_ENGINES = ("postgresql", "mysql")

ENV = {
    "postgresql": "FREEZER_TEST_POSTGRES_URL",
    "mysql": "FREEZER_TEST_MYSQL_URL",
}
EXAMPLE = {
    "postgresql": "postgresql+psycopg://postgres@127.0.0.1:5432/test",
    "mysql": "mysql+pymysql://root@127.0.0.1:3306/test",
}
REQUIRE_ENV = "FREEZER_TEST_REQUIRE_DATABASES"


@dataclass
class TestDatabase:
    engine_name: str
    url: str
    _admin_url: str | None = None
    _name: str | None = None

    def upgrade(self, revision: str = "head") -> None:
        """Migrate this database's schema to `revision` with Alembic."""
        from freezer_api.storage import schema
        from freezer_api.storage.engine import make_engine

        engine = make_engine(self.url)
        try:
            schema.upgrade(engine, revision)
        finally:
            engine.dispose()

    def drop(self) -> None:
        if self._admin_url is None:
            return
        _administer(self.engine_name, self._admin_url, f"DROP DATABASE IF EXISTS {self._name}")


def server_url(engine_name: str) -> str | None:
    return os.environ.get(ENV[engine_name]) if engine_name in ENV else None


def skip_or_fail_missing(engine_name: str) -> None:
    message = (
        f"{engine_name} tests need a database server: set {ENV[engine_name]}, "
        f"for example {ENV[engine_name]}={EXAMPLE[engine_name]}"
    )
    if os.environ.get(REQUIRE_ENV) == "1":
        pytest.fail(message + f" ({REQUIRE_ENV}=1 makes this a failure)")
    pytest.skip(message)


def create_database(engine_name: str, tmp_dir: Path) -> TestDatabase:
    """A new empty database on `engine_name` (skips when the engine is not configured)."""
    if engine_name == "sqlite":
        return TestDatabase("sqlite", f"sqlite:///{tmp_dir / ('freezer-' + uuid.uuid4().hex[:8] + '.sqlite')}")
    admin_url = server_url(engine_name)
    if not admin_url:
        skip_or_fail_missing(engine_name)
    return create_server_database(engine_name, admin_url)


@contextmanager
def upgraded_database(engine_name: str, tmp_dir: Path) -> Iterator[TestDatabase]:
    """A new database at the current schema, dropped when the block ends."""
    db = create_database(engine_name, tmp_dir)
    try:
        db.upgrade()
        yield db
    finally:
        db.drop()


def create_server_database(engine_name: str, admin_url: str, prefix: str = "freezer_test") -> TestDatabase:
    """A new, uniquely named database on the server `admin_url` connects to."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    if engine_name == "mysql":
        _administer(engine_name, admin_url, f"CREATE DATABASE {name} CHARACTER SET utf8mb4 COLLATE utf8mb4_bin")
    else:
        _administer(engine_name, admin_url, f"CREATE DATABASE {name}")
    url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    return TestDatabase(engine_name, url, admin_url, name)


def _administer(engine_name: str, admin_url: str, statement: str) -> None:
    options = {"isolation_level": "AUTOCOMMIT"}
    engine = create_engine(admin_url, **options)
    try:
        with engine.connect() as conn:
            if engine_name == "postgresql" and statement.startswith("DROP"):
                name = statement.split()[-1]
                conn.execute(
                    text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :name"),
                    {"name": name},
                )
            conn.execute(text(statement))
    finally:
        engine.dispose()
