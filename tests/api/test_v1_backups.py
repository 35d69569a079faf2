"""v1 backups as the original 2015 API served them (docs/resources.md#v1)."""

import pytest

from tests.support.factories import original_backup_id, original_backup_metadata

PATH = "/v1/backups"

# 2015 name -> the name the agent has used since June 2015 (and v2 stores).
RENAMED = {"host_name": "hostname", "timestamp": "time_stamp", "level": "curr_backup_level"}


def with_both_names(metadata: dict) -> dict:
    """What a v1 reader gets back: the metadata with each renamed field under both names."""
    both = dict(metadata)
    for old, new in RENAMED.items():
        if old in both:
            both[new] = both[old]
        elif new in both:
            both[old] = both[new]
    return both


@pytest.fixture
def alice(api):
    """The `api` member, with the user name keystonemiddleware would pass on."""
    return api.with_headers(**{"X-User-Name": "alice"})


def record(caller, **overrides) -> tuple[str, dict]:
    metadata = original_backup_metadata(**overrides)
    reply = caller.post(PATH, metadata)
    assert reply.status == 201, reply
    return reply.json()["backup_id"], metadata


def test_post_names_the_backup_by_its_metadata_and_get_returns_it_wrapped(alice):
    metadata = original_backup_metadata(
        container="freezer_backups",
        host_name="db01.example.com",
        backup_name="nightly_etc",
        timestamp=1430000000,
        level=0,
    )
    reply = alice.post(PATH, metadata)
    assert reply.status == 201
    assert reply.json() == {"backup_id": "freezer_backups_db01.example.com_nightly_etc_1430000000_0"}

    got = alice.get(f"{PATH}/freezer_backups_db01.example.com_nightly_etc_1430000000_0")
    assert got.status == 200
    assert got.json() == {
        "backup_id": "freezer_backups_db01.example.com_nightly_etc_1430000000_0",
        "user_id": "user-1",
        "user_name": "alice",
        "backup_metadata": with_both_names(metadata),
    }


def test_later_field_names_are_accepted_and_form_the_same_id(alice):
    metadata = original_backup_metadata()
    later = {RENAMED.get(name, name): value for name, value in metadata.items()}
    reply = alice.post(PATH, later)
    assert reply.status == 201
    assert reply.json()["backup_id"] == original_backup_id(metadata)
    assert alice.get(f"{PATH}/{original_backup_id(metadata)}").json()["backup_metadata"] == with_both_names(later)
    assert alice.post(PATH, metadata).status == 409


def test_both_names_of_a_field_must_agree(api):
    assert api.post(PATH, original_backup_metadata(hostname="db01.example.com")).status == 201
    reply = api.post(PATH, original_backup_metadata(hostname="other.example.com"))
    assert reply.status == 400
    assert "host_name" in reply.json()["description"]


def test_the_same_backup_twice_is_409(api):
    backup_id, metadata = record(api)
    reply = api.post(PATH, dict(metadata, cli="again"))
    assert reply.status == 409
    assert reply.json()["title"] == "Document already existing"
    assert backup_id in reply.json()["description"]
    assert api.get(f"{PATH}/{backup_id}").json()["backup_metadata"]["cli"] == metadata["cli"]


@pytest.mark.parametrize("field", ["container", "host_name", "backup_name", "timestamp", "level"])
def test_a_missing_id_field_is_400_naming_it_and_stores_nothing(api, field):
    metadata = original_backup_metadata()
    del metadata[field]
    reply = api.post(PATH, metadata)
    assert reply.status == 400
    assert reply.json()["title"] == "Bad request format"
    assert f"'{field}'" in reply.json()["description"]
    assert api.get(PATH).json() == {"backups": []}


@pytest.mark.parametrize(
    "overrides",
    [
        {"container": ""},
        {"host_name": 7},
        {"timestamp": "1430000000"},
        {"timestamp": True},
        {"timestamp": -1},
        {"time_stamp": "yesterday"},
        {"level": -1},
        {"level": 1.5},
        {"container": "/var/lib/freezer"},
        {"backup_name": "x" * 300},
        {"status": "lost"},
    ],
)
def test_bad_id_fields_are_400_and_store_nothing(api, overrides):
    reply = api.post(PATH, original_backup_metadata(**overrides))
    assert reply.status == 400, overrides
    assert reply.json()["description"]
    assert api.get(PATH).json() == {"backups": []}


def test_bodies_that_are_not_metadata_are_400(api):
    assert api.post(PATH).status == 400
    assert api.post(PATH, None).status == 400
    assert api.post(PATH, ["container"]).status == 400
    malformed = api.post(PATH, body=b"{not json", headers={"Content-Type": "application/json"})
    assert malformed.status == 400
    assert malformed.json()["title"] == "Malformed JSON"


def test_list_wraps_every_backup_in_creation_order(alice):
    created = [record(alice) for _ in range(3)]
    listed = alice.get(PATH + "/").json()["backups"]
    assert listed == [
        {"backup_id": backup_id, "user_id": "user-1", "user_name": "alice", "backup_metadata": with_both_names(md)}
        for backup_id, md in created
    ]


def test_marker_pages_after_the_named_backup(api):
    ids = [record(api)[0] for _ in range(7)]

    def page(**params):
        reply = api.get(PATH, params=params)
        assert reply.status == 200, reply
        return [b["backup_id"] for b in reply.json()["backups"]]

    assert page(limit=3) == ids[:3]
    assert page(limit=3, marker=ids[2]) == ids[3:6]
    assert page(limit=3, marker=ids[5]) == ids[6:]
    assert page(limit=3, marker=ids[6]) == []
    assert page(marker=ids[0], offset=2) == ids[3:]
    # Walking the pages the way a v1 client does visits every backup once.
    walked, marker = [], None
    while True:
        batch = page(limit=2, **({"marker": marker} if marker else {}))
        if not batch:
            break
        walked += batch
        marker = batch[-1]
    assert walked == ids


def test_marker_of_an_unknown_backup_is_400(api):
    record(api)
    reply = api.get(PATH, params={"marker": "no_such_backup_1_0"})
    assert reply.status == 400
    assert "no_such_backup_1_0" in reply.json()["description"]


def test_marker_pages_through_a_search(api):
    ids = {}
    for n in range(6):
        backup_id, _ = record(api, mode="mysql" if n % 2 else "fs")
        ids[backup_id] = n % 2
    mysql = [backup_id for backup_id, odd in ids.items() if odd]
    search = {"match": [{"mode": "mysql"}]}
    first = api.get(PATH, search, params={"limit": 2}).json()["backups"]
    assert [b["backup_id"] for b in first] == mysql[:2]
    rest = api.get(PATH, search, params={"marker": mysql[1]}).json()["backups"]
    assert [b["backup_id"] for b in rest] == mysql[2:]


def test_search_with_2015_names_and_time_bounds(api):
    for n, host in enumerate(["a.example.com", "b.example.com", "a.example.com"]):
        record(api, host_name=host, timestamp=1430000000 + n * 100, level=n)

    def hosts_and_times(search):
        reply = api.get(PATH, search)
        assert reply.status == 200, reply
        return [(b["backup_metadata"]["host_name"], b["backup_metadata"]["timestamp"]) for b in reply.json()["backups"]]

    assert hosts_and_times({"match": [{"host_name": "a.example.com"}]}) == [
        ("a.example.com", 1430000000),
        ("a.example.com", 1430000200),
    ]
    assert hosts_and_times({"match": [{"hostname": "b.example.com"}]}) == [("b.example.com", 1430000100)]
    assert hosts_and_times({"match": [{"level": 2}]}) == [("a.example.com", 1430000200)]
    assert hosts_and_times({"time_after": 1430000100}) == [("b.example.com", 1430000100), ("a.example.com", 1430000200)]
    assert hosts_and_times({"time_before": 1430000100, "time_after": "1430000050"}) == [("b.example.com", 1430000100)]
    assert hosts_and_times({"match_not": [{"host_name": "a.example.com"}]}) == [("b.example.com", 1430000100)]
    assert api.get(PATH, {"match": "nope"}).status == 400
    assert api.get(PATH, {"time_after": "yesterday"}).status == 400


def test_limit_and_offset(api):
    ids = [record(api)[0] for _ in range(12)]
    assert [b["backup_id"] for b in api.get(PATH).json()["backups"]] == ids[:10]
    assert [b["backup_id"] for b in api.get(PATH, params={"limit": 4, "offset": 9}).json()["backups"]] == ids[9:]
    assert api.get(PATH, params={"limit": -1}).status == 400


def test_patch_merges_metadata_and_keeps_the_owner(transport, project):
    from tests.conftest import identity_headers
    from tests.support.http import Caller

    creator = Caller(transport, {**identity_headers(project, user_id="creator"), "X-User-Name": "carol"})
    other = Caller(transport, {**identity_headers(project, user_id="other"), "X-User-Name": "olga"})
    backup_id, metadata = record(creator)
    reply = other.patch(f"{PATH}/{backup_id}", {"total_fs_files": 1300, "broken_links": [], "note": "checked"})
    assert reply.status == 200
    expected = {
        "backup_id": backup_id,
        "user_id": "creator",
        "user_name": "carol",
        "backup_metadata": with_both_names({**metadata, "total_fs_files": 1300, "broken_links": [], "note": "checked"}),
    }
    assert reply.json() == expected
    assert other.get(f"{PATH}/{backup_id}").json() == expected


def test_patch_accepts_the_document_it_got(api):
    backup_id, _ = record(api)
    document = api.get(f"{PATH}/{backup_id}").json()
    document["backup_metadata"]["cli"] = "freezerc --edited"
    reply = api.patch(f"{PATH}/{backup_id}", document)
    assert reply.status == 200
    assert reply.json()["backup_metadata"]["cli"] == "freezerc --edited"


@pytest.mark.parametrize(
    "change",
    [
        {"container": "elsewhere"},
        {"host_name": "db02"},
        {"hostname": "db02"},
        {"backup_name": "x"},
        {"timestamp": 1},
        {"time_stamp": 1},
        {"level": 3},
        {"curr_backup_level": 3},
    ],
)
def test_patch_of_an_id_field_is_400_and_changes_nothing(api, change):
    backup_id, metadata = record(api)
    reply = api.patch(f"{PATH}/{backup_id}", {**change, "mode": "mysql"})
    assert reply.status == 400
    assert reply.json()["description"]
    assert api.get(f"{PATH}/{backup_id}").json()["backup_metadata"] == with_both_names(metadata)


def test_patch_may_repeat_id_fields_unchanged(api):
    backup_id, metadata = record(api)
    reply = api.patch(f"{PATH}/{backup_id}", {"host_name": metadata["host_name"], "level": 0, "mode": "mysql"})
    assert reply.status == 200
    assert reply.json()["backup_metadata"]["mode"] == "mysql"


def test_put_replaces_the_metadata(api):
    backup_id, metadata = record(api)
    replacement = original_backup_metadata(
        container=metadata["container"],
        host_name=metadata["host_name"],
        backup_name=metadata["backup_name"],
        timestamp=metadata["timestamp"],
        level=metadata["level"],
        mode="mongo",
    )
    del replacement["cli"]
    reply = api.put(f"{PATH}/{backup_id}", replacement)
    assert reply.status == 200
    assert reply.json()["backup_metadata"] == with_both_names(replacement)
    assert "cli" not in api.get(f"{PATH}/{backup_id}").json()["backup_metadata"]


def test_put_must_keep_the_id_fields_and_name_them_all(api):
    backup_id, metadata = record(api)
    assert api.put(f"{PATH}/{backup_id}", dict(metadata, level=1)).status == 400
    incomplete = dict(metadata)
    del incomplete["timestamp"]
    reply = api.put(f"{PATH}/{backup_id}", incomplete)
    assert reply.status == 400
    assert "'timestamp'" in reply.json()["description"]
    assert api.get(f"{PATH}/{backup_id}").json()["backup_metadata"] == with_both_names(metadata)


def test_update_of_a_missing_backup_is_404(api):
    metadata = original_backup_metadata()
    missing = f"{PATH}/{original_backup_id(metadata)}"
    for reply in (api.patch(missing, {"mode": "fs"}), api.put(missing, metadata)):
        assert reply.status == 404
        assert reply.json()["title"] == "Not Found"
    assert api.get(PATH).json() == {"backups": []}


def test_delete_is_204_then_404(api):
    backup_id, _ = record(api)
    kept, _ = record(api)
    reply = api.delete(f"{PATH}/{backup_id}")
    assert reply.status == 204
    assert reply.body == b""
    assert api.get(f"{PATH}/{backup_id}").status == 404
    again = api.delete(f"{PATH}/{backup_id}")
    assert again.status == 404
    assert again.json()["title"] == "Not Found"
    assert [b["backup_id"] for b in api.get(PATH).json()["backups"]] == [kept]


def test_status_given_through_v1_is_the_backup_status(api, project):
    backup_id, _ = record(api, status="creating")
    assert "status" not in api.get(f"{PATH}/{backup_id}").json()["backup_metadata"]
    assert api.get(f"/v2/{project}/backups/{backup_id}").json()["status"] == "creating"
    api.patch(f"{PATH}/{backup_id}", {"status": "available"})
    assert api.get(f"/v2/{project}/backups/{backup_id}").json()["status"] == "available"


def test_methods_not_served_are_405(api):
    backup_id, _ = record(api)
    assert api.post(f"{PATH}/{backup_id}", original_backup_metadata()).status == 405
    reply = api.put(PATH, original_backup_metadata())
    assert reply.status == 405
    assert reply.json()["title"]


def test_user_name_is_null_when_the_identity_has_none(api):
    backup_id, _ = record(api)
    assert api.get(f"{PATH}/{backup_id}").json()["user_name"] is None
