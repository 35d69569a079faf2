"""The health checks run at most once per max_age, one request at a time, and in order."""

from __future__ import annotations

import threading

from freezer_api.api.health import Check, HealthChecks


class Counting:
    def __init__(self, outcome: str = "fine"):
        self.runs = 0
        self.outcome = outcome

    def __call__(self) -> str:
        self.runs += 1
        if self.outcome == "fail":
            raise RuntimeError("connection refused")
        return self.outcome


def test_results_are_reused_until_they_are_max_age_old():
    probe = Counting()
    cached = HealthChecks([Check("database", probe, "down")], max_age=3600)
    first = cached.results()
    assert cached.results() is first
    assert probe.runs == 1
    uncached = HealthChecks([Check("database", probe, "down")], max_age=0)
    uncached.results()
    uncached.results()
    assert probe.runs == 3


def test_the_detailed_view_runs_the_checks_afresh():
    probe = Counting()
    checks = HealthChecks([Check("database", probe, "down")], max_age=3600)
    checks.results()
    checks.fresh_results()
    assert probe.runs == 2


def test_a_failed_check_reports_its_error_and_later_checks_are_not_run():
    database, schema = Counting("fail"), Counting()
    checks = HealthChecks([Check("database", database, "down"), Check("schema", schema, "behind")], max_age=0)
    results = [result.as_json() for result in checks.results()]
    assert [(result["name"], result["status"]) for result in results] == [("database", "failed"), ("schema", "failed")]
    assert results[0]["detail"] == "connection refused"
    assert results[1]["detail"] == "not run: the database check failed"
    assert schema.runs == 0


def test_while_one_request_runs_the_checks_the_others_answer_from_the_last_results():
    entered, release = threading.Event(), threading.Event()
    slow = {"block": False}

    def probe() -> str:
        if slow["block"]:
            entered.set()
            assert release.wait(30)
        return "fine"

    checks = HealthChecks([Check("database", probe, "down")], max_age=0)
    last = checks.results()
    slow["block"] = True
    runner = threading.Thread(target=checks.results)
    runner.start()
    try:
        assert entered.wait(30)
        assert checks.results() is last  # not blocked behind the slow probe
    finally:
        release.set()
        runner.join(30)
    assert not runner.is_alive()
