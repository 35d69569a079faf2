"""noauth: trust the identity headers keystonemiddleware would set. Development only."""

from __future__ import annotations

from freezer_api.auth import HeaderLookup
from freezer_api.context import RequestContext
from freezer_api.domain.schemas.common import MAX_ID_LENGTH

# Identity of a caller that sends no identity headers at all (for example the
# freezer CLI pointed at a development server).
DEFAULT_USER = "noauth"
DEFAULT_PROJECT = "default"
DEFAULT_ROLES = "admin"


def split_roles(value: str) -> list[str]:
    return [role.strip().lower() for role in value.split(",") if role.strip()]


class HeaderIdentity:
    def identify(self, header: HeaderLookup, environ: dict | None = None) -> RequestContext | None:
        project = header("X-Project-Id") or header("X-Tenant-Id") or DEFAULT_PROJECT
        roles = header("X-Roles")
        user = header("X-User-Id") or DEFAULT_USER
        if len(user) > MAX_ID_LENGTH or len(project) > MAX_ID_LENGTH:
            return None  # no Keystone id is that long, and documents record the user in 255 characters
        return RequestContext(
            user_id=user,
            project_id=project,
            roles=split_roles(DEFAULT_ROLES if roles is None else roles),
            user_name=header("X-User-Name"),
        )
