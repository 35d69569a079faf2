"""v2 clients (docs/resources.md#clients)."""

from tests.conftest import identity_headers, new_project
from tests.support.factories import client_info
from tests.support.http import Caller


def clients_path(project: str) -> str:
    return f"/v2/{project}/clients"


def test_register_wraps_the_client_and_fills_defaults(api, project):
    info = {"client_id": "myproject_db01.example.com", "hostname": "db01.example.com"}
    reply = api.post(clients_path(project) + "/", info)
    assert reply.status == 201
    assert reply.json() == {"client_id": "myproject_db01.example.com"}
    doc = api.get(f"{clients_path(project)}/myproject_db01.example.com").json()
    assert doc["project_id"] == project
    assert doc["user_id"] == "user-1"
    client = doc["client"]
    assert client["client_id"] == "myproject_db01.example.com"
    assert client["hostname"] == "db01.example.com"
    assert client["is_central"] is False
    assert client["description"] is None
    assert len(client["uuid"]) == 32
    assert client["supported_actions"] == ["backup", "restore", "info", "admin", "exec"]
    assert "cindernative" in client["supported_modes"]
    assert "ftps" in client["supported_storages"]
    assert "osbrick" in client["supported_engines"]


def test_reregistration_is_201_and_refreshes_capabilities_only(api, project):
    info = client_info()
    assert api.post(clients_path(project), info).status == 201
    again = dict(info, description="moved", supported_modes=["fs"], hostname="elsewhere.example.com")
    reply = api.post(clients_path(project), again)
    assert reply.status == 201
    client = api.get(f"{clients_path(project)}/{info['client_id']}").json()["client"]
    assert client["description"] == "moved"
    assert client["supported_modes"] == ["fs"]
    assert client["hostname"] == info["hostname"]
    listed = api.get(clients_path(project)).json()["clients"]
    assert [c["client"]["client_id"] for c in listed] == [info["client_id"]]


def test_two_projects_may_register_the_same_client_id(transport):
    a, b = new_project(), new_project()
    for project in (a, b):
        caller = Caller(transport, identity_headers(project))
        assert caller.post(clients_path(project), {"client_id": "host1"}).status == 201
        doc = caller.get(f"{clients_path(project)}/host1").json()
        assert doc["project_id"] == project


def test_client_id_must_match_the_pattern(api, project):
    for bad in ("bad%project$id_host.domain.tld", "0123_bad_hostname.bad/domain.b", "-leading.example.com", ""):
        reply = api.post(clients_path(project), {"client_id": bad})
        assert reply.status == 400, bad
    assert api.post(clients_path(project), {"client_id": "padawan-ccp-c1-m1-mgmt"}).status == 201
    assert api.post(clients_path(project), {"hostname": "x"}).status == 400
    assert api.post(clients_path(project), {"client_id": "ok1", "supported_modes": ["tape"]}).status == 400


def test_description_may_be_null_and_hostname_is_anchored(api, project):
    assert api.post(clients_path(project), {"client_id": "h1", "description": None}).status == 201
    assert api.post(clients_path(project), {"client_id": "h2", "hostname": "not a host!"}).status == 400


def test_central_registration_needs_admin_or_service(transport):
    project = new_project()
    member = Caller(transport, identity_headers(project))
    reply = member.post(clients_path(project), client_info(is_central=True))
    assert reply.status == 403
    assert reply.json()["title"] == "Access Forbidden"
    admin = Caller(transport, identity_headers(project, roles="admin"))
    assert admin.post(clients_path(project), client_info(is_central=True)).status == 201


def test_central_clients_are_visible_to_every_project_but_deletable_only_by_their_own(transport):
    owner_project, other_project = new_project(), new_project()
    admin = Caller(transport, identity_headers(owner_project, roles="admin"))
    info = client_info(is_central=True)
    assert admin.post(clients_path(owner_project), info).status == 201

    other = Caller(transport, identity_headers(other_project))
    listed = other.get(clients_path(other_project), params={"limit": 1000}).json()["clients"]
    assert info["client_id"] in [c["client"]["client_id"] for c in listed]
    assert other.get(f"{clients_path(other_project)}/{info['client_id']}").json()["project_id"] == owner_project
    assert other.delete(f"{clients_path(other_project)}/{info['client_id']}").status == 403
    # Registering the id of another project's central client conflicts (docs/original-defects.md#d33).
    assert other.post(clients_path(other_project), {"client_id": info["client_id"]}).status == 409
    assert admin.delete(f"{clients_path(owner_project)}/{info['client_id']}").status == 204


def test_client_search_matches_inside_the_client_object(api, project):
    first, second = client_info(), client_info()
    api.post(clients_path(project), first)
    api.post(clients_path(project), second)
    found = api.get(clients_path(project), {"match": [{"hostname": second["hostname"]}]}).json()["clients"]
    assert [c["client"]["client_id"] for c in found] == [second["client_id"]]
    found = api.get(clients_path(project), {"match": [{"client_id": first["client_id"]}]}).json()["clients"]
    assert [c["client"]["client_id"] for c in found] == [first["client_id"]]


def test_client_uuid_collision_in_the_project_is_409(api, project):
    assert api.post(clients_path(project), client_info(uuid="fixed-uuid-1")).status == 201
    assert api.post(clients_path(project), client_info(uuid="fixed-uuid-1")).status == 409


def test_delete_client(api, project):
    info = client_info()
    api.post(clients_path(project), info)
    assert api.delete(f"{clients_path(project)}/{info['client_id']}").status == 204
    assert api.get(f"{clients_path(project)}/{info['client_id']}").status == 404
    assert api.delete(f"{clients_path(project)}/{info['client_id']}").status == 404


def test_patch_on_a_client_is_405(api, project):
    info = client_info()
    api.post(clients_path(project), info)
    assert api.patch(f"{clients_path(project)}/{info['client_id']}", {"description": "x"}).status == 405
