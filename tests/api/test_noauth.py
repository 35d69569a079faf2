"""auth_strategy = noauth: identity from the headers keystonemiddleware would set."""

from tests.support.factories import backup_metadata
from tests.support.http import Caller


def test_headers_give_user_and_project(transport, project):
    caller = Caller(transport, {"X-User-Id": "alice", "X-Project-Id": project, "X-Roles": "Member"})
    backup_id = caller.post(f"/v2/{project}/backups", backup_metadata()).json()["backup_id"]
    assert caller.get(f"/v2/{project}/backups/{backup_id}").json()["user_id"] == "alice"


def test_x_tenant_id_is_a_fallback_for_the_project(transport, project):
    caller = Caller(transport, {"X-User-Id": "alice", "X-Tenant-Id": project, "X-Roles": "member"})
    assert caller.post(f"/v2/{project}/backups", backup_metadata()).status == 201


def test_policy_applies_to_header_identities(transport, project):
    reader = Caller(transport, {"X-User-Id": "r", "X-Project-Id": project, "X-Roles": "reader"})
    assert reader.get(f"/v2/{project}/backups").status == 200
    assert reader.post(f"/v2/{project}/backups", backup_metadata()).status == 403
    stranger = Caller(transport, {"X-User-Id": "s", "X-Project-Id": "elsewhere", "X-Roles": "member"})
    assert stranger.get(f"/v2/{project}/backups").status == 403
    nobody = Caller(transport, {"X-User-Id": "n", "X-Project-Id": project, "X-Roles": ""})
    assert nobody.get(f"/v2/{project}/backups").status == 403


def test_a_caller_without_identity_headers_is_the_development_admin(transport, project):
    bare = Caller(transport)
    assert bare.post(f"/v2/{project}/backups", backup_metadata()).status == 201


def test_identities_too_long_to_record_are_401(transport, project):
    # Documents record their user in 255 characters; PostgreSQL and MariaDB refuse more.
    for headers in ({"X-User-Id": "u" * 256, "X-Project-Id": project}, {"X-User-Id": "u", "X-Project-Id": "p" * 256}):
        reply = Caller(transport, {**headers, "X-Roles": "member"}).post(f"/v2/{project}/backups", backup_metadata())
        assert reply.status == 401
        assert set(reply.json()) == {"title", "description"}
    longest = Caller(transport, {"X-User-Id": "u" * 255, "X-Project-Id": project, "X-Roles": "member"})
    assert longest.post(f"/v2/{project}/backups", backup_metadata()).status == 201
