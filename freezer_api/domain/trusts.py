"""Keystone trusts for jobs run by central schedulers (docs/jobs.md#trusts), as the domain sees them."""

from __future__ import annotations

from typing import Protocol

from freezer_api.context import RequestContext


class TrustBroker(Protocol):
    def credentials_for_new_job(self, ctx: RequestContext, project_id: str, *, client_is_central: bool) -> dict | None:
        """`user_credentials` for a job being created, or None when no trust applies."""

    def release(self, ctx: RequestContext, user_credentials: dict, *, still_used: bool) -> None:
        """A job holding these credentials was deleted; drop the trust unless another job uses it."""


class NoTrusts:
    """Deployments without Keystone: jobs never carry trusts."""

    def credentials_for_new_job(self, ctx: RequestContext, project_id: str, *, client_is_central: bool) -> dict | None:
        return None

    def release(self, ctx: RequestContext, user_credentials: dict, *, still_used: bool) -> None:
        return None
