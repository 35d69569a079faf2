"""What every API resource shares: policy checks, body and paging parsing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import falcon

from freezer_api.api import requests
from freezer_api.context import RequestContext
from freezer_api.domain.ids import require_valid_project_id
from freezer_api.domain.search import check_search_cost
from freezer_api.policies.enforcer import Authorizer


@dataclass(frozen=True)
class Edge:
    authorizer: Authorizer
    limits: requests.Limits


class Resource:
    def __init__(self, edge: Edge):
        self.edge = edge

    def authorize(self, req: falcon.Request, rule: str, project_id: str | None) -> RequestContext:
        """The caller, once policy allows `rule` on `project_id`; else 403."""
        ctx: RequestContext = req.context.ctx
        if project_id is not None:
            require_valid_project_id(project_id)
        self.edge.authorizer.authorize(ctx, rule, project_id)
        return ctx

    def authorize_central(self, req: falcon.Request, client_info: Any, project_id: str) -> None:
        """A central client's registration also needs clients:create_central."""
        if isinstance(client_info, dict) and client_info.get("is_central") is True:
            self.authorize(req, "clients:create_central", project_id)

    def allows(self, req: falcon.Request, rule: str, project_id: str | None) -> bool:
        return self.edge.authorizer.allows(req.context.ctx, rule, project_id)

    def body(self, req: falcon.Request) -> Any:
        return requests.read_json(req, self.edge.limits)

    def search_body(self, req: falcon.Request) -> Any:
        """The search object of a list request (body or `?search=`), refused (400) when it would cost too much."""
        body = requests.search_object(req, self.edge.limits)
        limits = self.edge.limits
        check_search_cost(body, max_terms=limits.max_search_terms, max_value_length=limits.max_search_value_length)
        return body

    def paging(self, req: falcon.Request) -> tuple[int, int]:
        return requests.paging(req, self.edge.limits)

    @staticmethod
    def marker(req: falcon.Request) -> str | None:
        """Keyset paging: the id of the document the page starts after; absent or empty, from the start."""
        return req.get_param("marker") or None
