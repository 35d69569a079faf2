"""Schema upgrades through Alembic, for freezer-manage and for start-up."""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine

from freezer_api.storage.engine import sqlite_file, statement_timeout_lifted
from freezer_api.storage.sqlite_writes import WriteGate
from freezer_api.storage.tables import metadata

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def _config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(_config()).get_current_head()
    if head is None:
        raise RuntimeError(f"no migrations in {MIGRATIONS_DIR}")
    return head


def known_revisions() -> set[str]:
    """Every revision this release's migrations define."""
    return {script.revision for script in ScriptDirectory.from_config(_config()).walk_revisions()}


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    with _exclusive(engine), engine.begin() as conn, statement_timeout_lifted(conn):
        command.upgrade(_config(conn), revision)


def downgrade(engine: Engine, revision: str) -> None:
    with _exclusive(engine), engine.begin() as conn, statement_timeout_lifted(conn):
        command.downgrade(_config(conn), revision)


def differences(engine: Engine) -> list[Any]:
    """What differs between the database and the models (empty when in sync)."""
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return compare_metadata(context, metadata)


def is_current(engine: Engine) -> bool:
    return current_revision(engine) == head_revision()


def standing(revision: str | None, *, head: str, known: set[str]) -> str:
    """Where a database at `revision` stands for this release.

    "current" (this release's head), "behind" (a revision this release
    knows: its migrations are to be applied; also "no schema at all"), or
    "newer" (a revision this release does not know, so one a newer release
    wrote: this release serves it during a rolling upgrade, README "Upgrades").
    """
    if revision == head:
        return "current"
    if revision is None or revision in known:
        return "behind"
    return "newer"


def _exclusive(engine: Engine) -> AbstractContextManager[None]:
    """Keep two processes from migrating one SQLite file at once (and writers out meanwhile)."""
    database = sqlite_file(engine)
    return WriteGate(database).held() if database else nullcontext()
