"""The dashboard's client of the public API: requests go through the API's own WSGI stack.

The dashboard renders pages on the server from what the API answers to the
logged-in user's token, in process (no loopback socket): the same routes,
authentication (keystonemiddleware included) and policies as any other
client, so a page never shows more than that user may see.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import orjson
from webob import Request

from freezer_api.auth import WSGIApp


@dataclass(frozen=True)
class Credentials:
    """Who the dashboard calls the API as: a token, or (noauth) just a project."""

    project_id: str
    token: str | None = None

    def headers(self) -> dict[str, str]:
        if self.token is not None:
            return {"X-Auth-Token": self.token}
        return {"X-Project-Id": self.project_id}


@dataclass(frozen=True)
class Reply:
    status: int
    body: Any

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @property
    def problem(self) -> str:
        """The API's error description, for the page to show."""
        if isinstance(self.body, dict) and "description" in self.body:
            return str(self.body["description"])
        return f"The API answered {self.status}."


class ApiError(Exception):
    def __init__(self, reply: Reply):
        super().__init__(reply.problem)
        self.reply = reply


class ApiClient:
    def __init__(self, api: WSGIApp, credentials: Credentials, *, request_id: str | None = None):
        self.api = api
        self.credentials = credentials
        self.request_id = request_id
        self.calls = 0  # how many API requests rendered this page

    @property
    def project(self) -> str:
        return f"/v2/{self.credentials.project_id}"

    def call(self, method: str, path: str, *, params: dict[str, Any] | None = None, body: Any = None) -> Reply:
        query = urlencode({k: v for k, v in (params or {}).items() if v is not None})
        request = Request.blank(path + (f"?{query}" if query else ""), method=method)
        request.headers.update(self.credentials.headers())
        if self.request_id:
            request.headers["X-Openstack-Request-Id"] = self.request_id
        if body is not None:
            request.body = orjson.dumps(body)
            request.content_type = "application/json"
        self.calls += 1
        response = request.get_response(self.api)
        data = response.body
        try:
            decoded = orjson.loads(data) if data else None
        except orjson.JSONDecodeError:
            decoded = None
        return Reply(response.status_int, decoded)

    def get(self, path: str, **params: Any) -> Reply:
        return self.call("GET", path, params=params)

    def post(self, path: str, body: Any) -> Reply:
        return self.call("POST", path, body=body)

    def require(self, reply: Reply) -> Any:
        """The body of a success, else ApiError (the page shows the API's reason)."""
        if not reply.ok:
            raise ApiError(reply)
        return reply.body

    def page(self, kind: str, *, limit: int, offset: int, search: Any = None, **params: Any) -> Page:
        """One page of a v2 list, asking for one more row to know whether another page follows."""
        encoded = orjson.dumps(search).decode() if search else None
        reply = self.get(f"{self.project}/{kind}", limit=limit + 1, offset=offset, search=encoded, **params)
        documents = self.require(reply)[kind]
        return Page(documents[:limit], offset=offset, limit=limit, more=len(documents) > limit)


@dataclass(frozen=True)
class Page:
    items: list[dict]
    offset: int
    limit: int
    more: bool

    @property
    def previous_offset(self) -> int | None:
        return max(0, self.offset - self.limit) if self.offset > 0 else None

    @property
    def next_offset(self) -> int | None:
        return self.offset + self.limit if self.more else None
