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


HEALTH_REPORT = {
    "type": "object",
    "description": "Each health check as it just ran; with title and description when one failed (503).",
    "properties": {
        "title": {"type": "string"},
        "description": {"type": "string"},
        "status": {"enum": ["ok", "failed"]},
        "checks": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "name": {"type": "string", "description": "database, schema, rotation (the disable file)"},
                    "status": {"enum": ["ok", "failed"]},
                    "latency_ms": {"type": "number", "minimum": 0},
                    "detail": {"type": "string", "description": "What the check found."},
                },
                "required": ["name", "status", "latency_ms", "detail"],
                "additionalProperties": False,
            },
        },
    },
    "required": ["status", "checks"],
    "additionalProperties": False,
}

SCHEMAS = {"VersionList": VERSION_LIST, "HomeDocument": HOME_DOCUMENT, "HealthReport": HEALTH_REPORT}

RESPONSES = {
    "HealthcheckFailed": (
        503,
        (
            "This process cannot serve (a check failed) or its operator took it out of rotation; "
            "with detailed=true the body is the HealthReport, with title and description."
        ),
        HEALTH_REPORT,
    ),
}


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
        "Readiness probe for load balancers",
        "service",
        200,
        {"const": "OK"},
        (400, 401, 403, 503),
        public=True,
        query=("detailed",),
        media_type="text/plain",
        other_content=(("application/json", HEALTH_REPORT),),
        error_responses=((503, "HealthcheckFailed"),),
        token_optional=True,
        description=(
            "200 `OK` while this process can serve: its database answers and its schema is this release's "
            "(or newer, during a rolling upgrade). 503 JSON when not (checked at most once a second per worker), "
            "or while the operator's disable file exists ([healthcheck] disable_by_file_path). With "
            "`detailed=true`: the HealthReport as JSON (401/403 unless an administrator or a loopback caller)."
        ),
    ),
    Operation(
        "HEAD",
        "/healthcheck",
        "healthcheck_head",
        "Readiness probe, without a body",
        "service",
        200,
        None,
        (503,),
        public=True,
        description="The same checks as GET /healthcheck.",
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
