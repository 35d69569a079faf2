"""Create the test cloud's projects and users in a template Keystone, through its REST API in process.

Run by the keystone venv's python (not by the test suite), once per cached
template, with OS_KEYSTONE_CONFIG_FILES naming the template's keystone.conf:

    python keystone_provision.py SPEC_JSON OUTPUT_JSON

SPEC_JSON: {"admin_password", "domain", "users": {name: [project, [roles], password]}}.
OUTPUT_JSON receives {"projects": {name: id}, "users": {name: id}}.
"""

import json
import sys

sys_argv, sys.argv = sys.argv, sys.argv[:1]  # keystone reads sys.argv as its own command line

from keystone.server import wsgi  # noqa: E402
from werkzeug.test import Client  # noqa: E402


def main(spec_path: str, output_path: str) -> None:
    with open(spec_path) as handle:
        spec = json.load(handle)
    api = Client(wsgi.initialize_public_application())
    domain = spec["domain"]

    def call(method, path, body=None, token=None):
        reply = api.open("/v3" + path, method=method, json=body, headers={"X-Auth-Token": token} if token else {})
        if reply.status_code >= 400:
            raise SystemExit(f"{method} {path}: {reply.status_code} {reply.get_data(as_text=True)[:500]}")
        return reply

    admin = {
        "auth": {
            "identity": {
                "methods": ["password"],
                "password": {"user": {"name": "admin", "domain": {"id": domain}, "password": spec["admin_password"]}},
            },
            "scope": {"project": {"name": "admin", "domain": {"id": domain}}},
        }
    }
    token = call("POST", "/auth/tokens", admin).headers["X-Subject-Token"]
    roles = {role["name"]: role["id"] for role in call("GET", "/roles", token=token).json["roles"]}
    projects = {}
    for project in sorted({project for project, _, _ in spec["users"].values()}):
        body = {"project": {"name": project, "domain_id": domain}}
        projects[project] = call("POST", "/projects", body, token).json["project"]["id"]
    users = {}
    for name, (project, role_names, password) in spec["users"].items():
        body = {
            "user": {"name": name, "password": password, "domain_id": domain, "default_project_id": projects[project]}
        }
        users[name] = call("POST", "/users", body, token).json["user"]["id"]
        for role in role_names:
            call("PUT", f"/projects/{projects[project]}/users/{users[name]}/roles/{roles[role]}", token=token)
    with open(output_path, "w") as handle:
        json.dump({"projects": projects, "users": users}, handle)


if __name__ == "__main__":
    main(*sys_argv[1:3])
