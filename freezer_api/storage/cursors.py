"""Running compiled statements on a unit's DBAPI connection (the repositories' shared plumbing)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Dialect

from freezer_api.storage.queries import CompiledQuery, fetch_rows


class ReadOnly(Exception):
    """A write attempted in a read unit: a bug in the caller."""


class Statements:
    """A repository's access to its unit's connection: reads always, writes only in a write unit."""

    name = ""  # for messages: the table or kind written

    def __init__(self, dbapi_connection: Any, dialect: Dialect, *, writable: bool):
        self.dbapi_connection = dbapi_connection
        self.dialect = dialect
        self.writable = writable

    def _rows(self, query: CompiledQuery, values: dict[str, Any]) -> list[tuple]:
        """Run a read; once more on a new connection if the database had dropped this one (queries.fetch_rows)."""
        return fetch_rows(self.dbapi_connection, self.dialect, query, values)

    def _writing(self) -> None:
        if not self.writable:
            raise ReadOnly(f"{self.name}: writes need Store.atomic")

    def _execute(self, query: CompiledQuery, values: dict[str, Any]) -> int:
        """Run a write; the number of rows it changed."""
        self._writing()
        sql, parameters = query.parameters(self.dialect, values)
        cursor = self.dbapi_connection.cursor()
        try:
            cursor.execute(sql, parameters)
            return cursor.rowcount
        finally:
            cursor.close()

    def _execute_many(self, query: CompiledQuery, rows: list[dict[str, Any]]) -> None:
        if not rows:
            return
        self._writing()
        sql, parameters = query.many(self.dialect, rows)
        cursor = self.dbapi_connection.cursor()
        try:
            cursor.executemany(sql, parameters)
        finally:
            cursor.close()
