"""Units of work: the repositories of every document kind on one connection."""

from __future__ import annotations

from functools import cached_property

from sqlalchemy.engine import Dialect

from freezer_api.storage import tables
from freezer_api.storage.documents import DocumentRepository


class _Repositories:
    """One repository per document kind, made on first use."""

    def _make(self, kind: tables.DocumentTables):
        raise NotImplementedError

    @cached_property
    def backups(self):
        return self._make(tables.BACKUPS)

    @cached_property
    def clients(self):
        return self._make(tables.CLIENTS)

    @cached_property
    def jobs(self):
        return self._make(tables.JOBS)

    @cached_property
    def actions(self):
        return self._make(tables.ACTIONS)

    @cached_property
    def sessions(self):
        return self._make(tables.SESSIONS)


class UnitOfWork(_Repositories):
    """The repositories of every document kind, inside one write transaction."""

    def __init__(self, dbapi_connection, dialect: Dialect):
        self.dbapi_connection = dbapi_connection
        self.dialect = dialect

    def _make(self, kind: tables.DocumentTables) -> DocumentRepository:
        return DocumentRepository(self.dbapi_connection, self.dialect, kind, writable=True)

    def execute(self, sql: str) -> None:
        """Run one SQL statement in this transaction (session settings, tests)."""
        cursor = self.dbapi_connection.cursor()
        try:
            cursor.execute(sql)
        finally:
            cursor.close()


class ReadUnit(_Repositories):
    """Read-only repositories on one pooled DBAPI connection."""

    def __init__(self, dbapi_connection, dialect: Dialect):
        self.dbapi_connection = dbapi_connection
        self.dialect = dialect

    def _make(self, kind: tables.DocumentTables) -> DocumentRepository:
        return DocumentRepository(self.dbapi_connection, self.dialect, kind, writable=False)
