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
from freezer_api.api.openapi.operations import JSON, Operation
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
# Error responses with a richer body than Error, by published name: (status, description, body schema).
RESPONSES: dict[str, tuple[int, str, dict]] = {**root.RESPONSES}
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
    "webhook_id": {"schema": common.ID},
    "run_id": {"schema": common.ID},
}

_PAGING_VALUE = {"type": "integer", "minimum": 0, "maximum": MAX_PAGING_VALUE}

# What Falcon's get_param_as_bool accepts.
_BOOLEAN = {"enum": ["true", "True", "t", "yes", "y", "1", "on", "false", "False", "f", "no", "n", "0", "off"]}

_QUERY_PARAMETERS: dict[str, dict[str, Any]] = {
    "limit": {
        "schema": _PAGING_VALUE,
        "description": "Page size; absent or 0 means 10 ([api] default_limit). Larger than [api] max_limit "
        "(default 1000): lowered to it.",
    },
    "offset": {"schema": _PAGING_VALUE, "description": "How many matching documents to skip."},
    "marker": {
        "schema": {"type": "string"},
        "description": "Keyset paging: start the page after the document with this id (400 when the list has "
        "none), as fast at any depth, where a deep offset costs time in proportion to the rows it skips; "
        "pass the id of the last document of the previous page. Empty or absent: from the start. An offset "
        "counts from the marker.",
    },
    "hostname": {
        "schema": {"type": "string", "minLength": 1},
        "required": True,
        "description": "The host the backups are of.",
    },
    "backup_name": {
        "schema": {"type": "string", "minLength": 1},
        "required": True,
        "description": "The backup name of the set.",
    },
    "container": {
        "schema": {"type": "string"},
        "description": "The container of the set; needed when the host's backups of that name are in several.",
    },
    "at": {
        "schema": {"type": "string", "pattern": "^[0-9]+$"},
        "description": "A time_stamp (seconds since the epoch): the newest restore point at or before it. "
        "Default: now.",
    },
    "detailed": {
        "schema": _BOOLEAN,
        "description": "Each check's status and latency, run afresh, as JSON: for administrators (policy "
        "healthcheck:detailed) and for loopback callers that no proxy forwarded (no Forwarded or X-Forwarded-For).",
    },
    "all_projects": {
        "schema": _BOOLEAN,
        "description": "Cover every project (jobs: needs jobs:get_all_projects; health: health:get_all_projects).",
    },
    "attention_limit": {
        "name": "limit",
        "schema": _PAGING_VALUE,
        "description": "At most this many entries in `attention`; absent or 0 means 50.",
    },
}

# The search object as a query parameter: the same schema as the body, JSON-encoded.
_SEARCH_PARAMETERS = {"search": "Search", "backup_search": "BackupSearch"}
_SEARCH_DESCRIPTION = (
    "The search object as URL-encoded JSON, for callers that cannot send a body with GET (browsers): "
    'for example search={"match":[{"client_id":"host-1"}]}. Same language and limits as the body; '
    "a request with both is 400."
)

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
                # Inline, not $refs: Swagger UI shows path-level $ref parameters as unnamed
                # "any" rows, so "Try it out" could not fill them in.
                item["parameters"] = [_path_parameter(name) for name in names]
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
                **{name: _path_parameter(name) for name in _PATH_PARAMETERS},
                **{
                    name: {"name": name, "in": "query", "required": False, **spec}
                    for name, spec in _QUERY_PARAMETERS.items()
                },
                **{
                    name: {
                        "name": "search",
                        "in": "query",
                        "required": False,
                        "description": _SEARCH_DESCRIPTION,
                        # {}: no filter, so that "Try it out" lists everything until told otherwise.
                        "content": {
                            "application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}, "example": {}}
                        },
                    }
                    for name, schema in _SEARCH_PARAMETERS.items()
                },
            },
            "responses": {
                name: _error_response(status, description, with_body=True)
                for status, (name, description) in _ERRORS.items()
            }
            | {
                name: _richer_error_response(status, description, schema)
                for name, (status, description, schema) in RESPONSES.items()
            },
            "headers": {
                "RequestId": _REQUEST_ID,
                "RetryAfter": {"description": "Seconds to wait before retrying.", "schema": {"type": "string"}},
                "Allow": {"description": "The methods the resource allows.", "schema": {"type": "string"}},
            },
        },
    }


def _path_parameter(name: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, **_PATH_PARAMETERS[name]}


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
    if op.token_optional:
        spec["security"] = [{}, {"token": []}]
    elif op.public:
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
        for media_type, schema in op.other_content:
            success["content"][media_type] = {"schema": _reference(schema)}
    if links:
        success["links"] = links
    responses: dict[str, Any] = {str(op.status): success}
    richer_errors = dict(op.error_responses)
    for status in sorted(op.errors):
        name, description = _ERRORS[status]
        if op.method == "HEAD":
            responses[str(status)] = _error_response(status, description, with_body=False)
        elif status in richer_errors:
            responses[str(status)] = {"$ref": f"#/components/responses/{richer_errors[status]}"}
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


def _richer_error_response(status: int, description: str, schema: dict) -> dict[str, Any]:
    """An error whose body is the Error object or, for some requests, `schema` (which has its fields too)."""
    response = _error_response(status, description, with_body=False)
    error = {"$ref": "#/components/schemas/Error"}
    response["content"] = {JSON: {"schema": {"anyOf": [error, _reference(schema)]}}}
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
