"""What every document service shares: find one, list, delete, apply a PATCH."""

from __future__ import annotations

import copy
from typing import Any

from freezer_api.domain.errors import NotFound
from freezer_api.domain.ids import is_possible_id
from freezer_api.domain.search import parse_search
from freezer_api.storage.documents_types import Scope, StoredDocument
from freezer_api.storage.store import ReadUnit, Store, UnitOfWork


def patched(doc: dict[str, Any], patch: dict[str, Any], *, merged: str) -> dict[str, Any]:
    """A copy of `doc` with `patch` applied: the object field `merged` key by key, every other field replaced."""
    result = copy.deepcopy(doc)
    for key, value in patch.items():
        result[key] = {**result.get(key, {}), **value} if key == merged else value
    return result


class DocumentService:
    kind = ""  # the UnitOfWork attribute of the repository: "backups", "jobs", ...
    noun = ""  # for messages: "backup", "job", ...
    time_bounds = False  # whether searches honour time_after / time_before
    # Whether a document of this kind could have an id: a lookup of any other is a 404.
    possible_id = staticmethod(is_possible_id)

    def __init__(self, store: Store):
        self.store = store

    def existing(
        self, uow: UnitOfWork | ReadUnit, project_id: str, doc_id: str, *, for_update: bool = False
    ) -> StoredDocument:
        stored = (
            getattr(uow, self.kind).get(project_id, doc_id, for_update=for_update) if self.possible_id(doc_id) else None
        )
        if stored is None:
            raise NotFound(f"No {self.noun} with id {doc_id[:300]!r} in project {project_id!r}.")
        return stored

    def get(self, project_id: str, doc_id: str) -> StoredDocument:
        with self.store.reading() as uow:
            return self.existing(uow, project_id, doc_id)

    def list(self, project_id: str, search_body, *, limit: int, offset: int) -> list[str]:
        query = parse_search(search_body, time_bounds=self.time_bounds)
        with self.store.reading() as uow:
            return getattr(uow, self.kind).search(Scope(project_id), query, limit=limit, offset=offset)

    def delete(self, project_id: str, doc_id: str) -> StoredDocument:
        """Delete the document; what it was."""

        def change(uow: UnitOfWork) -> StoredDocument:
            stored = self.existing(uow, project_id, doc_id, for_update=True)
            getattr(uow, self.kind).delete(stored)
            return stored

        return self.store.atomic(change)
