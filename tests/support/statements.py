"""Records the read statements the repositories send, as the database receives them."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from freezer_api.storage import documents
from freezer_api.storage.queries import CompiledQuery


@dataclass
class Statement:
    query: CompiledQuery
    values: dict[str, Any]

    def sql(self, dialect) -> tuple[str, Any]:
        """The SQL text and parameters as DocumentRepository sends them on `dialect`."""
        return self.query.parameters(dialect, self.values)


@contextmanager
def recorded_statements() -> Iterator[list[Statement]]:
    """Every SELECT the repositories send (they all go through DocumentRepository._rows)."""
    statements: list[Statement] = []
    original = documents.DocumentRepository._rows

    def record(reader, query, values):
        statements.append(Statement(query, dict(values)))
        return original(reader, query, values)

    documents.DocumentRepository._rows = record
    try:
        yield statements
    finally:
        documents.DocumentRepository._rows = original
