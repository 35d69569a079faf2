"""What the v1 resources share: the caller's own project is where they work."""

from __future__ import annotations

from collections.abc import Callable

import falcon

from freezer_api.api.resource import Resource
from freezer_api.context import RequestContext

Responder = Callable[..., None]

_RESPONDERS = tuple(f"on_{method.lower()}" for method in falcon.constants.COMBINED_METHODS)


class V1Resource(Resource):
    """v1 paths name no project: a request works in its token's project.

    That project is also the policy target, so the same rules as v2 apply
    (a reader reads, a member writes) and no v1 request reaches another
    project's documents, whatever the caller's roles.
    """

    def authorize_own_project(self, req: falcon.Request, rule: str) -> RequestContext:
        return self.authorize(req, rule, req.context.ctx.project_id)


class InTokenProject:
    """A v2 resource served at a v1 path: the project is the caller's own.

    Classic v1 jobs, actions and sessions are the v2 ones without a project
    in the path (docs/resources.md#v1), so the v2 responders serve them unchanged.
    """

    def __init__(self, resource: object):
        for name in _RESPONDERS:
            responder = getattr(resource, name, None)
            if responder is not None:
                setattr(self, name, _in_token_project(responder))


def _in_token_project(responder: Responder) -> Responder:
    def respond(req: falcon.Request, resp: falcon.Response, **params: str) -> None:
        responder(req, resp, req.context.ctx.project_id, **params)

    return respond
