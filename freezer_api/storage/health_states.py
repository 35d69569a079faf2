"""The health states the watcher last reported (tables.HEALTH_STATES): read in bulk, changed by compare-and-set."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.expression import ClauseElement

from freezer_api.domain.watch import SubjectKey
from freezer_api.storage.cursors import Statements
from freezer_api.storage.queries import CompiledQuery
from freezer_api.storage.tables import HEALTH_STATES

s = HEALTH_STATES.c
_KEY = (s.project_id == bindparam("project_id")) & (s.kind == bindparam("kind")) & (s.subject_id == bindparam("id"))


def _insert_once(dialect_name: str) -> ClauseElement:
    """Insert the row unless one exists: changes no row then (and raises nothing, which would abort the unit)."""
    values: dict[str, Any] = {
        "project_id": bindparam("project_id"),
        "kind": bindparam("kind"),
        "subject_id": bindparam("id"),
        "state": bindparam("state"),
        "changed_at": bindparam("at"),
    }
    if dialect_name == "postgresql":
        return postgresql.insert(HEALTH_STATES).values(values).on_conflict_do_nothing()
    if dialect_name in ("mysql", "mariadb"):
        return insert(HEALTH_STATES).values(values).prefix_with("IGNORE")
    return sqlite.insert(HEALTH_STATES).values(values).on_conflict_do_nothing()


_INSERTS = {name: CompiledQuery(_insert_once(name)) for name in ("postgresql", "mysql", "mariadb", "sqlite")}
_ALL = CompiledQuery(select(s.project_id, s.kind, s.subject_id, s.state))
_CHANGE = CompiledQuery(
    update(HEALTH_STATES)
    .where(_KEY, s.state == bindparam("old"))
    .values(state=bindparam("new"), changed_at=bindparam("at"))
)
_FORGET = CompiledQuery(delete(HEALTH_STATES).where(_KEY))


class HealthStateRepository(Statements):
    name = "health_states"

    def all(self) -> dict[SubjectKey, str]:
        return {(row[0], row[1], row[2]): row[3] for row in self._rows(_ALL, {})}

    def claim(self, key: SubjectKey, state: str, at: int) -> bool:
        return self._execute(_INSERTS[self.dialect.name], {**_values(key), "state": state, "at": at}) == 1

    def change(self, key: SubjectKey, old: str, new: str, at: int) -> bool:
        return self._execute(_CHANGE, {**_values(key), "old": old, "new": new, "at": at}) == 1

    def forget(self, keys: Sequence[SubjectKey]) -> None:
        self._execute_many(_FORGET, [_values(key) for key in keys])


def _values(key: SubjectKey) -> dict[str, Any]:
    project_id, kind, subject_id = key
    return {"project_id": project_id, "kind": kind, "id": subject_id}
