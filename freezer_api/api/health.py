"""/healthcheck: for load balancers and deployment probes, no authentication."""

from __future__ import annotations

import os

import falcon


class HealthcheckResource:
    """200 `OK`, or 503 while the operator's disable file exists."""

    def __init__(self, disable_file: str | None):
        self.disable_file = disable_file

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        if self.disable_file and os.path.exists(self.disable_file):
            raise falcon.HTTPServiceUnavailable(
                title="Service Unavailable",
                description="This node was taken out of rotation by its operator.",
            )
        resp.text = "OK"
        resp.content_type = falcon.MEDIA_TEXT

    on_head = on_get
