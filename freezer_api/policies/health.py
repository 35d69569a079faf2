"""Runs and health: read-only, with reader defaults (docs/health.md#policy)."""

from freezer_api.policies.base import ADMIN_OR_READER_OR_SERVICE, ADMIN_OR_SERVICE, operation

PREFIX = "/v2/{project_id}"

RULES = [
    operation(
        "runs:get_all",
        ADMIN_OR_READER_OR_SERVICE,
        "List and search runs (of the project, or of one job).",
        ("GET", f"{PREFIX}/runs"),
        ("GET", f"{PREFIX}/jobs/{{job_id}}/runs"),
    ),
    operation("runs:get", ADMIN_OR_READER_OR_SERVICE, "Show one run.", ("GET", f"{PREFIX}/runs/{{run_id}}")),
    operation(
        "jobs:health", ADMIN_OR_READER_OR_SERVICE, "Show a job's health.", ("GET", f"{PREFIX}/jobs/{{job_id}}/health")
    ),
    operation(
        "clients:health",
        ADMIN_OR_READER_OR_SERVICE,
        "Show a client's liveness and its jobs' health.",
        ("GET", f"{PREFIX}/clients/{{client_id}}/health"),
    ),
    operation(
        "health:get", ADMIN_OR_READER_OR_SERVICE, "Show the project's health summary.", ("GET", f"{PREFIX}/health")
    ),
    operation(
        "health:get_all_projects",
        ADMIN_OR_SERVICE,
        "Show the health summary of every project (all_projects=true).",
        ("GET", f"{PREFIX}/health"),
    ),
]
