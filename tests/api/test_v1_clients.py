"""v1 clients as the original 2015 API served them (docs/resources.md#v1)."""

from tests.conftest import identity_headers, new_project
from tests.support.factories import client_info, original_client_info
from tests.support.http import Caller

PATH = "/v1/clients"

# Lists also hold every project's central clients (other tests register some).
OWN = {"match_not": [{"is_central": True}]}


def register(caller, **overrides) -> dict:
    info = original_client_info(**overrides)
    reply = caller.post(PATH + "/", info)
    assert reply.status == 201, reply
    assert reply.json() == {"client_id": info["client_id"]}
    return info


def test_post_registers_and_get_returns_the_client_wrapped_with_its_owner(api):
    info = register(api, client_id="4e1f0c55a2b84e3d_web01.example.com")
    reply = api.get(f"{PATH}/4e1f0c55a2b84e3d_web01.example.com")
    assert reply.status == 200
    doc = reply.json()
    assert set(doc) == {"client", "user_id"}
    assert doc["user_id"] == "user-1"
    client = doc["client"]
    assert {key: client[key] for key in info} == info
    assert client["config_id"] == "fs-nightly-3"


def test_registering_an_id_twice_is_409_and_keeps_the_first(api):
    info = register(api)
    reply = api.post(PATH, dict(info, description="impostor"))
    assert reply.status == 409
    assert reply.json()["title"] == "Document already existing"
    assert api.get(f"{PATH}/{info['client_id']}").json()["client"]["description"] == "web server"


def test_registration_needs_a_well_formed_client_id(api):
    for body in ({"description": "no id"}, {"client_id": "bad id!"}, {"client_id": ""}, ["x"], None):
        reply = api.post(PATH, body)
        assert reply.status == 400, body
        assert reply.json()["description"]
    assert api.get(PATH, OWN).json() == {"clients": []}


def test_list_with_limit_offset_and_search(api):
    infos = [register(api, config_id=f"config-{n % 2}") for n in range(5)]
    listed = api.get(PATH, OWN).json()["clients"]
    assert [c["client"]["client_id"] for c in listed] == [i["client_id"] for i in infos]
    assert all(set(c) == {"client", "user_id"} for c in listed)
    page = api.get(PATH, OWN, params={"limit": 2, "offset": 3}).json()["clients"]
    assert [c["client"]["client_id"] for c in page] == [i["client_id"] for i in infos[3:]]
    found = api.get(PATH, {"match": [{"config_id": "config-1"}]}).json()["clients"]
    assert [c["client"]["client_id"] for c in found] == [infos[1]["client_id"], infos[3]["client_id"]]


def test_patch_merges_client_info(api):
    info = register(api)
    reply = api.patch(f"{PATH}/{info['client_id']}", {"description": "db server", "config_id": "mysql-hourly"})
    assert reply.status == 200
    client = reply.json()["client"]
    assert client["description"] == "db server"
    assert client["config_id"] == "mysql-hourly"
    assert client["client_id"] == info["client_id"]
    assert api.get(f"{PATH}/{info['client_id']}").json() == reply.json()


def test_patch_accepts_the_document_it_got(api):
    info = register(api)
    document = api.get(f"{PATH}/{info['client_id']}").json()
    document["client"]["description"] = "edited"
    reply = api.patch(f"{PATH}/{info['client_id']}", document)
    assert reply.status == 200
    assert reply.json()["client"]["description"] == "edited"


def test_patch_cannot_change_identity_or_break_the_schema(api):
    info = register(api)
    path = f"{PATH}/{info['client_id']}"
    before = api.get(path).json()
    for change in (
        {"client_id": "other"},
        {"uuid": "other"},
        {"is_central": True},
        {"supported_modes": ["tape"]},
        {"client": "nope"},
    ):
        reply = api.patch(path, change)
        assert reply.status == 400, change
        assert reply.json()["description"]
    assert api.patch(path).status == 400
    assert api.get(path).json() == before
    assert api.patch(f"{PATH}/missing_host.example.com", {"description": "x"}).status == 404


def test_patch_may_set_a_hostname_once(api):
    info = register(api)
    path = f"{PATH}/{info['client_id']}"
    assert api.patch(path, {"hostname": "web01.example.com"}).status == 200
    assert api.patch(path, {"hostname": "web02.example.com"}).status == 400
    assert api.get(path).json()["client"]["hostname"] == "web01.example.com"


def test_delete_is_204_then_404(api):
    info = register(api)
    reply = api.delete(f"{PATH}/{info['client_id']}")
    assert reply.status == 204
    assert reply.body == b""
    assert api.get(f"{PATH}/{info['client_id']}").status == 404
    assert api.delete(f"{PATH}/{info['client_id']}").json()["title"] == "Not Found"


def test_central_clients_through_v1(transport):
    owner_project, other_project = new_project(), new_project()
    member = Caller(transport, identity_headers(owner_project))
    assert member.post(PATH, client_info(is_central=True)).status == 403
    admin = Caller(transport, identity_headers(owner_project, roles="admin"))
    info = client_info(is_central=True)
    assert admin.post(PATH, info).status == 201
    other = Caller(transport, identity_headers(other_project))
    assert other.get(f"{PATH}/{info['client_id']}").json()["client"]["is_central"] is True
    assert other.patch(f"{PATH}/{info['client_id']}", {"description": "mine now"}).status == 403
    assert other.delete(f"{PATH}/{info['client_id']}").status == 403
    assert admin.delete(f"{PATH}/{info['client_id']}").status == 204
