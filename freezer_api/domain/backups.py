"""Backup metadata: what agents report after every backup run (docs/resources.md#backups)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from freezer_api.context import RequestContext
from freezer_api.domain import events
from freezer_api.domain.documents import DocumentService, require_storable_marker, server_owned, unknown_marker
from freezer_api.domain.errors import Conflict
from freezer_api.domain.ids import is_storable_key, new_id
from freezer_api.domain.liveness import LivenessRecorder
from freezer_api.domain.ports import DocumentRepository, Scope, StoredDocument, UnitOfWork, prepare
from freezer_api.domain.runs import attach_backup
from freezer_api.domain.schemas import backups as schemas
from freezer_api.domain.search import parse_search
from freezer_api.domain.validation import require_object, validate

DEFAULT_STATUS = "available"
# Keys of a flat PATCH body that are not metadata: the server owns them, or
# (status) they are the backup's own field.
SERVER_OWNED = server_owned("backup_id", "status")


class Backups(DocumentService):
    noun = "backup"
    liveness: LivenessRecorder | None = None  # set by Services.over
    time_bounds = True
    # v1 backup ids are composed from the metadata: they follow no pattern.
    possible_id = staticmethod(is_storable_key)

    @staticmethod
    def repository(uow: UnitOfWork) -> DocumentRepository:
        return uow.backups

    def create(self, ctx: RequestContext, project_id: str, body: Any) -> str:
        metadata = dict(require_object(body))
        validate(schemas.CREATE, metadata)
        return self.add(ctx, project_id, new_id(), metadata)

    def add(self, ctx: RequestContext, project_id: str, backup_id: str, metadata: dict) -> str:
        """Record validated metadata as backup `backup_id`; Conflict if the project has it."""
        metadata = dict(metadata)
        status = metadata.pop("status", DEFAULT_STATUS)
        doc = prepare(
            {
                "backup_id": backup_id,
                "project_id": project_id,
                "user_id": ctx.user_id,
                "status": status,
                "backup_metadata": metadata,
            }
        )

        job_id = metadata.get("job_id")

        def change(uow: UnitOfWork) -> str | None:
            if uow.backups.get(project_id, backup_id) is not None:
                raise Conflict(f"A backup with id {backup_id!r} already exists in project {project_id!r}.")
            uow.backups.insert(project_id, backup_id, ctx.user_id, doc, {"user_name": ctx.user_name})
            events.record(uow, events.backup_created(ctx, project_id, doc.doc))
            return attach_backup(uow, project_id, job_id, backup_id)

        client_id = self.store.atomic(change)
        if client_id is not None and self.liveness is not None:
            self.liveness.saw(project_id, client_id)  # an agent reporting its backup: its client is alive
        return backup_id

    def list_with_attributes(
        self, project_id: str, search_body: Any, *, limit: int, offset: int, after_id: str | None = None
    ) -> list[tuple[str, dict]]:
        """Like list, with each backup's attributes; `after_id` starts after that backup."""
        query = parse_search(search_body, time_bounds=True)
        require_storable_marker(self.noun, after_id)
        with self.store.reading() as uow:
            page = uow.backups.search_with_attributes(
                Scope(project_id), query, limit=limit, offset=offset, after_id=after_id
            )
            if not page and after_id is not None and uow.backups.get(project_id, after_id) is None:
                raise unknown_marker(self.noun, after_id)
            return page

    def patch(self, project_id: str, backup_id: str, body: Any) -> dict:
        """Merge `backup_metadata` shallowly and replace `status`; the new document.

        A body without `backup_metadata` is an agent's flat metadata report,
        which freezer-scheduler sends after the run of a backup whose id was
        allocated in advance (`client.backups.update(backup_id, metadata)`):
        its keys are the metadata to merge, and a backup still `creating`
        becomes `available` unless the report names a status.
        """
        patch = require_object(body)
        reported = "backup_metadata" not in patch
        if reported:
            metadata = {key: value for key, value in patch.items() if key not in SERVER_OWNED}
            patch = {**({"status": patch["status"]} if "status" in patch else {}), "backup_metadata": metadata}
        validate(schemas.PATCH, patch)

        def edit(doc: dict) -> dict:
            doc = dict(doc)
            doc["backup_metadata"] = {**doc["backup_metadata"], **patch["backup_metadata"]}
            if "status" in patch:
                doc["status"] = patch["status"]
            elif reported and patch["backup_metadata"] and doc["status"] == "creating":
                doc["status"] = DEFAULT_STATUS
            return doc

        return self.update(project_id, backup_id, edit).doc

    def update(self, project_id: str, backup_id: str, edit: Callable[[dict], dict]) -> StoredDocument:
        """Store `edit(document)` in place of the backup, atomically; the stored result.

        `edit` may raise to refuse the change, and may run more than once.
        """

        def change(uow: UnitOfWork) -> StoredDocument:
            stored = self.existing(uow, project_id, backup_id, for_update=True)
            uow.backups.replace(stored, edit(stored.doc))
            return stored

        return self.store.atomic(change)
