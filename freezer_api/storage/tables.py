"""The database schema, shared by the repositories and the migrations.

Every document kind has one table holding the whole document as JSON text
(`doc`) plus the columns lists filter, sort or look up on, and one terms
table: the inverted index of the document's leaf (name, value) pairs that
search is answered from (see freezer_api.domain.search).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Double,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.dialects import mysql
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeEngine

from freezer_api.domain.restore import catalog_fields

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING_CONVENTION)

_MYSQL = ("mysql", "mariadb")

# Ids and project ids compare byte for byte on every engine.
Key = String(255).with_variant(mysql.VARCHAR(255, charset="utf8mb4", collation="utf8mb4_bin"), *_MYSQL)


class TermText(TypeDecorator):
    """Term names and value tokens: compared byte for byte on every engine.

    MySQL/MariaDB store them as VARBINARY, because their text collations
    ignore case or trailing spaces.
    """

    impl = String(191)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name in _MYSQL:
            return dialect.type_descriptor(mysql.VARBINARY(764))
        return dialect.type_descriptor(String(191))

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | bytes | None:
        if value is not None and dialect.name in _MYSQL:
            return value.encode()
        return value

    def process_result_value(self, value: str | bytes | None, dialect: Dialect) -> str | None:
        if isinstance(value, bytes):
            return value.decode()
        return value


# JSON documents can exceed MySQL's 64 KiB TEXT.
DocumentText = Text().with_variant(mysql.LONGTEXT(charset="utf8mb4", collation="utf8mb4_bin"), *_MYSQL)
Seq = BigInteger().with_variant(Integer(), "sqlite")


@dataclass(frozen=True)
class DocumentTables:
    """The table of one document kind, its terms table and derived columns."""

    kind: str
    id_column: str
    table: Table
    terms: Table
    # Column name -> function of the document giving that column's value.
    derived: dict[str, Callable[[dict], Any]]
    # Columns the server sets beside the document, read back with it, never
    # part of it (a backup's user_name, which only the v1 view shows).
    attributes: tuple[str, ...] = ()
    # Columns derived together by one function of the document: (names, function).
    derived_together: tuple[tuple[str, ...], Callable[[dict], dict[str, Any]]] | None = None

    @property
    def derived_columns(self) -> list[str]:
        together = self.derived_together[0] if self.derived_together else ()
        return [*self.derived, *together]

    def derive(self, doc: dict) -> dict[str, Any]:
        """The value of every derived column for this document."""
        values = {column: compute(doc) for column, compute in self.derived.items()}
        if self.derived_together is not None:
            names, compute_all = self.derived_together
            computed = compute_all(doc)
            values.update((name, computed.get(name)) for name in names)
        return values


def _document_tables(
    kind: str,
    id_column: str,
    *extra: Column | Index,
    derived: dict[str, Callable[[dict], Any]] | None = None,
    attributes: tuple[str, ...] = (),
    derived_together: tuple[tuple[str, ...], Callable[[dict], dict[str, Any]]] | None = None,
) -> DocumentTables:
    table = Table(
        kind,
        metadata,
        Column("seq", Seq, primary_key=True, autoincrement=True),
        Column("project_id", Key, nullable=False),
        Column(id_column, Key, nullable=False),
        Column("user_id", Key, nullable=False),
        Column("version", Integer, nullable=False),
        *extra,
        Column("doc", DocumentText, nullable=False),
        Column("search_text", DocumentText, nullable=False),
        UniqueConstraint("project_id", id_column),
        # Lists page through a project in creation order.
        Index(f"ix_{kind}_project_seq", "project_id", "seq"),
    )
    singular = kind[:-1]
    # One B-tree per terms table, keyed the way searches look terms up (and
    # clustered on it: WITHOUT ROWID on SQLite, InnoDB's primary key). Each
    # term a document adds then touches one index page, not three. The
    # repository deletes a document's terms itself: it knows them from the
    # document, and a foreign key would want an index on doc_seq.
    terms = Table(
        f"{singular}_terms",
        metadata,
        Column("project_id", Key, primary_key=True),
        Column("name", TermText(), primary_key=True),
        Column("value", TermText(), primary_key=True),
        Column("doc_seq", Seq, primary_key=True, autoincrement=False),
        sqlite_with_rowid=False,
    )
    return DocumentTables(kind, id_column, table, terms, derived or {}, attributes, derived_together)


def _integer(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return int(value) if abs(value) < 2**63 else None
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            return None
    return None


def backup_time_stamp(doc: dict) -> int | None:
    """The epoch a backup was taken: what time_after/time_before bound."""
    metadata_ = doc.get("backup_metadata") or {}
    stamp = metadata_.get("time_stamp")
    if stamp is None:
        stamp = metadata_.get("timestamp")  # the 2015 v1 name
    return _integer(stamp)


# What backup sets and restore plans read (freezer_api.domain.restore.catalog_fields).
# The set's names are only grouped and filtered on, never indexed (a container
# is a path of any length); host_set, a digest of hostname and backup_name, is.
CATALOG_COLUMNS = (
    "container",
    "hostname",
    "backup_name",
    "host_set",
    "set_time_stamp",
    "set_level",
    "storage",
    "mode",
    "problem",
)
SetName = DocumentText


def backup_status(doc: dict) -> str | None:
    """A backup's status, what /metrics counts good backups by (storage/protection.py)."""
    status = doc.get("status")
    return status[:32] if isinstance(status, str) else None


BACKUPS = _document_tables(
    "backups",
    "backup_id",
    Column("time_stamp", BigInteger, nullable=True),
    Column("user_name", String(255), nullable=True),
    Column("container", SetName, nullable=True),
    Column("hostname", SetName, nullable=True),
    Column("backup_name", SetName, nullable=True),
    Column("host_set", String(64), nullable=True),
    Column("set_time_stamp", BigInteger, nullable=True),
    Column("set_level", BigInteger, nullable=True),
    Column("storage", String(255), nullable=True),
    Column("mode", String(255), nullable=True),
    Column("problem", Text, nullable=True),
    Column("status", String(32), nullable=True),
    Index("ix_backups_project_time", "project_id", "time_stamp"),
    Index("ix_backups_project_host_set", "project_id", "host_set", "set_time_stamp", "set_level"),
    derived={"time_stamp": backup_time_stamp, "status": backup_status},
    attributes=("user_name",),
    derived_together=(CATALOG_COLUMNS, catalog_fields),
)

# One row per backup set (container, hostname, backup_name) a project has
# backups in, added and removed with its backups (storage/catalog.py), so a
# page of sets is an indexed read whatever the number of backups. `set_key`
# and `host_set` are digests (freezer_api.domain.restore): unique and indexed
# keys of names of any length.
BACKUP_SETS = Table(
    "backup_sets",
    metadata,
    Column("seq", Seq, primary_key=True, autoincrement=True),
    Column("project_id", Key, nullable=False),
    Column("set_key", String(64), nullable=False),
    Column("host_set", String(64), nullable=False),
    Column("container", SetName, nullable=False),
    Column("hostname", SetName, nullable=False),
    Column("backup_name", SetName, nullable=False),
    UniqueConstraint("project_id", "set_key"),
    Index("ix_backup_sets_project_seq", "project_id", "seq"),
    Index("ix_backup_sets_project_host_set", "project_id", "host_set"),
)

CLIENTS = _document_tables(
    "clients",
    "client_id",
    Column("is_central", Boolean, nullable=False, default=False),
    Index("ix_clients_central", "is_central", "client_id"),
    Index("ix_clients_client_id", "client_id"),
    derived={"is_central": lambda doc: bool(doc.get("client", {}).get("is_central", False))},
)

JOBS = _document_tables(
    "jobs",
    "job_id",
    Index("ix_jobs_job_id", "job_id"),
)

ACTIONS = _document_tables("actions", "action_id")

SESSIONS = _document_tables("sessions", "session_id")

ALL = (BACKUPS, CLIENTS, JOBS, ACTIONS, SESSIONS)


# -- events (freezer_api.domain.events) and their delivery -------------------

Stamp: Double[float] = Double()  # epoch seconds, with a fraction

# The outbox: every event, in the order its transaction recorded it.
EVENTS = Table(
    "events",
    metadata,
    Column("seq", Seq, primary_key=True, autoincrement=True),
    Column("event_id", String(36), nullable=False, unique=True),
    Column("event_type", String(64), nullable=False),
    Column("priority", String(8), nullable=False),
    Column("project_id", Key, nullable=False),
    Column("payload", DocumentText, nullable=False),
    Column("created_at", Stamp, nullable=False),
)

# How far each channel (notifications, webhooks) has taken the outbox, and
# which process holds its lease: one process at a time reads a channel's events.
EVENT_CONSUMERS = Table(
    "event_consumers",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("last_seq", BigInteger, nullable=False),
    Column("lease_owner", String(128), nullable=True),
    Column("lease_until", Stamp, nullable=False),
)

WEBHOOKS = Table(
    "webhooks",
    metadata,
    Column("seq", Seq, primary_key=True, autoincrement=True),
    Column("project_id", Key, nullable=False),
    Column("webhook_id", Key, nullable=False),
    Column("user_id", Key, nullable=False),
    Column("url", Text, nullable=False),
    Column("events", Text, nullable=False),  # a JSON list of event types, or ["*"]
    Column("secret", String(255), nullable=False),
    Column("created_at", Stamp, nullable=False),
    UniqueConstraint("project_id", "webhook_id"),
)

# One row per (webhook, event) it subscribed to, delivered in seq order per webhook.
WEBHOOK_DELIVERIES = Table(
    "webhook_deliveries",
    metadata,
    Column("seq", Seq, primary_key=True, autoincrement=True),
    Column("webhook_seq", Seq, nullable=False),
    Column("event_seq", Seq, nullable=False),
    Column("status", String(16), nullable=False),  # pending, delivered, failed
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_at", Stamp, nullable=False),
    Column("last_attempt_at", Stamp, nullable=True),
    Column("response_status", Integer, nullable=True),
    Column("last_error", Text, nullable=True),
    Column("delivered_at", Stamp, nullable=True),
    UniqueConstraint("webhook_seq", "event_seq"),
    Index("ix_webhook_deliveries_status_webhook_seq", "status", "webhook_seq", "seq"),
)


# -- derived state: runs, liveness, job health (docs/health.md) -------------
#
# Plain tables, not documents: the server writes them, in the same
# transaction as the job or backup write that changes them; nobody writes
# them through the API.

Epoch = BigInteger

RUNS = Table(
    "runs",
    metadata,
    Column("seq", Seq, primary_key=True, autoincrement=True),
    Column("project_id", Key, nullable=False),
    Column("run_id", Key, nullable=False),
    Column("job_id", Key, nullable=False),
    Column("client_id", Key, nullable=False),
    Column("session_id", Key, nullable=True),
    Column("session_tag", Integer, nullable=True),
    Column("started_at", Epoch, nullable=False),
    Column("ended_at", Epoch, nullable=True),
    Column("result", String(16), nullable=False),
    # The job id while the run is open, NULL once closed: the unique index on
    # (project_id, open_job) lets the database itself refuse a second open
    # run of one job (NULLs never collide on any of the three engines).
    Column("open_job", Key, nullable=True),
    UniqueConstraint("project_id", "run_id"),
    UniqueConstraint("project_id", "open_job"),
    Index("ix_runs_project_job_seq", "project_id", "job_id", "seq"),
    Index("ix_runs_project_seq", "project_id", "seq"),
    Index("ix_runs_ended_at", "ended_at"),
)

# The backups posted with a job's id while one of its runs was open. Rows are
# only ever added (a backup post adds one without reading anything), so
# concurrent posts never lose one another's ids.
RUN_BACKUPS = Table(
    "run_backups",
    metadata,
    Column("run_seq", Seq, primary_key=True, autoincrement=False),
    Column("backup_id", Key, primary_key=True),
    sqlite_with_rowid=False,
)

# When the server last heard from each client (its polls, PATCHes, backups, registration).
CLIENT_LIVENESS = Table(
    "client_liveness",
    metadata,
    Column("project_id", Key, primary_key=True),
    Column("client_id", Key, primary_key=True),
    Column("last_seen", Epoch, nullable=False),
    sqlite_with_rowid=False,
)

# One row per job: what its health is computed from, kept current by every
# write of the job and of its runs (freezer_api.domain.runs.track_job_transition),
# so that the health of every job of a project is one indexed read.
JOB_HEALTH = Table(
    "job_health",
    metadata,
    Column("project_id", Key, primary_key=True),
    Column("job_id", Key, primary_key=True),
    Column("client_id", Key, nullable=False),
    Column("paused_since", Epoch, nullable=True),
    Column("one_shot", Boolean, nullable=False),
    Column("armed_at", Epoch, nullable=False),
    Column("expected_at", Epoch, nullable=True),
    Column("open_run_id", Key, nullable=True),
    Column("open_started_at", Epoch, nullable=True),
    Column("last_run_id", Key, nullable=True),
    Column("last_result", String(16), nullable=True),
    Column("last_started_at", Epoch, nullable=True),
    Column("last_ended_at", Epoch, nullable=True),
    Column("last_success_at", Epoch, nullable=True),
    Column("failing_since", Epoch, nullable=True),
    Index("ix_job_health_project_client", "project_id", "client_id"),
    sqlite_with_rowid=False,
)

# The health state of each job and client as the health watcher last reported
# it (freezer_api/domain/watch.py). A transition is a compare-and-set of one
# row (UPDATE ... WHERE state = the old state): of all the API processes that
# see it, exactly one changes the row, and that one records the event.
HEALTH_STATES = Table(
    "health_states",
    metadata,
    Column("project_id", Key, primary_key=True),
    Column("kind", String(8), primary_key=True),  # job or client
    Column("subject_id", Key, primary_key=True),
    Column("state", String(16), nullable=False),
    Column("changed_at", Epoch, nullable=False),
    sqlite_with_rowid=False,
)
