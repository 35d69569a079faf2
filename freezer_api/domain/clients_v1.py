"""Clients as the original v1 API shows them (docs/resources.md#v1).

Clients are stored once, as v2 documents; the v1 view is
`{"client": {...}, "user_id"}`. v1 differs from v2 in two rules: a second
registration of an id the project has is a 409 (v2 refreshes it), and a
registration can be updated (PATCH merges client info).
"""

from __future__ import annotations

from typing import Any

import orjson

from freezer_api.context import RequestContext
from freezer_api.domain.clients import Clients
from freezer_api.domain.validation import require_object


def client_info(body: Any) -> dict:
    """The client info of a v1 body: the info itself or a v1 document carrying it."""
    body = require_object(body)
    return require_object(body["client"], "client") if "client" in body else body


def v1_view(doc: dict) -> dict:
    return {"client": doc["client"], "user_id": doc["user_id"]}


class ClientsV1:
    def __init__(self, clients: Clients):
        self.clients = clients

    def register(self, ctx: RequestContext, project_id: str, info: dict) -> str:
        """Register `info` (see client_info); Conflict if the project has the id."""
        return self.clients.register(ctx, project_id, info, refresh=False)

    def get(self, project_id: str, client_id: str) -> dict:
        return v1_view(self.clients.get(project_id, client_id).doc)

    def list(self, project_id: str, search_body: Any, *, limit: int, offset: int) -> list[dict]:
        page = self.clients.list(project_id, search_body, limit=limit, offset=offset)
        return [v1_view(orjson.loads(raw)) for raw in page]

    def patch(self, project_id: str, client_id: str, body: Any) -> dict:
        return v1_view(self.clients.update(project_id, client_id, client_info(body)).doc)

    def delete(self, project_id: str, client_id: str) -> None:
        self.clients.delete(project_id, client_id)
