"""Backup sets, restore plans and restores from the catalog (docs/restore.md).

The rules are in freezer_api.domain.restore; this module reads the catalog
through the BackupCatalog port and turns a restore point into an ordinary
job (freezer_api.domain.jobs) for the target host's scheduler.
"""

from __future__ import annotations

import datetime
from typing import Any

import orjson

from freezer_api.context import RequestContext
from freezer_api.domain.clients import visible_client
from freezer_api.domain.clock import now
from freezer_api.domain.errors import BadRequest, Conflict, NotFound, not_found
from freezer_api.domain.ids import is_storable_key
from freezer_api.domain.jobs import Jobs
from freezer_api.domain.ports import Store, UnitOfWork
from freezer_api.domain.restore import Link, SetKey, catalog_fields, plan, restorable, set_key, summarize
from freezer_api.domain.schemas import restore as schemas
from freezer_api.domain.schemas.common import MAX_SAFE_INTEGER
from freezer_api.domain.validation import require_object, validate


class AmbiguousSet(Conflict):
    title = "Ambiguous backup set"


class NotRestorable(Conflict):
    title = "Backup cannot be restored"


# freezer-agent reports the time_stamp it read when the run began, and names
# the backup in its storage by a clock it reads a moment later: the date a
# restore asks for reaches this far past the time_stamp (docs/restore.md#restore).
NAMING_SLACK = 60


def restore_from_date(time_stamp: int, next_time_stamp: int | None) -> str:
    """The --restore-from-date that picks this backup: ISO 8601 in UTC, short of the set's next backup."""
    date = time_stamp + NAMING_SLACK
    if next_time_stamp is not None:
        date = max(time_stamp, min(date, next_time_stamp - 1))
    return datetime.datetime.fromtimestamp(date, datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _match(search_body: Any) -> dict[str, str]:
    if search_body is None:
        return {}
    body = require_object(search_body, "search")
    validate(schemas.SET_SEARCH, body)
    match: dict[str, str] = {}
    for entry in body.get("match", []):
        for name, value in entry.items():
            if match.setdefault(name, value) != value:
                return {"": ""}  # two different values of one name: nothing matches
    return match


def _at(value: Any) -> int:
    if value is None:
        return now()
    text = str(value).strip()
    if not text.isdigit() or int(text) > MAX_SAFE_INTEGER:
        raise BadRequest(f"'at' must be a time_stamp: a non-negative integer of seconds, not {text[:40]!r}.")
    return int(text)


class BackupSets:
    def __init__(self, store: Store, jobs: Jobs):
        self.store = store
        self.jobs = jobs

    def list(self, project_id: str, search_body: Any, *, limit: int, offset: int) -> list[dict[str, Any]]:
        """A page of the project's backup sets, each summarized."""
        match = _match(search_body)
        if "" in match:
            return []
        with self.store.reading() as uow:
            catalog = uow.backup_catalog
            keys = catalog.set_page(project_id, match, limit=limit, offset=offset)
            entries = catalog.entries_of(project_id, keys)
        return [summarize(key, entries[key]).document() for key in keys]

    def restore_plan(
        self, project_id: str, *, hostname: Any, backup_name: Any, container: Any = None, at: Any = None
    ) -> dict[str, Any]:
        """What to restore for (hostname, backup_name) at time `at` (default: now)."""
        for name, value in (("hostname", hostname), ("backup_name", backup_name)):
            if not isinstance(value, str) or not value:
                raise BadRequest(f"'{name}' is required: the backup set to plan a restore from.")
        moment = _at(at)
        what = f"{backup_name!r} of host {hostname!r}" + (f" in container {container!r}" if container else "")
        with self.store.reading() as uow:
            catalog = uow.backup_catalog
            zeros = catalog.newest_level_zeros(project_id, hostname, backup_name, container or None, moment)
            if not zeros:
                raise NotFound(f"No backup {what} in project {project_id!r}.")
            if len(zeros) > 1:
                raise AmbiguousSet(
                    f"Backups {what} are kept in several containers ({', '.join(sorted(zeros))}): name one."
                )
            ((found_container, level_zero),) = zeros.items()
            if level_zero is None:
                raise NotFound(f"No usable backup {what} at or before {moment}: no level-0 backup by then.")
            key = SetKey(found_container, hostname, backup_name)
            restore = plan(key, catalog.entries_between(project_id, key, level_zero, moment), moment)
            if restore is None:  # cannot happen: the level-0 itself is a restore point
                raise NotFound(f"No usable backup {what} at or before {moment}.")
            chain = [self._document(uow, project_id, entry.backup_id) for entry in restore.point.chain]
        point = restore.point.entry
        return {
            "restore_point": point.time_stamp,
            "backup_id": point.backup_id,
            "container": key.container,
            "hostname": key.hostname,
            "backup_name": key.backup_name,
            "at": moment,
            "chain": chain,
            "complete": True,
            "skipped": restore.skipped,
            "unusable": restore.unusable,
        }

    @staticmethod
    def _document(uow: UnitOfWork, project_id: str, backup_id: str) -> dict[str, Any]:
        stored = uow.backups.get(project_id, backup_id)
        if stored is None:  # deleted since the catalog was read: the chain is not whole
            raise Conflict(f"Backup {backup_id!r} of the chain was deleted meanwhile; try again.")
        return orjson.loads(stored.raw)

    def restore(self, ctx: RequestContext, project_id: str, backup_id: str, body: Any) -> str:
        """Create a one-shot job restoring exactly this backup onto the body's client; the job id."""
        request = require_object(body)
        validate(schemas.RESTORE, request)
        with self.store.reading() as uow:
            doc, link, next_stamp = self._restorable(uow, project_id, backup_id)
            visible_client(uow, project_id, request["client_id"])  # 404 when the caller cannot see it
        metadata = doc["backup_metadata"]
        assert link.entry.time_stamp is not None
        date = restore_from_date(link.entry.time_stamp, next_stamp)
        action: dict[str, Any] = {"action": "restore"}
        for name in ("mode", "storage", "engine_name"):
            if isinstance(metadata.get(name), str):
                action[name] = metadata[name]
        action.update(
            container=link.entry.container,
            backup_name=link.entry.backup_name,
            hostname=link.entry.hostname,
            restore_from_date=date,
            restore_abs_path=request["restore_abs_path"],
        )
        action.update(request.get("overrides") or {})
        description = request.get("description") or (
            f"Restore backup {backup_id} ({link.entry.hostname} {link.entry.backup_name}"
            f" of {restore_from_date(link.entry.time_stamp, link.entry.time_stamp)})"
            f" to {request['restore_abs_path']}"
        )
        job = {
            "client_id": request["client_id"],
            "description": description,
            "job_actions": [{"freezer_action": action, "max_retries": 0, "mandatory": True}],
        }
        return self.jobs.create(ctx, project_id, job)

    @staticmethod
    def _restorable(uow: UnitOfWork, project_id: str, backup_id: str) -> tuple[dict[str, Any], Link, int | None]:
        """The backup, its link, and the time_stamp of the set's next backup (None: none within the slack)."""
        stored = uow.backups.get(project_id, backup_id) if is_storable_key(backup_id) else None
        if stored is None:
            raise not_found("backup", backup_id, project_id)
        doc = stored.doc
        key = set_key(doc)
        if key is None:
            raise NotRestorable(f"Backup {backup_id!r} names no container, hostname and backup_name.")
        fields = catalog_fields(doc)
        if fields["problem"] is not None:
            raise NotRestorable(f"Backup {backup_id!r} cannot be restored: {fields['problem']}.")
        catalog = uow.backup_catalog
        stamp = fields["set_time_stamp"]
        zeros = catalog.newest_level_zeros(project_id, key.hostname, key.backup_name, key.container, stamp)
        level_zero = zeros.get(key.container)
        link, later = None, []
        if level_zero is not None:
            entries = catalog.entries_between(project_id, key, level_zero, stamp + NAMING_SLACK)
            link = restorable(entries, backup_id)
            later = [e.time_stamp for e in entries if e.time_stamp is not None and e.time_stamp > stamp]
        if link is None or link.broken is not None:
            why = link.broken if link is not None else "there is no level-0 backup before it"
            raise NotRestorable(f"Backup {backup_id!r} cannot be restored: its chain is broken: {why}.")
        return doc, link, min(later, default=None)
