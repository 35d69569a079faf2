"""The unit of work: the repositories of every document kind on one connection."""

from __future__ import annotations

from typing import Any, overload

from sqlalchemy.engine import Dialect

from freezer_api.storage import health as derived
from freezer_api.storage import tables
from freezer_api.storage.catalog import BackupCatalog, BackupRepository
from freezer_api.storage.cursors import Statements
from freezer_api.storage.documents import DocumentRepository
from freezer_api.storage.events import EventRepository, WebhookRepository
from freezer_api.storage.health_states import HealthStateRepository


class _Repository:
    """A unit's repository of one kind: made on first use, then a plain attribute of the unit.

    (functools.cached_property does the same, but takes a lock on every
    first use before Python 3.12; a unit is made per request.)
    """

    def __init__(self, kind: tables.DocumentTables, repository: type[DocumentRepository] = DocumentRepository):
        self.kind = kind
        self.name = kind.kind
        self.repository = repository

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, uow: None, owner: type) -> _Repository: ...
    @overload
    def __get__(self, uow: UnitOfWork, owner: type | None = None) -> DocumentRepository: ...
    def __get__(self, uow: UnitOfWork | None, owner: type | None = None) -> DocumentRepository | _Repository:
        if uow is None:
            return self
        repository = self.repository(uow.dbapi_connection, uow.dialect, self.kind, writable=uow.writable)
        uow.__dict__[self.name] = repository
        return repository


class _Derived:
    """A unit's repository of derived state (runs, facts, liveness, health reads), made on first use."""

    def __init__(self, repository: type[Statements]):
        self.repository = repository
        self.name = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, uow: None, owner: type) -> _Derived: ...
    @overload
    def __get__(self, uow: UnitOfWork, owner: type | None = None) -> Any: ...
    def __get__(self, uow: UnitOfWork | None, owner: type | None = None) -> Any:
        if uow is None:
            return self
        repository = self.repository(uow.dbapi_connection, uow.dialect, writable=uow.writable)
        uow.__dict__[self.name] = repository
        return repository


class UnitOfWork:
    """One repository per document kind, inside one transaction.

    `writable` is false for the units of Store.reading: their repositories
    only read, and a write attempted there is a bug (ReadOnly).
    """

    backups = _Repository(tables.BACKUPS, BackupRepository)
    clients = _Repository(tables.CLIENTS)
    jobs = _Repository(tables.JOBS)
    actions = _Repository(tables.ACTIONS)
    sessions = _Repository(tables.SESSIONS)
    runs = _Derived(derived.RunRepository)
    job_facts = _Derived(derived.JobFactsRepository)
    liveness = _Derived(derived.LivenessRepository)
    health = _Derived(derived.HealthReader)
    health_states = _Derived(HealthStateRepository)

    def __init__(self, dbapi_connection: Any, dialect: Dialect, *, writable: bool):
        self.dbapi_connection = dbapi_connection
        self.dialect = dialect
        self.writable = writable

    @property
    def backup_catalog(self) -> BackupCatalog:
        return BackupCatalog(self.dbapi_connection, self.dialect, writable=self.writable)

    @property
    def events(self) -> EventRepository:
        """The event outbox, and the positions of the channels that deliver it."""
        repository = self.__dict__.get("_events")
        if repository is None:
            repository = self.__dict__["_events"] = EventRepository(
                self.dbapi_connection, self.dialect, writable=self.writable
            )
        return repository

    @property
    def webhooks(self) -> WebhookRepository:
        repository = self.__dict__.get("_webhooks")
        if repository is None:
            repository = self.__dict__["_webhooks"] = WebhookRepository(
                self.dbapi_connection, self.dialect, writable=self.writable
            )
        return repository

    def execute(self, sql: str) -> None:
        """Run one SQL statement in this transaction (session settings, tests)."""
        cursor = self.dbapi_connection.cursor()
        try:
            cursor.execute(sql)
        finally:
            cursor.close()
