"""Per-request plumbing: request ids, access log, authentication."""

from __future__ import annotations

import logging
import os
import random
import re
import time
from collections.abc import Callable

import falcon

from freezer_api import logs
from freezer_api.auth import Authenticator

LOG = logging.getLogger("freezer_api.access")

REQUEST_ID_HEADER = "x-openstack-request-id"
_REQUEST_ID = re.compile(r"^req-[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")

# Request ids are correlation handles, not secrets: a fast pseudo-random
# UUID4 (seeded from the OS per process) spares a system call per request.
_random = random.Random()
os.register_at_fork(after_in_child=_random.seed)  # forked workers must not share a sequence


def new_request_id() -> str:
    """req-<uuid4>."""
    h = f"{_random.getrandbits(128) & ~(0xF << 76) & ~(0x3 << 62) | (0x4 << 76) | (0x2 << 62):032x}"
    return f"req-{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


# Paths served without authentication, and prefixes of such paths.
# /metrics checks its callers itself ([metrics] allowed_networks and token).
PUBLIC_PATHS = frozenset({"/", "/healthcheck", "/openapi.json", "/docs", "/metrics"})
PUBLIC_PREFIXES = ("/docs/",)


# Told of every response: (method, route template or None, status, seconds).
ResponseObserver = Callable[[str, str | None, int, float], None]


class RequestIdMiddleware:
    """Give every request an id (echoing a well-formed incoming one), log it and tell `observe`."""

    def __init__(self, observe: ResponseObserver | None = None):
        self.observe = observe

    def process_request(self, req: falcon.Request, resp: falcon.Response) -> None:
        req.context.started = time.perf_counter()
        incoming = req.get_header("X-Openstack-Request-Id")
        if incoming and _REQUEST_ID.match(incoming):
            req.context.request_id = incoming
        else:
            req.context.request_id = new_request_id()
        req.context.log_token = logs.request_id.set(req.context.request_id)

    def process_resource(self, req: falcon.Request, resp: falcon.Response, resource: object, params: dict) -> None:
        req.context.project_id = params.get("project_id")

    def process_response(self, req: falcon.Request, resp: falcon.Response, resource: object, succeeded: bool) -> None:
        request_id = req.context.request_id
        resp.set_header(REQUEST_ID_HEADER, request_id)
        elapsed = time.perf_counter() - req.context.started
        if self.observe is not None:
            self.observe(req.method, req.uri_template, resp.status_code, elapsed)
        if LOG.isEnabledFor(logging.INFO):
            self._log(req, resp.status_code, elapsed * 1000, request_id)
        logs.request_id.reset(req.context.log_token)

    @staticmethod
    def _log(req: falcon.Request, status: int, duration_ms: float, request_id: str) -> None:
        project_id = req.context.get("project_id")
        if project_id is None and req.context.get("ctx") is not None:
            project_id = req.context.ctx.project_id
        fields = {
            "method": req.method,
            "route": req.uri_template,
            "path": req.path,
            "status": status,
            "duration_ms": round(duration_ms, 1),
            "project_id": project_id,
            "request_id": request_id,
        }
        LOG.info("%s %s %d %.1fms [%s]", req.method, req.path, status, duration_ms, request_id, extra=fields)


class AuthMiddleware:
    """Identify the caller of every non-public path, or answer 401."""

    def __init__(self, authenticator: Authenticator, public_paths: frozenset[str] = PUBLIC_PATHS):
        self.authenticator = authenticator
        self.public_paths = public_paths

    def process_request(self, req: falcon.Request, resp: falcon.Response) -> None:
        if req.path in self.public_paths or req.path.startswith(PUBLIC_PREFIXES) or req.method == "OPTIONS":
            req.context.ctx = None
            return
        ctx = self.authenticator.identify(req.get_header, req.env)
        if ctx is None:
            raise falcon.HTTPUnauthorized(
                title="Unauthorized",
                description="A valid X-Auth-Token header is required.",
            )
        ctx.request_id = req.context.request_id
        req.context.ctx = ctx
