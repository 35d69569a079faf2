"""Adapter to the protection-state and restore-planning routes (docs/health.md, docs/restore.md).

Every page that shows health states, run history, backup sets or restores
asks this module, which calls the routes through the public API as the
logged-in user. The documents it reads (freezer_api/domain/schemas/health.py):

- GET /v2/{p}/health: {"clients": {"up", "down", "unknown"}, "jobs": {<state>: n},
  "attention": [{"kind": "job"|"client", "id", "state", "since"[, "client_id"]}, ...]}, worst first
- GET /v2/{p}/clients/{id}/health: {"client_id", "state", "last_seen", "jobs": {<state>: n}},
  states without jobs left out
- GET /v2/{p}/jobs/{id}/health: {"job_id", "client_id", "state", "since", "last_run",
  "last_success_at", "next_expected_at"}; last_run is a run document or null
- GET /v2/{p}/jobs/{id}/runs: {"runs": [...]}, newest first; an open run has no duration nor ended_at
- GET /v2/{p}/backup-sets: {"backup_sets": [...]}
- GET /v2/{p}/restore-plan?hostname=&backup_name=[&container=][&at=]
- POST /v2/{p}/backups/{id}/restore: {"client_id", "restore_abs_path", ...} -> 201 {"job_id"}
"""

from __future__ import annotations

from typing import Any

import orjson

from freezer_api.domain import health
from freezer_api.ui.api_client import ApiClient, Reply

__all__ = ["JOB_STATES", "PROBLEM_STATES", "Reply"]

# Job health states as the pages list them: worst first (the domain's tuple is its evaluation order).
JOB_STATES = tuple(
    sorted(
        health.JOB_STATES,
        key=("stuck", "overdue", "failing", "late", "running", "never_run", "ok", "done", "paused").index,
    )
)
# The states the attention list holds (the client's `down` among them).
PROBLEM_STATES = frozenset({"stuck", "overdue", "failing", "late", "down"})


def project_health(api: ApiClient, *, limit: int = 50) -> dict:
    return api.require(api.get(f"{api.project}/health", limit=limit))


def client_health(api: ApiClient, client_id: str) -> dict:
    document = api.require(api.get(f"{api.project}/clients/{client_id}/health"))
    counts = document.get("jobs") or {}
    document["jobs"] = {state: counts[state] for state in JOB_STATES if counts.get(state)}  # worst first
    return dict(document)


def job_health(api: ApiClient, job_id: str) -> dict:
    return api.require(api.get(f"{api.project}/jobs/{job_id}/health"))


def job_runs(api: ApiClient, job_id: str, *, limit: int = 30) -> list[dict]:
    return api.require(api.get(f"{api.project}/jobs/{job_id}/runs", limit=limit))["runs"]


def backup_sets(api: ApiClient, *, limit: int, offset: int, search: Any = None) -> list[dict]:
    encoded = orjson.dumps(search).decode() if search else None
    return api.require(api.get(f"{api.project}/backup-sets", limit=limit, offset=offset, search=encoded))["backup_sets"]


def restore_plan(api: ApiClient, **where: str | None) -> Reply:
    """The plan, or the API's refusal (404 no usable backup, 409 ambiguous) for the page to show."""
    return api.get(f"{api.project}/restore-plan", **where)


def restore(api: ApiClient, backup_id: str, body: dict) -> Reply:
    """Create the restore job."""
    return api.post(f"{api.project}/backups/{backup_id}/restore", body)


def not_a_poll(search: Any) -> Any:
    """A job search that names a client, in the form the server does not take for that client's poll.

    The server counts a job search matching a `client_id` as the scheduler of
    that client polling (docs/health.md#liveness): a person looking at a
    client's jobs must not make a down client look up. The same match, as
    `_all`'s JSON list of pairs, selects the same jobs without counting.
    """
    if not isinstance(search, dict) or not isinstance(search.get("match"), list):
        return search
    match: list[Any] = []
    pairs = []
    for entry in search["match"]:
        if isinstance(entry, dict) and isinstance(entry.get("client_id"), str):
            pairs.append({"client_id": entry["client_id"]})
            entry = {name: value for name, value in entry.items() if name != "client_id"}
            if not entry:
                continue
        match.append(entry)
    if not pairs:
        return search
    return {**search, "match": [*match, {"_all": orjson.dumps(pairs).decode()}]}


def runs_chart(runs: list[dict], *, width: int = 600, height: int = 80) -> list[dict]:
    """Bars for a run-history chart, oldest left: height by duration, kind by result."""
    ordered = list(reversed(runs))
    longest = max((run.get("duration") or 0 for run in ordered), default=0) or 1
    step = width / max(len(ordered), 1)
    bars = []
    for index, run in enumerate(ordered):
        duration = run.get("duration") or 0
        bar_height = max(4, round((height - 4) * duration / longest))
        bars.append(
            {
                "x": round(index * step + 1, 1),
                "y": height - bar_height,
                "width": max(2, round(step - 2, 1)),
                "height": bar_height,
                "result": run.get("result") or "unknown",
                "run": run,
            }
        )
    return bars
