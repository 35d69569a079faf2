"""The repositories of one document kind.

DocumentRepository works inside a write transaction (a SQLAlchemy
Connection); DocumentReader serves reads on a pooled DBAPI connection with
statements compiled once (see queries.py). Both hand documents back as the
stored JSON text, so lists and GETs are served without re-encoding them.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

import orjson
from sqlalchemy import Connection, and_, delete, insert, or_, update
from sqlalchemy.engine import Dialect

from freezer_api.domain.search import SearchQuery, Term, document_terms, document_text
from freezer_api.storage.documents_types import Scope, StoredDocument
from freezer_api.storage.queries import CompiledQuery, Queries
from freezer_api.storage.tables import ALL, DocumentTables

__all__ = ["DocumentReader", "DocumentRepository", "Scope", "StoredDocument", "VersionConflict", "queries_for"]

_QUERIES = {tables.kind: Queries(tables) for tables in ALL}


def queries_for(tables: DocumentTables) -> Queries:
    return _QUERIES[tables.kind]


class VersionConflict(Exception):
    """The document changed since it was read; the transaction is retried."""


def _stored(tables: DocumentTables, row) -> StoredDocument:
    """A document from a (seq, project_id, version, doc, *attributes) row."""
    return StoredDocument(row[0], row[1], row[2], row[3], dict(zip(tables.attributes, row[4:])))


class DocumentReader:
    """Reads of one document kind on a DBAPI connection (no transaction of ours)."""

    def __init__(self, dbapi_connection, dialect: Dialect, tables: DocumentTables):
        self.dbapi_connection = dbapi_connection
        self.dialect = dialect
        self.t = tables
        self.q = queries_for(tables)

    def _rows(self, query: CompiledQuery, values: dict[str, Any]) -> list[tuple]:
        sql, parameters = query.parameters(self.dialect, values)
        cursor = self.dbapi_connection.cursor()
        try:
            cursor.execute(sql, parameters)
            return cursor.fetchall()
        finally:
            cursor.close()

    def get(self, project_id: str, doc_id: str, *, for_update: bool = False) -> StoredDocument | None:
        rows = self._rows(self.q.get, {"project_id": project_id, "doc_id": doc_id})
        return _stored(self.t, rows[0]) if rows else None

    def find_everywhere(self, doc_id: str, *, for_update: bool = False) -> list[StoredDocument]:
        return [_stored(self.t, row) for row in self._rows(self.q.find_everywhere, {"doc_id": doc_id})]

    def search(
        self, scope: Scope, query: SearchQuery, *, limit: int, offset: int, after_id: str | None = None
    ) -> list[str]:
        """The stored JSON text of each matching document, in creation order."""
        compiled, values = self.q.search(scope, query, after_id=after_id)
        values["limit"], values["offset"] = limit, offset
        return [row[0] for row in self._rows(compiled, values)]

    def central_client_ids(self, *, excluding_project: str) -> set[str]:
        """Ids of the central clients of every other project (clients only)."""
        return {row[0] for row in self._rows(self.q.central_ids, {"project_id": excluding_project})}

    def search_with_attributes(
        self, scope: Scope, query: SearchQuery, *, limit: int, offset: int, after_id: str | None = None
    ) -> list[tuple[str, dict]]:
        """Like search, each document with its attribute columns by name."""
        compiled, values = self.q.search(scope, query, after_id=after_id, attributes=True)
        values["limit"], values["offset"] = limit, offset
        return [(row[0], dict(zip(self.t.attributes, row[1:]))) for row in self._rows(compiled, values)]


class DocumentRepository:
    """Reads and writes of one document kind inside a write transaction."""

    def __init__(self, conn: Connection, tables: DocumentTables):
        self.conn = conn
        self.t = tables
        self.q = queries_for(tables)

    # -- reads (they lock the rows they return when asked to) --------------

    def get(self, project_id: str, doc_id: str, *, for_update: bool = False) -> StoredDocument | None:
        query = self.q.get_for_update if for_update else self.q.get
        row = self.conn.execute(query.statement, {"project_id": project_id, "doc_id": doc_id}).first()
        return _stored(self.t, row) if row else None

    def find_everywhere(self, doc_id: str, *, for_update: bool = False) -> list[StoredDocument]:
        query = self.q.find_everywhere_for_update if for_update else self.q.find_everywhere
        return [_stored(self.t, row) for row in self.conn.execute(query.statement, {"doc_id": doc_id})]

    def search(self, scope: Scope, query: SearchQuery, *, limit: int, offset: int) -> list[str]:
        compiled, values = self.q.search(scope, query)
        values["limit"], values["offset"] = limit, offset
        return list(self.conn.execute(compiled.statement, values).scalars())

    # -- writes -------------------------------------------------------------

    def insert(
        self, project_id: str, doc_id: str, user_id: str, doc: dict, attributes: dict | None = None
    ) -> StoredDocument:
        """Add a document; `attributes` sets the kind's attribute columns."""
        raw = orjson.dumps(doc).decode()
        values: dict[str, Any] = {
            "project_id": project_id,
            self.t.id_column: doc_id,
            "user_id": user_id,
            "version": 1,
            "doc": raw,
            "search_text": document_text(doc),
        }
        values.update(self._derived(doc))
        attributes = {name: (attributes or {}).get(name) for name in self.t.attributes}
        values.update(attributes)
        result = self.conn.execute(insert(self.t.table).values(**values))
        seq = result.inserted_primary_key[0]
        self._add_terms(seq, project_id, document_terms(doc))
        return StoredDocument(seq, project_id, 1, raw, attributes)

    def replace(self, stored: StoredDocument, doc: dict) -> int:
        """Store new content for a document read in this transaction; the new version."""
        t = self.t.table
        raw = orjson.dumps(doc).decode()
        version = stored.version + 1
        values: dict[str, Any] = {"version": version, "doc": raw, "search_text": document_text(doc)}
        values.update(self._derived(doc))
        result = self.conn.execute(
            update(t).where(t.c.seq == stored.seq, t.c.version == stored.version).values(**values)
        )
        if result.rowcount != 1:
            raise VersionConflict(f"{self.t.kind} {stored.seq} changed concurrently")
        # From the stored text: the caller may have changed stored.doc in place.
        old_terms = document_terms(orjson.loads(stored.raw))
        new_terms = document_terms(doc)
        self._remove_terms(stored.seq, old_terms - new_terms)
        self._add_terms(stored.seq, stored.project_id, new_terms - old_terms)
        stored.version, stored.raw = version, raw
        stored.__dict__["doc"] = doc
        return version

    def delete(self, stored: StoredDocument) -> None:
        t = self.t.table
        # Terms go with the row (ON DELETE CASCADE).
        self.conn.execute(delete(t).where(t.c.seq == stored.seq))

    def _derived(self, doc: dict) -> dict[str, Any]:
        return {column: compute(doc) for column, compute in self.t.derived.items()}

    def _add_terms(self, seq: int, project_id: str, terms: set[Term]) -> None:
        if terms:
            self.conn.execute(
                insert(self.t.terms),
                [{"doc_seq": seq, "name": n, "value": v, "project_id": project_id} for n, v in terms],
            )

    def _remove_terms(self, seq: int, terms: set[Term]) -> None:
        if not terms:
            return
        tt = self.t.terms
        self.conn.execute(
            delete(tt).where(tt.c.doc_seq == seq, or_(*[and_(tt.c.name == n, tt.c.value == v) for n, v in terms]))
        )
