"""What every document service shares: find one, list, delete, create or replace, apply a PATCH."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from freezer_api.context import RequestContext
from freezer_api.domain.errors import BadRequest, not_found
from freezer_api.domain.ids import is_possible_id, is_storable_key
from freezer_api.domain.ports import DocumentRepository, Scope, Store, StoredDocument, UnitOfWork
from freezer_api.domain.search import parse_search

# Keys the server sets on every document and never takes from a request body:
# the owner of record, the version, and credentials (only the server gives them).
_SERVER_OWNED = ("project_id", "user_id", "user_credentials", "_version")


def server_owned(id_key: str, *also: str) -> frozenset[str]:
    """The server-owned keys of a kind whose id is `id_key`, with any `also` of its own."""
    return frozenset((id_key, *_SERVER_OWNED, *also))


def patched(doc: dict[str, Any], patch: dict[str, Any], *, merged: str) -> dict[str, Any]:
    """A copy of `doc` with `patch` applied: the object field `merged` key by key, every other field replaced."""
    result = copy.deepcopy(doc)
    for key, value in patch.items():
        result[key] = {**result.get(key, {}), **value} if key == merged else value
    return result


def unknown_marker(noun: str, marker: str) -> BadRequest:
    return BadRequest(f"No {noun} with id {marker[:80]!r} to page after (marker).")


def require_storable_marker(noun: str, marker: str | None) -> None:
    """A marker no document could have is refused before any lookup (an empty page would hide the mistake)."""
    if marker is not None and not is_storable_key(marker):
        raise unknown_marker(noun, marker)


class DocumentService:
    noun = ""  # for messages: "backup", "job", ...
    time_bounds = False  # whether searches honour time_after / time_before
    # Whether a document of this kind could have an id: a lookup of any other is a 404.
    possible_id = staticmethod(is_possible_id)

    def __init__(self, store: Store):
        self.store = store

    @staticmethod
    def repository(uow: UnitOfWork) -> DocumentRepository:
        """This service's documents in `uow` (uow.backups, uow.jobs, ...)."""
        raise NotImplementedError

    def existing(self, uow: UnitOfWork, project_id: str, doc_id: str, *, for_update: bool = False) -> StoredDocument:
        stored = None
        if self.possible_id(doc_id):
            stored = self.repository(uow).get(project_id, doc_id, for_update=for_update)
        if stored is None:
            raise not_found(self.noun, doc_id, project_id)
        return stored

    def get(self, project_id: str, doc_id: str) -> StoredDocument:
        with self.store.reading() as uow:
            return self.existing(uow, project_id, doc_id)

    def list(
        self, project_id: str, search_body: Any, *, limit: int, offset: int, marker: str | None = None
    ) -> list[str]:
        """A page of the project's matching documents; after the one with id `marker` when given."""
        query = parse_search(search_body, time_bounds=self.time_bounds)
        require_storable_marker(self.noun, marker)
        with self.store.reading() as uow:
            repository = self.repository(uow)
            page = repository.search(Scope(project_id), query, limit=limit, offset=offset, after_id=marker)
            if not page and marker is not None and repository.get(project_id, marker) is None:
                raise unknown_marker(self.noun, marker)
            return page

    def delete(self, project_id: str, doc_id: str) -> StoredDocument:
        """Delete the document; what it was."""

        def change(uow: UnitOfWork) -> StoredDocument:
            stored = self.existing(uow, project_id, doc_id, for_update=True)
            self.repository(uow).delete(stored)
            return stored

        return self.store.atomic(change)

    def create_or_replace(
        self,
        uow: UnitOfWork,
        ctx: RequestContext,
        project_id: str,
        doc_id: str,
        document: Callable[[StoredDocument | None], dict[str, Any]],
    ) -> int:
        """Store `document(stored)` as the document `doc_id`, new (stored None) or replacing it; its version."""
        documents = self.repository(uow)
        stored = documents.get(project_id, doc_id, for_update=True)
        doc = document(stored)
        if stored is None:
            documents.insert(project_id, doc_id, ctx.user_id, doc)
            return 1
        return documents.replace(stored, doc)
