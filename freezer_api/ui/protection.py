"""Adapter to the protection-state and restore-planning routes (issues 14 and 15).

The restore-planning routes (backup sets, restore plan, restore) are served;
the protection-state ones (health, runs) are built beside the dashboard. Every page that shows health
states, run history, backup sets or restores asks this module, which calls
the routes through the public API and answers `None` while this server does
not serve them: the pages then say so in a marked place
(templates/_pending.html) instead of failing. When the routes land, the
pages light up with no change here as long as the documents keep the shapes
the issues describe:

- GET  /v2/{p}/health                    {"clients": {...}, "jobs": {...}, "attention": [...]}
- GET  /v2/{p}/clients/{id}/health       {"client_id", "state", "last_seen", "jobs": {...}}
- GET  /v2/{p}/jobs/{id}/health          {"job_id", "state", "since", "last_run", "next_expected_at", ...}
- GET  /v2/{p}/jobs/{id}/runs            {"runs": [...]}, newest first
- GET  /v2/{p}/backup-sets               {"backup_sets": [...]}
- GET  /v2/{p}/restore-plan?hostname=&backup_name=[&container=][&at=]
- POST /v2/{p}/backups/{id}/restore      {"client_id", "restore_abs_path", ...} -> 201 {"job_id"}
"""

from __future__ import annotations

from typing import Any

from freezer_api.ui.api_client import ApiClient, Reply

__all__ = ["Reply"]

# What the API answers for a path it has no route for (as opposed to a
# document it does not have): Falcon's own 404 title.
_UNROUTED_TITLE = "404 Not Found"

# Job health states, worst first (issue 14), and whether each is a problem.
JOB_STATES = ("stuck", "overdue", "failing", "late", "running", "never_run", "ok", "done", "paused")
PROBLEM_STATES = frozenset({"stuck", "overdue", "failing", "late", "down"})


def served(reply: Reply) -> bool:
    """False when the API has no such route (this server predates it)."""
    return not (
        reply.status in (404, 405)
        and isinstance(reply.body, dict)
        and reply.body.get("title")
        in (
            _UNROUTED_TITLE,
            "405 Method Not Allowed",
        )
    )


def _answer(api: ApiClient, reply: Reply) -> Any:
    if not served(reply):
        return None
    return api.require(reply)


def project_health(api: ApiClient, *, limit: int = 50) -> dict | None:
    return _answer(api, api.get(f"{api.project}/health", limit=limit))


def client_health(api: ApiClient, client_id: str) -> dict | None:
    return _answer(api, api.get(f"{api.project}/clients/{client_id}/health"))


def job_health(api: ApiClient, job_id: str) -> dict | None:
    return _answer(api, api.get(f"{api.project}/jobs/{job_id}/health"))


def job_runs(api: ApiClient, job_id: str, *, limit: int = 30) -> list[dict] | None:
    body = _answer(api, api.get(f"{api.project}/jobs/{job_id}/runs", limit=limit))
    return None if body is None else body.get("runs", [])


def backup_sets(api: ApiClient, *, limit: int, offset: int, search: Any = None) -> list[dict] | None:
    import orjson

    encoded = orjson.dumps(search).decode() if search else None
    body = _answer(api, api.get(f"{api.project}/backup-sets", limit=limit, offset=offset, search=encoded))
    return None if body is None else body.get("backup_sets", [])


def restore_plan(api: ApiClient, **where: str | None) -> Reply | None:
    """The plan, or the API's refusal (404 no usable backup, 409 ambiguous) for the page to show."""
    reply = api.get(f"{api.project}/restore-plan", **where)
    return reply if served(reply) else None


def restore(api: ApiClient, backup_id: str, body: dict) -> Reply | None:
    """Create the restore job; None while the route does not exist."""
    reply = api.post(f"{api.project}/backups/{backup_id}/restore", body)
    return reply if served(reply) else None


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
