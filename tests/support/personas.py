"""Static-token identities the tests authenticate as."""

from __future__ import annotations

from dataclasses import dataclass

import orjson


@dataclass(frozen=True)
class Persona:
    token: str
    user_id: str
    project_id: str
    roles: tuple[str, ...]
    user_name: str | None = None

    def entry(self) -> dict:
        entry = {"token": self.token, "user_id": self.user_id, "project_id": self.project_id, "roles": list(self.roles)}
        if self.user_name:
            entry["user_name"] = self.user_name
        return entry


PERSONAS = {
    "admin": Persona("admin-token", "admin-user", "admin-project", ("admin",)),
    "service": Persona("service-token", "freezer-service", "service", ("service",)),
    "member_a": Persona("member-a-token", "user-a", "project-a", ("member", "reader"), user_name="alice"),
    "member_a2": Persona("member-a2-token", "user-a2", "project-a", ("member",)),
    "reader_a": Persona("reader-a-token", "reader-a", "project-a", ("reader",)),
    "norole_a": Persona("norole-a-token", "nobody-a", "project-a", ()),
    "member_b": Persona("member-b-token", "user-b", "project-b", ("member", "reader")),
}


def tokens_file_content() -> bytes:
    return orjson.dumps([persona.entry() for persona in PERSONAS.values()])
