"""Backup sets and chain entries: the backup_sets table and the catalog columns of backups (docs/restore.md).

The columns are derived from each backup document when it is written
(freezer_api.domain.restore.catalog_fields), and BackupRepository keeps one
backup_sets row per set that has backups, in the same transaction; these
reads never decode a document. host_set, a digest of hostname and
backup_name, leads the index the chain reads go through; the names
themselves are compared too, so a digest collision cannot mix sets.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

import orjson
from sqlalchemy import Select, and_, bindparam, case, delete, func, insert, literal_column, or_, select

from freezer_api.domain.ports import NewDocument, Prepared, StoredDocument
from freezer_api.domain.restore import CatalogEntry, SetKey, host_digest, set_digest, set_key
from freezer_api.storage.cursors import Statements
from freezer_api.storage.documents import DocumentRepository
from freezer_api.storage.queries import CompiledQuery
from freezer_api.storage.tables import BACKUP_SETS, BACKUPS

_t = BACKUPS.table
_s = BACKUP_SETS
_ENTRY_COLUMNS = (
    _t.c.backup_id,
    _t.c.container,
    _t.c.hostname,
    _t.c.backup_name,
    _t.c.set_time_stamp,
    _t.c.set_level,
    _t.c.storage,
    _t.c.mode,
    _t.c.problem,
)
MATCHABLE = ("container", "hostname", "backup_name")


def _entry(row: Sequence[Any]) -> CatalogEntry:
    return CatalogEntry(*row)


class _Statements:
    """Statements by shape, built on first use."""

    def __init__(self) -> None:
        self._built: dict[tuple, CompiledQuery] = {}
        self._lock = threading.Lock()

    def get(self, shape: tuple, build: Any) -> CompiledQuery:
        compiled = self._built.get(shape)
        if compiled is None:
            with self._lock:
                compiled = self._built.setdefault(shape, CompiledQuery(build()))
        return compiled


_STATEMENTS = _Statements()


def _set_page(matched: tuple[str, ...], by_digest: bool) -> Select:
    conditions = [_s.c.project_id == bindparam("project_id")]
    if by_digest:
        conditions.append(_s.c.host_set == bindparam("host_set"))
    conditions.extend(_s.c[name] == bindparam(f"match_{name}") for name in matched)
    return (
        select(_s.c.container, _s.c.hostname, _s.c.backup_name)
        .where(*conditions)
        .order_by(_s.c.seq)
        .limit(bindparam("limit"))
        .offset(bindparam("offset"))
    )


_SET_EXISTS = CompiledQuery(
    select(_s.c.seq)
    .where(_s.c.project_id == bindparam("project_id"), _s.c.set_key == bindparam("set_key"))
    .with_for_update()
)
_ADD_SET = CompiledQuery(
    insert(_s).values({name: bindparam(f"v_{name}") for name in ("project_id", "set_key", "host_set", *MATCHABLE)})
)
_DROP_SET = CompiledQuery(
    delete(_s).where(_s.c.project_id == bindparam("project_id"), _s.c.set_key == bindparam("set_key"))
)
_SET_HAS_BACKUPS = CompiledQuery(
    select(_t.c.seq)
    .where(
        _t.c.project_id == bindparam("project_id"),
        _t.c.host_set == bindparam("host_set"),
        _t.c.container == bindparam("container"),
        _t.c.hostname == bindparam("hostname"),
        _t.c.backup_name == bindparam("backup_name"),
    )
    .limit(bindparam("limit"))
    .offset(bindparam("offset"))
)


def _entries_of_sets(count: int) -> Select:
    digests: list[Any] = [bindparam(f"d{index}") for index in range(count)]
    return (
        select(*_ENTRY_COLUMNS)
        .where(_t.c.project_id == bindparam("project_id"), _t.c.host_set.in_(digests))
        .order_by(_t.c.host_set, _t.c.set_time_stamp, _t.c.set_level, _t.c.backup_id)
    )


def _set_conditions(container: bool) -> list:
    conditions = [
        _t.c.project_id == bindparam("project_id"),
        _t.c.host_set == bindparam("host_set"),
        _t.c.hostname == bindparam("hostname"),
        _t.c.backup_name == bindparam("backup_name"),
    ]
    if container:
        conditions.append(_t.c.container == bindparam("container"))
    return conditions


def _level_zeros(container: bool) -> Select:
    """Each container of the set, with its newest level-0 backup at or before :at (NULL when none)."""
    level_zero = case(
        (and_(_t.c.set_level == literal_column("0"), _t.c.set_time_stamp <= bindparam("at")), _t.c.set_time_stamp),
        else_=literal_column("NULL"),
    )
    return (
        select(_t.c.container, func.max(level_zero))
        .where(*_set_conditions(container))
        .group_by(_t.c.container)
        .order_by(_t.c.container)
    )


def _entries_between(container: bool) -> Select:
    """The usable entries of one set from :since to :until, and its unusable ones."""
    in_time = _t.c.set_time_stamp.between(bindparam("since"), bindparam("until"))
    return (
        select(*_ENTRY_COLUMNS)
        .where(*_set_conditions(container), or_(in_time, _t.c.problem.is_not(None)))
        .order_by(_t.c.set_time_stamp, _t.c.set_level, _t.c.backup_id)
    )


class BackupCatalog(Statements):
    """The backup sets of a project, on one unit of work's connection (reads only)."""

    name = "backup catalog"

    def set_page(self, project_id: str, match: dict[str, str], *, limit: int, offset: int) -> list[SetKey]:
        """Sets of the project whose names equal `match`, oldest first (by their first backup)."""
        by_digest = "hostname" in match and "backup_name" in match
        matched = tuple(name for name in MATCHABLE if name in match)
        query = _STATEMENTS.get(("page", matched, by_digest), lambda: _set_page(matched, by_digest))
        values: dict[str, Any] = {"project_id": project_id, "limit": limit, "offset": offset}
        if by_digest:
            values["host_set"] = host_digest(match["hostname"], match["backup_name"])
        values.update((f"match_{name}", match[name]) for name in matched)
        return [SetKey(*row) for row in self._rows(query, values)]

    def entries_of(self, project_id: str, keys: Sequence[SetKey]) -> dict[SetKey, list[CatalogEntry]]:
        """Every backup of each set, oldest first."""
        if not keys:
            return {}
        digests = sorted({host_digest(key.hostname, key.backup_name) for key in keys})
        query = _STATEMENTS.get(("sets", len(digests)), lambda: _entries_of_sets(len(digests)))
        values: dict[str, Any] = {"project_id": project_id}
        values.update((f"d{index}", digest) for index, digest in enumerate(digests))
        wanted: dict[tuple, list[CatalogEntry]] = {(k.container, k.hostname, k.backup_name): [] for k in keys}
        for row in self._rows(query, values):
            found = wanted.get(row[1:4])  # (container, hostname, backup_name)
            if found is not None:
                found.append(_entry(row))
        return {key: wanted[(key.container, key.hostname, key.backup_name)] for key in keys}

    def newest_level_zeros(
        self, project_id: str, hostname: str, backup_name: str, container: str | None, at: int
    ) -> dict[str, int | None]:
        """Each container of (hostname, backup_name): its newest level-0 time_stamp at or before `at`."""
        query = _STATEMENTS.get(("zeros", container is not None), lambda: _level_zeros(container is not None))
        values = self._set_values(project_id, hostname, backup_name, container)
        values["at"] = at
        return {row[0]: row[1] for row in self._rows(query, values)}

    def entries_between(self, project_id: str, key: SetKey, since: int, until: int) -> list[CatalogEntry]:
        """The set's usable backups taken from `since` to `until`, and all its unusable ones."""
        query = _STATEMENTS.get(("between",), lambda: _entries_between(True))
        values = self._set_values(project_id, key.hostname, key.backup_name, key.container)
        values.update(since=since, until=until)
        return [_entry(row) for row in self._rows(query, values)]

    @staticmethod
    def _set_values(project_id: str, hostname: str, backup_name: str, container: str | None) -> dict[str, Any]:
        values: dict[str, Any] = {
            "project_id": project_id,
            "host_set": host_digest(hostname, backup_name),
            "hostname": hostname,
            "backup_name": backup_name,
        }
        if container is not None:
            values["container"] = container
        return values


class BackupRepository(DocumentRepository):
    """The backups, keeping the backup_sets row of every set that has backups in the same transaction.

    A set's row is locked (FOR UPDATE) before its backups are counted, so a
    concurrent write of a backup of the set waits for the removal and then
    adds the row again.
    """

    def insert_many(
        self,
        project_id: str,
        user_id: str,
        docs: Sequence[tuple[str, NewDocument]],
        attributes: Sequence[dict | None] | None = None,
    ) -> list[StoredDocument]:
        stored = super().insert_many(project_id, user_id, docs, attributes)
        keys = {set_key(doc.doc if isinstance(doc, Prepared) else doc) for _, doc in docs}
        for key in sorted((key for key in keys if key is not None), key=set_digest):
            self._keep_set(project_id, key)
        return stored

    def replace(self, stored: StoredDocument, doc: dict) -> int:
        before = set_key(orjson.loads(stored.raw))
        version = super().replace(stored, doc)
        after = set_key(doc)
        if after != before:
            if after is not None:
                self._keep_set(stored.project_id, after)
            if before is not None:
                self._drop_set_if_empty(stored.project_id, before)
        return version

    def delete(self, stored: StoredDocument) -> None:
        key = set_key(orjson.loads(stored.raw))
        super().delete(stored)
        if key is not None:
            self._drop_set_if_empty(stored.project_id, key)

    def _keep_set(self, project_id: str, key: SetKey) -> None:
        digest = set_digest(key)
        if self._rows(_SET_EXISTS, {"project_id": project_id, "set_key": digest}):
            return
        values = {
            "v_project_id": project_id,
            "v_set_key": digest,
            "v_host_set": host_digest(key.hostname, key.backup_name),
            "v_container": key.container,
            "v_hostname": key.hostname,
            "v_backup_name": key.backup_name,
        }
        self._execute(_ADD_SET, values)

    def _drop_set_if_empty(self, project_id: str, key: SetKey) -> None:
        digest = set_digest(key)
        if not self._rows(_SET_EXISTS, {"project_id": project_id, "set_key": digest}):
            return
        names = {"container": key.container, "hostname": key.hostname, "backup_name": key.backup_name}
        values = {
            "project_id": project_id,
            "host_set": host_digest(key.hostname, key.backup_name),
            **names,
            "limit": 1,
            "offset": 0,
        }
        if not self._rows(_SET_HAS_BACKUPS, values):
            self._execute(_DROP_SET, {"project_id": project_id, "set_key": digest})
