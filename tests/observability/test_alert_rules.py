"""etc/prometheus/freezer-alerts.yaml: valid rules over series freezer-api names, checked by promtool when present.

promtool comes from Debian's prometheus package, unpacked by .ci/run (never
installed: no daemon) and named by FREEZER_TEST_PROMTOOL; a promtool on PATH
also serves. Without one the rules are still parsed and checked here.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

RULES = Path(__file__).parents[2] / "etc" / "prometheus" / "freezer-alerts.yaml"
RULE_TESTS = RULES.with_name("freezer-alerts.test.yaml")
PROMTOOL_ENV = "FREEZER_TEST_PROMTOOL"

# docs/observability.md#series: what /metrics shows now, and the job and client series to come.
SERIES = {
    "freezer_http_requests_total",
    "freezer_http_request_duration_seconds_bucket",
    "freezer_backup_set_last_backup_timestamp_seconds",
    "freezer_project_last_backup_timestamp_seconds",
    "freezer_job_last_success_timestamp_seconds",
    "freezer_job_last_run_timestamp_seconds",
    "freezer_job_last_run_success",
    "freezer_job_expected_interval_seconds",
    "freezer_job_health",
    "freezer_client_last_seen_timestamp_seconds",
    "freezer_client_up",
    "freezer_job_runs_total",
}
PROMQL_WORDS = {"time", "rate", "sum", "by", "or", "and", "up", "job", "instance", "status", "state"}
REQUIRED_ALERTS = {"FreezerJobOverdue", "FreezerJobFailing", "FreezerClientDown", "FreezerNoBackupInTwiceTheInterval"}


def promtool() -> str | None:
    configured = os.environ.get(PROMTOOL_ENV)
    if configured:
        assert Path(configured).is_file(), f"{PROMTOOL_ENV}={configured} does not exist"
        return configured
    return shutil.which("promtool")


def rules() -> list[dict]:
    document = yaml.safe_load(RULES.read_text())
    return [rule for group in document["groups"] for rule in group["rules"]]


def test_every_rule_is_complete_and_names_only_known_series():
    found = rules()
    assert {rule["alert"] for rule in found} >= REQUIRED_ALERTS
    for rule in found:
        assert set(rule) == {"alert", "expr", "for", "labels", "annotations"}, rule["alert"]
        assert rule["labels"]["severity"] in ("warning", "critical"), rule["alert"]
        assert rule["annotations"]["summary"] and rule["annotations"]["description"], rule["alert"]
        expr = re.sub(r'"[^"]*"', '""', rule["expr"])  # label values are not names
        assert expr.count("(") == expr.count(")"), rule["alert"]
        names = set(re.findall(r"[a-zA-Z_][a-zA-Z0-9_]*(?=\s*[{\[(]|\s|$|\))", expr)) - PROMQL_WORDS
        unknown = {name for name in names if name.startswith("freezer_")} - SERIES
        assert not unknown, (rule["alert"], unknown)


def test_promtool_checks_the_rules_and_their_unit_tests():
    tool = promtool()
    if tool is None:
        pytest.skip(f"no promtool: set {PROMTOOL_ENV} (.ci/run unpacks one from Debian's prometheus package)")
    checked = subprocess.run([tool, "check", "rules", str(RULES)], capture_output=True, text=True, timeout=60)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    tested = subprocess.run([tool, "test", "rules", str(RULE_TESTS)], capture_output=True, text=True, timeout=60)
    assert tested.returncode == 0, tested.stdout + tested.stderr
