"""Policy decisions for the HTTP edge."""

from __future__ import annotations

from oslo_config import cfg
from oslo_policy import policy

from freezer_api.context import RequestContext
from freezer_api.domain.errors import Forbidden
from freezer_api.policies import list_rules


class Authorizer:
    def __init__(self, conf: cfg.ConfigOpts):
        self._enforcer = policy.Enforcer(conf)
        self._enforcer.register_defaults(list_rules())

    def allows(self, ctx: RequestContext, rule: str, project_id: str | None) -> bool:
        target = {"project_id": project_id} if project_id is not None else {}
        return bool(self._enforcer.authorize(rule, target, ctx.policy_credentials(), do_raise=False))

    def authorize(self, ctx: RequestContext, rule: str, project_id: str | None) -> None:
        """Raise Forbidden unless the caller may perform `rule` on `project_id`."""
        if not self.allows(ctx, rule, project_id):
            raise Forbidden(f"Policy does not allow {rule} for this caller.")
