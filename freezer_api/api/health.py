"""/healthcheck: for load balancers and deployment probes, no authentication.

200 `OK` while this process can serve: its database answers and holds a
schema this release can serve. 503 JSON when it cannot, or while the
operator's disable file exists. The checks run at most once a
`CACHE_SECONDS` per worker process, so a load balancer probing often costs
the database next to nothing; only one request at a time runs them (the
others answer from the last results), so an unreachable database holds one
worker thread, not all of them.

`?detailed=true` shows each check's status and latency, run afresh: to an
administrator (policy `healthcheck:detailed`), or to a caller on the
loopback interface that no proxy forwarded.
"""

from __future__ import annotations

import ipaddress
import logging
import os
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import falcon

from freezer_api.auth import Authenticator
from freezer_api.policies.enforcer import Authorizer

LOG = logging.getLogger(__name__)

CACHE_SECONDS = 1.0
DETAILED_RULE = "healthcheck:detailed"
_MAX_DETAIL = 300


@dataclass(frozen=True)
class Check:
    name: str
    run: Callable[[], str]  # what it found; raises when the service cannot serve
    failure: str  # what /healthcheck tells anyone when it fails (no internals)


@dataclass(frozen=True)
class CheckResult:
    check: Check
    ok: bool
    detail: str
    latency_ms: float

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.check.name,
            "status": "ok" if self.ok else "failed",
            "latency_ms": round(self.latency_ms, 3),
            "detail": self.detail,
        }


class HealthChecks:
    """The checks, with their last results kept for `max_age` seconds."""

    def __init__(self, checks: Sequence[Check], *, max_age: float = CACHE_SECONDS):
        self.checks = tuple(checks)
        self.max_age = max_age
        self._results: list[CheckResult] | None = None
        self._ran_at = 0.0
        self._running = threading.Lock()

    def results(self) -> list[CheckResult]:
        """Recent results: fresh ones when the last are older than max_age and no other request is running them."""
        results = self._results
        if results is not None and time.monotonic() - self._ran_at < self.max_age:
            return results
        if not self._running.acquire(blocking=results is None):
            return results  # type: ignore[return-value]  # not None: acquire only fails when not blocking
        try:
            if self._results is not None and time.monotonic() - self._ran_at < self.max_age:
                return self._results
            return self._run()
        finally:
            self._running.release()

    def fresh_results(self) -> list[CheckResult]:
        with self._running:
            return self._run()

    def _run(self) -> list[CheckResult]:
        # Each check builds on the ones before it (no schema to read without a
        # database), and a failed one may have waited out a timeout already.
        results: list[CheckResult] = []
        for check in self.checks:
            if results and not results[-1].ok:
                results.append(CheckResult(check, False, f"not run: the {results[-1].check.name} check failed", 0.0))
            else:
                results.append(_run_one(check))
        previous = {result.check.name: result.ok for result in self._results or ()}
        for result in results:
            if result.ok and previous.get(result.check.name) is False:
                LOG.warning("health check %s passes again: %s", result.check.name, result.detail)
            elif not result.ok and previous.get(result.check.name, True):
                LOG.warning("health check %s fails: %s", result.check.name, result.detail)
        self._results, self._ran_at = results, time.monotonic()
        return results


def _run_one(check: Check) -> CheckResult:
    started = time.perf_counter()
    try:
        detail, ok = check.run(), True
    except Exception as error:  # a probe reports every failure, it never raises one
        detail, ok = str(error) or type(error).__name__, False
    latency_ms = (time.perf_counter() - started) * 1000
    return CheckResult(check, ok, " ".join(detail.split())[:_MAX_DETAIL], latency_ms)


class HealthcheckResource:
    def __init__(
        self,
        checks: HealthChecks,
        *,
        disable_file: str | None,
        authenticator: Authenticator,
        authorizer: Authorizer,
    ):
        self.checks = checks
        self.disable_file = disable_file
        self.authenticator = authenticator
        self.authorizer = authorizer

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        if req.get_param_as_bool("detailed", default=False):
            self._authorize_detailed(req)
            self._detailed(resp)
            return
        if self._disabled():
            raise falcon.HTTPServiceUnavailable(
                title="Service Unavailable",
                description="This node was taken out of rotation by its operator.",
            )
        failed = next((result for result in self.checks.results() if not result.ok), None)
        if failed is not None:
            raise falcon.HTTPServiceUnavailable(
                title="Service Unavailable", description=failed.check.failure, retry_after=1
            )
        resp.text = "OK"
        resp.content_type = falcon.MEDIA_TEXT

    on_head = on_get

    def _disabled(self) -> bool:
        return bool(self.disable_file) and os.path.exists(self.disable_file)  # type: ignore[arg-type]

    def _detailed(self, resp: falcon.Response) -> None:
        results = [result.as_json() for result in self.checks.fresh_results()]
        disabled = self._disabled()
        results.append(
            {
                "name": "rotation",
                "status": "failed" if disabled else "ok",
                "latency_ms": 0.0,
                "detail": f"taken out by its operator: {self.disable_file} exists" if disabled else "in rotation",
            }
        )
        failed = [result["name"] for result in results if result["status"] != "ok"]
        body: dict[str, Any] = {"status": "failed" if failed else "ok", "checks": results}
        if failed:
            resp.status = falcon.HTTP_503
            resp.append_header("Retry-After", "1")
            body = {
                "title": "Service Unavailable",
                "description": "Failed health checks: " + ", ".join(failed) + ".",
                **body,
            }
        resp.media = body

    def _authorize_detailed(self, req: falcon.Request) -> None:
        """Loopback callers that no proxy forwarded, and callers policy allows (admins)."""
        forwarded = req.get_header("Forwarded") or req.get_header("X-Forwarded-For")
        if not forwarded and _is_loopback(req.remote_addr):
            return
        ctx = self.authenticator.identify(req.get_header, req.env)
        if ctx is None:
            raise falcon.HTTPUnauthorized(
                title="Unauthorized",
                description="The detailed healthcheck needs a valid X-Auth-Token, except from the loopback interface.",
            )
        if not self.authorizer.allows(ctx, DETAILED_RULE, None):
            raise falcon.HTTPForbidden(title="Forbidden", description=f"Policy does not allow {DETAILED_RULE}.")


def _is_loopback(address: str | None) -> bool:
    try:
        return address is not None and ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False
