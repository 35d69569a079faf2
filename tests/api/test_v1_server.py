"""v1 against a real server process with static tokens: identity, policy, isolation."""

from tests.conftest import as_persona
from tests.support.factories import original_backup_metadata, original_client_info
from tests.support.http import Caller, OverHTTP


def test_v1_needs_a_token_and_answers_json(sqlite_server):
    anonymous = Caller(OverHTTP(sqlite_server.url))
    for path in ("/v1", "/v1/", "/v1/backups", "/v1/clients"):
        reply = anonymous.get(path)
        assert reply.status == 401, path
        assert reply.json()["title"] == "Unauthorized"
    home = as_persona(sqlite_server, "reader_a").get("/v1/")
    assert home.status == 200
    assert home.json()["resources"]["rel/backups"]["href-template"] == "/v1/backups/{backup_id}"


def test_a_backup_recorded_through_v1_carries_the_token_identity(sqlite_server):
    member = as_persona(sqlite_server, "member_a")
    metadata = original_backup_metadata()
    reply = member.post("/v1/backups", metadata)
    assert reply.status == 201
    backup_id = reply.json()["backup_id"]
    doc = member.get(f"/v1/backups/{backup_id}").json()
    assert (doc["backup_id"], doc["user_id"], doc["user_name"]) == (backup_id, "user-a", "alice")
    # ...in the token's project, where v2 sees it too, and a member of another project does not.
    assert member.get(f"/v2/project-a/backups/{backup_id}").json()["project_id"] == "project-a"
    other = as_persona(sqlite_server, "member_b")
    assert other.get(f"/v1/backups/{backup_id}").status == 404
    assert backup_id not in [b["backup_id"] for b in other.get("/v1/backups", params={"limit": 1000}).json()["backups"]]


def test_v1_applies_the_v2_policy_rules_in_the_token_project(sqlite_server):
    member = as_persona(sqlite_server, "member_a")
    reader = as_persona(sqlite_server, "reader_a")
    nobody = as_persona(sqlite_server, "norole_a")
    backup_id = member.post("/v1/backups", original_backup_metadata()).json()["backup_id"]

    assert reader.get(f"/v1/backups/{backup_id}").status == 200
    assert reader.get("/v1/backups").status == 200
    for reply in (
        reader.post("/v1/backups", original_backup_metadata()),
        reader.patch(f"/v1/backups/{backup_id}", {"mode": "mysql"}),
        reader.delete(f"/v1/backups/{backup_id}"),
        reader.post("/v1/clients", original_client_info()),
        nobody.get("/v1/backups"),
    ):
        assert reply.status == 403
        assert reply.json()["title"] == "Access Forbidden"
    assert member.get(f"/v1/backups/{backup_id}").json()["backup_metadata"]["mode"] == "fs"


def test_admin_and_service_work_only_in_their_own_project_through_v1(sqlite_server):
    member = as_persona(sqlite_server, "member_a")
    backup_id = member.post("/v1/backups", original_backup_metadata()).json()["backup_id"]
    for name in ("admin", "service"):
        privileged = as_persona(sqlite_server, name)
        assert privileged.get(f"/v1/backups/{backup_id}").status == 404
        assert privileged.delete(f"/v1/backups/{backup_id}").status == 404
        # Through v2, naming the project, they get in (docs/resources.md#v1).
        assert privileged.get(f"/v2/project-a/backups/{backup_id}").status == 200
    assert member.get(f"/v1/backups/{backup_id}").status == 200


def test_clients_through_v1_over_http(sqlite_server):
    member = as_persona(sqlite_server, "member_a")
    info = original_client_info()
    assert member.post("/v1/clients/", info).json() == {"client_id": info["client_id"]}
    assert member.post("/v1/clients", info).status == 409
    patched = member.patch(f"/v1/clients/{info['client_id']}", {"description": "patched"})
    assert patched.status == 200
    assert patched.json()["user_id"] == "user-a"
    assert member.get(f"/v2/project-a/clients/{info['client_id']}").json()["client"]["description"] == "patched"
    assert member.delete(f"/v1/clients/{info['client_id']}").status == 204
    assert member.delete(f"/v1/clients/{info['client_id']}").status == 404
