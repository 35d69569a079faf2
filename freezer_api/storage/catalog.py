"""Backup sets and chain entries, read from the catalog columns of the backups table (docs/restore.md).

The columns are derived from each backup document when it is written
(freezer_api.domain.restore.catalog_fields); these reads never decode a
document. host_set, a digest of hostname and backup_name, leads the index
every read here goes through; the names themselves are compared too, so a
digest collision cannot mix sets.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, and_, bindparam, case, func, literal_column, or_, select
from sqlalchemy.engine import Dialect

from freezer_api.domain.restore import CatalogEntry, SetKey, host_digest
from freezer_api.storage.queries import CompiledQuery, fetch_rows
from freezer_api.storage.tables import BACKUPS

_t = BACKUPS.table
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
    conditions = [_t.c.project_id == bindparam("project_id"), _t.c.host_set.is_not(None)]
    if by_digest:
        conditions.append(_t.c.host_set == bindparam("host_set"))
    conditions.extend(_t.c[name] == bindparam(f"match_{name}") for name in matched)
    first = func.min(_t.c.seq)
    return (
        select(_t.c.container, _t.c.hostname, _t.c.backup_name)
        .where(*conditions)
        .group_by(_t.c.host_set, _t.c.container, _t.c.hostname, _t.c.backup_name)
        .order_by(first, _t.c.host_set)
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


class BackupCatalog:
    """The backup sets of a project, on one unit of work's connection."""

    def __init__(self, dbapi_connection: Any, dialect: Dialect):
        self.dbapi_connection = dbapi_connection
        self.dialect = dialect

    def _rows(self, query: CompiledQuery, values: dict[str, Any]) -> list[tuple]:
        return fetch_rows(self.dbapi_connection, self.dialect, query, values)

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
        wanted: dict[SetKey, list[CatalogEntry]] = {key: [] for key in keys}
        for row in self._rows(query, values):
            entry = _entry(row)
            found = wanted.get(SetKey(entry.container, entry.hostname, entry.backup_name))
            if found is not None:
                found.append(entry)
        return wanted

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
