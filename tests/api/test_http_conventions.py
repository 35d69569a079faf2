"""Conventions every route shares (docs/resources.md#conventions)."""

import re
import uuid

from tests.support.factories import backup_metadata
from tests.support.http import Caller


def test_version_list_is_300_unauthenticated_and_built_per_request(transport):
    anonymous = Caller(transport)
    first = anonymous.get("/", headers={"Host": "api.one.example:9090"})
    assert first.status == 300
    versions = first.json()["versions"]
    assert [v["id"] for v in versions] == ["v2", "v1"]
    assert versions[0] == {
        "id": "v2",
        "status": "CURRENT",
        "updated": "2018-02-21T13:30:00",
        "links": [{"href": "http://api.one.example:9090/v2/", "rel": "self"}],
    }
    assert versions[1]["status"] == "DEPRECATED"
    assert versions[1]["links"][0]["href"] == "http://api.one.example:9090/v1/"
    second = anonymous.get("/", headers={"Host": "api.two.example", "X-Forwarded-Proto": "https"})
    assert second.json()["versions"][0]["links"][0]["href"] == "https://api.two.example/v2/"
    queried = anonymous.get("/", params={"x": "y"}, headers={"Host": "h.example"})
    assert queried.json()["versions"][0]["links"][0]["href"] == "http://h.example/v2/"


def test_version_list_allows_only_get(transport):
    reply = Caller(transport).post("/", {})
    assert reply.status == 405
    assert reply.json()["title"]


def test_v2_home_document_keeps_the_backups_relation_tempest_checks(api):
    reply = api.get("/v2/")
    assert reply.status == 200
    assert reply.headers["content-type"].startswith("application/json-home")
    backups = reply.json()["resources"]["rel/backups"]
    assert backups["href-template"] == "/v2/{project_id}/backups/{backup_id}"
    assert backups["href-vars"] == {"project_id": "param/project_id", "backup_id": "param/backup_id"}
    assert backups["hints"]["allow"][0] == "GET"
    assert "application/json" in backups["hints"]["formats"]


def test_healthcheck_needs_no_identity(transport):
    for method in ("GET", "HEAD"):
        reply = Caller(transport).request(method, "/healthcheck")
        assert reply.status == 200
    assert Caller(transport).get("/healthcheck").body == b"OK"


def test_trailing_slashes_are_ignored(api, project):
    assert api.post(f"/v2/{project}/backups/", backup_metadata()).status == 201
    assert len(api.get(f"/v2/{project}/backups/").json()["backups"]) == 1
    assert len(api.get(f"/v2/{project}/backups").json()["backups"]) == 1


def test_every_response_carries_a_request_id(api, project):
    for reply in (api.get("/"), api.get(f"/v2/{project}/backups"), api.get("/nowhere")):
        assert re.match(r"^req-[0-9a-f-]{36}$", reply.headers["x-openstack-request-id"])


def test_a_well_formed_incoming_request_id_is_echoed_and_others_replaced(api, project):
    incoming = f"req-{uuid.uuid4()}"
    reply = api.get(f"/v2/{project}/backups", headers={"X-Openstack-Request-Id": incoming})
    assert reply.headers["x-openstack-request-id"] == incoming
    reply = api.get(f"/v2/{project}/backups", headers={"X-Openstack-Request-Id": "<script>"})
    assert reply.headers["x-openstack-request-id"] != "<script>"


def test_unknown_routes_are_404_json(api, project):
    for path in ("/nowhere", f"/v2/{project}", f"/v2/{project}/tapes"):
        reply = api.get(path)
        assert reply.status == 404, path
        assert reply.json()["title"]
        assert reply.json()["description"]


def test_malformed_json_is_400_not_753(api, project):
    reply = api.post(f"/v2/{project}/backups", body=b'{"container": ', headers={"Content-Type": "application/json"})
    assert reply.status == 400
    assert reply.json()["title"] == "Malformed JSON"
    reply = api.get(f"/v2/{project}/backups", body=b"{nope", headers={"Content-Type": "application/json"})
    assert reply.status == 400


def test_invalid_utf8_is_400(api, project):
    reply = api.post(f"/v2/{project}/backups", body=b'{"container": "\xff\xfe"}')
    assert reply.status == 400


def test_json_null_body_means_no_document(api, project):
    assert api.get(f"/v2/{project}/backups", body=b"null").status == 200
    assert api.post(f"/v2/{project}/backups", body=b"null").status == 400


def test_oversized_body_is_413(api, project):
    huge = backup_metadata(padding="x" * (1024 * 1024 + 10))
    reply = api.post(f"/v2/{project}/backups", huge)
    assert reply.status == 413
    assert reply.json()["title"]


def test_errors_are_json_even_when_the_client_prefers_xml(api, project):
    reply = api.get(f"/v2/{project}/backups/{'a' * 32}", headers={"Accept": "application/xml"})
    assert reply.status == 404
    assert reply.headers["content-type"].startswith("application/json")
    assert reply.json()["title"] == "Not Found"
