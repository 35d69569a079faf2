"""Fixtures shared by every test package.

`engine_name` runs a test once per database engine (sqlite, postgresql,
mysql); engines without a configured server skip, or fail in CI (see
tests/support/databases.py).
"""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from oslo_config import cfg

from freezer_api.app import create_app
from freezer_api.conf import register_opts
from freezer_api.storage.engine import make_engine
from freezer_api.storage.store import Store
from tests.support import databases
from tests.support.http import Caller, InProcess, OverHTTP
from tests.support.personas import PERSONAS
from tests.support.reporting import FUZZ_REPORT
from tests.support.server import LiveServer, start_server


@pytest.fixture(scope="session", params=databases.ENGINES)
def engine_name(request) -> str:
    return request.param


@pytest.fixture(scope="session")
def database(engine_name, tmp_path_factory):
    db = databases.create_database(engine_name, tmp_path_factory.mktemp(f"db-{engine_name}"))
    yield db
    db.drop()


def make_conf(**groups) -> cfg.ConfigOpts:
    """A configuration with defaults, overridden by {group: {option: value}}."""
    conf = cfg.ConfigOpts()
    register_opts(conf)
    conf(args=[], default_config_files=[])
    for group, options in groups.items():
        for name, value in options.items():
            conf.set_override(name, value, group=None if group == "DEFAULT" else group)
    return conf


@pytest.fixture(scope="session")
def app(database):
    """The app in process, over this engine's database, trusting identity headers."""
    conf = make_conf(DEFAULT={"auth_strategy": "noauth"}, database={"connection": database.url})
    database.upgrade()
    return create_app(conf)


def new_project() -> str:
    return "p" + uuid.uuid4().hex


@pytest.fixture
def project() -> str:
    """A project id no other test uses."""
    return new_project()


def identity_headers(project_id: str, *, roles: str = "member,reader", user_id: str = "user-1") -> dict[str, str]:
    return {"X-Project-Id": project_id, "X-User-Id": user_id, "X-Roles": roles}


@pytest.fixture
def api(app, project) -> Caller:
    """A member of a fresh project, calling the in-process app."""
    return Caller(InProcess(app), identity_headers(project))


@pytest.fixture
def transport(app) -> InProcess:
    return InProcess(app)


@pytest.fixture(scope="session")
def live_server(database, tmp_path_factory) -> LiveServer:
    """A real freezer-api process (2 workers, static tokens) over this engine's database."""
    database.upgrade()
    server = start_server(tmp_path_factory.mktemp(f"server-{database.engine_name}"), database_url=database.url)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def sqlite_server(tmp_path_factory) -> LiveServer:
    """A real freezer-api process over SQLite, for behaviour that does not depend on the engine."""
    directory = tmp_path_factory.mktemp("server-sqlite-only")
    server = start_server(directory, database_url=f"sqlite:///{directory / 'freezer.sqlite'}")
    yield server
    server.stop()


def as_persona(server: LiveServer, name: str) -> Caller:
    return Caller(OverHTTP(server.url), {"X-Auth-Token": PERSONAS[name].token})


# Packages whose every test needs more than this server: marked by directory.
_DIRECTORY_MARKERS = {"e2e": "e2e", "identity": "keystone"}
_TESTS = Path(__file__).parent


def pytest_collection_modifyitems(config, items):
    """Mark tests by what they need: a Keystone, the whole system, a PostgreSQL or MariaDB server."""
    for item in items:
        marker = _DIRECTORY_MARKERS.get(item.path.relative_to(_TESTS).parts[0])
        if marker is not None:
            item.add_marker(marker)
        callspec = getattr(item, "callspec", None)
        if callspec is not None and any(
            isinstance(value, str) and value in databases.SERVER_ENGINES for value in callspec.params.values()
        ):
            item.add_marker("engines")


def pytest_terminal_summary(terminalreporter):
    """One line per distinct skip reason (e.g. an engine without a server), not one per test."""
    reasons: dict[str, int] = {}
    for report in terminalreporter.stats.get("skipped", []):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        reason = reason.removeprefix("Skipped: ")
        reasons[reason] = reasons.get(reason, 0) + 1
    for reason, count in sorted(reasons.items()):
        terminalreporter.write_line(f"SKIPPED {count} tests: {reason}")
    fuzz_report = terminalreporter.config.stash.get(FUZZ_REPORT, None)
    if fuzz_report is not None:
        terminalreporter.write_line(fuzz_report())


@pytest.fixture
def store_older_backups(database):
    """Store backups as older releases or imports left them, past today's validation: f(project, {id: metadata})."""

    def store(project_id: str, backups: dict[str, dict], *, status: str = "available") -> None:
        store = Store(make_engine(database.url))
        try:
            store.atomic(
                lambda uow: [
                    uow.backups.insert(
                        project_id,
                        backup_id,
                        "user-1",
                        {
                            "backup_id": backup_id,
                            "project_id": project_id,
                            "user_id": "user-1",
                            "status": metadata.pop("status", status),
                            "backup_metadata": metadata,
                        },
                    )
                    for backup_id, metadata in ((key, dict(value)) for key, value in backups.items())
                ]
            )
        finally:
            store.dispose()

    return store
