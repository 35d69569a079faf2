"""What the domain needs from storage, declared by the domain.

`freezer_api.storage` implements these protocols with a database;
tests/support/memory_store.py implements them in memory. `app.py` is the one
place that joins the domain to an implementation.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, NamedTuple, Protocol, TypeVar

import orjson

from freezer_api.domain.events import EventOutbox
from freezer_api.domain.restore import CatalogEntry, SetKey
from freezer_api.domain.runs import JobFacts, JobFactsRepository, RunRepository
from freezer_api.domain.search import SearchQuery, Term, document_terms, document_text
from freezer_api.domain.webhooks import WebhookRepository

T = TypeVar("T")


@dataclass
class StoredDocument:
    """A document as read in a unit of work: its row identity, version and JSON text."""

    seq: int
    project_id: str
    version: int
    raw: str
    # Values the server keeps beside the document, never part of it (a backup's user_name).
    attributes: dict[str, Any] = field(default_factory=dict)

    @cached_property
    def doc(self) -> dict[str, Any]:
        return orjson.loads(self.raw)


@dataclass(frozen=True)
class Scope:
    """Which projects' documents a search covers."""

    project_id: str | None  # None: every project
    include_central: bool = False  # clients: also every project's central clients


@dataclass(frozen=True)
class Prepared:
    """A new document encoded for storage ahead of its transaction.

    Encoding a document (its JSON, its text, its search terms) takes longer
    than storing it; done before Store.atomic, it is not done while holding
    the database's write lock.
    """

    doc: dict[str, Any]
    raw: str
    text: str
    terms: frozenset[Term]


def prepare(doc: dict[str, Any]) -> Prepared:
    return Prepared(doc, orjson.dumps(doc).decode(), document_text(doc), frozenset(document_terms(doc)))


NewDocument = dict[str, Any] | Prepared


class DocumentRepository(Protocol):
    """The documents of one kind (backups, jobs, ...), as one unit of work sees them.

    In a write unit `for_update` locks what is read until the unit ends; a
    read unit ignores it and refuses writes.
    """

    def get(self, project_id: str, doc_id: str, *, for_update: bool = False) -> StoredDocument | None: ...

    def find_everywhere(self, doc_id: str, *, for_update: bool = False) -> list[StoredDocument]:
        """Documents with this id in any project, oldest first."""
        ...

    def search(
        self, scope: Scope, query: SearchQuery, *, limit: int, offset: int, after_id: str | None = None
    ) -> list[str]:
        """The stored JSON text of each matching document, in creation order."""
        ...

    def search_with_attributes(
        self, scope: Scope, query: SearchQuery, *, limit: int, offset: int, after_id: str | None = None
    ) -> list[tuple[str, dict[str, Any]]]:
        """Like search, each document with its attributes by name."""
        ...

    def central_client_ids(self, *, excluding_project: str) -> set[str]:
        """Ids of the central clients of every other project (clients only)."""
        ...

    def insert(
        self, project_id: str, doc_id: str, user_id: str, doc: NewDocument, attributes: dict[str, Any] | None = None
    ) -> StoredDocument: ...

    def insert_many(
        self,
        project_id: str,
        user_id: str,
        docs: Sequence[tuple[str, NewDocument]],
        attributes: Sequence[dict[str, Any] | None] | None = None,
    ) -> list[StoredDocument]: ...

    def replace(self, stored: StoredDocument, doc: dict[str, Any]) -> int:
        """Store new content for a document read in this unit; its new version."""
        ...

    def delete(self, stored: StoredDocument) -> None: ...


class BackupCatalog(Protocol):
    """The backup sets of a project, read without decoding documents (docs/restore.md)."""

    def set_page(self, project_id: str, match: dict[str, str], *, limit: int, offset: int) -> list[SetKey]:
        """Sets whose names equal those in `match`, in a stable order (by their first backup)."""
        ...

    def entries_of(self, project_id: str, keys: Sequence[SetKey]) -> dict[SetKey, list[CatalogEntry]]:
        """Every backup of each set."""
        ...

    def newest_level_zeros(
        self, project_id: str, hostname: str, backup_name: str, container: str | None, at: int
    ) -> dict[str, int | None]:
        """Each container holding (hostname, backup_name), with its newest level-0 time_stamp at or before `at`."""
        ...

    def entries_between(self, project_id: str, key: SetKey, since: int, until: int) -> list[CatalogEntry]:
        """The set's usable backups from `since` to `until` (time_stamps, inclusive), and its unusable ones."""


Sighting = tuple[str, str, int]  # (project_id, client_id, epoch seconds)


class LivenessRepository(Protocol):
    """When the server last heard from each client (docs/health.md#liveness)."""

    def record(self, sightings: Sequence[Sighting]) -> None:
        """Raise each client's last_seen to the sighting's time (never lower it)."""
        ...

    def last_seen(self, project_id: str, client_id: str) -> int | None: ...


class JobHealthRow(NamedTuple):
    """A job as health reads it in bulk: its facts, or (a job written before facts were kept) its document."""

    project_id: str
    job_id: str
    facts: JobFacts | None
    doc: dict[str, Any] | None  # only when facts is None


class HealthReader(Protocol):
    """The bulk reads of health (docs/health.md#summary): one query each."""

    def jobs(self, project_id: str | None, *, client_id: str | None = None) -> list[JobHealthRow]:
        """Every job of the project (None: of every project), or only the client's."""
        ...

    def clients(self, project_id: str | None) -> list[tuple[str, str, int | None]]:
        """(project_id, client_id, last_seen or None) of every client registered in the project."""
        ...


class UnitOfWork(Protocol):
    """The repository of every document kind, in one transaction (or one read)."""

    @property
    def backup_catalog(self) -> BackupCatalog: ...

    @property
    def backups(self) -> DocumentRepository: ...
    @property
    def clients(self) -> DocumentRepository: ...
    @property
    def jobs(self) -> DocumentRepository: ...
    @property
    def actions(self) -> DocumentRepository: ...
    @property
    def sessions(self) -> DocumentRepository: ...
    @property
    def webhooks(self) -> WebhookRepository: ...
    @property
    def events(self) -> EventOutbox:
        """Where the unit records the events of its changes (domain/events.py)."""
        ...

    @property
    def runs(self) -> RunRepository: ...
    @property
    def job_facts(self) -> JobFactsRepository: ...
    @property
    def liveness(self) -> LivenessRepository: ...
    @property
    def health(self) -> HealthReader: ...


class Store(Protocol):
    def atomic(self, change: Callable[[UnitOfWork], T]) -> T:
        """Run `change` in one write transaction and commit it; its result.

        `change` may run more than once (a retry after a conflict with
        another writer): it must have no effect outside its unit of work.
        """
        ...

    def reading(self) -> AbstractContextManager[UnitOfWork]:
        """A read-only unit of work."""
        ...
