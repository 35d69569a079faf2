"""The shipped systemd unit stops freezer-api the way the server expects to be stopped."""

from __future__ import annotations

import configparser
from pathlib import Path

from tests.conftest import make_conf

UNIT = Path(__file__).parents[2] / "etc" / "systemd" / "freezer-api.service"


def service_section() -> configparser.SectionProxy:
    unit = configparser.ConfigParser(interpolation=None, strict=True)
    unit.optionxform = str  # type: ignore[assignment,method-assign]  # systemd keys are case-sensitive
    unit.read_string(UNIT.read_text())
    return unit["Service"]


def seconds(value: str) -> int:
    return int(value.removesuffix("s"))


def test_the_unit_stops_with_sigterm_to_the_main_process_and_waits_longer_than_the_graceful_timeout():
    service = service_section()
    assert service["KillSignal"] == "SIGTERM"
    assert service["KillMode"] == "mixed"  # SIGTERM to the main process; SIGKILL to all only after the timeout
    assert seconds(service["TimeoutStopSec"]) > make_conf().graceful_shutdown_timeout


def test_the_unit_restarts_on_failure_and_runs_unprivileged():
    service = service_section()
    assert service["Restart"] == "on-failure"
    assert service.get("User") not in (None, "", "root", "0")
    assert service["ExecStart"].split()[0].endswith("/freezer-api")
    assert "--config-file" in service["ExecStart"]
