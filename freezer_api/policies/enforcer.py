"""Policy decisions for the HTTP edge, with a cache of recent decisions.

Evaluating an oslo.policy rule tree costs far more than serving a GET, and
the same caller asks the same question many times a second. A decision is
a pure function of the rules, the credentials and the target, so decisions
are cached until the rules change (checked at most once a second).
"""

from __future__ import annotations

import threading
import time

from oslo_config import cfg
from oslo_policy import policy

from freezer_api.context import RequestContext
from freezer_api.domain.errors import Forbidden
from freezer_api.policies import list_rules

RULES_CHECK_SECONDS = 1.0
MAX_CACHED_DECISIONS = 50_000


class Authorizer:
    def __init__(self, conf: cfg.ConfigOpts):
        self._enforcer = policy.Enforcer(conf)
        self._enforcer.register_defaults(list_rules())
        self._enforcer.load_rules()
        self._decisions: dict[tuple, bool] = {}
        self._lock = threading.Lock()
        self._rules_fingerprint = self._fingerprint()
        self._checked_at = time.monotonic()

    def allows(self, ctx: RequestContext, rule: str, project_id: str | None) -> bool:
        now = time.monotonic()
        if now - self._checked_at > RULES_CHECK_SECONDS:
            self._refresh_rules(now)
        key = (rule, ctx.user_id, ctx.project_id, tuple(ctx.roles), project_id)
        decision = self._decisions.get(key)
        if decision is None:
            target = {"project_id": project_id} if project_id is not None else {}
            decision = bool(self._enforcer.authorize(rule, target, ctx.policy_credentials(), do_raise=False))
            if len(self._decisions) >= MAX_CACHED_DECISIONS:
                self._decisions.clear()
            self._decisions[key] = decision
        return decision

    def authorize(self, ctx: RequestContext, rule: str, project_id: str | None) -> None:
        """Raise Forbidden unless the caller may perform `rule` on `project_id`."""
        if not self.allows(ctx, rule, project_id):
            raise Forbidden(f"Policy does not allow {rule} for this caller.")

    def _refresh_rules(self, now: float) -> None:
        with self._lock:
            if now - self._checked_at <= RULES_CHECK_SECONDS:
                return
            self._checked_at = now
            self._enforcer.load_rules()
            fingerprint = self._fingerprint()
            if fingerprint != self._rules_fingerprint:
                self._rules_fingerprint = fingerprint
                self._decisions = {}

    def _fingerprint(self) -> tuple:
        return tuple(sorted((name, str(check)) for name, check in self._enforcer.rules.items()))
