"""v2 backups (docs/resources.md#backups)."""

import pytest

from tests.conftest import identity_headers, new_project
from tests.support.factories import backup_metadata


def backups_path(project: str) -> str:
    return f"/v2/{project}/backups"


def create(api, project, **overrides) -> str:
    reply = api.post(backups_path(project) + "/", backup_metadata(**overrides))
    assert reply.status == 201, reply
    return reply.json()["backup_id"]


def test_create_returns_a_generated_hex_id_and_get_returns_the_document(api, project):
    metadata = backup_metadata()
    reply = api.post(backups_path(project), metadata)
    assert reply.status == 201
    backup_id = reply.json()["backup_id"]
    assert len(backup_id) == 32 and int(backup_id, 16) >= 0

    got = api.get(f"{backups_path(project)}/{backup_id}")
    assert got.status == 200
    doc = got.json()
    assert doc["backup_id"] == backup_id
    assert doc["project_id"] == project
    assert doc["user_id"] == "user-1"
    assert doc["status"] == "available"
    assert doc["backup_metadata"] == metadata
    assert doc["_version"] == 1


def test_listed_document_is_exactly_what_tempest_expects(api, project):
    metadata = backup_metadata()
    backup_id = create(api, project, **metadata)
    listed = api.get(backups_path(project)).json()["backups"]
    assert listed == [
        {
            "backup_id": backup_id,
            "user_id": "user-1",
            "project_id": project,
            "status": "available",
            "backup_metadata": metadata,
        }
    ]


def test_status_given_on_create_is_kept_top_level(api, project):
    backup_id = create(api, project, status="creating")
    doc = api.get(f"{backups_path(project)}/{backup_id}").json()
    assert doc["status"] == "creating"
    assert "status" not in doc["backup_metadata"]


def test_create_without_content_type_is_accepted(api, project):
    import orjson

    reply = api.post(backups_path(project), body=orjson.dumps(backup_metadata()), headers={"Content-Type": ""})
    assert reply.status == 201


def test_create_rejects_missing_or_empty_required_fields_and_says_which(api, project):
    for field in ("container", "hostname", "backup_name"):
        metadata = backup_metadata()
        del metadata[field]
        reply = api.post(backups_path(project), metadata)
        assert reply.status == 400
        assert field in reply.json()["description"]
        reply = api.post(backups_path(project), backup_metadata(**{field: ""}))
        assert reply.status == 400, field
    assert api.get(backups_path(project)).json()["backups"] == []


def test_create_rejects_a_bad_status(api, project):
    reply = api.post(backups_path(project), backup_metadata(status="lost"))
    assert reply.status == 400
    assert reply.json()["title"] == "Bad request format"


def test_create_without_body_is_400(api, project):
    reply = api.post(backups_path(project))
    assert reply.status == 400
    assert "description" in reply.json()
    assert api.post(backups_path(project), None).status == 400
    assert api.post(backups_path(project), [1, 2]).status == 400


def test_paging_is_stable_and_concatenates_to_the_full_list(api, project):
    ids = [create(api, project) for _ in range(8)]
    path = backups_path(project)
    everything = api.get(path, params={"limit": 100}).json()["backups"]
    assert [b["backup_id"] for b in everything] == ids
    first = api.get(path, params={"limit": 5}).json()["backups"]
    rest = api.get(path, params={"limit": 3, "offset": 5}).json()["backups"]
    assert len(first) == 5 and len(rest) == 3
    assert first + rest == everything
    assert api.get(path, params={"offset": 5}).json()["backups"] == everything[5:]
    assert api.get(path, params={"offset": 8}).json()["backups"] == []


def test_default_page_size_is_ten_and_limit_zero_means_default(api, project):
    for _ in range(12):
        create(api, project)
    path = backups_path(project)
    assert len(api.get(path).json()["backups"]) == 10
    assert len(api.get(path, params={"limit": 0}).json()["backups"]) == 10


def test_negative_or_non_numeric_paging_is_400(api, project):
    path = backups_path(project)
    for params in ({"limit": -1}, {"offset": -3}, {"limit": "ten"}, {"offset": "1.5"}):
        reply = api.get(path, params=params)
        assert reply.status == 400, params
        assert reply.json()["title"] == "Invalid parameter"


def test_limit_is_capped_at_max_limit(api, project):
    reply = api.get(backups_path(project), params={"limit": 10**9})
    assert reply.status == 200


def test_another_project_never_sees_or_deletes_the_backup(transport, project):
    from tests.support.http import Caller

    owner = Caller(transport, identity_headers(project))
    other_project = new_project()
    other = Caller(transport, identity_headers(other_project, user_id="user-2"))
    backup_id = create(owner, project)

    assert other.get(backups_path(other_project)).json()["backups"] == []
    assert other.get(f"{backups_path(other_project)}/{backup_id}").status == 404
    reply = other.delete(f"{backups_path(other_project)}/{backup_id}")
    assert reply.status == 404
    assert reply.json()["title"] == "Not Found"
    assert owner.get(f"{backups_path(project)}/{backup_id}").status == 200


def test_delete_is_204_without_body_then_404(api, project):
    backup_id = create(api, project)
    reply = api.delete(f"{backups_path(project)}/{backup_id}")
    assert reply.status == 204
    assert reply.body == b""
    assert api.get(f"{backups_path(project)}/{backup_id}").status == 404
    again = api.delete(f"{backups_path(project)}/{backup_id}")
    assert again.status == 404
    assert again.json()["description"]


def test_get_of_missing_backup_is_404_with_json_body(api, project):
    reply = api.get(f"{backups_path(project)}/{'0' * 32}")
    assert reply.status == 404
    assert reply.json()["title"] == "Not Found"


def test_patch_merges_metadata_shallowly_and_sets_status(api, project):
    backup_id = create(api, project, status="creating", extra={"a": 1, "b": 2})
    reply = api.patch(
        f"{backups_path(project)}/{backup_id}",
        {"status": "available", "backup_metadata": {"extra": {"a": 9}, "size": 42}, "user_id": "x", "project_id": "y"},
    )
    assert reply.status == 200
    doc = reply.json()
    assert doc["status"] == "available"
    assert doc["backup_metadata"]["extra"] == {"a": 9}
    assert doc["backup_metadata"]["size"] == 42
    assert doc["backup_metadata"]["container"] == "/var/lib/freezer/backups"
    assert doc["project_id"] == project and doc["user_id"] == "user-1"
    stored = api.get(f"{backups_path(project)}/{backup_id}").json()
    assert stored["_version"] == 2
    assert {k: v for k, v in stored.items() if k != "_version"} == doc


def agent_report(backup_id: str, **overrides) -> dict:
    """The flat body freezer-scheduler 19.0.0 PATCHes: the agent's metadata plus backup_id and job_id."""
    report = {
        "backup_id": backup_id,
        "job_id": "7c1d0f3e9b2a4c5d8e6f1a2b3c4d5e6f",
        "action": "backup",
        "mode": "fs",
        "backup_media": "fs",
        "storage": "local",
        "engine_name": "tar",
        "container": "/var/lib/freezer/backups",
        "hostname": "db01",
        "backup_name": "etc",
        "path_to_backup": "/etc",
        "time_stamp": 1767229300,
        "curr_backup_level": 0,
        "compression": "gzip",
        "client_os": "linux",
        "client_version": "19.0.0",
        "max_level": "",
        "always_level": "",
    }
    return {**report, **overrides}


def test_patch_with_a_flat_agent_report_completes_a_precreated_backup(api, project):
    """A body without backup_metadata is the scheduler's report: merged, and `creating` becomes `available`."""
    backup_id = create(api, project, status="creating", backup_name="etc", hostname="db01", note="kept")
    path = f"{backups_path(project)}/{backup_id}"
    before = api.get(path).json()["backup_metadata"]
    report = agent_report(backup_id, user_id="x", project_id="y", _version=99)
    reply = api.patch(path, report)
    assert reply.status == 200
    doc = reply.json()
    assert doc["status"] == "available"
    expected = {k: v for k, v in report.items() if k not in ("backup_id", "user_id", "project_id", "_version")}
    assert doc["backup_metadata"] == {**before, **expected}
    assert doc["backup_metadata"]["note"] == "kept"
    assert doc["backup_id"] == backup_id and doc["project_id"] == project and doc["user_id"] == "user-1"
    assert api.get(path).json()["backup_metadata"] == doc["backup_metadata"]
    # The report is findable by the job that made it.
    found = api.get(backups_path(project), {"match": [{"job_id": report["job_id"]}]}).json()["backups"]
    assert [b["backup_id"] for b in found] == [backup_id]


def test_patch_with_a_flat_report_keeps_or_sets_the_status_it_names(api, project):
    creating = create(api, project, status="creating")
    doc = api.patch(f"{backups_path(project)}/{creating}", agent_report(creating, status="error")).json()
    assert doc["status"] == "error" and doc["backup_metadata"]["time_stamp"] == 1767229300
    # Only a backup still being created is completed by a report.
    failed = create(api, project, status="error")
    assert api.patch(f"{backups_path(project)}/{failed}", agent_report(failed)).json()["status"] == "error"
    # A body naming only a status changes only the status, as in the wrapped form.
    doc = api.patch(f"{backups_path(project)}/{creating}", {"status": "deleting"}).json()
    assert doc["status"] == "deleting" and doc["backup_metadata"]["time_stamp"] == 1767229300


def test_patch_with_a_flat_report_is_validated_like_metadata(api, project):
    backup_id = create(api, project, status="creating")
    path = f"{backups_path(project)}/{backup_id}"
    before = api.get(path).json()
    assert api.patch(path, agent_report(backup_id, container="")).status == 400
    assert api.patch(path, agent_report(backup_id, status="done")).status == 400
    assert api.get(path).json() == before


def test_patch_by_another_user_keeps_the_creator(transport, project):
    from tests.support.http import Caller

    creator = Caller(transport, identity_headers(project, user_id="creator"))
    other = Caller(transport, identity_headers(project, user_id="someone-else"))
    backup_id = create(creator, project)
    doc = other.patch(f"{backups_path(project)}/{backup_id}", {"status": "error"}).json()
    assert doc["user_id"] == "creator"


def test_patch_rejections_change_nothing(api, project):
    backup_id = create(api, project)
    path = f"{backups_path(project)}/{backup_id}"
    assert api.patch(path).status == 400
    assert api.patch(path, {"status": "bogus", "backup_metadata": {"x": 1}}).status == 400
    assert api.patch(path, {"backup_metadata": {"container": ""}}).status == 400
    assert api.patch(path, {"backup_metadata": "nope"}).status == 400
    doc = api.get(path).json()
    assert doc["_version"] == 1 and "x" not in doc["backup_metadata"]
    assert api.patch(f"{backups_path(project)}/{'f' * 32}", {"status": "error"}).status == 404


def test_methods_not_served_are_405_with_allow(api, project):
    backup_id = create(api, project)
    reply = api.post(f"{backups_path(project)}/{backup_id}", {})
    assert reply.status == 405
    assert "PATCH" in reply.headers["allow"]
    assert reply.json()["title"]
    assert api.put(backups_path(project), {}).status == 405


@pytest.mark.parametrize("field", ["time_stamp", "curr_backup_level"])
@pytest.mark.parametrize("value", ["yesterday", "1718000000", -1, 1.5, True, None, [1], 2**53])
def test_time_stamp_and_level_must_be_non_negative_integers(api, project, field, value):
    path = f"/v2/{project}/backups"
    reply = api.post(path, backup_metadata(**{field: value}))
    assert reply.status == 400 and field in reply.json()["description"], reply
    backup_id = api.post(path, backup_metadata()).json()["backup_id"]
    for patch in ({"backup_metadata": {field: value}}, {field: value}):
        reply = api.patch(f"{path}/{backup_id}", patch)
        assert reply.status == 400 and field in reply.json()["description"], reply
    assert len(api.get(path).json()["backups"]) == 1


def test_integral_time_stamp_and_level_are_accepted(api, project):
    reply = api.post(f"/v2/{project}/backups", backup_metadata(time_stamp=1718000000, curr_backup_level=2.0))
    assert reply.status == 201
