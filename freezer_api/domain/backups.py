"""Backup metadata: what agents report after every backup run (contract 2.1, 4.1)."""

from __future__ import annotations

from freezer_api.context import RequestContext
from freezer_api.domain.documents import DocumentService
from freezer_api.domain.ids import is_storable_key, new_id
from freezer_api.domain.schemas import backups as schemas
from freezer_api.domain.validation import require_object, validate
from freezer_api.storage.store import UnitOfWork

DEFAULT_STATUS = "available"


class Backups(DocumentService):
    kind = "backups"
    noun = "backup"
    time_bounds = True
    # v1 backup ids are composed from the metadata: they follow no pattern.
    possible_id = staticmethod(is_storable_key)

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

    def patch(self, project_id: str, backup_id: str, body) -> dict:
        """Merge `backup_metadata` shallowly and replace `status`; the new document."""
        patch = require_object(body)
        validate(schemas.PATCH, patch)

        def change(uow: UnitOfWork) -> dict:
            stored = self.existing(uow, project_id, backup_id, for_update=True)
            doc = dict(stored.doc)
            if "backup_metadata" in patch:
                doc["backup_metadata"] = {**doc["backup_metadata"], **patch["backup_metadata"]}
            if "status" in patch:
                doc["status"] = patch["status"]
            uow.backups.replace(stored, doc)
            return doc

        return self.store.atomic(change)
