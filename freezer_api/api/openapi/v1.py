"""Every operation of the v1 API (/v1/..., in the project of the caller's token).

Backups and clients have v1 shapes of their own (docs/resources.md#v1); jobs,
actions and sessions are the v2 operations without a project in the path.
"""

from __future__ import annotations

from freezer_api.api.openapi import v2
from freezer_api.api.openapi.operations import (
    AUTHENTICATED,
    READS_BODY,
    USES_DATABASE,
    DocumentKind,
    Operation,
    creation,
    deleting,
    listing,
    patching,
    showing,
)
from freezer_api.api.openapi.root import home_document
from freezer_api.domain.schemas import backups, clients, search
from freezer_api.domain.schemas.common import STORED_ID

PREFIX = "/v1"

BACKUP = {
    "type": "object",
    "description": "a backup as v1 shows it: the 2015 names (host_name, timestamp, level) beside the current ones",
    "properties": {
        "backup_id": STORED_ID,
        "user_id": STORED_ID,
        "user_name": {"type": ["string", "null"]},
        "backup_metadata": {"type": "object"},
    },
    "required": ["backup_id", "user_id", "user_name", "backup_metadata"],
    "additionalProperties": False,
}

CLIENT = {
    "type": "object",
    "properties": {"client": clients.DOCUMENT["properties"]["client"], "user_id": STORED_ID},
    "required": ["client", "user_id"],
    "additionalProperties": False,
}

# The id of a v1 backup is made of these fields; each has a 2015 name and a current one.
_ID_FIELDS = (
    ("container",),
    ("host_name", "hostname"),
    ("backup_name",),
    ("timestamp", "time_stamp"),
    ("level", "curr_backup_level"),
)
_COMPLETE = {"allOf": [{"anyOf": [{"required": [name]} for name in names]} for names in _ID_FIELDS]}


def _metadata_or_document(metadata: dict) -> dict:
    """A v1 backup body: the metadata itself, or a v1 document carrying it (what GET returned)."""
    return {
        "anyOf": [
            {**metadata, "not": {"required": ["backup_metadata"]}},
            {"type": "object", "properties": {"backup_metadata": metadata}, "required": ["backup_metadata"]},
        ]
    }


BACKUP_CREATE = _metadata_or_document({"allOf": [backups.V1_METADATA, _COMPLETE]})
BACKUP_PATCH = _metadata_or_document(backups.V1_METADATA)


def _info_or_document(info: dict) -> dict:
    """A v1 client body: the client info, or a v1 document carrying it under `client`."""
    return {
        "anyOf": [
            {**info, "not": {"required": ["client"]}},
            {"type": "object", "properties": {"client": info}, "required": ["client"]},
        ]
    }


CLIENT_REGISTRATION = _info_or_document(clients.REGISTER)
# A PATCH gives some fields; the registration they are merged into must stay valid.
CLIENT_PATCH = _info_or_document({**clients.REGISTER, "required": []})

BACKUPS = DocumentKind(PREFIX, "backups", "backup_id", "backup", "V1Backup", BACKUP)
CLIENTS = DocumentKind(PREFIX, "clients", "client_id", "client", "V1Client", CLIENT)

_ID_RULES = (
    " 400 also when a 2015 name and its current name disagree, when an id field holds '/', or when the id "
    "would be longer than 255 characters."
)


def _v1(operations: list[Operation]) -> list[Operation]:
    """v2 operations at their v1 paths: no project_id, v1 operation ids."""
    return [
        Operation(
            **{
                **op.__dict__,
                "path": op.path.replace(v2.PREFIX, PREFIX),
                "operation_id": op.operation_id.replace("v2_", "v1_", 1),
            }
        )
        for op in operations
        if op.path.startswith(f"{v2.PREFIX}/") and op.tag in ("jobs", "actions", "sessions")
    ]


def _v1_jobs(operations: list[Operation]) -> list[Operation]:
    """POST /v1/jobs ignores a job_id in the body: v1 always generated the id."""
    result = []
    for op in operations:
        if op.operation_id == "v1_create_job":
            op = Operation(
                **{
                    **op.__dict__,
                    "errors": tuple(s for s in op.errors if s != 409),
                    "description": "The server always chooses the job_id (a body job_id is ignored). "
                    "422: the client is unknown or lacks a capability.",
                }
            )
        elif op.operation_id == "v1_list_jobs":
            op = Operation(
                **{**op.__dict__, "description": "The caller's project only: all_projects is read and ignored."}
            )
        elif op.operation_id == "v1_get_job":
            op = Operation(**{**op.__dict__, "description": "The caller's project only."})
        result.append(op)
    return result


OPERATIONS: list[Operation] = [
    home_document("v1"),
    listing(
        BACKUPS,
        search.BACKUP_SEARCH,
        query=("limit", "offset", "marker"),
        description="`marker=ID` starts after backup ID (400 when there is none). Searches may use the 2015 names.",
    ),
    creation(
        BACKUPS,
        BACKUP_CREATE,
        errors=(409,),
        summary="Record a backup's metadata under its composite id",
        description="The id is container_hostname_backupname_timestamp_level; 409 when the project has it." + _ID_RULES,
    ),
    showing(BACKUPS),
    patching(
        BACKUPS,
        BACKUP_PATCH,
        response=BACKUP,
        description="Merges the metadata; the id fields cannot change (400)." + _ID_RULES,
    ),
    Operation(
        "PUT",
        BACKUPS.item,
        "v1_replace_backup",
        "Replace a backup's metadata",
        "backups",
        200,
        BACKUP,
        (*READS_BODY, *AUTHENTICATED, 404, 409, *USES_DATABASE),
        body=BACKUP_CREATE,
        body_required=True,
        description="The id fields cannot change (400)." + _ID_RULES,
    ),
    deleting(BACKUPS),
    listing(CLIENTS, search.SEARCH, description="The project's clients and every project's central clients."),
    creation(
        CLIENTS,
        CLIENT_REGISTRATION,
        errors=(409,),
        summary="Register a client",
        description="409 when the project (or, for its id, another project's central client) has it.",
    ),
    showing(CLIENTS),
    patching(
        CLIENTS,
        CLIENT_PATCH,
        response=CLIENT,
        description="Merges client info into the project's registration; client_id and uuid cannot change (400).",
    ),
    deleting(CLIENTS, description="403 for another project's central client."),
    *_v1_jobs(_v1(v2.OPERATIONS)),
]

# Published names of the schemas this version adds.
SCHEMAS: dict[str, dict] = {
    **{name: schema for kind in (BACKUPS, CLIENTS) for name, schema in kind.schemas().items()},
    "V1BackupMetadata": backups.V1_METADATA,
    "V1BackupCreate": BACKUP_CREATE,
    "V1BackupPatch": BACKUP_PATCH,
    "V1ClientRegistration": CLIENT_REGISTRATION,
    "V1ClientPatch": CLIENT_PATCH,
}
