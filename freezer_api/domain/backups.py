"""Backup metadata: what agents report after every backup run (contract 2.1, 4.1)."""

from __future__ import annotations

from freezer_api.context import RequestContext
from freezer_api.domain.errors import NotFound
from freezer_api.domain.ids import new_id
from freezer_api.domain.schemas import backups as schemas
from freezer_api.domain.search import parse_search
from freezer_api.domain.validation import require_object, validate
from freezer_api.storage.documents_types import Scope, StoredDocument
from freezer_api.storage.store import ReadUnit, Store, UnitOfWork

DEFAULT_STATUS = "available"


class Backups:
    def __init__(self, store: Store):
        self.store = store

    def create(self, ctx: RequestContext, project_id: str, body) -> str:
        metadata = dict(require_object(body))
        validate(schemas.CREATE, metadata)
        status = metadata.pop("status", DEFAULT_STATUS)
        backup_id = new_id()
        doc = {
            "backup_id": backup_id,
            "project_id": project_id,
            "user_id": ctx.user_id,
            "status": status,
            "backup_metadata": metadata,
        }
        self.store.atomic(lambda uow: uow.backups.insert(project_id, backup_id, ctx.user_id, doc))
        return backup_id

    def get(self, project_id: str, backup_id: str) -> StoredDocument:
        with self.store.reading() as uow:
            return _existing(uow, project_id, backup_id)

    def list(self, project_id: str, search_body, *, limit: int, offset: int) -> list[str]:
        query = parse_search(search_body, time_bounds=True)
        with self.store.reading() as uow:
            return uow.backups.search(Scope(project_id), query, limit=limit, offset=offset)

    def patch(self, project_id: str, backup_id: str, body) -> dict:
        """Merge `backup_metadata` shallowly and replace `status`; the new document."""
        patch = require_object(body)
        validate(schemas.PATCH, patch)

        def change(uow: UnitOfWork) -> dict:
            stored = _existing(uow, project_id, backup_id, for_update=True)
            doc = dict(stored.doc)
            if "backup_metadata" in patch:
                doc["backup_metadata"] = {**doc["backup_metadata"], **patch["backup_metadata"]}
            if "status" in patch:
                doc["status"] = patch["status"]
            uow.backups.replace(stored, doc)
            return doc

        return self.store.atomic(change)

    def delete(self, project_id: str, backup_id: str) -> None:
        def change(uow: UnitOfWork) -> None:
            uow.backups.delete(_existing(uow, project_id, backup_id, for_update=True))

        self.store.atomic(change)


def _existing(uow: UnitOfWork, project_id: str, backup_id: str, *, for_update: bool = False) -> StoredDocument:
    stored = uow.backups.get(project_id, backup_id, for_update=for_update)
    if stored is None:
        raise NotFound(f"No backup with id {backup_id!r} in project {project_id!r}.")
    return stored
