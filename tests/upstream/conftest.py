"""The original freezer-api, filled and stopped, and this server's freezer-manage to import it."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support import databases
from tests.support.upstream_api import Upstream, prepare_upstream
from tests.upstream import catalog as catalog_module


@dataclass
class FilledUpstream:
    upstream: Upstream
    database: databases.TestDatabase
    catalog: catalog_module.Catalog

    @property
    def source_url(self) -> str:
        """The [database] connection of the original's own configuration file."""
        from tests.support.upstream_api import upstream_database_url

        return upstream_database_url(self.database.url)


def source_engine(engine_name: str) -> str:
    """The engine the original runs on when this server's database is on `engine_name`.

    The original 19.0.0 cannot make its schema on PostgreSQL (its first
    migration creates a BLOB column, a type PostgreSQL does not have), so no
    original deployment is on PostgreSQL: an import into PostgreSQL reads a
    MariaDB original, as a deployment moving to PostgreSQL would.
    """
    return "mysql" if engine_name == "postgresql" else engine_name


@pytest.fixture(scope="session")
def filled_upstream(engine_name, tmp_path_factory) -> FilledUpstream:
    """The original freezer-api, filled through its API, then stopped (see source_engine)."""
    directory = tmp_path_factory.mktemp(f"upstream-{engine_name}")
    database = databases.create_database(source_engine(engine_name), directory)
    upstream = prepare_upstream(directory, database.url)
    upstream.start()
    try:
        filled = catalog_module.fill(upstream)
    except BaseException:
        print(upstream.log())
        raise
    finally:
        upstream.stop()
    yield FilledUpstream(upstream, database, filled)
    database.drop()


def manage_config(directory: Path, database_url: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    config = directory / "manage.conf"
    config.write_text(f"[database]\nconnection = {database_url}\n")
    return config


def run_manage(config: Path, *args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    """This server's `freezer-manage --config-file CONFIG ARGS`, as an operator runs it."""
    return subprocess.run(
        [sys.executable, "-m", "freezer_api.cmd.manage", "--config-file", str(config), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )
