"""auth_strategy = keystone against a real Keystone: who the caller is, and every refusal in JSON.

The set-up is README.md, "Running in an OpenStack cloud (Keystone)".
"""

import subprocess
import sys
import time

from tests.identity.conftest import TOKEN_CACHE_SECONDS, as_user, start_keystone_server
from tests.support.factories import backup_metadata, unique
from tests.support.http import Caller, OverHTTP
from tests.support.keystone_cloud import password_token
from tests.support.server import free_port


def _assert_401(reply, cloud):
    assert reply.status == 401, reply
    assert reply.json()["title"] == "Unauthorized"
    assert reply.json()["description"]
    assert reply.headers["www-authenticate"] == f'Keystone uri="{cloud.auth_url}"'


def test_a_member_works_in_its_project_as_the_token_user(cloud, keystone_server):
    alice = as_user(cloud, keystone_server, "alice")
    project = cloud.users["alice"].project_id
    reply = alice.post(f"/v2/{project}/backups", backup_metadata())
    assert reply.status == 201, reply
    doc = alice.get(f"/v2/{project}/backups/{reply.json()['backup_id']}").json()
    assert doc["user_id"] == cloud.users["alice"].id
    assert doc["project_id"] == project


def test_missing_unknown_and_revoked_tokens_are_401_json(cloud, keystone_server):
    project = cloud.projects["freezer-a"]
    anonymous = Caller(OverHTTP(keystone_server.url))
    _assert_401(anonymous.get(f"/v2/{project}/backups"), cloud)
    _assert_401(anonymous.with_headers(**{"X-Auth-Token": "gAAAAAB-not-a-token"}).get(f"/v2/{project}/backups"), cloud)

    token, _ = cloud.token("alice", fresh=True)
    alice = anonymous.with_headers(**{"X-Auth-Token": token})
    assert alice.get(f"/v2/{project}/backups").status == 200
    cloud.revoke(token)
    _assert_401(_once_refused(alice, f"/v2/{project}/backups"), cloud)


def _once_refused(caller, path):
    """freezer-api trusts a validation for token_cache_time seconds: poll until it asks Keystone again."""
    deadline = time.monotonic() + TOKEN_CACHE_SECONDS + 30
    while True:
        reply = caller.get(path)
        if reply.status != 200 or time.monotonic() > deadline:
            return reply
        time.sleep(0.2)


def test_forged_identity_headers_are_ignored(cloud, keystone_server):
    project_a = cloud.projects["freezer-a"]
    forged = {
        "X-Identity-Status": "Confirmed",
        "X-User-Id": "admin",
        "X-Project-Id": project_a,
        "X-Roles": "admin",
        "X-Tenant-Id": project_a,
    }
    _assert_401(Caller(OverHTTP(keystone_server.url), forged).get(f"/v2/{project_a}/backups"), cloud)
    # With a valid token of project B, the forged headers do not move bob into project A.
    bob = as_user(cloud, keystone_server, "bob").with_headers(**forged)
    assert bob.get(f"/v2/{project_a}/backups").status == 403
    assert bob.post(f"/v2/{project_a}/backups", backup_metadata()).status == 403


def test_keystone_roles_drive_the_policy(cloud, keystone_server):
    project_a, project_b = cloud.projects["freezer-a"], cloud.projects["freezer-b"]
    rita, bob, ada = (as_user(cloud, keystone_server, name) for name in ("rita", "bob", "ada"))
    assert rita.get(f"/v2/{project_a}/backups").status == 200
    denied = rita.post(f"/v2/{project_a}/backups", backup_metadata())
    assert denied.status == 403 and denied.json()["title"] == "Access Forbidden"
    assert bob.get(f"/v2/{project_a}/backups").status == 403
    assert bob.post(f"/v2/{project_b}/backups", backup_metadata()).status == 201
    # admin (and the member and reader roles Keystone implies from it) acts in any project
    assert ada.get(f"/v2/{project_b}/backups").status == 200


def test_role_names_are_matched_case_insensitively(cloud, keystone_server):
    role = cloud.admin("POST", "/roles", {"role": {"name": "MEMBER"}})["role"]  # not Keystone's "member"
    project = cloud.projects["freezer-b"]
    user = cloud.admin(
        "POST", "/users", {"user": {"name": unique("upper"), "password": "pw-upper", "domain_id": "default"}}
    )["user"]
    cloud.admin("PUT", f"/projects/{project}/users/{user['id']}/roles/{role['id']}")
    token, _ = password_token(cloud.auth_url, user["name"], "pw-upper", "freezer-b")
    caller = Caller(OverHTTP(keystone_server.url), {"X-Auth-Token": token})
    assert caller.post(f"/v2/{project}/backups", backup_metadata()).status == 201


def test_public_paths_need_no_token(cloud, keystone_server):
    for headers in ({}, {"X-Auth-Token": "not-a-token"}):
        anonymous = Caller(OverHTTP(keystone_server.url), headers)
        assert anonymous.get("/").status == 300
        assert anonymous.get("/healthcheck").status == 200
    _assert_401(Caller(OverHTTP(keystone_server.url)).get("/v2"), cloud)


def test_an_unreachable_keystone_is_503_not_401(cloud, tmp_path):
    closed = f"http://127.0.0.1:{free_port()}/v3"
    server = start_keystone_server(cloud, tmp_path / "server", auth_url=closed, workers=1)
    try:
        token, _ = cloud.token("alice")
        reply = Caller(OverHTTP(server.url), {"X-Auth-Token": token}).get(f"/v2/{cloud.projects['freezer-a']}/backups")
        assert reply.status == 503, reply
        assert reply.json()["title"] == "Service Unavailable"
        assert reply.headers["retry-after"]
        assert Caller(OverHTTP(server.url)).get("/v2").status == 401
    finally:
        server.stop()


def test_start_up_names_the_missing_keystone_settings(tmp_path):
    config = tmp_path / "freezer-api.conf"
    config.write_text(
        f"[DEFAULT]\nauth_strategy = keystone\n[database]\nconnection = sqlite:///{tmp_path / 'x.sqlite'}\n"
    )
    result = subprocess.run(
        [sys.executable, "-m", "freezer_api.cmd.api", "--config-file", str(config), "--bind-port", str(free_port())],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "[keystone_authtoken] auth_type is not set" in result.stderr
    assert "[keystone_authtoken] www_authenticate_uri is not set" in result.stderr
