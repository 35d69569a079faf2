"""What the dashboard says in words: schedules, times, and the search box's language."""

from __future__ import annotations

import pytest

from freezer_api.ui.words import SearchSyntaxError, epoch, parse_search_box, relative, schedule_in_words


@pytest.mark.parametrize(
    ("schedule", "words"),
    [
        ({"schedule_interval": "2 hours", "schedule_start_date": "2026-01-01T03:00:00"}, "every 2 hours from 03:00"),
        ({"schedule_interval": "1 days"}, "every day"),
        ({"schedule_interval": "continuous"}, "continuously"),
        ({"schedule_date": "2026-12-04T10:00:00"}, "once at 2026-12-04 10:00:00 UTC"),
        ({"schedule_hour": "3", "schedule_minute": "0"}, "cron: hour 3, minute 0"),
        ({}, "once, when its client next polls"),
        (None, "once, when its client next polls"),
    ],
)
def test_schedules_in_words(schedule, words):
    assert schedule_in_words(schedule) == words


def test_times_the_scheduler_writes():
    assert epoch(1764800000) == 1764800000.0
    assert epoch("1764800000") == 1764800000.0
    assert epoch("2026-01-01T00:00:00") == 1767225600.0
    for never in (-1, 0, None, "", "soon", True):
        assert epoch(never) is None, never


def test_relative_times():
    assert relative(1000, now=1000 + 3 * 3600 + 5) == "3 h ago"
    assert relative(1000, now=1000 - 300) == "in 5 min"
    assert relative(1000, now=1000) == "0 s ago"


def test_the_search_box_language():
    assert parse_search_box("") is None
    assert parse_search_box("hostname:db01 -status:error nightly") == {
        "match": [{"hostname": "db01"}, {"_all": "nightly"}],
        "match_not": [{"status": "error"}],
    }
    assert parse_search_box("curr_backup_level:0 encrypted:true") == {
        "match": [{"curr_backup_level": 0}, {"encrypted": True}]
    }
    assert parse_search_box('description:"two words"') == {"match": [{"description": "two words"}]}
    assert parse_search_box('{"match": [{"a": "b"}]}') == {"match": [{"a": "b"}]}


@pytest.mark.parametrize("text", ["{not json", "{}x", 'description:"unclosed'])
def test_a_bad_search_box_says_why(text):
    with pytest.raises(SearchSyntaxError):
        parse_search_box(text)
