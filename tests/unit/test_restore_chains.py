"""Chains, set summaries and restore points on synthetic catalogs (freezer_api.domain.restore, docs/restore.md)."""

from __future__ import annotations

import pytest

from freezer_api.domain.restore import CatalogEntry, SetKey, catalog_fields, links, plan, summarize

KEY = SetKey("/backups", "db01", "etc")


def entry(backup_id: str, time_stamp: int | None, level: int | None, problem: str | None = None) -> CatalogEntry:
    return CatalogEntry(backup_id, KEY.container, KEY.hostname, KEY.backup_name, time_stamp, level, problem=problem)


def catalog(*levels: int, start: int = 100, step: int = 10) -> list[CatalogEntry]:
    """Backups of these levels, `step` seconds apart, named b0, b1, ..."""
    return [entry(f"b{n}", start + n * step, level) for n, level in enumerate(levels)]


def chain_ids(link) -> list[str]:
    return [e.backup_id for e in link.chain]


def test_an_unbroken_incremental_chain_restores_level_zero_then_each_level():
    chained = links(catalog(0, 1, 2))
    assert [link.broken for link in chained] == [None, None, None]
    assert [chain_ids(link) for link in chained] == [["b0"], ["b0", "b1"], ["b0", "b1", "b2"]]


def test_always_level_backups_each_build_on_the_level_zero():
    chained = links(catalog(0, 1, 1, 1))
    assert [chain_ids(link) for link in chained] == [["b0"], ["b0", "b1"], ["b0", "b2"], ["b0", "b3"]]


def test_a_skipped_level_breaks_the_chain_from_there_until_the_next_level_zero():
    chained = links(catalog(0, 1, 3, 4, 0, 1))
    assert [link.broken is None for link in chained] == [True, True, False, False, True, True]
    assert "level 2 is missing" in chained[2].broken
    assert chain_ids(chained[5]) == ["b4", "b5"]


def test_a_lower_level_replaces_the_higher_ones_a_later_backup_may_build_on():
    # b3 (level 1) starts a new branch: b4 of level 3 has no level 2 after b3.
    chained = links(catalog(0, 1, 2, 1, 3))
    assert chained[4].broken is not None and chain_ids(chained[3]) == ["b0", "b3"]


def test_increments_before_any_level_zero_are_broken():
    chained = links(catalog(1, 2, 0))
    assert [link.broken is None for link in chained] == [False, False, True]
    assert "no level-0 backup before it" in chained[0].broken


def test_order_is_by_time_stamp_not_by_catalog_order():
    shuffled = [entry("late", 300, 1), entry("first", 100, 0), entry("mid", 200, 2)]
    chained = links(shuffled)
    assert [link.entry.backup_id for link in chained] == ["first", "mid", "late"]
    # mid (level 2 at 200) comes before late (level 1 at 300): mid is broken, late is fine.
    assert [link.broken is None for link in chained] == [True, False, True]
    assert chain_ids(chained[2]) == ["first", "late"]


def test_set_summary_counts_chains_and_says_whether_any_is_broken():
    entries = [*catalog(0, 1, 3, 0, 1), entry("odd", None, None, problem="its time_stamp 'yesterday' is not ...")]
    summary = summarize(KEY, entries).document()
    assert summary["backups"] == 6 and summary["chains"] == 2 and summary["complete"] is False
    assert (summary["first_at"], summary["last_at"], summary["last_level0_at"]) == (100, 140, 130)
    assert summary["backup_id"] == "b4"
    assert summary["unusable"] == [{"backup_id": "odd", "reason": "its time_stamp 'yesterday' is not ..."}]
    assert summarize(KEY, catalog(0, 1, 2)).complete is True


def test_a_set_with_only_unusable_backups_summarizes_without_times():
    summary = summarize(KEY, [entry("odd", None, None, problem="it has no time_stamp")]).document()
    assert (summary["backups"], summary["chains"], summary["first_at"], summary["backup_id"]) == (1, 0, None, None)


@pytest.mark.parametrize(
    ("at", "point", "chain"),
    [
        (100, "b0", ["b0"]),  # exactly at a backup's time_stamp: that backup
        (109, "b0", ["b0"]),
        (110, "b1", ["b0", "b1"]),
        (125, "b2", ["b0", "b1", "b2"]),
        (10**10, "b2", ["b0", "b1", "b2"]),
    ],
)
def test_the_restore_point_is_the_newest_backup_at_or_before_the_time(at, point, chain):
    found = plan(KEY, catalog(0, 1, 2), at)
    assert found is not None
    assert found.point.entry.backup_id == point and chain_ids(found.point) == chain and found.skipped == []


def test_nothing_at_or_before_the_time_is_no_plan():
    assert plan(KEY, catalog(0, 1), 99) is None
    assert plan(KEY, catalog(1, 2), 10**10) is None  # only broken backups


def test_newer_broken_backups_are_skipped_with_the_reason():
    found = plan(KEY, catalog(0, 1, 3, 4), 10**10)
    assert found is not None and found.point.entry.backup_id == "b1"
    assert [(s["backup_id"], "level 2 is missing" in s["reason"]) for s in found.skipped] == [
        ("b3", True),
        ("b2", True),
    ]


@pytest.mark.parametrize(
    ("metadata", "status", "problem"),
    [
        ({"time_stamp": "yesterday", "curr_backup_level": 0}, "available", "time_stamp 'yesterday'"),
        ({"time_stamp": -5, "curr_backup_level": 0}, "available", "time_stamp -5"),
        ({"curr_backup_level": 0}, "available", "no time_stamp"),
        ({"time_stamp": 100, "curr_backup_level": "1"}, "available", "curr_backup_level '1'"),
        ({"time_stamp": 100, "curr_backup_level": 0}, "error", "status is 'error'"),
        ({"time_stamp": 100, "curr_backup_level": 0}, "creating", "status is 'creating'"),
    ],
)
def test_stored_values_chains_cannot_use_are_kept_with_the_reason(metadata, status, problem):
    doc = {"status": status, "backup_metadata": {"container": "c", "hostname": "h", "backup_name": "n", **metadata}}
    fields = catalog_fields(doc)
    assert problem in fields["problem"]
    assert fields["set_time_stamp"] is None and fields["set_level"] is None
    assert (fields["container"], fields["hostname"], fields["backup_name"]) == ("c", "h", "n")


def test_v1_names_are_read_like_the_stored_ones():
    doc = {
        "status": "available",
        "backup_metadata": {"container": "c", "host_name": "h", "backup_name": "n", "timestamp": 7, "level": 2.0},
    }
    fields = catalog_fields(doc)
    assert (fields["hostname"], fields["set_time_stamp"], fields["set_level"], fields["problem"]) == ("h", 7, 2, None)


@pytest.mark.parametrize("metadata", [{}, {"container": 5, "hostname": "h", "backup_name": "n"}, "not an object"])
def test_a_backup_without_a_whole_set_key_belongs_to_no_set(metadata):
    fields = catalog_fields({"status": "available", "backup_metadata": metadata})
    assert fields["host_set"] is None and fields["container"] is None
