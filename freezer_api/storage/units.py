"""Units of work: the repositories of every document kind on one connection."""

from __future__ import annotations

from sqlalchemy.engine import Dialect

from freezer_api.storage import tables
from freezer_api.storage.documents import DocumentRepository

_KINDS = {kind.kind: kind for kind in tables.ALL}


class _Repositories:
    """One repository per document kind (`uow.backups`, `uow.jobs`, ...), made on first use."""

    # Typed for readers and checkers; made by __getattr__ below.
    backups: DocumentRepository
    clients: DocumentRepository
    jobs: DocumentRepository
    actions: DocumentRepository
    sessions: DocumentRepository

    def _make(self, kind: tables.DocumentTables) -> DocumentRepository:
        raise NotImplementedError

    def __getattr__(self, name: str) -> DocumentRepository:
        # Only called for attributes not set yet: a plain attribute from then on.
        kind = _KINDS.get(name)
        if kind is None:
            raise AttributeError(name)
        repository = self.__dict__[name] = self._make(kind)
        return repository


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
