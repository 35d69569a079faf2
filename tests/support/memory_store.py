"""The domain's storage port (freezer_api.domain.ports) in memory, for fast tests of the domain rules.

It keeps what the domain relies on from a real store: a write unit commits
all of its changes or none of them, a read unit sees only committed
documents and refuses writes, ids are unique per project, a replace of a
document changed since it was read fails, and a search has the meaning of
the search language (terms, exclusions, free text, time bounds, scopes,
creation order, marker paging). It does not try to behave like a database
under concurrency: write units run one at a time.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

from freezer_api.domain.ports import JobHealthRow, NewDocument, Prepared, Scope, StoredDocument, prepare
from freezer_api.domain.runs import JobFacts, Run, RunQuery
from freezer_api.domain.search import SearchQuery, Term

T = TypeVar("T")

KINDS = ("backups", "clients", "jobs", "actions", "sessions")
# What the database keeps beside a document of each kind (storage.tables' attribute columns).
ATTRIBUTES = {"backups": ("user_name",)}


class DuplicateId(Exception):
    """An insert of an id the project already has (a unique-key violation in a database)."""


class StaleDocument(Exception):
    """A replace of a document that changed after it was read."""


class ReadOnly(Exception):
    """A write in a read unit."""


@dataclass(frozen=True)
class _Row:
    seq: int
    project_id: str
    doc_id: str
    user_id: str
    version: int
    encoded: Prepared
    attributes: dict[str, Any]

    def stored(self) -> StoredDocument:
        return StoredDocument(self.seq, self.project_id, self.version, self.encoded.raw, dict(self.attributes))


@dataclass
class _Kind:
    """The committed (or, inside a write unit, working) documents of one kind."""

    rows: dict[int, _Row] = field(default_factory=dict)  # by seq: dicts keep insertion, i.e. creation, order
    seq_of: dict[tuple[str, str], int] = field(default_factory=dict)  # (project_id, doc_id) -> seq

    def copy(self) -> _Kind:
        return _Kind(dict(self.rows), dict(self.seq_of))


class MemoryRepository:
    def __init__(self, store: MemoryStore, kind: str, documents: _Kind, *, writable: bool):
        self.store = store
        self.kind = kind
        self.documents = documents
        self.writable = writable

    def _writing(self) -> None:
        if not self.writable:
            raise ReadOnly(f"{self.kind}: writes need Store.atomic")

    def get(self, project_id: str, doc_id: str, *, for_update: bool = False) -> StoredDocument | None:
        seq = self.documents.seq_of.get((project_id, doc_id))
        return None if seq is None else self.documents.rows[seq].stored()

    def find_everywhere(self, doc_id: str, *, for_update: bool = False) -> list[StoredDocument]:
        return [row.stored() for row in self.documents.rows.values() if row.doc_id == doc_id]

    def search(
        self, scope: Scope, query: SearchQuery, *, limit: int, offset: int, after_id: str | None = None
    ) -> list[str]:
        return [row.encoded.raw for row in self._matching(scope, query, after_id)[offset : offset + limit]]

    def search_with_attributes(
        self, scope: Scope, query: SearchQuery, *, limit: int, offset: int, after_id: str | None = None
    ) -> list[tuple[str, dict[str, Any]]]:
        page = self._matching(scope, query, after_id)[offset : offset + limit]
        return [(row.encoded.raw, dict(row.attributes)) for row in page]

    def central_client_ids(self, *, excluding_project: str) -> set[str]:
        return {
            row.doc_id
            for row in self.documents.rows.values()
            if row.project_id != excluding_project and _is_central(row)
        }

    def insert(
        self, project_id: str, doc_id: str, user_id: str, doc: NewDocument, attributes: dict[str, Any] | None = None
    ) -> StoredDocument:
        return self.insert_many(project_id, user_id, [(doc_id, doc)], [attributes])[0]

    def insert_many(
        self,
        project_id: str,
        user_id: str,
        docs: Sequence[tuple[str, NewDocument]],
        attributes: Sequence[dict[str, Any] | None] | None = None,
    ) -> list[StoredDocument]:
        self._writing()
        names = ATTRIBUTES.get(self.kind, ())
        inserted = []
        for (doc_id, doc), given in zip(docs, attributes or [None] * len(docs), strict=True):
            if (project_id, doc_id) in self.documents.seq_of:
                raise DuplicateId(f"{self.kind}: {project_id}/{doc_id}")
            encoded = doc if isinstance(doc, Prepared) else prepare(doc)
            row = _Row(
                self.store.next_seq(),
                project_id,
                doc_id,
                user_id,
                1,
                # The document as it was when stored: the caller may change its dict later.
                prepare(copy.deepcopy(encoded.doc)),
                {name: (given or {}).get(name) for name in names},
            )
            self.documents.rows[row.seq] = row
            self.documents.seq_of[(project_id, doc_id)] = row.seq
            inserted.append(row.stored())
        return inserted

    def replace(self, stored: StoredDocument, doc: dict[str, Any]) -> int:
        self._writing()
        row = self.documents.rows.get(stored.seq)
        if row is None or row.version != stored.version:
            raise StaleDocument(f"{self.kind} {stored.seq} changed since it was read")
        encoded = prepare(copy.deepcopy(doc))
        self.documents.rows[stored.seq] = replace(row, version=row.version + 1, encoded=encoded)
        # As the database repository does: the caller's StoredDocument now holds the new content.
        stored.version, stored.raw = row.version + 1, encoded.raw
        stored.__dict__["doc"] = doc
        return stored.version

    def delete(self, stored: StoredDocument) -> None:
        self._writing()
        row = self.documents.rows.pop(stored.seq, None)
        if row is not None:
            del self.documents.seq_of[(row.project_id, row.doc_id)]

    def _matching(self, scope: Scope, query: SearchQuery, after_id: str | None) -> list[_Row]:
        rows = [row for row in self.documents.rows.values() if _in_scope(row, scope)]
        if after_id is not None:
            marker = self.documents.seq_of.get((scope.project_id or "", after_id))
            rows = [] if marker is None else [row for row in rows if row.seq > marker]
        timed = self.kind == "backups"  # the only kind with a time_stamp (time_after/time_before)
        return [row for row in rows if _matches(row.encoded, query, timed=timed)]


def _in_scope(row: _Row, scope: Scope) -> bool:
    if scope.project_id is None or row.project_id == scope.project_id:
        return True
    return scope.include_central and _is_central(row)


def _is_central(row: _Row) -> bool:
    client = row.encoded.doc.get("client")
    return isinstance(client, dict) and bool(client.get("is_central"))


def _matches(encoded: Prepared, query: SearchQuery, *, timed: bool) -> bool:
    terms: frozenset[Term] = encoded.terms
    if not all(term in terms for term in query.match):
        return False
    if any(term in terms for term in query.match_not):
        return False
    if not all(text in encoded.text for text in query.text):
        return False
    if timed and (query.time_after is not None or query.time_before is not None):
        stamp = _time_stamp(encoded.doc)
        if stamp is None:
            return False
        if query.time_after is not None and stamp < query.time_after:
            return False
        if query.time_before is not None and stamp > query.time_before:
            return False
    return True


def _time_stamp(doc: dict[str, Any]) -> int | None:
    """When a backup was taken, from its metadata (time_stamp, or the 2015 name timestamp)."""
    metadata = doc.get("backup_metadata") or {}
    stamp = metadata.get("time_stamp", metadata.get("timestamp"))
    if isinstance(stamp, bool) or stamp is None:
        return None
    try:
        return int(stamp.strip()) if isinstance(stamp, str) else int(stamp)
    except (TypeError, ValueError, OverflowError):
        return None


class MemoryOutbox:
    """The events a unit recorded (domain/events.py); kept only when the unit commits."""

    def __init__(self, events: list, *, writable: bool):
        self.recorded = events
        self.writable = writable

    def add(self, event) -> None:
        if not self.writable:
            raise ReadOnly("events: writes need atomic")
        self.recorded.append(event)


@dataclass
class _Derived:
    """Runs, job facts and liveness (what storage keeps in plain tables), committed or working."""

    runs: dict[tuple[str, str], Run] = field(default_factory=dict)  # (project_id, run_id), in start order
    backups: dict[tuple[str, str], list[str]] = field(default_factory=dict)  # (project_id, run_id) -> backup ids
    facts: dict[tuple[str, str], JobFacts] = field(default_factory=dict)
    last_seen: dict[tuple[str, str], int] = field(default_factory=dict)

    def copy(self) -> _Derived:
        return _Derived(
            dict(self.runs), {k: list(v) for k, v in self.backups.items()}, dict(self.facts), dict(self.last_seen)
        )


class MemoryDerived:
    """The runs, job_facts, liveness and health ports over one _Derived state."""

    def __init__(self, state: _Derived, kinds: dict[str, _Kind], *, writable: bool):
        self.state, self.kinds, self.writable = state, kinds, writable

    def _writing(self) -> None:
        if not self.writable:
            raise ReadOnly("derived state: writes need Store.atomic")

    def _with_backups(self, run: Run) -> Run:
        return replace(run, backups=tuple(sorted(self.state.backups.get((run.project_id, run.run_id), ()))))

    # runs
    def open_run(self, project_id: str, job_id: str) -> Run | None:
        found = [r for r in self.state.runs.values() if (r.project_id, r.job_id) == (project_id, job_id) and r.is_open]
        return found[0] if found else None

    def add(self, run: Run) -> None:
        self._writing()
        if self.open_run(run.project_id, run.job_id) is not None:
            raise DuplicateId(f"job {run.job_id} already has an open run")
        self.state.runs[(run.project_id, run.run_id)] = run

    def close(self, run: Run) -> None:
        self._writing()
        self.state.runs[(run.project_id, run.run_id)] = run

    def attach_backup(self, project_id: str, job_id: str, backup_id: str) -> None:
        self._writing()
        run = self.open_run(project_id, job_id)
        if run is not None:
            self.state.backups.setdefault((project_id, run.run_id), []).append(backup_id)

    def get(self, project_id: str, run_id: str) -> Run | None:
        run = self.state.runs.get((project_id, run_id))
        return None if run is None else self._with_backups(run)

    def of_job(self, project_id: str, job_id: str, *, limit: int, offset: int) -> list[Run]:
        runs = [r for r in reversed(self.state.runs.values()) if (r.project_id, r.job_id) == (project_id, job_id)]
        return [self._with_backups(r) for r in runs[offset : offset + limit]]

    def search(self, project_id: str, query: RunQuery, *, limit: int, offset: int) -> list[Run]:
        def keep(run: Run) -> bool:
            values = run.document()
            return (
                run.project_id == project_id
                and all(values[name] == value for name, value in query.match)
                and not any(values[name] == value for name, value in query.match_not)
                and (query.started_after is None or run.started_at >= query.started_after)
                and (query.started_before is None or run.started_at <= query.started_before)
            )

        runs = [r for r in reversed(self.state.runs.values()) if keep(r)]
        return [self._with_backups(r) for r in runs[offset : offset + limit]]

    def purge(self, *, ended_before: int, batch: int) -> int:
        self._writing()
        latest = {f.last_run_id for f in self.state.facts.values()}
        old = [
            key
            for key, run in self.state.runs.items()
            if run.ended_at is not None and run.ended_at < ended_before and run.run_id not in latest
        ][:batch]
        for key in old:
            del self.state.runs[key]
            self.state.backups.pop(key, None)
        return len(old)

    # job facts
    def put(self, facts: JobFacts) -> None:
        self._writing()
        self.state.facts[(facts.project_id, facts.job_id)] = facts

    def facts_of(self, project_id: str, job_id: str) -> JobFacts | None:
        return self.state.facts.get((project_id, job_id))

    def delete(self, project_id: str, job_id: str) -> None:
        self._writing()
        self.state.facts.pop((project_id, job_id), None)

    # liveness
    def record(self, sightings: Sequence[tuple[str, str, int]]) -> None:
        self._writing()
        for project_id, client_id, at in sightings:
            key = (project_id, client_id)
            self.state.last_seen[key] = max(at, self.state.last_seen.get(key, at))

    def last_seen(self, project_id: str, client_id: str) -> int | None:
        return self.state.last_seen.get((project_id, client_id))

    # health reads
    def jobs(self, project_id: str | None, *, client_id: str | None = None) -> list[JobHealthRow]:
        rows = []
        for row in self.kinds["jobs"].rows.values():
            if project_id is not None and row.project_id != project_id:
                continue
            facts = self.state.facts.get((row.project_id, row.doc_id))
            if client_id is not None and facts is not None and facts.client_id != client_id:
                continue
            rows.append(JobHealthRow(row.project_id, row.doc_id, facts, None if facts else row.encoded.doc))
        return rows

    def clients(self, project_id: str | None) -> list[tuple[str, str, int | None]]:
        return [
            (row.project_id, row.doc_id, self.state.last_seen.get((row.project_id, row.doc_id)))
            for row in self.kinds["clients"].rows.values()
            if project_id is None or row.project_id == project_id
        ]


class _FactsPort:
    """uow.job_facts: get/put/delete of MemoryDerived (its `get` is the runs port's)."""

    def __init__(self, derived: MemoryDerived):
        self.derived = derived
        self.put, self.delete = derived.put, derived.delete

    def get(self, project_id: str, job_id: str) -> JobFacts | None:
        return self.derived.facts_of(project_id, job_id)


class MemoryUnit:
    """The repositories of every kind over one set of documents."""

    def __init__(
        self,
        store: MemoryStore,
        kinds: dict[str, _Kind],
        *,
        writable: bool,
        derived: _Derived,
        events: list | None = None,
    ):
        self.events = MemoryOutbox(events if events is not None else [], writable=writable)
        self.runs = self.liveness = self.health = MemoryDerived(derived, kinds, writable=writable)
        self.job_facts = _FactsPort(self.runs)
        self.backups = MemoryRepository(store, "backups", kinds["backups"], writable=writable)
        self.clients = MemoryRepository(store, "clients", kinds["clients"], writable=writable)
        self.jobs = MemoryRepository(store, "jobs", kinds["jobs"], writable=writable)
        self.actions = MemoryRepository(store, "actions", kinds["actions"], writable=writable)
        self.sessions = MemoryRepository(store, "sessions", kinds["sessions"], writable=writable)


class MemoryStore:
    def __init__(self) -> None:
        self._committed = {kind: _Kind() for kind in KINDS}
        self.events: list = []  # every event a committed unit recorded, in order
        self._derived = _Derived()
        self._writer = threading.Lock()
        self._seq = 0
        self.commits = 0

    def next_seq(self) -> int:
        self._seq += 1
        return self._seq

    def atomic(self, change: Callable[[MemoryUnit], T]) -> T:
        """Run `change` on a working copy; commit the copy only if it returns."""
        with self._writer:
            working = {kind: documents.copy() for kind, documents in self._committed.items()}
            recorded: list = []
            derived = self._derived.copy()
            result = change(MemoryUnit(self, working, writable=True, derived=derived, events=recorded))
            self._committed, self._derived = working, derived
            self.events.extend(recorded)
            self.commits += 1
            return result

    @contextmanager
    def reading(self) -> Iterator[MemoryUnit]:
        yield MemoryUnit(self, self._committed, writable=False, derived=self._derived)

    def count(self, kind: str) -> int:
        """How many documents of `kind` are committed, in every project."""
        return len(self._committed[kind].rows)
