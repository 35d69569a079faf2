"""What /healthcheck asks the database: can it be reached, and is its schema one this release can serve."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Engine

from freezer_api.storage import schema


class CheckFailed(Exception):
    """A health check ran and found the service unable to serve; the message says why."""


def database_check(engine: Engine) -> Callable[[], str]:
    """A round trip on a connection of the write pool (writes need the primary)."""

    def check() -> str:
        with engine.connect() as connection:
            connection.exec_driver_sql("SELECT 1")
        return "reachable"

    return check


def schema_check(engine: Engine) -> Callable[[], str]:
    """The schema revision is this release's head, or one newer than it (a rolling upgrade in progress).

    A revision this release knows but that is not its head means the
    migrations of this release have not been applied: the service cannot
    serve. A revision this release does not know was written by a newer
    release, whose migrations keep the previous release working (README,
    "Upgrades"), so a process of the previous release stays in rotation
    until it is replaced.
    """
    head, known = schema.head_revision(), schema.known_revisions()

    def check() -> str:
        current = schema.current_revision(engine)
        standing = schema.standing(current, head=head, known=known)
        if standing == "behind":
            found = f"at {current}" if current else "empty"
            raise CheckFailed(f"the schema is {found}, this release needs {head}: run 'freezer-manage db upgrade'")
        if standing == "newer":
            return f"at {current}, newer than this release's {head} (a rolling upgrade)"
        return f"at {head}"

    return check
