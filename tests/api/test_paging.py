"""Paging v2 lists: an offset past the end is an empty page without walking the catalog, and
`marker` (keyset paging, as v1 backups have it) gives the pages offsets give, at any depth.

In process, on every engine. bench/deep_offset.py measures both at 1M backups.
"""

from __future__ import annotations

import pytest

from freezer_api.storage import tables
from freezer_api.storage.documents import queries_for
from tests.conftest import identity_headers, new_project
from tests.support.factories import backup_metadata, client_info, freezer_action, job, session
from tests.support.http import Caller
from tests.support.statements import recorded_statements

KINDS = {
    # kind: (id key, tables, body of a new document given the project's client id)
    "backups": ("backup_id", tables.BACKUPS, lambda client_id: backup_metadata()),
    "clients": ("client_id", tables.CLIENTS, lambda client_id: client_info()),
    "jobs": ("job_id", tables.JOBS, lambda client_id: job(client_id)),
    "actions": ("action_id", tables.ACTIONS, lambda client_id: {"freezer_action": freezer_action()}),
    "sessions": ("session_id", tables.SESSIONS, lambda client_id: session()),
}
HUGE_OFFSET = 10**12


def fill(api: Caller, project: str, kind: str, count: int) -> list[str]:
    """`count` new documents of `kind` (the jobs' client not counted); their ids, oldest first."""
    id_key, _tables, body = KINDS[kind]
    client = client_info()
    assert api.post(f"/v2/{project}/clients", client).status == 201
    ids = [client["client_id"]] if kind == "clients" else []
    while len(ids) < count:
        reply = api.post(f"/v2/{project}/{kind}", body(client["client_id"]))
        assert reply.status == 201, reply
        ids.append(reply.json()[id_key])
    return ids


def page_ids(api: Caller, project: str, kind: str, **params) -> list[str]:
    reply = api.get(f"/v2/{project}/{kind}", params=params)
    assert reply.status == 200, reply
    id_key = KINDS[kind][0]
    return [doc["client"][id_key] if kind == "clients" else doc[id_key] for doc in reply.json()[kind]]


@pytest.mark.parametrize("kind", list(KINDS))
def test_an_offset_far_past_the_end_is_an_empty_page_without_running_the_search(api, project, kind):
    fill(api, project, kind, 3)
    with recorded_statements() as statements:
        assert page_ids(api, project, kind, offset=HUGE_OFFSET) == []
        assert page_ids(api, project, kind, offset=HUGE_OFFSET, limit=1000) == []
    # Only the size bound of the table ran: no statement walked the project to skip 10^12 rows.
    assert [statement.query for statement in statements] == [queries_for(KINDS[kind][1]).max_seq] * 2
    assert page_ids(api, project, kind, offset=2) != []  # shallow offsets still page


def test_an_offset_past_the_end_across_every_project_is_an_empty_page(transport, project):
    admin = Caller(transport, identity_headers(project, roles="admin"))
    fill(admin, project, "jobs", 2)
    assert page_ids(admin, project, "jobs", offset=HUGE_OFFSET, all_projects="true") == []


@pytest.mark.parametrize("kind", list(KINDS))
def test_marker_pages_are_the_offset_pages_and_the_default_is_unchanged(api, project, kind):
    ids = fill(api, project, kind, 7)
    listed = page_ids(api, project, kind, limit=1000)
    if kind == "clients":  # other tests' central clients are listed too, in creation order
        assert [client_id for client_id in listed if client_id in ids] == ids
    else:
        assert listed == ids
    pages, marker = [], ""
    while True:
        page = page_ids(api, project, kind, limit=3, marker=marker)
        if not page:
            break
        pages.append(page)
        marker = page[-1]
    assert pages == [listed[start : start + 3] for start in range(0, len(listed), 3)]
    assert page_ids(api, project, kind, limit=3, offset=3) == listed[3:6]  # offset paging as before
    # An offset counts from the marker.
    assert page_ids(api, project, kind, limit=2, offset=1, marker=listed[2]) == listed[4:6]


@pytest.mark.parametrize("kind", list(KINDS))
def test_a_marker_the_list_does_not_have_is_a_400_naming_it(api, project, kind):
    fill(api, project, kind, 2)
    other_project = new_project()
    other = Caller(api.transport, identity_headers(other_project))
    foreign = fill(other, other_project, kind, 2)[-1]
    for marker in ("no-such-document", foreign):  # another project's document is as absent as none
        reply = api.get(f"/v2/{project}/{kind}", params={"marker": marker})
        assert reply.status == 400, reply
        assert reply.json()["description"] == f"No {kind[:-1]} with id {marker!r} to page after (marker)."
    reply = api.get(f"/v2/{project}/{kind}", params={"marker": "x" * 300})
    assert reply.status == 400, reply


def test_a_central_client_of_another_project_can_be_the_marker(transport):
    owner_project, project = new_project(), new_project()
    admin = Caller(transport, identity_headers(owner_project, roles="admin"))
    central = client_info(is_central=True)
    assert admin.post(f"/v2/{owner_project}/clients", central).status == 201
    try:  # every project lists it: other tests must not see it
        member = Caller(transport, identity_headers(project))
        own = client_info()
        assert member.post(f"/v2/{project}/clients", own).status == 201
        listed = page_ids(member, project, "clients", limit=1000)
        assert listed.index(central["client_id"]) < listed.index(own["client_id"])
        after_central = page_ids(member, project, "clients", limit=1000, marker=central["client_id"])
        assert after_central == listed[listed.index(central["client_id"]) + 1 :]
        assert own["client_id"] in after_central
    finally:
        assert admin.delete(f"/v2/{owner_project}/clients/{central['client_id']}").status == 204


def test_a_marker_with_all_projects_is_a_400(transport, project):
    admin = Caller(transport, identity_headers(project, roles="admin"))
    job_id = fill(admin, project, "jobs", 1)[0]
    reply = admin.get(f"/v2/{project}/jobs", params={"marker": job_id, "all_projects": "true"})
    assert reply.status == 400, reply
    assert "all_projects" in reply.json()["description"]
