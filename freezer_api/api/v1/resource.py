"""What the v1 resources share: the caller's own project is where they work."""

from __future__ import annotations

import falcon

from freezer_api.api.resource import Resource
from freezer_api.context import RequestContext


class V1Resource(Resource):
    """v1 paths name no project: a request works in its token's project.

    That project is also the policy target, so the same rules as v2 apply
    (a reader reads, a member writes) and no v1 request reaches another
    project's documents, whatever the caller's roles.
    """

    def authorize_own_project(self, req: falcon.Request, rule: str) -> RequestContext:
        return self.authorize(req, rule, req.context.caller.project_id)
