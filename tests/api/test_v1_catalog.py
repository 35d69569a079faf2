"""One catalog: v1 and v2 show the same documents of a project, and no other project's."""

from tests.conftest import identity_headers, new_project
from tests.support.factories import backup_metadata, client_info, original_backup_metadata, original_client_info
from tests.support.http import Caller

# Client lists also hold every project's central clients (other tests register some).
OWN_CLIENTS = {"match_not": [{"is_central": True}]}


def test_v1_home_document_is_served_at_v1_and_v1_slash(api):
    for path in ("/v1", "/v1/"):
        reply = api.get(path)
        assert reply.status == 200
        assert reply.headers["content-type"] == "application/json-home"
        assert reply.json() == {
            "resources": {
                "rel/backups": {
                    "href-template": "/v1/backups/{backup_id}",
                    "href-vars": {"backup_id": "param/backup_id"},
                    "hints": {"allow": ["GET"], "formats": {"application/json": {}}},
                }
            }
        }


def test_a_v1_backup_is_a_v2_document_with_v2_field_names(api, project):
    metadata = original_backup_metadata()
    backup_id = api.post("/v1/backups", metadata).json()["backup_id"]

    stored = {name: value for name, value in metadata.items() if name not in ("host_name", "timestamp", "level")}
    stored.update(hostname=metadata["host_name"], time_stamp=metadata["timestamp"], curr_backup_level=metadata["level"])
    expected = {
        "backup_id": backup_id,
        "user_id": "user-1",
        "project_id": project,
        "status": "available",
        "backup_metadata": stored,
    }
    assert api.get(f"/v2/{project}/backups").json()["backups"] == [expected]
    got = api.get(f"/v2/{project}/backups/{backup_id}").json()
    assert {key: value for key, value in got.items() if key != "_version"} == expected


def test_v2_searches_and_time_bounds_find_v1_backups(api, project):
    early = api.post("/v1/backups", original_backup_metadata(timestamp=1000)).json()["backup_id"]
    late = api.post("/v1/backups", original_backup_metadata(timestamp=2000, host_name="db02")).json()["backup_id"]
    path = f"/v2/{project}/backups"
    assert [b["backup_id"] for b in api.get(path, {"time_after": 1500}).json()["backups"]] == [late]
    assert [b["backup_id"] for b in api.get(path, {"match": [{"hostname": "db01.example.com"}]}).json()["backups"]] == [
        early
    ]


def test_a_v2_backup_is_listed_through_v1_under_its_v2_id(api, project):
    metadata = backup_metadata()
    backup_id = api.post(f"/v2/{project}/backups", metadata).json()["backup_id"]
    viewed = api.get(f"/v1/backups/{backup_id}").json()
    assert viewed["backup_id"] == backup_id
    assert viewed["user_id"] == "user-1"
    assert viewed["backup_metadata"]["host_name"] == metadata["hostname"]
    assert viewed["backup_metadata"]["timestamp"] == metadata["time_stamp"]
    assert viewed["backup_metadata"]["level"] == metadata["curr_backup_level"]
    assert {
        k: v for k, v in viewed["backup_metadata"].items() if k not in ("host_name", "timestamp", "level")
    } == metadata
    assert api.get("/v1/backups").json()["backups"] == [viewed]


def test_user_name_of_a_v2_backup_is_recorded_for_v1_readers(api, project):
    named = api.with_headers(**{"X-User-Name": "dave"})
    backup_id = named.post(f"/v2/{project}/backups", backup_metadata()).json()["backup_id"]
    assert "user_name" not in named.get(f"/v2/{project}/backups/{backup_id}").json()
    assert named.get(f"/v1/backups/{backup_id}").json()["user_name"] == "dave"


def test_changes_through_one_version_show_through_the_other(api, project):
    backup_id = api.post("/v1/backups", original_backup_metadata()).json()["backup_id"]
    api.patch(f"/v2/{project}/backups/{backup_id}", {"status": "error", "backup_metadata": {"mode": "mysql"}})
    assert api.get(f"/v1/backups/{backup_id}").json()["backup_metadata"]["mode"] == "mysql"
    api.patch(f"/v1/backups/{backup_id}", {"mode": "mongo"})
    assert api.get(f"/v2/{project}/backups/{backup_id}").json()["backup_metadata"]["mode"] == "mongo"
    assert api.delete(f"/v2/{project}/backups/{backup_id}").status == 204
    assert api.get(f"/v1/backups/{backup_id}").status == 404

    v2_id = api.post(f"/v2/{project}/backups", backup_metadata()).json()["backup_id"]
    assert api.delete(f"/v1/backups/{v2_id}").status == 204
    assert api.get(f"/v2/{project}/backups/{v2_id}").status == 404


def test_v1_update_of_a_v2_backup_keeps_its_v2_shape(api, project):
    metadata = backup_metadata()
    backup_id = api.post(f"/v2/{project}/backups", metadata).json()["backup_id"]
    assert api.patch(f"/v1/backups/{backup_id}", {"host_name": "moved.example.com"}).status == 400
    assert api.patch(f"/v1/backups/{backup_id}", {"total_fs_files": 10}).status == 200
    doc = api.get(f"/v2/{project}/backups/{backup_id}").json()
    assert doc["backup_metadata"] == {**metadata, "total_fs_files": 10}
    assert doc["status"] == "available" and doc["project_id"] == project


def test_clients_are_shared_between_versions(api, project):
    v1_info = original_client_info()
    assert api.post("/v1/clients", v1_info).status == 201
    v2_doc = api.get(f"/v2/{project}/clients/{v1_info['client_id']}").json()
    assert v2_doc["project_id"] == project
    assert v2_doc["client"]["config_id"] == v1_info["config_id"]
    assert v2_doc["client"]["is_central"] is False

    v2_info = client_info()
    assert api.post(f"/v2/{project}/clients", v2_info).status == 201
    listed = api.get("/v1/clients", OWN_CLIENTS).json()["clients"]
    assert [c["client"]["client_id"] for c in listed] == [v1_info["client_id"], v2_info["client_id"]]
    # v1 keeps its 409 for an id v2 registered; v2 keeps refreshing one v1 registered.
    assert api.post("/v1/clients", {"client_id": v2_info["client_id"]}).status == 409
    assert api.post(f"/v2/{project}/clients", dict(v1_info, description="refreshed")).status == 201
    assert api.get(f"/v1/clients/{v1_info['client_id']}").json()["client"]["description"] == "refreshed"
    assert api.delete(f"/v1/clients/{v2_info['client_id']}").status == 204
    assert api.get(f"/v2/{project}/clients/{v2_info['client_id']}").status == 404


def test_another_project_sees_nothing_through_either_version(transport, project):
    owner = Caller(transport, identity_headers(project))
    other_project = new_project()
    other = Caller(transport, identity_headers(other_project, user_id="user-2"))
    metadata = original_backup_metadata()
    backup_id = owner.post("/v1/backups", metadata).json()["backup_id"]
    client = original_client_info()
    owner.post("/v1/clients", client)

    assert other.get("/v1/backups").json() == {"backups": []}
    assert other.get(f"/v1/backups/{backup_id}").status == 404
    assert other.patch(f"/v1/backups/{backup_id}", {"mode": "x"}).status == 404
    assert other.put(f"/v1/backups/{backup_id}", metadata).status == 404
    assert other.delete(f"/v1/backups/{backup_id}").status == 404
    assert other.get("/v1/backups", params={"marker": backup_id}).status == 400
    assert other.get(f"/v2/{other_project}/backups/{backup_id}").status == 404
    assert other.get("/v1/clients", OWN_CLIENTS).json() == {"clients": []}
    assert other.get(f"/v1/clients/{client['client_id']}").status == 404
    assert other.delete(f"/v1/clients/{client['client_id']}").status == 404

    # The same backup reported in the other project is that project's own.
    assert other.post("/v1/backups", metadata).json() == {"backup_id": backup_id}
    assert other.post("/v1/clients", client).status == 201
    assert owner.get(f"/v1/backups/{backup_id}").json()["user_id"] == "user-1"
    assert [b["user_id"] for b in other.get("/v1/backups").json()["backups"]] == ["user-2"]
