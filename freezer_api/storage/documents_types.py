"""Value types the repositories hand to and take from the domain."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import orjson


@dataclass
class StoredDocument:
    seq: int
    project_id: str
    version: int
    raw: str
    # The kind's attribute columns (DocumentTables.attributes), by name.
    attributes: dict = field(default_factory=dict)

    @cached_property
    def doc(self) -> dict:
        return orjson.loads(self.raw)


@dataclass(frozen=True)
class Scope:
    """Which projects' documents a search covers."""

    project_id: str | None  # None: every project
    include_central: bool = False  # clients: also every project's central clients
