"""Records the read statements the repositories send, as the database receives them."""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Iterator

from freezer_api.storage import documents
from freezer_api.storage.queries import CompiledQuery


@dataclass
class Statement:
    query: CompiledQuery
    values: dict[str, Any]

    def sql(self, dialect) -> tuple[str, Any]:
        """The SQL text and parameters as DocumentReader sends them on `dialect`."""
        return self.query.parameters(dialect, self.values)


@contextmanager
def recorded_statements() -> Iterator[list[Statement]]:
    """Every statement reads send (they all go through DocumentReader._rows)."""
    statements: list[Statement] = []
    original = documents.DocumentReader._rows

    def record(reader, query, values):
        statements.append(Statement(query, dict(values)))
        return original(reader, query, values)

    documents.DocumentReader._rows = record
    try:
        yield statements
    finally:
        documents.DocumentReader._rows = original
