"""The unit of work: the repositories of every document kind on one connection."""

from __future__ import annotations

from functools import cached_property
from typing import Any

from sqlalchemy.engine import Dialect

from freezer_api.storage import tables
from freezer_api.storage.documents import DocumentRepository


class UnitOfWork:
    """One repository per document kind, made on first use, inside one transaction.

    `writable` is false for the units of Store.reading: their repositories
    only read, and a write attempted there is a bug (ReadOnly).
    """

    def __init__(self, dbapi_connection: Any, dialect: Dialect, *, writable: bool):
        self.dbapi_connection = dbapi_connection
        self.dialect = dialect
        self.writable = writable

    def _repository(self, kind: tables.DocumentTables) -> DocumentRepository:
        return DocumentRepository(self.dbapi_connection, self.dialect, kind, writable=self.writable)

    # cached_property: after the first use, a plain attribute of the instance.
    @cached_property
    def backups(self) -> DocumentRepository:
        return self._repository(tables.BACKUPS)

    @cached_property
    def clients(self) -> DocumentRepository:
        return self._repository(tables.CLIENTS)

    @cached_property
    def jobs(self) -> DocumentRepository:
        return self._repository(tables.JOBS)

    @cached_property
    def actions(self) -> DocumentRepository:
        return self._repository(tables.ACTIONS)

    @cached_property
    def sessions(self) -> DocumentRepository:
        return self._repository(tables.SESSIONS)

    def execute(self, sql: str) -> None:
        """Run one SQL statement in this transaction (session settings, tests)."""
        cursor = self.dbapi_connection.cursor()
        try:
            cursor.execute(sql)
        finally:
            cursor.close()
