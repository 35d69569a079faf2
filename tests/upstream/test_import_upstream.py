"""freezer-manage db import-upstream: the original's documents, through both APIs, the same.

The original freezer-api 19.0.0 runs on a database of the test's engine, is
filled through its own API (tests/upstream/catalog.py) and stopped; its
database is imported into a fresh database of this server, which then serves
it. Every document is compared through both APIs, and a set of searches
answers the same ids on both.
"""

from __future__ import annotations

import copy

import pytest

from tests.conftest import identity_headers
from tests.support import databases
from tests.support.http import Caller, OverHTTP
from tests.support.server import start_server
from tests.upstream.catalog import ID_KEYS, KINDS, PROJECT_A, PROJECT_B, USER_A, USER_B
from tests.upstream.conftest import manage_config, run_manage

# What this server's documents have that the original's do not, by design:
# every document's `_version`; an action's `mandatory` (the original's list
# shows it, its GET does not); a session's `jobs` when it has no member
# jobs (the original leaves the key out, this server answers {}).
ADDED_BY_DESIGN = {kind: {"_version"} for kind in KINDS} | {"actions": {"_version", "mandatory"}}

SEARCHES = [
    ("backups", {"match": [{"backup_name": "etc-1"}]}),
    ("backups", {"match": [{"container": "freezer-a"}]}),
    ("backups", {"match": [{"container": "freezer-a"}], "match_not": [{"backup_name": "etc-0"}]}),
    ("jobs", {"match": [{"client_id": "host-a2"}]}),
    ("jobs", {"match": [{"description": "nightly etc"}]}),
    ("clients", {"match": [{"hostname": "host-a1.example"}]}),
    ("sessions", {"match": [{"description": "empty"}]}),
    ("actions", {"match": [{"backup_name": "logs"}]}),
    ("actions", {"match": [{"action": "restore"}]}),
]


def _without_nulls(freezer_action: dict) -> dict:
    # The original sets every action column's key in freezer_action, null when
    # the definition never had it; this server leaves such keys out (a missing key reads as null).
    return {key: value for key, value in freezer_action.items() if value is not None}


def original_view(kind: str, doc: dict) -> dict:
    doc = copy.deepcopy(doc)
    if kind == "actions":
        doc["freezer_action"] = _without_nulls(doc["freezer_action"])
    if kind == "jobs":
        for entry in doc["job_actions"]:
            entry["freezer_action"] = _without_nulls(entry["freezer_action"])
    if kind == "sessions":
        doc.setdefault("jobs", {})
    return doc


def our_view(kind: str, doc: dict) -> dict:
    return {key: value for key, value in doc.items() if key not in ADDED_BY_DESIGN[kind]}


def listed(caller: Caller, project: str, kind: str, search: dict | None = None) -> dict[str, dict]:
    response = (
        caller.get(f"/v2/{project}/{kind}", search, params={"limit": 1000})
        if search
        else caller.get(f"/v2/{project}/{kind}", params={"limit": 1000})
    )
    assert response.status == 200, response
    return {
        doc[ID_KEYS[kind]] if kind != "clients" else doc["client"]["client_id"]: doc for doc in response.json()[kind]
    }


@pytest.fixture(scope="session")
def imported(filled_upstream, engine_name, tmp_path_factory):
    """This server on a new database holding the import of the filled original; the first run's output."""
    directory = tmp_path_factory.mktemp(f"imported-{engine_name}")
    target = databases.create_database(engine_name, directory)
    config = manage_config(directory, target.url)
    assert run_manage(config, "db", "upgrade").returncode == 0
    dry = run_manage(config, "db", "import-upstream", "--dry-run", filled_upstream.source_url)
    first = run_manage(config, "db", "import-upstream", filled_upstream.source_url)
    second = run_manage(config, "db", "import-upstream", filled_upstream.source_url)
    server = start_server(directory / "server", database_url=target.url, auth_strategy="noauth")
    yield {"dry": dry, "first": first, "second": second, "server": server, "target": target}
    server.stop()
    target.drop()


def _counts(output: str) -> dict[str, list[int]]:
    rows = {}
    for line in output.splitlines():
        fields = line.split()
        if fields and fields[0] in KINDS and len(fields) == 6 and all(f.isdigit() for f in fields[1:]):
            rows[fields[0]] = [int(value) for value in fields[1:]]
    return rows


def test_the_import_reports_every_kind_and_a_second_run_imports_nothing(imported, filled_upstream):
    dry, first, second = imported["dry"], imported["first"], imported["second"]
    assert first.returncode == 0, first.stdout + first.stderr
    catalog = filled_upstream.catalog
    expected = {kind: len(catalog.ids[kind]) for kind in KINDS}
    # read, imported, already present, skipped, deleted
    assert {kind: row[:4] for kind, row in _counts(first.stdout).items()} == {
        kind: [n, n, 0, 0] for kind, n in expected.items()
    }
    assert _counts(first.stdout)["backups"][4] == len(catalog.deleted["backups"])
    assert _counts(first.stdout)["jobs"][4] == len(catalog.deleted["jobs"])
    assert _counts(first.stdout)["clients"][4] == len(catalog.deleted["clients"])
    assert _counts(dry.stdout) == _counts(first.stdout), dry.stdout
    assert "would import" in dry.stdout and f"backups would import in project {PROJECT_B}: 1" in dry.stdout
    assert second.returncode == 0, second.stderr
    assert {kind: row[:4] for kind, row in _counts(second.stdout).items()} == {
        kind: [n, 0, n, 0] for kind, n in expected.items()
    }


@pytest.mark.parametrize("project,user", [(PROJECT_A, USER_A), (PROJECT_B, USER_B)])
def test_every_document_reads_the_same_through_both_apis(imported, filled_upstream, project, user):
    upstream = filled_upstream.upstream
    ours = Caller(OverHTTP(imported["server"].url), identity_headers(project, user_id=user))
    upstream.start()
    try:
        original = upstream.caller(project, user)
        for kind in KINDS:
            theirs = listed(original, project, kind)
            mine = listed(ours, project, kind)
            assert sorted(mine) == sorted(theirs), kind
            for doc_id in theirs:
                path = f"/v2/{project}/{kind}/{doc_id}"
                their_doc, our_doc = original.get(path), ours.get(path)
                assert their_doc.status == our_doc.status == 200, (their_doc, our_doc)
                assert our_view(kind, our_doc.json()) == original_view(kind, their_doc.json()), path
        for kind, search in SEARCHES:
            expected = sorted(listed(original, project, kind, search))
            # Project A's catalog answers every search with something.
            assert expected or project == PROJECT_B, (kind, search)
            assert sorted(listed(ours, project, kind, search)) == expected, (kind, search)
    finally:
        upstream.stop()


def test_deleted_documents_are_not_imported(imported, filled_upstream):
    ours = Caller(OverHTTP(imported["server"].url), identity_headers(PROJECT_A, user_id=USER_A))
    for kind, ids in filled_upstream.catalog.deleted.items():
        for doc_id in ids:
            project = PROJECT_B if kind == "clients" else PROJECT_A
            caller = ours.with_headers(**identity_headers(project))
            assert caller.get(f"/v2/{project}/{kind}/{doc_id}").status == 404, (kind, doc_id)
