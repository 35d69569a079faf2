"""The statements of the repositories, built once and compiled once per dialect.

Statements are SQLAlchemy Core constructs with named bind parameters; the
repositories run their compiled SQL directly on pooled DBAPI connections
(see documents.DocumentRepository). That skips the per-execution cost of
SQLAlchemy's Connection layer, several times the cost of the statement
itself for the small indexed reads and writes the API serves most.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import (
    Exists,
    FromClause,
    ScalarSelect,
    Select,
    and_,
    bindparam,
    delete,
    exists,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.expression import ClauseElement

from freezer_api.domain.ports import Scope
from freezer_api.domain.search import SearchQuery
from freezer_api.storage.tables import DocumentTables


class CompiledQuery:
    """A statement and its SQL text for each dialect it has run on."""

    def __init__(self, statement: ClauseElement):
        self.statement = statement
        self._rendered: dict[str, tuple[str, list[str] | None]] = {}

    def render(self, dialect: Dialect) -> tuple[str, list[str] | None]:
        """(sql, names of positional parameters in order, or None for named parameters)."""
        rendered = self._rendered.get(dialect.name)
        if rendered is None:
            # Statements (not DDL) compile to a SQLCompiler, which knows its parameters' order.
            compiled = cast(SQLCompiler, self.statement.compile(dialect=dialect))
            names = list(compiled.positiontup or ()) if compiled.positional else None
            rendered = self._rendered[dialect.name] = (compiled.string, names)
        return rendered

    def parameters(self, dialect: Dialect, values: dict[str, Any]) -> tuple[str, Any]:
        sql, names = self.render(dialect)
        return sql, ([values[name] for name in names] if names is not None else values)

    def many(self, dialect: Dialect, rows: list[dict[str, Any]]) -> tuple[str, list]:
        """The SQL and the parameters of each row, for executemany."""
        sql, names = self.render(dialect)
        if names is None:
            return sql, rows
        return sql, [[row[name] for name in names] for row in rows]


def fetch_rows(dbapi_connection: Any, dialect: Dialect, query: CompiledQuery, values: dict[str, Any]) -> list[tuple]:
    """Run a read on the driver's connection; its rows."""
    sql, parameters = query.parameters(dialect, values)
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(sql, parameters)
        return cursor.fetchall()
    finally:
        cursor.close()


@dataclass(frozen=True)
class SearchShape:
    """What a search statement looks like, independent of the values searched for."""

    scope: str  # "project", "project+central" or "all"
    matches: int
    excludes: int
    texts: int
    after: bool
    before: bool
    marker: bool = False  # only documents created after the one with id :marker
    attributes: bool = False  # the kind's attribute columns beside each document


class Queries:
    """Every statement of one document kind."""

    def __init__(self, tables: DocumentTables):
        self.tables = tables
        t = tables.table
        id_column = t.c[tables.id_column]
        columns = (t.c.seq, t.c.project_id, t.c.version, t.c.doc, *(t.c[name] for name in tables.attributes))
        by_id = (t.c.project_id == bindparam("project_id"), id_column == bindparam("doc_id"))
        self.get = CompiledQuery(select(*columns).where(*by_id))
        self.get_for_update = CompiledQuery(select(*columns).where(*by_id).with_for_update())
        everywhere = select(*columns).where(id_column == bindparam("doc_id")).order_by(t.c.seq)
        self.find_everywhere = CompiledQuery(everywhere)
        self.find_everywhere_for_update = CompiledQuery(everywhere.with_for_update())
        if "is_central" in t.c:
            self.central_ids = CompiledQuery(
                select(id_column).where(t.c.is_central.is_(True), t.c.project_id != bindparam("project_id"))
            )
        self._add_writes(tables)
        self._searches: dict[SearchShape, CompiledQuery] = {}
        self._lock = threading.Lock()

    def _add_writes(self, tables: DocumentTables) -> None:
        t, terms = tables.table, tables.terms
        # Every column but seq; bound as :v_<column>.
        self.row_columns = [column.name for column in t.columns if column.name != "seq"]
        new_row = insert(t).values({name: bindparam(f"v_{name}") for name in self.row_columns})
        self.insert_row = CompiledQuery(new_row)
        self.insert_row_returning = CompiledQuery(new_row.returning(t.c.seq))  # PostgreSQL: no lastrowid
        changed = ["version", "doc", "search_text", *tables.derived_columns]
        self.changed_columns = changed
        self.update_row = CompiledQuery(
            update(t)
            .where(t.c.seq == bindparam("seq"), t.c.version == bindparam("old_version"))
            .values({name: bindparam(f"v_{name}") for name in changed})
        )
        self.delete_row = CompiledQuery(delete(t).where(t.c.seq == bindparam("seq")))
        term_columns = ("doc_seq", "name", "value", "project_id")
        self.insert_term = CompiledQuery(insert(terms).values({name: bindparam(f"v_{name}") for name in term_columns}))
        self.delete_term = CompiledQuery(
            delete(terms).where(
                terms.c.project_id == bindparam("v_project_id"),
                terms.c.name == bindparam("v_name"),
                terms.c.value == bindparam("v_value"),
                terms.c.doc_seq == bindparam("v_doc_seq"),
            )
        )

    def search(
        self, scope: Scope, query: SearchQuery, *, after_id: str | None = None, attributes: bool = False
    ) -> tuple[CompiledQuery, dict[str, Any]]:
        """The statement for this search's shape, and the values of its parameters.

        `after_id` pages by marker: only documents of the scope's project
        created after the one with that id. `attributes` selects the kind's
        attribute columns after the document.
        """
        shape = SearchShape(
            scope="all" if scope.project_id is None else ("project+central" if scope.include_central else "project"),
            matches=len(query.match),
            excludes=len(query.match_not),
            texts=len(query.text),
            after=query.time_after is not None and "time_stamp" in self.tables.table.c,
            before=query.time_before is not None and "time_stamp" in self.tables.table.c,
            marker=after_id is not None,
            attributes=attributes,
        )
        compiled = self._searches.get(shape)
        if compiled is None:
            with self._lock:
                compiled = self._searches.setdefault(shape, CompiledQuery(self._build_search(shape)))
        values: dict[str, Any] = {"project_id": scope.project_id}
        for index, (name, value) in enumerate(query.match):
            values[f"m{index}_name"], values[f"m{index}_value"] = name, value
        for index, (name, value) in enumerate(query.match_not):
            values[f"n{index}_name"], values[f"n{index}_value"] = name, value
        for index, text in enumerate(query.text):
            values[f"text{index}"] = "%" + _escape_like(text) + "%"
        values["time_after"], values["time_before"] = query.time_after, query.time_before
        values["marker"] = after_id
        return compiled, values

    def _build_search(self, shape: SearchShape) -> Select:
        t = self.tables.table
        terms = self.tables.terms
        conditions = []
        if shape.scope == "project":
            conditions.append(t.c.project_id == bindparam("project_id"))
        elif shape.scope == "project+central":
            conditions.append(or_(t.c.project_id == bindparam("project_id"), t.c.is_central.is_(True)))
        source: FromClause = t
        order = t.c.seq
        if shape.matches:
            # Drive the query from the terms index with the first pair: the
            # rows come out in document order, so no sort is needed.
            first = terms.alias("m0")
            on = [
                first.c.doc_seq == t.c.seq,
                first.c.name == bindparam("m0_name"),
                first.c.value == bindparam("m0_value"),
                first.c.project_id == (bindparam("project_id") if shape.scope == "project" else t.c.project_id),
            ]
            source = t.join(first, and_(*on))
            order = first.c.doc_seq
        for index in range(1, shape.matches):
            conditions.append(self._has_term(terms.alias(f"m{index}"), f"m{index}"))
        for index in range(shape.excludes):
            conditions.append(~self._has_term(terms.alias(f"n{index}"), f"n{index}"))
        for index in range(shape.texts):
            conditions.append(t.c.search_text.like(bindparam(f"text{index}"), escape="\\"))
        if shape.after:
            conditions.append(t.c.time_stamp >= bindparam("time_after"))
        if shape.before:
            conditions.append(t.c.time_stamp <= bindparam("time_before"))
        if shape.marker:
            conditions.append(t.c.seq > self._marker_seq())
        attributes = [t.c[name] for name in self.tables.attributes] if shape.attributes else []
        return (
            select(t.c.doc, *attributes)
            .select_from(source)
            .where(*conditions)
            .order_by(order)
            .limit(bindparam("limit"))
            .offset(bindparam("offset"))
        )

    def _marker_seq(self) -> ScalarSelect[Any]:
        """The position of the marker document in its project (NULL, so no rows, when absent)."""
        marker = self.tables.table.alias("marker")
        return (
            select(marker.c.seq)
            .where(
                marker.c.project_id == bindparam("project_id"), marker.c[self.tables.id_column] == bindparam("marker")
            )
            .scalar_subquery()
        )

    def _has_term(self, alias: FromClause, prefix: str) -> Exists:
        t = self.tables.table
        return exists().where(  # one primary-key lookup of the terms table
            alias.c.project_id == t.c.project_id,
            alias.c.name == bindparam(f"{prefix}_name"),
            alias.c.value == bindparam(f"{prefix}_value"),
            alias.c.doc_seq == t.c.seq,
        )


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
