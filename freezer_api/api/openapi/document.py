"""The OpenAPI 3.1 document of the service, built from the operation tables.

Request bodies are described by the very JSON Schemas the domain validates
them with (freezer_api.domain.schemas), so the published document is what
the server enforces. A schema object that appears in SCHEMAS is published
once under components.schemas and referenced wherever it is used.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from importlib import metadata
from typing import Any

from freezer_api.api.openapi import root, v1, v2
from freezer_api.api.openapi.operations import Operation
from freezer_api.api.requests import MAX_PAGING_VALUE
from freezer_api.domain.schemas import common

ERROR = {
    "type": "object",
    "description": "Every error the service answers itself has this body.",
    "properties": {"title": {"type": "string"}, "description": {"type": "string"}},
    "required": ["title", "description"],
    "additionalProperties": False,
}

# Operation tables, one per API version (and the routes outside them), with
# the published names of the schema objects they use (matched by identity).
TABLES: tuple[list[Operation], ...] = (root.OPERATIONS, v2.OPERATIONS, v1.OPERATIONS)
SCHEMAS: dict[str, dict] = {
    "Error": ERROR,
    "Id": common.ID,
    "ClientId": common.CLIENT_ID,
    **root.SCHEMAS,
    **v2.SCHEMAS,
    **v1.SCHEMAS,
}

_ERRORS = {
    400: (
        "BadRequest",
        (
            "The request is malformed: invalid JSON, a body that breaks the schema or the "
            "service's limits (nesting deeper than [api] max_json_depth, default 32; strings longer than "
            "[api] max_string_length, default 65536; the NUL character), bad paging parameters, or a project "
            "id that is not 1-255 letters, digits, underscores or dashes."
        ),
    ),
    401: ("Unauthorized", "No valid X-Auth-Token was given."),
    403: ("Forbidden", "The policy does not allow this caller this operation in this project."),
    404: ("NotFound", "No such document in this project."),
    405: ("UnknownAction", "The session action is neither start nor end."),
    409: (
        "Conflict",
        (
            "The id is taken in this project, the client belongs to another project, or a "
            "concurrent change could not be reconciled."
        ),
    ),
    413: ("ContentTooLarge", "The body is larger than [api] max_request_body_size (default 1 MiB)."),
    415: (
        "UnsupportedMediaType",
        (
            "The body is declared as something other than UTF-8 JSON. A body without "
            "Content-Type, or declared application/x-www-form-urlencoded (curl -d), is read as JSON."
        ),
    ),
    422: (
        "Unprocessable",
        (
            "The job's client is not visible to the project, or does not support an "
            "action, mode, storage or engine the job uses."
        ),
    ),
    503: (
        "ServiceUnavailable",
        (
            "The database is unavailable or busy (retry after Retry-After seconds), "
            "or, for /healthcheck, the operator took this node out of rotation."
        ),
    ),
}

# Path ids. A lookup of an id no document can have is a 404; a create or
# replace naming such an id is a 400.
_PATH_PARAMETERS: dict[str, dict[str, Any]] = {
    "project_id": {"schema": common.ID, "description": "The project the operation works in."},
    "backup_id": {
        "schema": {"type": "string", "minLength": 1, "maxLength": common.MAX_ID_LENGTH},
        "description": "32 hexadecimal characters for backups recorded through v2.",
    },
    "client_id": {"schema": common.CLIENT_ID, "description": "The id the client registered with."},
    "job_id": {"schema": common.ID},
    "action_id": {"schema": common.ID},
    "session_id": {"schema": common.ID},
    "run_id": {"schema": common.ID},
}

_PAGING_VALUE = {"type": "integer", "minimum": 0, "maximum": MAX_PAGING_VALUE}

_QUERY_PARAMETERS = {
    "limit": {
        "schema": _PAGING_VALUE,
        "description": "Page size; absent or 0 means 10 ([api] default_limit). Larger than [api] max_limit "
        "(default 1000): lowered to it.",
    },
    "offset": {"schema": _PAGING_VALUE, "description": "How many matching documents to skip."},
    "marker": {
        "schema": {"type": "string"},
        "description": "Start the page after the backup with this id (v1); empty: from the start.",
    },
    "all_projects": {
        "schema": {"enum": ["true", "True", "t", "yes", "y", "1", "on", "false", "False", "f", "no", "n", "0", "off"]},
        "description": "Cover every project (jobs: needs jobs:get_all_projects; health: health:get_all_projects).",
    },
    "attention_limit": {
        "name": "limit",
        "schema": _PAGING_VALUE,
        "description": "At most this many entries in `attention`; absent or 0 means 50.",
    },
}

_REQUEST_ID = {
    "description": "The request id: the caller's X-Openstack-Request-Id when it is req-<uuid>, else a new one.",
    "schema": {"type": "string", "pattern": "^req-[0-9a-fA-F-]{36}$"},
}


def build_document(tables: Iterable[list[Operation]] = TABLES) -> dict[str, Any]:
    paths: dict[str, dict] = {}
    for table in tables:
        for op in table:
            item = paths.setdefault(op.path, {})
            names = _path_names(op.path)
            if names:
                item["parameters"] = [{"$ref": f"#/components/parameters/{name}"} for name in names]
            item[op.method.lower()] = _operation(op, _links(op, table))
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Freezer API",
            "version": _version(),
            "summary": "Catalog and control plane of the Freezer backup, restore and disaster-recovery platform.",
            "description": (
                "Backup metadata, registered agents (clients), jobs, actions and sessions. List requests take "
                "a JSON search body, also on GET. Every error is a JSON object with `title` and `description`; "
                "every response carries `x-openstack-request-id`. Duplicate keys in a JSON body: the last wins."
            ),
            "license": {"name": "Apache-2.0", "identifier": "Apache-2.0"},
        },
        "tags": [{"name": name} for name in _tags(tables)],
        "security": [{"token": []}],
        "paths": paths,
        "components": {
            "securitySchemes": {
                "token": {
                    "type": "apiKey",
                    "in": "header",
                    "name": "X-Auth-Token",
                    "description": (
                        "A Keystone token, or a static token from the tokens file ([token_auth] tokens_file)."
                    ),
                }
            },
            "schemas": {name: _published(schema) for name, schema in SCHEMAS.items()},
            "parameters": {
                **{
                    name: {"name": name, "in": "path", "required": True, **spec}
                    for name, spec in _PATH_PARAMETERS.items()
                },
                **{
                    name: {"name": name, "in": "query", "required": False, **spec}
                    for name, spec in _QUERY_PARAMETERS.items()
                },
            },
            "responses": {
                name: _error_response(status, description, with_body=True)
                for status, (name, description) in _ERRORS.items()
            },
            "headers": {
                "RequestId": _REQUEST_ID,
                "RetryAfter": {"description": "Seconds to wait before retrying.", "schema": {"type": "string"}},
                "Allow": {"description": "The methods the resource allows.", "schema": {"type": "string"}},
            },
        },
    }


def _path_names(path: str) -> list[str]:
    return re.findall(r"{(\w+)}", path)


def _links(op: Operation, table: list[Operation]) -> dict[str, Any]:
    """From a success that returns a document's id to the operations on that document."""
    if op.creates is None:
        return {}
    known = set(_path_names(op.path)) | {op.creates}
    links = {}
    for target in table:
        names = _path_names(target.path)
        if op.creates in names and set(names) <= known:
            links[target.operation_id] = {
                "operationId": target.operation_id,
                "parameters": {
                    name: f"$response.body#/{name}" if name == op.creates else f"$request.path.{name}" for name in names
                },
            }
    return links


def _operation(op: Operation, links: dict[str, Any]) -> dict[str, Any]:
    spec: dict[str, Any] = {"operationId": op.operation_id, "summary": op.summary, "tags": [op.tag]}
    if op.description:
        spec["description"] = op.description
    if op.public:
        spec["security"] = []
    if op.query:
        spec["parameters"] = [{"$ref": f"#/components/parameters/{name}"} for name in op.query]
    if op.body is not None:
        spec["requestBody"] = {
            "required": op.body_required,
            "content": {"application/json": {"schema": _reference(op.body)}},
        }
    headers = {"x-openstack-request-id": {"$ref": "#/components/headers/RequestId"}}
    success: dict[str, Any] = {"description": op.summary, "headers": headers}
    if op.response is not None and op.method != "HEAD":
        success["content"] = {op.media_type: {"schema": _reference(op.response)}}
    if links:
        success["links"] = links
    responses: dict[str, Any] = {str(op.status): success}
    for status in sorted(op.errors):
        name, description = _ERRORS[status]
        if op.method == "HEAD":
            responses[str(status)] = _error_response(status, description, with_body=False)
        else:
            responses[str(status)] = {"$ref": f"#/components/responses/{name}"}
    spec["responses"] = responses
    return spec


def _error_response(status: int, description: str, *, with_body: bool) -> dict[str, Any]:
    headers = {"x-openstack-request-id": {"$ref": "#/components/headers/RequestId"}}
    if status == 503:
        headers["Retry-After"] = {"$ref": "#/components/headers/RetryAfter"}
    if status == 405:
        headers["Allow"] = {"$ref": "#/components/headers/Allow"}
    response: dict[str, Any] = {"description": description, "headers": headers}
    if with_body:
        response["content"] = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    return response


_NAMES = {id(schema): name for name, schema in SCHEMAS.items()}


def _reference(schema: Any) -> Any:
    """`schema` with every published schema object in it replaced by a $ref."""
    name = _NAMES.get(id(schema)) if isinstance(schema, dict) else None
    if name is not None:
        return {"$ref": f"#/components/schemas/{name}"}
    return _published(schema)


def _published(schema: Any) -> Any:
    """`schema` with the published schema objects inside it (not itself) replaced by $refs."""
    if isinstance(schema, dict):
        return {key: _reference(value) for key, value in schema.items()}
    if isinstance(schema, list):
        return [_reference(value) for value in schema]
    return schema


def _tags(tables: Iterable[list[Operation]]) -> list[str]:
    seen: dict[str, None] = {}
    for table in tables:
        for op in table:
            seen.setdefault(op.tag, None)
    return list(seen)


def _version() -> str:
    try:
        return metadata.version("freezer-api")
    except metadata.PackageNotFoundError:
        return "0"
