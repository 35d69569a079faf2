"""The original freezer-api's database, read as the documents this server stores.

The original keeps each kind in its own table, with some fields in columns
and the rest as JSON in text columns, and soft-deletes rows (`deleted`). Its
schema moved over the releases (the alembic revisions of its
freezer_api/db/sqlalchemy/migrations): job actions went from a JSON list in
`jobs.job_actions` to a `job_actions` table, `actions.src_file` became
`path_to_backup`, clients gained capability columns and `is_central`,
backups lost `user_name` and gained `status`, jobs gained trusts in
`user_credentials`. The tables are reflected, so every one of those schemas
is read by what it actually has.

Each live row becomes the document the original's API answered for it
(docs/migrating.md lists the few differences), or a Skip that says why it
cannot be imported; a row the original's API never showed (deleted) is
neither, only counted.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import orjson
from sqlalchemy import Column, Engine, MetaData, Table, create_engine, false, func, select
from sqlalchemy.engine import URL, Connection
from sqlalchemy.pool import NullPool

from freezer_api.conf.original import our_driver_url
from freezer_api.domain.clients import CAPABILITIES
from freezer_api.domain.ids import is_storable_key
from freezer_api.storage.engine import parse_database_url

# Kinds in the order they are imported: what a later kind refers to comes first.
KINDS = ("clients", "actions", "sessions", "jobs", "backups")
ID_KEYS = {
    "clients": "client_id",
    "actions": "action_id",
    "sessions": "session_id",
    "jobs": "job_id",
    "backups": "backup_id",
}
# Tables only the original's schema has (this server's names its own kinds alike).
ORIGINAL_ONLY_TABLES = {"action_reports", "job_actions", "user_credentials"}
# Rows read from the source at a time.
CHUNK = 1000

# The action columns the original's API lays over the JSON definition it kept
# (freezer_action key -> column); `path_to_backup` was `src_file` before its
# revision e74c32f034c5.
_ACTION_COLUMNS = {
    "backup_name": "backup_name",
    "action": "action",
    "mode": "actionmode",
    "container": "container",
    "timeout": "timeout",
    "priority": "priority",
    "path_to_backup": "path_to_backup",
    "log_file": "log_file",
}
_CAPABILITIES = tuple(CAPABILITIES)
_SESSION_FIELDS = (
    "description",
    "session_tag",
    "result",
    "hold_off",
    "status",
    "time_start",
    "time_end",
    "time_started",
    "time_ended",
)


@dataclass(frozen=True)
class Document:
    """A document to import: its owner of record and the stored document."""

    kind: str
    project_id: str
    doc_id: str
    user_id: str
    doc: dict[str, Any]
    attributes: dict[str, Any] | None = None


@dataclass(frozen=True)
class Skip:
    """A live row of the original that cannot be imported, and why."""

    kind: str
    project_id: str | None
    doc_id: str
    reason: str


@dataclass
class Notes:
    """What the reader noticed without skipping a document (an action a job lists but the original hid)."""

    lines: list[str] = field(default_factory=list)


class Unimportable(Exception):
    """The reason a row cannot become a document."""


def source_url(url: str) -> URL:
    """The URL to read the original's database with, on this server's drivers (MySQLdb, psycopg2: no)."""
    return parse_database_url(our_driver_url(url))


def open_source(url: str) -> Engine:
    return create_engine(source_url(url), poolclass=NullPool)


def _loads(value: Any, what: str) -> Any:
    if value is None:
        return None
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    try:
        return orjson.loads(value)
    except orjson.JSONDecodeError as error:
        raise Unimportable(f"{what} is not valid JSON ({error})") from None


def _object(value: Any, what: str, *, required: bool = True) -> dict[str, Any] | None:
    decoded = _loads(value, what)
    if decoded is None and not required:
        return None
    if not isinstance(decoded, dict):
        raise Unimportable(f"{what} is not a JSON object")
    return decoded


def _live(table: Table) -> Any:
    """Rows the original's API shows: its queries ask for `deleted = false`, which NULL never is."""
    return table.c.deleted == false()


class Source:
    """The original's tables, reflected from one database."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self.metadata = MetaData()
        self.metadata.reflect(engine)
        self.tables = self.metadata.tables
        self.notes = Notes()

    @property
    def revision(self) -> str | None:
        """The original's alembic revision (None: no alembic table, an older or hand-made schema)."""
        table = self.tables.get("alembic_version")
        if table is None:
            return None
        with self.engine.connect() as conn:
            return conn.execute(select(table.c.version_num)).scalar()

    def missing_tables(self) -> list[str]:
        return [kind for kind in KINDS if kind not in self.tables]

    def has(self, table: str, column: str) -> bool:
        return table in self.tables and column in self.tables[table].c

    def count(self, kind: str) -> tuple[int, int]:
        """(rows the original shows, rows it does not: deleted) of one kind."""
        table = self.tables[kind]
        with self.engine.connect() as conn:
            total = conn.execute(select(func.count()).select_from(table)).scalar() or 0
            live = conn.execute(select(func.count()).select_from(table).where(_live(table))).scalar() or 0
        return live, total - live

    def read(self, kind: str) -> Iterator[list[Document | Skip]]:
        """The documents (and skips) of one kind, a chunk at a time, oldest first."""
        table = self.tables[kind]
        order = [column for column in (_column(table, "created_at"), table.c.id) if column is not None]
        convert = getattr(self, f"_{kind}")
        with self.engine.connect() as stream, self.engine.connect() as lookups:
            query = select(table).where(_live(table)).order_by(*order)
            result = stream.execution_options(stream_results=True, yield_per=CHUNK).execute(query)
            for rows in result.mappings().partitions(CHUNK):
                yield list(convert(lookups, rows))

    # -- one converter per kind: rows -> documents ------------------------------------------

    def _each(self, kind: str, rows: Iterable[Any], build: Any) -> Iterator[Document | Skip]:
        for row in rows:
            doc_id, project_id = row["id"], row["project_id"]
            try:
                yield _checked(kind, project_id, build(row))
            except Unimportable as reason:
                yield Skip(kind, project_id, str(doc_id), str(reason))

    def _clients(self, _: Connection, rows: Sequence[Any]) -> Iterator[Document | Skip]:
        seen: set[tuple[str, str]] = set()
        for item in self._each("clients", rows, self._client):
            if isinstance(item, Document):
                key = (item.project_id, item.doc_id)
                if key in seen:
                    # The original answered with one of them, whichever its database gave first.
                    item = Skip("clients", item.project_id, item.doc_id, "a second live registration of this client_id")
                seen.add(key)
            yield item

    def _client(self, row: Any) -> Document:
        client: dict[str, Any] = {
            "uuid": row["uuid"],
            "hostname": row["hostname"],
            "client_id": row["client_id"],
            "is_central": bool(row.get("is_central") or False),
            "description": row["description"],
        }
        for name in _CAPABILITIES:
            if name not in row:  # before revision 23c8ad2655a6: every capability, as its migration gave
                client[name] = list(CAPABILITIES[name])
                continue
            decoded = _loads(row[name], name)
            client[name] = decoded if decoded is not None else []  # the original showed NULL as []
            if not isinstance(client[name], list):
                raise Unimportable(f"{name} is not a JSON list")
        if not isinstance(row["client_id"], str) or not row["client_id"]:
            raise Unimportable("client_id is empty")
        doc = {"project_id": row["project_id"], "user_id": row["user_id"], "client": client}
        return _document("clients", row, row["client_id"], doc)

    def _actions(self, _: Connection, rows: Sequence[Any]) -> Iterator[Document | Skip]:
        return self._each("actions", rows, self._action)

    def _action(self, row: Any) -> Document:
        doc = action_document(row)
        doc["mandatory"] = bool(row.get("mandatory") or False)
        return _document("actions", row, row["id"], doc)

    def _sessions(self, _: Connection, rows: Sequence[Any]) -> Iterator[Document | Skip]:
        return self._each("sessions", rows, self._session)

    def _session(self, row: Any) -> Document:
        doc: dict[str, Any] = {"session_id": row["id"], "project_id": row["project_id"], "user_id": row["user_id"]}
        for name in _SESSION_FIELDS:
            doc[name] = row[name]
        schedule = _loads(row["schedule"], "schedule")
        if schedule is not None:
            doc["schedule"] = schedule
        # This server's sessions always have their member jobs (an empty object for none).
        doc["jobs"] = _object(row["job"], "jobs", required=False) or {}
        return _document("sessions", row, row["id"], doc)

    def _jobs(self, lookups: Connection, rows: Sequence[Any]) -> Iterator[Document | Skip]:
        job_ids = [row["id"] for row in rows]
        entries = self._job_actions(lookups, job_ids, rows)
        credentials = self._credentials(lookups, job_ids)

        def build(row: Any) -> Document:
            schedule = _object(row["schedule"], "job_schedule", required=False)
            doc: dict[str, Any] = {
                "job_id": row["id"],
                "project_id": row["project_id"],
                "user_id": row["user_id"],
                "job_schedule": schedule if schedule is not None else {},
                "client_id": row["client_id"],
                "session_id": row["session_id"] if row["session_id"] is not None else "",
                "session_tag": row["session_tag"] if row["session_tag"] is not None else 0,
                "description": row["description"],
                "job_actions": entries[row["id"]] if row["id"] in entries else _legacy_entries(row),
            }
            if row["id"] in credentials:
                doc["user_credentials"] = credentials[row["id"]]
            return _document("jobs", row, row["id"], doc)

        return self._each("jobs", rows, build)

    def _job_actions(self, conn: Connection, job_ids: list[str], rows: Sequence[Any]) -> dict[str, list[dict]]:
        """Each job's actions from the job_actions table, in order (schemas from revision a1b2c3d4e5f6)."""
        if "job_actions" not in self.tables:
            return {}
        links, actions = self.tables["job_actions"], self.tables["actions"]
        query = (
            select(links.c.job_id, links.c.action_id, links.c.position)
            .where(links.c.job_id.in_(job_ids), _live(links))
            .order_by(links.c.job_id, links.c.position)
        )
        found = conn.execute(query).all()
        wanted = {action_id for _, action_id, _ in found}
        by_id: dict[str, Any] = {}
        if wanted:
            for found_action in conn.execute(
                select(actions).where(actions.c.id.in_(wanted), _live(actions))
            ).mappings():
                by_id[found_action["id"]] = found_action
        project = {row["id"]: row["project_id"] for row in rows}
        entries: dict[str, list[dict]] = {job_id: [] for job_id in job_ids}
        for job_id, action_id, position in found:
            action = by_id.get(action_id)
            # The original shows only the job's project's live actions, and drops the others.
            if action is None or action["project_id"] != project[job_id]:
                self.notes.lines.append(
                    f"job {job_id}: action {action_id} (position {position}) is deleted or in another "
                    "project; left out, as the original shows the job"
                )
                continue
            try:
                entries[job_id].append(action_document(action))
            except Unimportable as reason:
                self.notes.lines.append(f"job {job_id}: action {action_id} left out: {reason}")
        return entries

    def _credentials(self, conn: Connection, job_ids: list[str]) -> dict[str, dict]:
        if "user_credentials" not in self.tables:
            return {}
        table = self.tables["user_credentials"]
        query = select(table.c.job_id, table.c.trust_id, table.c.trustor_user_id).where(table.c.job_id.in_(job_ids))
        order = _column(table, "created_at")
        if order is not None:
            query = query.order_by(order.desc())
        found: dict[str, dict] = {}
        for job_id, trust_id, trustor in conn.execute(query):
            found[job_id] = {"trust_id": trust_id, "trustor_user_id": trustor}  # the oldest wins
        return found

    def _backups(self, _: Connection, rows: Sequence[Any]) -> Iterator[Document | Skip]:
        return self._each("backups", rows, self._backup)

    def _backup(self, row: Any) -> Document:
        metadata = _object(row["backup_metadata"], "backup_metadata")
        doc = {
            "backup_id": row["id"],
            "project_id": row["project_id"],
            "user_id": row["user_id"],
            "status": row.get("status") or "available",  # no column before revision 5c9d21e87f34
            "backup_metadata": metadata,
        }
        user_name = row.get("user_name")  # until revision 4f8c679a1d3b
        return _document("backups", row, row["id"], doc, {"user_name": user_name} if user_name else None)


def action_document(row: Any) -> dict[str, Any]:
    """An action row as the original's API showed it: its JSON definition, the columns laid over it.

    The original sets every column key, null or not; a null one is left out
    here, which this server reads the same (a missing key is a null one).
    """
    freezer_action = _object(row["backup_metadata"], "freezer_action", required=False) or {}
    for key, column in _ACTION_COLUMNS.items():
        name = column if column in row else ("src_file" if column == "path_to_backup" else None)
        if name is not None and name in row:
            freezer_action[key] = row[name]
    freezer_action = {key: value for key, value in freezer_action.items() if value is not None}
    if not freezer_action.get("action"):
        raise Unimportable("the action has no `action`")
    return {
        "action_id": row["id"],
        "project_id": row["project_id"],
        "user_id": row["user_id"],
        "max_retries": row["max_retries"],
        "max_retries_interval": row["max_retries_interval"],
        "freezer_action": freezer_action,
    }


def _legacy_entries(row: Any) -> list[dict]:
    """Job actions kept as a JSON list in the job row (schemas before revision a1b2c3d4e5f6)."""
    if "job_actions" not in row:
        return []
    entries = _loads(row["job_actions"], "job_actions")
    if entries is None:
        return []
    if not isinstance(entries, list) or not all(
        isinstance(entry, dict) and isinstance(entry.get("freezer_action", {}), dict) for entry in entries
    ):
        raise Unimportable("job_actions is not a JSON list of action objects")
    return entries


def _document(kind: str, row: Any, doc_id: Any, doc: dict, attributes: dict | None = None) -> Document:
    if not row["project_id"]:
        raise Unimportable("the row has no project_id")
    if not isinstance(doc_id, str) or not is_storable_key(doc_id):
        raise Unimportable(f"{ID_KEYS[kind]} cannot be stored here (empty, over 255 characters or with NUL)")
    return Document(kind, row["project_id"], doc_id, row["user_id"], doc, attributes)


def _checked(kind: str, project_id: Any, document: Document) -> Document:
    if not is_storable_key(str(project_id)):
        raise Unimportable("project_id cannot be stored here")
    return document


def _column(table: Table, name: str) -> Column | None:
    return table.c.get(name)
