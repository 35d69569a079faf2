"""GET / (the version list) and the JSON-home documents of each version."""

from __future__ import annotations

import falcon
import orjson

from freezer_api.api.requests import send_json

V2_UPDATED = "2018-02-21T13:30:00"
V1_UPDATED = "2018-02-21T13:30:00"


class VersionsResource:
    """300 Multiple Choices listing v2 (current) and v1 (deprecated), built per request."""

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        root = f"{req.forwarded_scheme}://{req.forwarded_host}{req.root_path or ''}/"
        versions = [
            {"id": "v2", "status": "CURRENT", "updated": V2_UPDATED, "links": [{"href": root + "v2/", "rel": "self"}]},
            {
                "id": "v1",
                "status": "DEPRECATED",
                "updated": V1_UPDATED,
                "links": [{"href": root + "v1/", "rel": "self"}],
            },
        ]
        send_json(resp, {"versions": versions}, falcon.HTTP_300)


def _resource(template: str, variables: list[str], allow: list[str]) -> dict:
    return {
        "href-template": template,
        "href-vars": {name: f"param/{name}" for name in variables},
        "hints": {"allow": allow, "formats": {"application/json": {}}},
    }


V2_HOME = {
    "resources": {
        "rel/backups": _resource("/v2/{project_id}/backups/{backup_id}", ["project_id", "backup_id"], ["GET"]),
        "rel/clients": _resource("/v2/{project_id}/clients/{client_id}", ["project_id", "client_id"], ["GET"]),
        "rel/jobs": _resource(
            "/v2/{project_id}/jobs{?all_projects,offset,limit}",
            ["project_id", "all_projects", "offset", "limit"],
            ["GET", "POST"],
        ),
        "rel/job": _resource(
            "/v2/{project_id}/jobs/{job_id}", ["project_id", "job_id"], ["GET", "PATCH", "POST", "DELETE"]
        ),
        "rel/actions": _resource("/v2/{project_id}/actions/{action_id}", ["project_id", "action_id"], ["GET"]),
        "rel/sessions": _resource("/v2/{project_id}/sessions/{session_id}", ["project_id", "session_id"], ["GET"]),
    }
}

V1_HOME = {"resources": {"rel/backups": _resource("/v1/backups/{backup_id}", ["backup_id"], ["GET"])}}


class HomeDocumentResource:
    """A version's JSON-home document (authenticated, like upstream)."""

    def __init__(self, document: dict):
        self.body = orjson.dumps(document)

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        resp.data = self.body
        resp.content_type = "application/json-home"
