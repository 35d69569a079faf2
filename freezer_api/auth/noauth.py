"""noauth: trust the identity headers keystonemiddleware would set. Development only."""

from __future__ import annotations

from freezer_api.context import RequestContext

# Identity of a caller that sends no identity headers at all (for example the
# freezer CLI pointed at a development server).
DEFAULT_USER = "noauth"
DEFAULT_PROJECT = "default"
DEFAULT_ROLES = "admin"


def split_roles(value: str) -> list[str]:
    return [role.strip().lower() for role in value.split(",") if role.strip()]


class HeaderIdentity:
    def identify(self, header, environ=None) -> RequestContext | None:
        project = header("X-Project-Id") or header("X-Tenant-Id") or DEFAULT_PROJECT
        roles = header("X-Roles")
        return RequestContext(
            user_id=header("X-User-Id") or DEFAULT_USER,
            project_id=project,
            roles=split_roles(DEFAULT_ROLES if roles is None else roles),
            user_name=header("X-User-Name"),
        )
