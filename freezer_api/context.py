"""Who is calling: the identity every request carries through the layers."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class RequestContext:
    user_id: str
    project_id: str
    roles: list[str] = field(default_factory=list)
    user_name: str | None = None
    request_id: str = ""
    auth_token: str | None = None
    # Keystone-only details some operations need (trusts); None elsewhere.
    token_info: dict | None = None

    @property
    def is_admin(self) -> bool:
        return "admin" in self.roles

    def policy_credentials(self) -> dict:
        return {
            "user_id": self.user_id,
            "project_id": self.project_id,
            "roles": self.roles,
        }
