"""Health rules (docs/health.md#states) and expected starts (docs/health.md#expected-starts), without a database."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest

from freezer_api.domain.health import HealthPolicy, evaluate_client, evaluate_job, summarize
from freezer_api.domain.runs import JobFacts
from freezer_api.domain.schedules import next_expected_start

UTC = datetime.UTC
POLICY = HealthPolicy(client_down_after=300, max_run_time=3600, grace=600)
T = 1_800_000_000  # a moment, in epoch seconds


def epoch(text: str) -> int:
    return int(datetime.datetime.fromisoformat(text).timestamp())


def facts(**changes) -> JobFacts:
    base = JobFacts(project_id="p", job_id="j", client_id="c", armed_at=T - 1000, one_shot=False, expected_at=T + 50)
    return base._replace(**changes)


# -- expected starts: the triggers freezer-scheduler 19.0.0 builds ------------------------------------


def test_an_interval_without_start_date_first_fires_one_interval_after_arming():
    assert next_expected_start({"schedule_interval": "2 hours"}, armed_at=T, ended_at=None, zone=UTC) == T + 7200


def test_an_interval_with_a_past_start_date_fires_two_seconds_after_arming():
    schedule = {"schedule_interval": "10 minutes", "schedule_start_date": "2020-01-01T00:00:00"}
    assert next_expected_start(schedule, armed_at=T, ended_at=None, zone=UTC) == T + 2


def test_an_interval_with_a_future_start_date_fires_then_and_every_interval_after():
    start = "2027-06-01T12:00:00"
    schedule = {"schedule_interval": "1 days", "schedule_start_date": start}
    armed = epoch(start + "+00:00") - 86400 * 3
    assert next_expected_start(schedule, armed_at=armed, ended_at=None, zone=UTC) == epoch(start + "+00:00")
    # A run that ended half a day after the start: the next fire time at or after its end.
    ended = epoch(start + "+00:00") + 43200
    assert next_expected_start(schedule, armed_at=armed, ended_at=ended, zone=UTC) == epoch(start + "+00:00") + 86400


def test_an_interval_past_its_end_date_expects_nothing():
    schedule = {
        "schedule_interval": "1 hours",
        "schedule_start_date": "2027-01-01T00:00:00",
        "schedule_end_date": "2027-01-01T05:00:00",
    }
    armed = epoch("2026-12-31T00:00:00+00:00")
    assert next_expected_start(schedule, armed_at=armed, ended_at=epoch("2027-01-01T06:00:00+00:00"), zone=UTC) is None


def test_continuous_runs_every_second_after_the_last_end():
    armed = T
    assert next_expected_start({"schedule_interval": "continuous"}, armed_at=armed, ended_at=T + 10, zone=UTC) == T + 10


def test_cron_fields_are_read_in_the_agents_zone():
    schedule = {"schedule_hour": "2", "schedule_minute": "30"}
    armed = epoch("2027-03-01T00:00:00+00:00")
    assert next_expected_start(schedule, armed_at=armed, ended_at=None, zone=UTC) == epoch("2027-03-01T02:30:00+00:00")
    paris = ZoneInfo("Europe/Paris")  # UTC+1 in March before the switch
    assert next_expected_start(schedule, armed_at=armed, ended_at=None, zone=paris) == epoch(
        "2027-03-01T01:30:00+00:00"
    )


def test_cron_after_a_run_is_the_next_fire_time_after_its_end():
    schedule = {"schedule_minute": "*/15"}
    armed = epoch("2027-03-01T00:00:00+00:00")
    ended = epoch("2027-03-01T00:20:00+00:00")
    assert next_expected_start(schedule, armed_at=armed, ended_at=ended, zone=UTC) == epoch("2027-03-01T00:30:00+00:00")


def test_a_date_is_expected_once_in_the_agents_zone_unless_it_has_an_offset():
    assert next_expected_start({"schedule_date": "2027-05-01T10:00:00"}, armed_at=T, ended_at=None, zone=UTC) == epoch(
        "2027-05-01T10:00:00+00:00"
    )
    tokyo = ZoneInfo("Asia/Tokyo")
    assert next_expected_start(
        {"schedule_date": "2027-05-01T10:00:00"}, armed_at=T, ended_at=None, zone=tokyo
    ) == epoch("2027-05-01T01:00:00+00:00")
    assert next_expected_start(
        {"schedule_date": "2027-05-01T10:00:00+02:00"}, armed_at=T, ended_at=None, zone=tokyo
    ) == epoch("2027-05-01T08:00:00+00:00")
    assert next_expected_start({"schedule_date": "2027-05-01T10:00:00"}, armed_at=T, ended_at=T + 5, zone=UTC) is None


def test_no_schedule_runs_once_two_seconds_after_arming():
    assert next_expected_start({}, armed_at=T, ended_at=None, zone=UTC) == T + 2
    assert next_expected_start({"status": "scheduled"}, armed_at=T, ended_at=T + 60, zone=UTC) is None


def test_a_schedule_the_scheduler_cannot_arm_expects_nothing():
    assert next_expected_start({"schedule_hour": "27"}, armed_at=T, ended_at=None, zone=UTC) is None


# -- states, in the order that decides -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "last_seen", "state", "since"),
    [
        ({"paused_since": T - 5, "open_run_id": "r", "open_started_at": T - 9999}, None, "paused", T - 5),
        ({"one_shot": True, "last_result": "success", "last_ended_at": T - 7, "last_run_id": "r"}, T, "done", T - 7),
        ({"open_run_id": "r", "open_started_at": T - 3601, "expected_at": None}, T, "stuck", T - 1),
        ({"open_run_id": "r", "open_started_at": T - 500, "expected_at": None}, T - 400, "stuck", T - 100),
        ({"expected_at": T - 601, "last_result": "fail", "failing_since": T - 9000}, T, "overdue", T - 1),
        ({"expected_at": T - 10}, T - 350, "overdue", T - 10),
        ({"last_result": "aborted", "failing_since": T - 900, "last_run_id": "r"}, T, "failing", T - 900),
        ({"expected_at": T - 10, "last_run_id": "r"}, T, "late", T - 10),
        (
            {"open_run_id": "r", "open_started_at": T - 60, "expected_at": None, "last_run_id": "r"},
            T,
            "running",
            T - 60,
        ),
        ({}, None, "never_run", T - 1000),
        ({"last_run_id": "r", "last_result": "success", "last_ended_at": T - 30}, T, "ok", T - 30),
        ({"last_run_id": "r", "last_result": "lost", "last_ended_at": T - 30}, T, "ok", T - 30),
    ],
)
def test_job_states(changes, last_seen, state, since):
    health = evaluate_job(facts(**changes), last_seen, T, POLICY)
    assert (health.state, health.since) == (state, since)


def test_clients_are_up_down_or_unknown():
    assert evaluate_client("c", None, T, POLICY).state == "unknown"
    assert evaluate_client("c", T - 300, T, POLICY).state == "up"
    down = evaluate_client("c", T - 301, T, POLICY)
    assert (down.state, down.since) == ("down", T - 1)


def test_the_summary_counts_every_state_and_lists_the_worst_first():
    jobs = [
        evaluate_job(facts(job_id="late", expected_at=T - 10, last_run_id="r"), T, T, POLICY),
        evaluate_job(facts(job_id="stuck", open_run_id="r", open_started_at=T - 4000, expected_at=None), T, T, POLICY),
        evaluate_job(facts(job_id="ok", last_run_id="r", last_result="success"), T, T, POLICY),
        evaluate_job(facts(job_id="old-late", expected_at=T - 20, last_run_id="r"), T, T, POLICY),
    ]
    clients = [evaluate_client("gone", T - 1000, T, POLICY), evaluate_client("here", T, T, POLICY)]
    summary = summarize(jobs, clients, limit=3)
    assert summary.clients == {"up": 1, "down": 1, "unknown": 0}
    assert summary.jobs["late"] == 2 and summary.jobs["stuck"] == 1 and summary.jobs["ok"] == 1
    assert summary.jobs["never_run"] == 0
    assert [(item["kind"], item["id"]) for item in summary.attention] == [
        ("job", "stuck"),
        ("client", "gone"),
        ("job", "old-late"),
    ]
