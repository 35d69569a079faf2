"""The cloud the identity tests run in: a running Keystone with its projects, users and services."""

from __future__ import annotations

from dataclasses import dataclass, field

import requests

from tests.support.keystone import ADMIN_PASSWORD, DOMAIN, REGION, TEMPLATE_URL, USERS, KeystoneProcess, password_of


@dataclass(frozen=True)
class User:
    name: str
    id: str
    project: str
    project_id: str

    @property
    def password(self) -> str:
        return password_of(self.name)


@dataclass
class Cloud:
    keystone: KeystoneProcess
    users: dict[str, User] = field(default_factory=dict)
    projects: dict[str, str] = field(default_factory=dict)
    _tokens: dict[str, tuple[str, dict]] = field(default_factory=dict, repr=False)

    @property
    def auth_url(self) -> str:
        return self.keystone.v3

    def token(self, name: str, *, fresh: bool = False) -> tuple[str, dict]:
        """A project-scoped token of the user and its body: the same one each time, or a new one if `fresh`."""
        if fresh:
            if name == "admin":
                return password_token(self.auth_url, name, ADMIN_PASSWORD, "admin")
            return password_token(self.auth_url, name, self.users[name].password, self.users[name].project)
        if name not in self._tokens:
            self._tokens[name] = self.token(name, fresh=True)
        return self._tokens[name]

    def revoke(self, token: str) -> None:
        """Revoke a token through Keystone's API (a token may revoke itself)."""
        headers = {"X-Auth-Token": token, "X-Subject-Token": token}
        _ok(requests.delete(self.auth_url + "/auth/tokens", headers=headers, timeout=60))

    def admin(self, method: str, path: str, body: dict | None = None) -> dict:
        """A call to Keystone's API as the cloud admin."""
        reply = self.call("admin", method, path, body)
        return reply.json() if reply.content else {}

    def call(
        self, name: str, method: str, path: str, body: dict | None = None, *, expect_ok: bool = True
    ) -> requests.Response:
        """A call to Keystone's API with the user's token."""
        token, _ = self.token(name)
        reply = requests.request(method, self.auth_url + path, json=body, headers={"X-Auth-Token": token}, timeout=60)
        return _ok(reply) if expect_ok else reply

    def trust(self, trust_id: str) -> dict | None:
        """The trust as Keystone has it, or None once deleted."""
        reply = self.call("admin", "GET", f"/OS-TRUST/trusts/{trust_id}", expect_ok=False)
        return reply.json()["trust"] if reply.status_code == 200 else None

    def register_backup_service(self, url: str) -> None:
        """The catalog entry clients find freezer-api by (service type `backup`)."""
        service = self.admin("POST", "/services", {"service": {"type": "backup", "name": "freezer"}})["service"]
        for interface in ("public", "internal"):
            endpoint = {"service_id": service["id"], "interface": interface, "url": url, "region_id": REGION}
            self.admin("POST", "/endpoints", {"endpoint": endpoint})


def open_cloud(keystone: KeystoneProcess) -> Cloud:
    """The cloud of a Keystone started from the template, its identity endpoints pointed at its port."""
    ids = keystone.provisioned()
    cloud = Cloud(keystone, projects=ids["projects"])
    for name, (project, _) in USERS.items():
        cloud.users[name] = User(name, ids["users"][name], project, ids["projects"][project])
    for endpoint in cloud.admin("GET", "/endpoints")["endpoints"]:
        if endpoint["url"] == TEMPLATE_URL:
            cloud.admin("PATCH", f"/endpoints/{endpoint['id']}", {"endpoint": {"url": keystone.v3}})
    return cloud


def password_token(
    auth_url: str, name: str, password: str, project: str | None = None, *, trust_id: str | None = None
) -> tuple[str, dict]:
    """Password authentication, scoped to a project of the default domain or to a trust."""
    scope = (
        {"OS-TRUST:trust": {"id": trust_id}} if trust_id else {"project": {"name": project, "domain": {"id": DOMAIN}}}
    )
    body = {
        "auth": {
            "identity": {
                "methods": ["password"],
                "password": {"user": {"name": name, "domain": {"id": DOMAIN}, "password": password}},
            },
            "scope": scope,
        }
    }
    reply = _ok(requests.post(auth_url + "/auth/tokens", json=body, timeout=60))
    return reply.headers["X-Subject-Token"], reply.json()["token"]


def _ok(reply: requests.Response) -> requests.Response:
    if reply.status_code >= 400:
        raise RuntimeError(
            f"keystone answered {reply.status_code} to {reply.request.method} {reply.url}: {reply.text[:500]}"
        )
    return reply
