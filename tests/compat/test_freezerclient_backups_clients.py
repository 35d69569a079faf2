"""python-freezerclient's backups and clients managers, unchanged (issue: foundation)."""

import pytest
from freezerclient import exceptions

from tests.support.factories import backup_metadata, client_info, unique


def test_backup_lifecycle(freezer):
    metadata = backup_metadata(backup_name=unique("etc"))
    backup_id = freezer.backups.create(metadata)
    doc = freezer.backups.get(backup_id)
    assert doc["backup_metadata"] == metadata
    assert doc["status"] == "available"
    freezer.backups.delete(backup_id)
    assert freezer.backups.get(backup_id) is None
    with pytest.raises(exceptions.ApiClientException):
        freezer.backups.delete(backup_id)


def test_backup_list_paging_and_search(freezer):
    name = unique("paged")
    ids = [freezer.backups.create(backup_metadata(backup_name=name, time_stamp=1000 + i, slot=i)) for i in range(7)]
    by_name = {"match": [{"backup_name": name}]}
    first = freezer.backups.list(limit=4, offset=0, search=by_name)
    rest = freezer.backups.list(limit=4, offset=4, search=by_name)
    assert [b["backup_id"] for b in first + rest] == ids

    not_even = {"match": [{"backup_name": name}], "match_not": [{"slot": 0}, {"slot": 2}, {"slot": 4}, {"slot": 6}]}
    assert [b["backup_metadata"]["slot"] for b in freezer.backups.list(limit=100, search=not_even)] == [1, 3, 5]

    window = {"match": [{"backup_name": name}], "time_after": 1002, "time_before": 1004}
    assert [b["backup_metadata"]["slot"] for b in freezer.backups.list(limit=100, search=window)] == [2, 3, 4]


def test_backup_update_through_the_manager(freezer):
    backup_id = freezer.backups.create(backup_metadata(status="creating"))
    doc = freezer.backups.update(backup_id, {"status": "available", "backup_metadata": {"size": 1}})
    assert doc["status"] == "available" and doc["backup_metadata"]["size"] == 1


def test_client_registration_and_reregistration(freezer):
    info = client_info()
    assert freezer.clients.create(info) == info["client_id"]
    assert freezer.clients.create(dict(info, description="again")) == info["client_id"]
    doc = freezer.clients.get(info["client_id"])
    assert doc["client"]["description"] == "again"
    listed = freezer.clients.list(limit=100, search={"match": [{"client_id": info["client_id"]}]})
    assert [c["client"]["client_id"] for c in listed] == [info["client_id"]]
    freezer.clients.delete(info["client_id"])
    assert freezer.clients.get(info["client_id"]) is None


def test_client_list_with_limit_and_offset(freezer):
    description = unique("fleet")
    registered = [freezer.clients.create(client_info(description=description)) for _ in range(5)]
    search = {"match": [{"description": description}]}
    page1 = freezer.clients.list(limit=3, offset=0, search=search)
    page2 = freezer.clients.list(limit=3, offset=3, search=search)
    assert [c["client"]["client_id"] for c in page1 + page2] == registered


def test_invalid_registration_raises_with_the_server_description(freezer):
    with pytest.raises(exceptions.ApiClientException) as error:
        freezer.clients.create({"client_id": "bad%id"})
    assert "400" in str(error.value)
