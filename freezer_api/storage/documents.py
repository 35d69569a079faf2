"""The repository of one document kind, on a pooled DBAPI connection.

Statements are compiled once per dialect (queries.py) and run with the
driver's own cursor. Inside a write transaction (Store.atomic) a repository
reads, locks and writes; in a read unit (Store.reading) it only reads.
Documents come back as the stored JSON text, so lists and GETs are served
without decoding and re-encoding them.
"""

from __future__ import annotations

from collections.abc import Sequence
from operator import itemgetter
from typing import Any

import orjson
from sqlalchemy.engine import Dialect

from freezer_api.domain.ports import NewDocument, Prepared, Scope, StoredDocument, prepare
from freezer_api.domain.search import SearchQuery, Term, document_terms, document_text
from freezer_api.storage.cursors import ReadOnly, Statements
from freezer_api.storage.queries import Queries
from freezer_api.storage.tables import ALL, DocumentTables

__all__ = ["DocumentRepository", "ReadOnly", "VersionConflict", "queries_for"]

# Offsets from which a page is first checked against the size of the table.
DEEP_OFFSET = 10_000

_QUERIES = {tables.kind: Queries(tables) for tables in ALL}


def queries_for(tables: DocumentTables) -> Queries:
    return _QUERIES[tables.kind]


# Term rows from which a bulk insert on PostgreSQL uses COPY.
_COPY_AT_LEAST = 1000


class VersionConflict(Exception):
    """The document changed since it was read; the transaction is retried."""


def _stored(tables: DocumentTables, row: Sequence[Any]) -> StoredDocument:
    """A document from a (seq, project_id, version, doc, *attributes) row."""
    return StoredDocument(row[0], row[1], row[2], row[3], dict(zip(tables.attributes, row[4:], strict=False)))


class DocumentRepository(Statements):
    def __init__(self, dbapi_connection: Any, dialect: Dialect, tables: DocumentTables, *, writable: bool):
        super().__init__(dbapi_connection, dialect, writable=writable)
        self.tables = tables
        self.name = tables.kind
        self.queries = queries_for(tables)

    # -- reads (in a write transaction, `for_update` locks the rows read) --

    def get(self, project_id: str, doc_id: str, *, for_update: bool = False) -> StoredDocument | None:
        query = self.queries.get_for_update if for_update and self.writable else self.queries.get
        rows = self._rows(query, {"project_id": project_id, "doc_id": doc_id})
        return _stored(self.tables, rows[0]) if rows else None

    def find_everywhere(self, doc_id: str, *, for_update: bool = False) -> list[StoredDocument]:
        """Documents with this id in any project, oldest first."""
        queries = self.queries
        query = queries.find_everywhere_for_update if for_update and self.writable else queries.find_everywhere
        return [_stored(self.tables, row) for row in self._rows(query, {"doc_id": doc_id})]

    def search(
        self, scope: Scope, query: SearchQuery, *, limit: int, offset: int, after_id: str | None = None
    ) -> list[str]:
        """The stored JSON text of each matching document, in creation order."""
        if self._past_the_end(offset):
            return []
        compiled, values = self.queries.search(scope, query, after_id=after_id)
        values["limit"], values["offset"] = limit, offset
        return [row[0] for row in self._rows(compiled, values)]

    def search_with_attributes(
        self, scope: Scope, query: SearchQuery, *, limit: int, offset: int, after_id: str | None = None
    ) -> list[tuple[str, dict]]:
        """Like search, each document with its attribute columns by name."""
        if self._past_the_end(offset):
            return []
        compiled, values = self.queries.search(scope, query, after_id=after_id, attributes=True)
        values["limit"], values["offset"] = limit, offset
        names = self.tables.attributes
        return [(row[0], dict(zip(names, row[1:], strict=False))) for row in self._rows(compiled, values)]

    def _past_the_end(self, offset: int) -> bool:
        """Whether a page at `offset` is certainly empty: it skips more rows than the table holds.

        The database answers a deep OFFSET by walking every row it skips, so
        `offset=10**12` would walk the whole project; the bound costs one
        index probe, spent only on deep offsets.
        """
        if offset < DEEP_OFFSET:
            return False
        ((last,),) = self._rows(self.queries.max_seq, {})
        return last is None or offset >= last

    def central_client_ids(self, *, excluding_project: str) -> set[str]:
        """Ids of the central clients of every other project (clients only)."""
        return {row[0] for row in self._rows(self.queries.central_ids, {"project_id": excluding_project})}

    # -- writes -------------------------------------------------------------

    def insert(
        self, project_id: str, doc_id: str, user_id: str, doc: NewDocument, attributes: dict | None = None
    ) -> StoredDocument:
        """Add a document (a dict, or Prepared); `attributes` sets the kind's attribute columns."""
        return self.insert_many(project_id, user_id, [(doc_id, doc)], [attributes])[0]

    def insert_many(
        self,
        project_id: str,
        user_id: str,
        docs: Sequence[tuple[str, NewDocument]],
        attributes: Sequence[dict | None] | None = None,
    ) -> list[StoredDocument]:
        """Insert new documents of one project, and their terms."""
        attributes = attributes or [None] * len(docs)
        prepared = [doc if isinstance(doc, Prepared) else prepare(doc) for _, doc in docs]
        rows = [
            self._row(project_id, doc_id, user_id, encoded, attrs)
            for (doc_id, _), encoded, attrs in zip(docs, prepared, attributes, strict=False)
        ]
        seqs = self._insert_rows(rows)
        terms = [
            (seq, name, value) for seq, encoded in zip(seqs, prepared, strict=False) for name, value in encoded.terms
        ]
        if len(terms) >= _COPY_AT_LEAST and self.dialect.name == "postgresql":
            self._copy_terms([_term_row(seq, project_id, name, value) for seq, name, value in terms])
        else:
            self._insert_terms(project_id, terms)
        names = self.tables.attributes
        return [
            StoredDocument(seq, project_id, 1, row["v_doc"], {name: row[f"v_{name}"] for name in names})
            for seq, row in zip(seqs, rows, strict=False)
        ]

    def _insert_rows(self, rows: list[dict[str, Any]]) -> list[int]:
        """Insert document rows; their seqs, in order.

        PostgreSQL: one pipelined executemany (psycopg sends every INSERT
        ... RETURNING before reading any answer), not a round trip per row.
        """
        if self.dialect.name != "postgresql" or len(rows) < 2:
            return [self._insert_row(row) for row in rows]
        if not self.writable:
            raise ReadOnly(f"{self.tables.kind}: writes need Store.atomic")
        sql, parameters = self.queries.insert_row_returning.many(self.dialect, rows)
        cursor = self.dbapi_connection.cursor()
        try:
            cursor.executemany(sql, parameters, returning=True)
            seqs = [cursor.fetchone()[0]]
            while cursor.nextset():
                seqs.append(cursor.fetchone()[0])
            return seqs
        finally:
            cursor.close()

    def _insert_row(self, row: dict[str, Any]) -> int:
        self._writing()
        returning = self.dialect.name == "postgresql"  # no lastrowid there
        query = self.queries.insert_row_returning if returning else self.queries.insert_row
        sql, parameters = query.parameters(self.dialect, row)
        cursor = self.dbapi_connection.cursor()
        try:
            cursor.execute(sql, parameters)
            return cursor.fetchone()[0] if returning else cursor.lastrowid
        finally:
            cursor.close()

    def _insert_terms(self, project_id: str, terms: list[tuple[int, str, str]]) -> None:
        """executemany the (doc_seq, name, value) terms, built straight in the driver's parameter order."""
        if not terms:
            return
        if not self.writable:
            raise ReadOnly(f"{self.tables.kind}: writes need Store.atomic")
        sql, names = self.queries.insert_term.render(self.dialect)
        if names is None:
            parameters: list[Any] = [_term_row(seq, project_id, name, value) for seq, name, value in terms]
        else:
            slot = {"v_doc_seq": 0, "v_name": 1, "v_value": 2, "v_project_id": 3}
            arrange = itemgetter(*(slot[name] for name in names))
            parameters = [arrange((seq, name, value, project_id)) for seq, name, value in terms]
        cursor = self.dbapi_connection.cursor()
        try:
            cursor.executemany(sql, parameters)
        finally:
            cursor.close()

    def _copy_terms(self, terms: list[dict[str, Any]]) -> None:
        """PostgreSQL: COPY the terms in, many times faster than row-by-row INSERTs."""
        columns = ("doc_seq", "name", "value", "project_id")
        cursor = self.dbapi_connection.cursor()
        try:
            with cursor.copy(f"COPY {self.tables.terms.name} ({', '.join(columns)}) FROM STDIN") as copy:
                for term in terms:
                    copy.write_row([term[f"v_{column}"] for column in columns])
        finally:
            cursor.close()

    def _row(
        self, project_id: str, doc_id: str, user_id: str, encoded: Prepared, attributes: dict | None
    ) -> dict[str, Any]:
        row: dict[str, Any] = {
            "v_project_id": project_id,
            f"v_{self.tables.id_column}": doc_id,
            "v_user_id": user_id,
            "v_version": 1,
            "v_doc": encoded.raw,
            "v_search_text": encoded.text,
        }
        for column, value in self.tables.derive(encoded.doc).items():
            row[f"v_{column}"] = value
        for name in self.tables.attributes:
            row[f"v_{name}"] = (attributes or {}).get(name)
        return row

    def replace(self, stored: StoredDocument, doc: dict) -> int:
        """Store new content for a document read in this transaction; the new version."""
        raw = orjson.dumps(doc).decode()
        version = stored.version + 1
        values: dict[str, Any] = {
            "seq": stored.seq,
            "old_version": stored.version,
            "v_version": version,
            "v_doc": raw,
            "v_search_text": document_text(doc),
        }
        for column, value in self.tables.derive(doc).items():
            values[f"v_{column}"] = value
        if self._execute(self.queries.update_row, values) != 1:
            raise VersionConflict(f"{self.tables.kind} {stored.seq} changed concurrently")
        # From the stored text: the caller may have changed stored.doc in place.
        old_terms = document_terms(orjson.loads(stored.raw))
        new_terms = document_terms(doc)
        self._execute_many(self.queries.delete_term, _term_rows(stored.seq, stored.project_id, old_terms - new_terms))
        self._execute_many(self.queries.insert_term, _term_rows(stored.seq, stored.project_id, new_terms - old_terms))
        stored.version, stored.raw = version, raw
        stored.__dict__["doc"] = doc
        return version

    def delete(self, stored: StoredDocument) -> None:
        """Delete the document and its terms (known from its stored text)."""
        self._execute(self.queries.delete_row, {"seq": stored.seq})
        terms = document_terms(orjson.loads(stored.raw))
        self._execute_many(self.queries.delete_term, _term_rows(stored.seq, stored.project_id, terms))


def _term_row(seq: int, project_id: str, name: str, value: str) -> dict[str, Any]:
    return {"v_doc_seq": seq, "v_name": name, "v_value": value, "v_project_id": project_id}


def _term_rows(seq: int, project_id: str, terms: set[Term] | frozenset) -> list[dict[str, Any]]:
    return [{"v_doc_seq": seq, "v_name": name, "v_value": value, "v_project_id": project_id} for name, value in terms]
