"""One small HTTP interface over the in-process app and over a real server."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import falcon.testing
import orjson
import requests

_NO_BODY = object()


@dataclass
class Response:
    status: int
    body: bytes
    headers: dict[str, str]

    def json(self) -> Any:
        return orjson.loads(self.body)

    def __repr__(self) -> str:
        return f"<Response {self.status} {self.body[:300]!r}>"


@dataclass
class Caller:
    """Sends requests as one identity (headers) to one target (app or URL)."""

    transport: Transport
    headers: dict[str, str] = field(default_factory=dict)

    def request(
        self, method: str, path: str, json: Any = _NO_BODY, *, params=None, body: bytes | None = None, headers=None
    ) -> Response:
        merged = {**self.headers, **(headers or {})}
        if json is not _NO_BODY:
            body = orjson.dumps(json)
            merged.setdefault("Content-Type", "application/json")
        return self.transport.send(method, path, body, params or {}, merged)

    def get(self, path: str, json: Any = _NO_BODY, **kw) -> Response:
        return self.request("GET", path, json, **kw)

    def post(self, path: str, json: Any = _NO_BODY, **kw) -> Response:
        return self.request("POST", path, json, **kw)

    def put(self, path: str, json: Any = _NO_BODY, **kw) -> Response:
        return self.request("PUT", path, json, **kw)

    def patch(self, path: str, json: Any = _NO_BODY, **kw) -> Response:
        return self.request("PATCH", path, json, **kw)

    def delete(self, path: str, json: Any = _NO_BODY, **kw) -> Response:
        return self.request("DELETE", path, json, **kw)

    def with_headers(self, **headers: str) -> Caller:
        return Caller(self.transport, {**self.headers, **headers})


class Transport:
    def send(self, method: str, path: str, body: bytes | None, params: dict, headers: dict) -> Response:
        raise NotImplementedError


class InProcess(Transport):
    """Calls a falcon app directly through falcon.testing."""

    def __init__(self, app):
        self.client = falcon.testing.TestClient(app)

    def send(self, method, path, body, params, headers) -> Response:
        result = self.client.simulate_request(method, path, params=params, headers=headers, body=body)
        return Response(result.status_code, result.content, {k.lower(): v for k, v in result.headers.items()})


class OverHTTP(Transport):
    """Real HTTP to a running server."""

    def __init__(self, base_url: str):
        self.base_url = base_url.rstrip("/")
        self.session = requests.Session()

    def send(self, method, path, body, params, headers) -> Response:
        reply = self.session.request(
            method, self.base_url + path, data=body, params=params, headers=headers, timeout=60
        )
        return Response(reply.status_code, reply.content, {k.lower(): v for k, v in reply.headers.items()})
