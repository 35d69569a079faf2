"""Operations outside the versioned APIs: the version list, probes, docs, home documents."""

from __future__ import annotations

from freezer_api.api.openapi.operations import Operation

_LINK = {
    "type": "object",
    "properties": {"href": {"type": "string"}, "rel": {"type": "string"}},
    "required": ["href", "rel"],
    "additionalProperties": False,
}

VERSION_LIST = {
    "type": "object",
    "properties": {
        "versions": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "id": {"enum": ["v1", "v2"]},
                    "status": {"enum": ["CURRENT", "SUPPORTED", "DEPRECATED"]},
                    "updated": {"type": "string"},
                    "links": {"type": "array", "items": _LINK, "minItems": 1},
                },
                "required": ["id", "status", "updated", "links"],
                "additionalProperties": False,
            },
        }
    },
    "required": ["versions"],
    "additionalProperties": False,
}

HOME_DOCUMENT = {
    "type": "object",
    "description": "JSON-home: one entry per resource relation",
    "properties": {
        "resources": {
            "type": "object",
            "additionalProperties": {
                "type": "object",
                "properties": {
                    "href-template": {"type": "string"},
                    "href-vars": {"type": "object", "additionalProperties": {"type": "string"}},
                    "hints": {
                        "type": "object",
                        "properties": {
                            "allow": {"type": "array", "items": {"type": "string"}},
                            "formats": {"type": "object"},
                        },
                        "required": ["allow", "formats"],
                    },
                },
                "required": ["href-template", "href-vars", "hints"],
            },
        }
    },
    "required": ["resources"],
    "additionalProperties": False,
}

OPENAPI_DOCUMENT = {
    "type": "object",
    "properties": {"openapi": {"type": "string"}, "paths": {"type": "object"}},
    "required": ["openapi", "info", "paths"],
}


SCHEMAS = {"VersionList": VERSION_LIST, "HomeDocument": HOME_DOCUMENT}


def home_document(version: str) -> Operation:
    return Operation(
        "GET",
        f"/{version}",
        f"{version}_home",
        f"The {version} JSON-home document",
        "versions",
        200,
        HOME_DOCUMENT,
        (401,),
        media_type="application/json-home",
    )


OPERATIONS: list[Operation] = [
    Operation(
        "GET",
        "/",
        "list_versions",
        "The API versions this server speaks",
        "versions",
        300,
        VERSION_LIST,
        public=True,
        description="Always 300 Multiple Choices; links are absolute URLs built from the request.",
    ),
    Operation(
        "GET",
        "/healthcheck",
        "healthcheck",
        "Liveness probe for load balancers",
        "service",
        200,
        {"const": "OK"},
        (503,),
        public=True,
        media_type="text/plain",
        description="503 while the operator's disable file exists ([healthcheck] disable_by_file_path).",
    ),
    Operation(
        "HEAD",
        "/healthcheck",
        "healthcheck_head",
        "Liveness probe, without a body",
        "service",
        200,
        None,
        (503,),
        public=True,
    ),
    Operation(
        "GET",
        "/metrics",
        "metrics",
        "Prometheus metrics",
        "service",
        200,
        {"type": "string"},
        (401, 403),
        public=True,
        media_type="text/plain",
        description="The Prometheus text format, for callers in [metrics] allowed_networks (403 otherwise) "
        "that send 'Authorization: Bearer <token>' when [metrics] token is set (401 otherwise). "
        "Served only while [metrics] enabled is true (docs/observability.md#metrics).",
    ),
    Operation(
        "GET",
        "/openapi.json",
        "openapi_document",
        "This OpenAPI document",
        "service",
        200,
        OPENAPI_DOCUMENT,
        public=True,
    ),
    Operation(
        "GET",
        "/docs",
        "interactive_docs",
        "Interactive documentation of this API (Swagger UI)",
        "service",
        200,
        {"type": "string"},
        public=True,
        media_type="text/html",
    ),
]
