"""Actions: reusable definitions of one agent run (docs/resources.md#actions, docs/jobs.md#job-actions)."""

from __future__ import annotations

import copy
from typing import Any

from freezer_api.context import RequestContext
from freezer_api.domain.documents import DocumentService, patched, server_owned
from freezer_api.domain.errors import Conflict, Unprocessable
from freezer_api.domain.ids import new_id, require_valid_id
from freezer_api.domain.ports import DocumentRepository, StoredDocument, UnitOfWork
from freezer_api.domain.schemas import actions as schemas
from freezer_api.domain.validation import require_object, validate

DEFAULTS = {"max_retries": 5, "max_retries_interval": 6, "mandatory": False}
# Set by the server, never taken from a body (docs/original-defects.md#d01, docs/original-defects.md#d15);
# only the server gives credentials (docs/original-defects.md#d05).
SERVER_OWNED = server_owned("action_id")
# Differences in these keys never make two definitions different (6.4).
_IGNORED_IN_COMPARISON = {"_version", "user_id"}


def same_definition(stored: dict, submitted: dict) -> bool:
    """Key-by-key equality of two freezer_action objects; missing equals null."""
    keys = (set(stored) | set(submitted)) - _IGNORED_IN_COMPARISON
    return all(stored.get(key) == submitted.get(key) for key in keys)


def action_document(definition: dict, action_id: str, project_id: str, user_id: str) -> dict:
    """The stored action: the definition as sent, defaults filled, server fields set."""
    doc = {key: value for key, value in definition.items() if key not in SERVER_OWNED}
    for key, value in DEFAULTS.items():
        doc.setdefault(key, value)
    doc.update(action_id=action_id, project_id=project_id, user_id=user_id)
    return doc


def store_job_actions(uow: UnitOfWork, ctx: RequestContext, project_id: str, entries: list[dict]) -> list[dict]:
    """Turn a job's action entries into stored actions, de-duplicated (docs/jobs.md#job-actions).

    Returns the job's own entries with `action_id`, `user_id` and
    `project_id` added; runs inside the job's transaction.
    """
    resolved = []
    written: dict[str, dict] = {}  # actions stored by this request, by id
    for index, submitted in enumerate(entries):
        entry = copy.deepcopy(submitted)
        entry.pop("user_credentials", None)
        action_id = entry.get("action_id") or None
        known = _known_action(uow, project_id, action_id, written)
        if known is not None and "freezer_action" not in entry:
            # A reference to a stored action: the job takes its definition.
            for key, value in known.items():
                if key not in SERVER_OWNED:
                    entry.setdefault(key, copy.deepcopy(value))
        if "freezer_action" not in entry:
            # Schema-valid, but it names nothing: a 422, like an unknown client.
            raise Unprocessable(
                f"job_actions[{index}]: no action {action_id!r} in this project; give its freezer_action."
            )
        if known is None or not same_definition(known["freezer_action"], entry["freezer_action"]):
            if known is not None:
                action_id = None  # a changed definition becomes a new action
            action_id = action_id or new_id()
            doc = action_document(entry, action_id, project_id, ctx.user_id)
            uow.actions.insert(project_id, action_id, ctx.user_id, doc)
            written[action_id] = doc
        entry.update(action_id=action_id, user_id=ctx.user_id, project_id=project_id)
        resolved.append(entry)
    return resolved


def _known_action(uow: UnitOfWork, project_id: str, action_id: str | None, written: dict[str, dict]) -> dict | None:
    if action_id is None:
        return None
    if action_id in written:
        return written[action_id]
    stored = uow.actions.get(project_id, action_id)
    return stored.doc if stored else None


class Actions(DocumentService):
    noun = "action"

    @staticmethod
    def repository(uow: UnitOfWork) -> DocumentRepository:
        return uow.actions

    def create(self, ctx: RequestContext, project_id: str, body: Any) -> str:
        definition = require_object(body)
        validate(schemas.CREATE, definition)
        action_id = definition.get("action_id") or new_id()

        def change(uow: UnitOfWork) -> str:
            if uow.actions.get(project_id, action_id) is not None:
                raise Conflict(f"Action {action_id!r} already exists.")
            uow.actions.insert(
                project_id, action_id, ctx.user_id, action_document(definition, action_id, project_id, ctx.user_id)
            )
            return action_id

        return self.store.atomic(change)

    def patch(self, ctx: RequestContext, project_id: str, action_id: str, body: Any) -> int:
        """Merge `freezer_action` key by key; other fields given replace the stored ones."""
        validate(schemas.PATCH, require_object(body))
        patch = {k: v for k, v in body.items() if k not in SERVER_OWNED}

        def change(uow: UnitOfWork) -> int:
            stored = self.existing(uow, project_id, action_id, for_update=True)
            doc = patched(stored.doc, patch, merged="freezer_action")
            validate(schemas.CREATE, doc)
            return uow.actions.replace(stored, doc)

        return self.store.atomic(change)

    def replace(self, ctx: RequestContext, project_id: str, action_id: str, body: Any) -> int:
        """Create or replace the action with this id; its new version."""
        require_valid_id("action_id", action_id)
        definition = require_object(body)
        validate(schemas.CREATE, definition)

        def document(stored: StoredDocument | None) -> dict:
            # The creator stays the owner of record (docs/original-defects.md#d15).
            owner = ctx.user_id if stored is None else stored.doc["user_id"]
            return action_document(definition, action_id, project_id, owner)

        return self.store.atomic(lambda uow: self.create_or_replace(uow, ctx, project_id, action_id, document))
