"""Hostile input never breaks the service: every answer is a JSON 4xx, never a 500.

These run in process on every engine (PostgreSQL, for one, refuses NUL in
text), and chunked bodies against a real server process.
"""

from __future__ import annotations

import http.client
import json
import uuid
from urllib.parse import urlsplit

import orjson
import pytest

from tests.conftest import as_persona
from tests.support.factories import backup_metadata, client_info, freezer_action, job, session
from tests.support.personas import PERSONAS

MAX_DEPTH = 32  # [api] max_json_depth default
MAX_STRING = 65536  # [api] max_string_length default


def nested(levels: int) -> list:
    """A value that is `levels` arrays deep."""
    value: list = []
    for _ in range(levels - 1):
        value = [value]
    return value


def assert_json_error(reply, status: int, fragment: str = "") -> None:
    assert reply.status == status, reply
    body = reply.json()
    assert set(body) == {"title", "description"}
    assert fragment in body["description"], body


def backups_path(project: str) -> str:
    return f"/v2/{project}/backups"


def backups_of(api, project) -> list[dict]:
    return api.get(backups_path(project), params={"limit": 1000}).json()["backups"]


# -- nesting and string length ------------------------------------------------


def test_nesting_up_to_the_limit_is_stored_and_one_level_more_is_400(api, project):
    # The body object is level 1, so its member may hold MAX_DEPTH - 1 levels.
    deepest = backup_metadata(extra=nested(MAX_DEPTH - 1))
    reply = api.post(backups_path(project), deepest)
    assert reply.status == 201, reply
    stored = api.get(f"{backups_path(project)}/{reply.json()['backup_id']}").json()
    assert stored["backup_metadata"]["extra"] == nested(MAX_DEPTH - 1)
    assert_json_error(api.post(backups_path(project), backup_metadata(extra=nested(MAX_DEPTH))), 400, "levels deep")
    assert len(backups_of(api, project)) == 1


@pytest.mark.parametrize("levels", [300, 1000, 5000])
def test_pathologically_deep_bodies_are_400_everywhere(api, project, levels):
    # 300 levels used to parse, then fail to encode again (500); 1000 and
    # more made the parser give up.
    deep = b"[" * levels + b"]" * levels
    for method, path, body in (
        ("POST", backups_path(project), b'{"container": "c", "hostname": "h", "backup_name": "b", "x": %s}' % deep),
        ("POST", f"/v2/{project}/actions", b'{"freezer_action": {"action": "backup", "opts": %s}}' % deep),
        ("GET", f"/v2/{project}/jobs", b'{"match": [{"client_id": %s}]}' % deep),
        ("PATCH", f"/v2/{project}/sessions/s1", b'{"description": "x", "extra": %s}' % deep),
    ):
        reply = api.request(method, path, body=body)
        assert reply.status == 400, (method, path, reply)
        assert reply.json()["title"]
    assert backups_of(api, project) == []


def test_strings_and_keys_longer_than_the_limit_are_400(api, project):
    longest = "x" * MAX_STRING
    assert api.post(backups_path(project), backup_metadata(note=longest)).status == 201
    assert_json_error(api.post(backups_path(project), backup_metadata(note=longest + "x")), 400, "characters")
    assert_json_error(api.post(backups_path(project), backup_metadata(**{"k" * (MAX_STRING + 1): 1})), 400)
    assert_json_error(api.get(f"/v2/{project}/jobs", {"match": [{"_all": longest + "y"}]}), 400)
    assert len(backups_of(api, project)) == 1


def test_a_very_long_search_value_finds_its_document(api, project):
    value = "v" * 20000
    api.post(backups_path(project), backup_metadata(backup_name="long", label=value))
    api.post(backups_path(project), backup_metadata(backup_name="short", label="v"))
    found = api.get(backups_path(project), {"match": [{"label": value}]}).json()["backups"]
    assert [b["backup_metadata"]["backup_name"] for b in found] == ["long"]
    assert api.get(backups_path(project), {"match": [{"label": value + "v"}]}).json()["backups"] == []


# -- characters and encodings -------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        backup_metadata(note="a\x00b"),
        backup_metadata(**{"a\x00b": "key with NUL"}),
        backup_metadata(nested={"deeper": ["ok", "\x00"]}),
    ],
    ids=["value", "key", "nested"],
)
def test_nul_characters_in_bodies_are_400(api, project, body):
    # PostgreSQL cannot store U+0000 in text: the same 400 on every engine.
    assert_json_error(api.post(backups_path(project), body), 400, "NUL")
    assert backups_of(api, project) == []


def test_nul_characters_in_searches_are_400(api, project):
    for search in ({"match": [{"status": "\x00"}]}, {"match_not": [{"a\x00": 1}]}, {"match": [{"_all": "x\x00"}]}):
        assert_json_error(api.get(f"/v2/{project}/jobs", search), 400, "NUL")


@pytest.mark.parametrize(
    "raw",
    [
        b'{"container": "c", "hostname": "h", "backup_name": "\\ud800"}',  # lone high surrogate
        b'{"container": "c", "hostname": "h", "backup_name": "\\udc00x"}',  # lone low surrogate
        b'{"container": "c", "hostname": "h", "backup_name": "\xed\xa0\x80"}',  # encoded surrogate
        b'{"container": "c", "hostname": "h", "backup_name": "\xc3"}',  # truncated UTF-8
        b'{"container": "c", "hostname": "h", "backup_name": "b", "n": NaN}',
        b'{"container": "c", "hostname": "h", "backup_name": "b", "n": Infinity}',
        b'{"container": "c", "hostname": "h", "backup_name": "b", "n": -Infinity}',
        b'{"container": "c", "hostname": "h", "backup_name": "b", "n": 1e400}',
        b'{"container": "c", "hostname": "h", "backup_name": "b",}',
        b"\xef\xbb\xbf{}",  # a byte order mark
    ],
)
def test_malformed_json_is_400(api, project, raw):
    reply = api.post(backups_path(project), body=raw, headers={"Content-Type": "application/json"})
    assert_json_error(reply, 400)
    assert backups_of(api, project) == []


def test_unicode_beyond_the_basic_plane_round_trips(api, project):
    name = "sauvegarde-\U0001f9ca-\u00e9t\u00e9"
    reply = api.post(backups_path(project), backup_metadata(backup_name=name))
    assert reply.status == 201
    found = api.get(backups_path(project), {"match": [{"backup_name": name}]}).json()["backups"]
    assert [b["backup_metadata"]["backup_name"] for b in found] == [name]


def test_duplicate_keys_keep_the_last_value(api, project):
    raw = b'{"container": "c", "hostname": "h", "backup_name": "first", "backup_name": "second"}'
    reply = api.post(backups_path(project), body=raw)
    assert reply.status == 201
    # The value validated is the value stored: a duplicate cannot smuggle an invalid one in.
    stored = api.get(f"{backups_path(project)}/{reply.json()['backup_id']}").json()
    assert stored["backup_metadata"]["backup_name"] == "second"
    raw = b'{"container": "c", "hostname": "h", "backup_name": "ok", "backup_name": ""}'
    assert api.post(backups_path(project), body=raw).status == 400


# -- numbers -------------------------------------------------------------------


def test_huge_integers_in_integer_fields_are_400(api, project):
    client = client_info()
    api.post(f"/v2/{project}/clients", client)
    job_id = api.post(f"/v2/{project}/jobs", job(client["client_id"])).json()["job_id"]
    for huge in (2**53, 2**63, 2**64 - 1, 2**70, -(2**70), 10**30):
        raw = b'{"session_tag": %d}' % huge
        assert_json_error(api.patch(f"/v2/{project}/jobs/{job_id}", body=raw), 400, "session_tag")
        assert api.post(f"/v2/{project}/sessions", body=b'{"schedule": {}, "hold_off": %d}' % huge).status == 400
    assert api.get(f"/v2/{project}/jobs/{job_id}").json()["_version"] == 1
    assert api.get(f"/v2/{project}/sessions").json()["sessions"] == []


@pytest.mark.parametrize("stamp", [2**63 - 1, 2**63, 2**64 - 1, 2**70, -(2**63) - 1, 1.5e300])
def test_huge_backup_time_stamps_are_refused_and_older_ones_never_bound_a_search(
    api, project, stamp, store_older_backups
):
    # Only 64-bit integers become the indexed column time_after / time_before compare.
    raw = b'{"container": "c", "hostname": "h", "backup_name": "huge", "time_stamp": %s}' % str(stamp).encode()
    reply = api.post(backups_path(project), body=raw)
    assert_json_error(reply, 400)
    assert "time_stamp" in reply.json()["description"]
    # As the request parser reads it: integers beyond 64 bits become floats.
    older = json.loads(raw, parse_int=lambda text: int(text) if -(2**63) <= int(text) < 2**64 else float(text))
    store_older_backups(project, {"huge": older})
    api.post(backups_path(project), backup_metadata(backup_name="normal", time_stamp=1000))
    found = api.get(backups_path(project), {"time_after": 0, "time_before": 2000}).json()["backups"]
    assert [b["backup_metadata"]["backup_name"] for b in found] == ["normal"]


@pytest.mark.parametrize(
    "bound", [2**53, 2**70, -(2**63) - 1, 1e300, "99999999999999999999", "1e5", True, [1], {"a": 1}]
)
def test_time_bounds_out_of_range_or_of_the_wrong_type_are_400(api, project, bound):
    # json, not orjson: the test must be able to send integers beyond 64 bits.
    raw = json.dumps({"time_after": bound}).encode()
    assert_json_error(api.get(backups_path(project), body=raw), 400)


@pytest.mark.parametrize("tag", [2**53, "1" * 16, "99999999999999999999999", -1, "4.0", 1.5])
def test_session_tags_out_of_range_are_400(api, project, tag):
    session_id = api.post(f"/v2/{project}/sessions", session()).json()["session_id"]
    raw = json.dumps({"start": {"job_id": "j", "current_tag": tag}}).encode()
    reply = api.post(f"/v2/{project}/sessions/{session_id}/action", body=raw)
    assert_json_error(reply, 400)


# -- search bodies -----------------------------------------------------------


@pytest.mark.parametrize(
    "search",
    [
        [],
        "status",
        1,
        True,
        {"match": {"a": 1}},
        {"match": "x"},
        {"match": [1]},
        {"match": [[{"a": 1}]]},
        {"match_not": [None]},
        {"match_not": {"status": "completed"}},
    ],
)
def test_malformed_searches_are_400(api, project, search):
    for kind in ("backups", "clients", "jobs", "actions", "sessions"):
        assert_json_error(api.get(f"/v2/{project}/{kind}", search), 400)


def test_deeply_nested_search_values_within_the_limit_match_exactly(api, project):
    value = {"a": nested(20)}
    api.post(backups_path(project), backup_metadata(backup_name="deep", shape=value))
    found = api.get(backups_path(project), {"match": [{"shape": value}]}).json()["backups"]
    assert [b["backup_metadata"]["backup_name"] for b in found] == ["deep"]


def test_free_text_that_decodes_to_nested_json_is_text(api, project):
    # `_all` holding a JSON list of objects is the CLI's match syntax, but only
    # with scalar values; anything else is searched as text.
    api.post(backups_path(project), backup_metadata(backup_name="plain"))
    text = '[{"backup_name": ' + "[" * 300 + "]" * 300 + "}]"
    assert api.get(backups_path(project), {"match": [{"_all": text}]}).json()["backups"] == []


# -- paging and path ids -------------------------------------------------------


@pytest.mark.parametrize(
    "params",
    [
        {"offset": 2**63},
        {"offset": "99999999999999999999999"},
        {"limit": 2**63},
        {"limit": "+5"},
        {"limit": " 5"},
        {"limit": "1_0"},
        {"offset": "\u0665"},
        {"limit": "0x10"},
        {"all_projects": "TRUE"},
        {"all_projects": " yes"},
    ],
)
def test_paging_parameters_are_exact_integers_within_64_bits(api, project, params):
    reply = api.get(f"/v2/{project}/jobs", params=params)
    assert_json_error(reply, 400)
    assert reply.json()["title"] == "Invalid parameter"


def test_the_largest_offset_is_an_empty_page(api, project):
    api.post(backups_path(project), backup_metadata())
    assert api.get(backups_path(project), params={"offset": 2**63 - 1}).json()["backups"] == []


@pytest.mark.parametrize("bad_project", ["a" * 256, "a%00b", "sp ace", "dot.ted", "semi;colon", "\u00e9t\u00e9\u0000"])
def test_impossible_project_ids_are_400(api, bad_project):
    assert_json_error(api.get(f"/v2/{bad_project}/backups"), 400, "Project ids")
    assert_json_error(api.post(f"/v2/{bad_project}/backups", backup_metadata()), 400, "Project ids")


@pytest.mark.parametrize("bad_id", ["a" * 256, "a%00b", "sp ace", "%ff%fe", "%ed%a0%80", "new%0Aline", "dot.ted"])
def test_impossible_document_ids_are_404_on_lookup_and_400_on_create_or_replace(api, project, bad_id):
    client = client_info()
    api.post(f"/v2/{project}/clients", client)
    job_id = api.post(f"/v2/{project}/jobs", job(client["client_id"])).json()["job_id"]
    session_id = api.post(f"/v2/{project}/sessions", session()).json()["session_id"]
    for method, path, body in (
        ("GET", f"/v2/{project}/jobs/{bad_id}", None),
        ("PATCH", f"/v2/{project}/actions/{bad_id}", {"description": "x"}),
        ("DELETE", f"/v2/{project}/sessions/{bad_id}", None),
        ("POST", f"/v2/{project}/jobs/{bad_id}/event", {"start": None}),
        ("POST", f"/v2/{project}/sessions/{bad_id}/action", {"start": {"job_id": job_id, "current_tag": 0}}),
        ("PUT", f"/v2/{project}/sessions/{session_id}/jobs/{bad_id}", None),
        ("DELETE", f"/v2/{project}/sessions/{session_id}/jobs/{bad_id}", None),
        ("GET", f"/v2/{project}/clients/{bad_id}", None),
        ("DELETE", f"/v2/{project}/clients/{bad_id}", None),
    ):
        reply = api.request(method, path, body) if body is not None else api.request(method, path)
        assert reply.status == 404, (method, path, reply)
        assert reply.json()["title"] == "Not Found"
    for kind, body in (
        ("jobs", job(client["client_id"])),
        ("actions", {"freezer_action": freezer_action()}),
        ("sessions", session()),
    ):
        assert_json_error(api.post(f"/v2/{project}/{kind}/{bad_id}", body), 400, "must be 1 to 255")
    assert api.get(f"/v2/{project}/sessions/{session_id}").json()["_version"] == 1
    assert api.get(f"/v2/{project}/jobs/{job_id}").json()["_version"] == 1


def test_backups_are_looked_up_by_any_storable_id(api, project):
    # v1 backup ids are composed from their metadata and contain dots.
    assert api.get(f"{backups_path(project)}/freezer_db01.example.com_etc_1430000000_0").status == 404
    assert api.get(f"{backups_path(project)}/{'a' * 256}").status == 404
    assert api.get(f"{backups_path(project)}/a%00b").status == 404


# -- media types ---------------------------------------------------------------


@pytest.mark.parametrize(
    "content_type",
    [
        "text/html",
        "multipart/form-data; boundary=x",
        "application/xml",
        "text/plain",
        "application/octet-stream",
        "application/json; charset=latin-1",
    ],
)
def test_bodies_declared_as_something_else_than_json_are_415(api, project, content_type):
    body = orjson.dumps(backup_metadata())
    reply = api.post(backups_path(project), body=body, headers={"Content-Type": content_type})
    assert_json_error(reply, 415)
    search = orjson.dumps({"match": [{"status": "x"}]})
    assert_json_error(api.get(backups_path(project), body=search, headers={"Content-Type": content_type}), 415)
    # Without a body there is nothing to refuse.
    assert api.get(backups_path(project), headers={"Content-Type": content_type}).status == 200
    assert backups_of(api, project) == []


@pytest.mark.parametrize(
    "content_type",
    [
        None,
        "application/json",
        "Application/JSON; charset=UTF-8",
        "application/x-www-form-urlencoded",
        "application/merge-patch+json",
    ],
)
def test_json_bodies_without_or_with_a_json_like_content_type_are_read(api, project, content_type):
    headers = {"Content-Type": content_type} if content_type else {}
    reply = api.post(backups_path(project), body=orjson.dumps(backup_metadata()), headers=headers)
    assert reply.status == 201, reply


# -- wrong types -----------------------------------------------------------------


@pytest.mark.parametrize(
    "kind, body",
    [
        ("backups", {"container": 5, "hostname": "h", "backup_name": "b"}),
        ("backups", {"container": ["c"], "hostname": "h", "backup_name": "b"}),
        ("clients", {"client_id": {"x": 1}}),
        ("clients", {"client_id": "ok", "supported_modes": "fs"}),
        ("jobs", {"client_id": "c", "job_actions": {}}),
        ("jobs", {"client_id": "c", "job_actions": [1]}),
        ("jobs", {"client_id": "c", "job_actions": [], "job_schedule": []}),
        ("jobs", {"client_id": "c", "job_actions": [], "action_defaults": "x"}),
        ("actions", {"freezer_action": "backup"}),
        ("actions", {"freezer_action": {}, "max_retries": "5"}),
        ("sessions", {"schedule": []}),
        ("sessions", {"schedule": {}, "hold_off": "30"}),
        ("sessions", {"schedule": {}, "session_tag": True}),
    ],
)
def test_wrong_types_are_400_and_write_nothing(api, project, kind, body):
    assert_json_error(api.post(f"/v2/{project}/{kind}", body), 400)
    assert api.get(f"/v2/{project}/{kind}", {"match": [{"project_id": project}]}).json()[kind] == []


@pytest.mark.parametrize("body", [[], "text", 1, True, [{"container": "c"}]])
def test_non_object_bodies_are_400(api, project, body):
    for method, path in (
        ("POST", backups_path(project)),
        ("POST", f"/v2/{project}/jobs"),
        ("PATCH", f"/v2/{project}/sessions/s"),
        ("POST", f"/v2/{project}/jobs/j/event"),
    ):
        assert_json_error(api.request(method, path, body), 400)


# -- rejected PATCHes -------------------------------------------------------------

HOSTILE_PATCHES = [
    b'{"description": "a\\u0000b"}',
    b'{"description": "x", "deep": ' + b"[" * 40 + b"]" * 40 + b"}",
    # Huge integers where each kind has an integer field (and a bad status for backups).
    (
        b'{"session_tag": 1180591620717411303424, "hold_off": 1180591620717411303424, '
        b'"max_retries": 1180591620717411303424, "status": 1180591620717411303424}'
    ),
    b'{"description": "' + b"x" * (MAX_STRING + 1) + b'"}',
    b'{"description": "\\ud800"}',
    b'{"description": NaN}',
    b"[]",
    b'{"description": "x"',
]


@pytest.mark.parametrize("raw", HOSTILE_PATCHES, ids=range(len(HOSTILE_PATCHES)))
def test_a_rejected_patch_changes_nothing(api, project, raw):
    client = client_info()
    api.post(f"/v2/{project}/clients", client)
    paths = [
        f"/v2/{project}/jobs/" + api.post(f"/v2/{project}/jobs", job(client["client_id"])).json()["job_id"],
        f"/v2/{project}/sessions/" + api.post(f"/v2/{project}/sessions", session()).json()["session_id"],
        f"/v2/{project}/actions/"
        + api.post(f"/v2/{project}/actions", {"freezer_action": freezer_action()}).json()["action_id"],
        f"{backups_path(project)}/" + api.post(backups_path(project), backup_metadata()).json()["backup_id"],
    ]
    for path in paths:
        before = api.get(path).json()
        reply = api.patch(path, body=raw, headers={"Content-Type": "application/json"})
        assert reply.status == 400, (path, reply)
        assert api.patch(path, body=b'{"description": "x"}', headers={"Content-Type": "text/html"}).status == 415
        assert api.get(path).json() == before


# -- chunked bodies, over real HTTP --------------------------------------------


def _chunked(url: str, method: str, path: str, chunks: list[bytes], token: str) -> tuple[int, bytes]:
    """Send the body with Transfer-Encoding: chunked and no Content-Length."""
    address = urlsplit(url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=30)
    try:
        connection.request(
            method,
            path,
            body=iter(chunks),
            encode_chunked=True,
            headers={"X-Auth-Token": token, "Content-Type": "application/json"},
        )
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def test_chunked_bodies_are_read_by_a_real_server(sqlite_server):
    token = PERSONAS["member_a"].token
    path = "/v2/project-a/backups"
    name = f"chunked-{uuid.uuid4().hex}"
    doc = orjson.dumps(backup_metadata(backup_name=name))
    status, body = _chunked(sqlite_server.url, "POST", path, [doc[:7], doc[7:40], doc[40:]], token)
    assert status == 201, body
    backup_id = orjson.loads(body)["backup_id"]
    search = orjson.dumps({"match": [{"backup_name": name}]})
    status, body = _chunked(sqlite_server.url, "GET", path, [search[:5], search[5:]], token)
    assert status == 200
    assert [b["backup_id"] for b in orjson.loads(body)["backups"]] == [backup_id]


def test_chunked_bodies_over_the_size_limit_are_413(sqlite_server):
    member = as_persona(sqlite_server, "member_a")
    before = len(member.get("/v2/project-a/backups", params={"limit": 1000}).json()["backups"])
    padding = [b"x" * 65536] * 17  # more than 1 MiB in total, each chunk small
    chunks = [b'{"container": "c", "hostname": "h", "backup_name": "b", "pad": "', *padding, b'"}']
    status, body = _chunked(sqlite_server.url, "POST", "/v2/project-a/backups", chunks, PERSONAS["member_a"].token)
    assert status == 413
    assert set(orjson.loads(body)) == {"title", "description"}
    assert len(member.get("/v2/project-a/backups", params={"limit": 1000}).json()["backups"]) == before


# -- v1 ------------------------------------------------------------------------


@pytest.mark.parametrize("marker", ["a%00b", "x" * 256, "%ff"])
def test_v1_markers_that_name_no_backup_are_400(api, marker):
    assert_json_error(api.get(f"/v1/backups?marker={marker}"), 400, "marker")


def test_v1_ids_that_cannot_exist_are_404(api):
    for path in ("/v1/backups/a%00b", "/v1/clients/a%00b", "/v1/jobs/a%00b", "/v1/sessions/sp%20ace"):
        assert_json_error(api.get(path), 404)
    assert_json_error(api.post("/v1/jobs/a%00b", {"client_id": "c", "job_actions": []}), 400)
