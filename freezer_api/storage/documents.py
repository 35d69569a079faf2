"""The repository of one document kind: get, insert, replace, delete, search.

Documents are stored as JSON text and handed back as that text, so lists
and single GETs are served without decoding and re-encoding them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

import orjson
from sqlalchemy import Connection, and_, delete, exists, insert, or_, select, update

from freezer_api.domain.search import SearchQuery, Term, document_terms, document_text
from freezer_api.storage.tables import DocumentTables


class VersionConflict(Exception):
    """The document changed since it was read; the transaction is retried."""


@dataclass
class StoredDocument:
    seq: int
    project_id: str
    version: int
    raw: str

    @cached_property
    def doc(self) -> dict:
        return orjson.loads(self.raw)


@dataclass(frozen=True)
class Scope:
    """Which projects' documents a search covers."""

    project_id: str | None  # None: every project
    include_central: bool = False  # clients: also every project's central clients


class DocumentRepository:
    def __init__(self, conn: Connection, tables: DocumentTables):
        self.conn = conn
        self.t = tables
        self.table = tables.table
        self.id_column = tables.table.c[tables.id_column]

    # -- reads ------------------------------------------------------------

    def get(self, project_id: str, doc_id: str, *, for_update: bool = False) -> StoredDocument | None:
        t = self.table
        stmt = select(t.c.seq, t.c.project_id, t.c.version, t.c.doc).where(
            t.c.project_id == project_id, self.id_column == doc_id
        )
        if for_update:
            stmt = stmt.with_for_update()
        row = self.conn.execute(stmt).first()
        return StoredDocument(*row) if row else None

    def find_everywhere(self, doc_id: str, *, for_update: bool = False) -> list[StoredDocument]:
        """Documents with this id in any project, oldest first."""
        t = self.table
        stmt = (
            select(t.c.seq, t.c.project_id, t.c.version, t.c.doc)
            .where(self.id_column == doc_id)
            .order_by(t.c.seq)
        )
        if for_update:
            stmt = stmt.with_for_update()
        return [StoredDocument(*row) for row in self.conn.execute(stmt)]

    def search(self, scope: Scope, query: SearchQuery, *, limit: int, offset: int) -> list[str]:
        """The raw JSON of matching documents, in creation order."""
        t = self.table
        terms = self.t.terms
        conditions = []
        if scope.project_id is not None:
            if scope.include_central:
                conditions.append(or_(t.c.project_id == scope.project_id, t.c.is_central.is_(True)))
            else:
                conditions.append(t.c.project_id == scope.project_id)
        source = t
        order = t.c.seq
        matches = list(query.match)
        if matches:
            # Drive the query from the most specific index: the first term.
            name, value = matches.pop(0)
            first = terms.alias("m0")
            on = [first.c.doc_seq == t.c.seq, first.c.name == name, first.c.value == value]
            if scope.project_id is not None and not scope.include_central:
                on.append(first.c.project_id == scope.project_id)
            source = t.join(first, and_(*on))
            order = first.c.doc_seq
        for index, (name, value) in enumerate(matches, start=1):
            conditions.append(self._has_term(terms.alias(f"m{index}"), name, value))
        for index, (name, value) in enumerate(query.match_not):
            conditions.append(~self._has_term(terms.alias(f"n{index}"), name, value))
        for text in query.text:
            conditions.append(t.c.search_text.like("%" + _escape_like(text) + "%", escape="\\"))
        if query.time_after is not None and "time_stamp" in t.c:
            conditions.append(t.c.time_stamp >= query.time_after)
        if query.time_before is not None and "time_stamp" in t.c:
            conditions.append(t.c.time_stamp <= query.time_before)
        stmt = select(t.c.doc).select_from(source).where(*conditions).order_by(order).limit(limit).offset(offset)
        return list(self.conn.execute(stmt).scalars())

    def _has_term(self, alias, name: str, value: str):
        t = self.table
        return exists().where(alias.c.doc_seq == t.c.seq, alias.c.name == name, alias.c.value == value)

    # -- writes -----------------------------------------------------------

    def insert(self, project_id: str, doc_id: str, user_id: str, doc: dict) -> StoredDocument:
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
        result = self.conn.execute(insert(self.table).values(**values))
        seq = result.inserted_primary_key[0]
        self._add_terms(seq, project_id, document_terms(doc))
        return StoredDocument(seq, project_id, 1, raw)

    def replace(self, stored: StoredDocument, doc: dict) -> int:
        """Store a new content for a document read in this transaction; the new version."""
        t = self.table
        raw = orjson.dumps(doc).decode()
        version = stored.version + 1
        values: dict[str, Any] = {"version": version, "doc": raw, "search_text": document_text(doc)}
        values.update(self._derived(doc))
        result = self.conn.execute(
            update(t).where(t.c.seq == stored.seq, t.c.version == stored.version).values(**values)
        )
        if result.rowcount != 1:
            raise VersionConflict(f"{self.t.kind} {stored.seq} changed concurrently")
        old_terms = document_terms(stored.doc)
        new_terms = document_terms(doc)
        self._remove_terms(stored.seq, old_terms - new_terms)
        self._add_terms(stored.seq, stored.project_id, new_terms - old_terms)
        return version

    def delete(self, stored: StoredDocument) -> None:
        t = self.table
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


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
