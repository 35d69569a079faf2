"""Writing the original's documents into this server's database: batched, idempotent, resumable, locked.

Each chunk of source rows is one transaction: the documents of the chunk a
project does not have yet are inserted through the repositories (so they get
this server's search terms, derived columns and version 1), the others are
counted as already present and left as they are. An import that is killed
loses at most the chunk in flight; the next run finds everything before it
present and carries on. Two imports never run at once: the first holds a
lock on the target database (a lock file beside a SQLite file, an advisory
lock on PostgreSQL, a named lock on MySQL/MariaDB) until it ends.
"""

from __future__ import annotations

import contextlib
import fcntl
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import groupby
from typing import Any

from sqlalchemy import Engine, bindparam, select

from freezer_api.domain.ports import Prepared, prepare
from freezer_api.storage import tables
from freezer_api.storage.documents import DocumentRepository
from freezer_api.storage.queries import CompiledQuery
from freezer_api.storage.store import Store
from freezer_api.storage.units import UnitOfWork
from freezer_api.storage.upstream.source import KINDS, Document, Skip, Source

LOCK_NAME = "freezer_api_import_upstream"
# The sizes an existence check is compiled for; a group of ids is padded to the next one.
_CHECK_SIZES = (1, 10, 100, 1000)

Progress = Callable[[str, int, int], None]


class ImportLocked(Exception):
    """Another import holds the lock on the target database."""


@dataclass
class KindCounts:
    read: int = 0  # live rows of the original
    imported: int = 0  # or, in a dry run, would be
    present: int = 0  # already in this server's database: left as they are
    skipped: int = 0
    deleted: int = 0  # deleted in the original: never imported
    projects: Counter[str] = field(default_factory=Counter)  # imported per project


@dataclass
class Report:
    dry_run: bool
    counts: dict[str, KindCounts] = field(default_factory=lambda: {kind: KindCounts() for kind in KINDS})
    skips: list[Skip] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def skipped(self) -> int:
        return sum(counts.skipped for counts in self.counts.values())


def import_upstream(source: Source, store: Store, *, dry_run: bool = False, progress: Progress | None = None) -> Report:
    """Import every live document of `source` into `store` (hold `import_lock` around it)."""
    report = Report(dry_run)
    statistics = _Statistics()
    totals = {kind: source.count(kind) for kind in KINDS}
    for kind in KINDS:
        counts = report.counts[kind]
        counts.deleted = totals[kind][1]
        if progress:
            progress(kind, 0, totals[kind][0])
        for chunk in _chunks(source, store, kind, dry_run=dry_run):
            counts.read += chunk.read
            counts.skipped += len(chunk.skips)
            report.skips.extend(chunk.skips)
            imported = chunk.missing if dry_run else _insert_missing(store, kind, chunk)
            if not dry_run and statistics.grew(counts.imported, len(imported)):
                statistics.refresh(store.engine, kind)
            counts.imported += len(imported)
            counts.present += len(chunk.documents) - len(imported)
            counts.projects.update(document.project_id for document in imported)
            if progress:
                progress(kind, counts.read, totals[kind][0])
    report.notes = list(source.notes.lines)
    return report


class _Statistics:
    """Keeps the target's planner statistics in step with a table the import is filling.

    PostgreSQL and MySQL plan from statistics taken when the table was
    small; an existence check planned on "a few rows" scans the whole
    project instead of looking each id up, and the import slows down as
    the table grows. The tables are analysed each time the import has
    doubled what it wrote to them.
    """

    FIRST = 1000

    def grew(self, before: int, added: int) -> bool:
        after = before + added
        threshold = self.FIRST
        while threshold <= before:
            threshold *= 2
        return after >= threshold

    def refresh(self, engine: Engine, kind: str) -> None:
        document_tables = next(t for t in tables.ALL if t.kind == kind)
        names = (document_tables.table.name, document_tables.terms.name)
        if engine.dialect.name == "postgresql":
            statements = [f"ANALYZE {', '.join(names)}"]
        elif engine.dialect.name in ("mysql", "mariadb"):
            statements = [f"ANALYZE TABLE {', '.join(names)}"]
        else:
            return  # SQLite picks the unique index for these lookups without statistics
        with engine.connect() as conn:
            raw: Any = conn.connection.dbapi_connection
            cursor = raw.cursor()
            try:
                for statement in statements:
                    cursor.execute(statement)
                    if cursor.description:
                        cursor.fetchall()
                raw.commit()
            finally:
                cursor.close()


@dataclass
class _Chunk:
    read: int
    documents: list[Document]
    skips: list[Skip]
    missing: list[Document]  # not in the target when the chunk was read
    prepared: dict[int, Prepared]  # the missing documents encoded, by id()


def _chunks(source: Source, store: Store, kind: str, *, dry_run: bool) -> Iterator[_Chunk]:
    for items in source.read(kind):
        documents = [item for item in items if isinstance(item, Document)]
        skips = [item for item in items if isinstance(item, Skip)]
        missing: list[Document] = []
        if documents:
            with store.reading() as reader:
                missing = _missing(reader, kind, documents)
        # Only what is missing is encoded: a rerun over imported documents costs a read.
        prepared = {} if dry_run else {id(document): prepare(document.doc) for document in missing}
        yield _Chunk(len(items), documents, skips, missing, prepared)


def _insert_missing(store: Store, kind: str, chunk: _Chunk) -> list[Document]:
    """Insert the chunk's documents the target still lacks, in one transaction; those inserted."""
    if not chunk.missing:
        return []

    def change(uow: UnitOfWork) -> list[Document]:
        missing = _missing(uow, kind, chunk.missing)  # again, inside the transaction that writes
        repository: DocumentRepository = getattr(uow, kind)
        # Consecutive runs of one owner keep the source's order (lists page in creation order).
        for (project_id, user_id), run in groupby(missing, key=lambda d: (d.project_id, d.user_id)):
            batch = list(run)
            docs: list[tuple[str, Prepared | dict[str, Any]]] = [(d.doc_id, chunk.prepared[id(d)]) for d in batch]
            repository.insert_many(project_id, user_id, docs, [d.attributes for d in batch])
        return missing

    return store.atomic(change)


def _missing(uow: UnitOfWork, kind: str, documents: list[Document]) -> list[Document]:
    present: set[tuple[str, str]] = set()
    for project_id, group in groupby(sorted(documents, key=lambda d: d.project_id), key=lambda d: d.project_id):
        ids = [document.doc_id for document in group]
        present.update((project_id, doc_id) for doc_id in _present_ids(uow, kind, project_id, ids))
    return [document for document in documents if (document.project_id, document.doc_id) not in present]


def _present_ids(uow: UnitOfWork, kind: str, project_id: str, ids: list[str]) -> set[str]:
    found: set[str] = set()
    largest = _CHECK_SIZES[-1]
    for start in range(0, len(ids), largest):
        part = ids[start : start + largest]
        size = next(size for size in _CHECK_SIZES if size >= len(part))
        padded = part + [part[0]] * (size - len(part))
        values = {"project_id": project_id, **{f"id_{n}": doc_id for n, doc_id in enumerate(padded)}}
        sql, parameters = _check_query(kind, size).parameters(uow.dialect, values)
        cursor = uow.dbapi_connection.cursor()
        try:
            cursor.execute(sql, parameters)
            found.update(row[0] for row in cursor.fetchall())
        finally:
            cursor.close()
    return found


_CHECKS: dict[tuple[str, int], CompiledQuery] = {}


def _check_query(kind: str, size: int) -> CompiledQuery:
    query = _CHECKS.get((kind, size))
    if query is None:
        document_tables = next(t for t in tables.ALL if t.kind == kind)
        table, id_column = document_tables.table, document_tables.table.c[document_tables.id_column]
        statement = select(id_column).where(
            table.c.project_id == bindparam("project_id"),
            id_column.in_([bindparam(f"id_{n}") for n in range(size)]),
        )
        query = _CHECKS[(kind, size)] = CompiledQuery(statement)
    return query


@contextlib.contextmanager
def import_lock(engine: Engine) -> Iterator[None]:
    """Hold the target database's import lock, or raise ImportLocked at once."""
    backend = engine.dialect.name
    if backend == "sqlite":
        database = engine.url.database
        if not database or database == ":memory:":
            yield
            return
        with open(f"{database}.import-upstream.lock", "w") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise ImportLocked(f"another import into {database} is running") from None
            yield
        return
    take, release = _LOCK_SQL["postgresql" if backend == "postgresql" else "mysql"]
    key: Any = _advisory_key() if backend == "postgresql" else LOCK_NAME
    with engine.connect() as conn:
        raw: Any = conn.connection.dbapi_connection
        cursor = raw.cursor()
        try:
            cursor.execute(take, (key,))
            (held,) = cursor.fetchone()
            raw.commit()  # the lock belongs to the session: hold no transaction open meanwhile
            if not held:
                raise ImportLocked("another import into this database is running")
            try:
                yield
            finally:
                cursor.execute(release, (key,))
                cursor.fetchall()
                raw.commit()
        finally:
            cursor.close()


# (take the lock without waiting, release it): session locks, also released when the connection ends.
_LOCK_SQL = {
    "postgresql": ("SELECT pg_try_advisory_lock(%s)", "SELECT pg_advisory_unlock(%s)"),
    "mysql": ("SELECT GET_LOCK(%s, 0)", "SELECT RELEASE_LOCK(%s)"),
}


def _advisory_key() -> int:
    return zlib.crc32(LOCK_NAME.encode())
