"""Backups as the original v1 API shows them (docs/resources.md#v1).

One catalog serves both versions: a backup is always stored as the v2
document (`backup_id`, `project_id`, `user_id`, `status`, `backup_metadata`
with the names the agent has used since June 2015). v1 adds three rules on
top of it:

* a backup recorded through v1 is named by its metadata:
  `container_hostname_backupname_timestamp_level`, and those five fields
  never change through v1;
* v1 callers may use the 2015 names `host_name`, `timestamp` and `level`;
  they are stored as `hostname`, `time_stamp` and `curr_backup_level`;
* the v1 view of any backup is `{"backup_id", "user_id", "user_name",
  "backup_metadata"}`, its metadata carrying each stored field under both
  names, so readers of either era find theirs.
"""

from __future__ import annotations

from typing import Any

import orjson

from freezer_api.context import RequestContext
from freezer_api.domain.backups import Backups
from freezer_api.domain.errors import BadRequest
from freezer_api.domain.schemas.backups import V1_METADATA
from freezer_api.domain.schemas.common import MAX_ID_LENGTH
from freezer_api.domain.validation import require_object, validate

# 2015 name -> stored name.
ALIASES = {"host_name": "hostname", "timestamp": "time_stamp", "level": "curr_backup_level"}

# The fields a v1 backup id is made of, in order, as (v1 name, stored name).
ID_FIELDS = (
    ("container", "container"),
    ("host_name", "hostname"),
    ("backup_name", "backup_name"),
    ("timestamp", "time_stamp"),
    ("level", "curr_backup_level"),
)


def stored_names(metadata: dict) -> dict:
    """The metadata with 2015 names replaced by stored ones; both given must agree."""
    result = dict(metadata)
    for old, new in ALIASES.items():
        if old not in result:
            continue
        value = result.pop(old)
        if new in result and result[new] != value:
            raise BadRequest(f"'{old}' and '{new}' name the same field and must agree.")
        result[new] = value
    return result


def composite_id(metadata: dict) -> str:
    """container_hostname_backupname_timestamp_level of stored-name metadata."""
    parts = []
    for v1_name, name in ID_FIELDS:
        value = metadata[name]
        if isinstance(value, str) and "/" in value:
            raise BadRequest(f"'{v1_name}' may not hold '/': the backup id it is part of is one URL path segment.")
        parts.append(str(int(value)) if isinstance(value, (int, float)) else value)
    backup_id = "_".join(parts)
    if len(backup_id) > MAX_ID_LENGTH:
        raise BadRequest(f"The backup id {backup_id[:40]!r}... is longer than {MAX_ID_LENGTH} characters.")
    return backup_id


def v1_metadata(body: Any, *, complete: bool) -> dict:
    """Validated metadata under stored names, from a v1 body.

    The body is the metadata itself or a v1 document carrying it under
    `backup_metadata` (what GET returned). `complete`: every id field is needed.
    """
    body = require_object(body)
    if "backup_metadata" in body:
        body = require_object(body["backup_metadata"], "backup_metadata")
    if complete:
        for v1_name, name in ID_FIELDS:
            if v1_name not in body and name not in body:
                also = f" (or '{name}')" if name != v1_name else ""
                raise BadRequest(f"'{v1_name}'{also} is a required property: it is part of the backup id.")
    validate(V1_METADATA, body)
    return stored_names(body)


def keep_id_fields(before: dict, after: dict) -> None:
    """Refuse a change of any id field the stored metadata has."""
    for v1_name, name in ID_FIELDS:
        if name in before and name in after and after[name] != before[name]:
            raise BadRequest(f"'{v1_name}' is part of the backup id and cannot change.")


def v1_view(doc: dict, attributes: dict) -> dict:
    metadata = dict(doc.get("backup_metadata") or {})
    for old, new in ALIASES.items():
        if new in metadata and old not in metadata:
            metadata[old] = metadata[new]
    return {
        "backup_id": doc["backup_id"],
        "user_id": doc["user_id"],
        "user_name": attributes.get("user_name"),
        "backup_metadata": metadata,
    }


def v1_search(body: Any) -> Any:
    """A search body with 2015 field names read as stored ones."""
    if not isinstance(body, dict):
        return body
    result = dict(body)
    for key in ("match", "match_not"):
        entries = body.get(key)
        if isinstance(entries, list):
            result[key] = [
                {ALIASES.get(name, name): value for name, value in entry.items()} if isinstance(entry, dict) else entry
                for entry in entries
            ]
    return result


class BackupsV1:
    """The v1 operations, over the one Backups service."""

    def __init__(self, backups: Backups):
        self.backups = backups

    def create(self, ctx: RequestContext, project_id: str, body: Any) -> str:
        metadata = v1_metadata(body, complete=True)
        return self.backups.add(ctx, project_id, composite_id(metadata), metadata)

    def get(self, project_id: str, backup_id: str) -> dict:
        stored = self.backups.get(project_id, backup_id)
        return v1_view(stored.doc, stored.attributes)

    def list(self, project_id: str, search_body: Any, *, limit: int, offset: int, marker: str | None) -> list[dict]:
        page = self.backups.list_with_attributes(
            project_id, v1_search(search_body), limit=limit, offset=offset, after_id=marker
        )
        return [v1_view(orjson.loads(raw), attributes) for raw, attributes in page]

    def patch(self, project_id: str, backup_id: str, body: Any) -> dict:
        """Merge metadata into the backup's; the new v1 document."""
        return self._change(project_id, backup_id, v1_metadata(body, complete=False), merge=True)

    def replace(self, project_id: str, backup_id: str, body: Any) -> dict:
        """Replace the backup's metadata (its id fields must stay); the new v1 document."""
        return self._change(project_id, backup_id, v1_metadata(body, complete=True), merge=False)

    def delete(self, project_id: str, backup_id: str) -> None:
        self.backups.delete(project_id, backup_id)

    def _change(self, project_id: str, backup_id: str, metadata: dict, *, merge: bool) -> dict:
        status = metadata.pop("status", None)

        def edit(doc: dict) -> dict:
            before = doc["backup_metadata"]
            keep_id_fields(before, metadata)
            changed = {**doc, "backup_metadata": {**before, **metadata} if merge else metadata}
            if status is not None:
                changed["status"] = status
            return changed

        stored = self.backups.update(project_id, backup_id, edit)
        return v1_view(stored.doc, stored.attributes)
