"""freezer-status upgrade check: oslo.upgradecheck's exit codes and words an operator can act on."""

from __future__ import annotations

import subprocess
import sys

import orjson

from tests.support import databases


def upgrade_check(tmp_path, config: str) -> tuple[int, dict[str, tuple[int, str]]]:
    """Exit code, and {check name: (code, details)} from the --json output."""
    path = tmp_path / "freezer-api.conf"
    path.write_text(config)
    done = subprocess.run(
        [sys.executable, "-m", "freezer_api.cmd.status", "--config-file", str(path), "upgrade", "check", "--json"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert done.stdout, done.stderr
    output = orjson.loads(done.stdout)
    return done.returncode, {check["check"]: (check["result"], check["details"]) for check in output["checks"]}


def current_sqlite(tmp_path) -> str:
    db = databases.create_database("sqlite", tmp_path / "db")
    db.upgrade()
    return f"[database]\nconnection = {db.url}\n"


def test_a_current_database_and_default_settings_pass(tmp_path):
    code, checks = upgrade_check(tmp_path, current_sqlite(tmp_path))
    assert code == 0, checks
    assert set(checks) == {"Database schema", "Policy file", "Deprecated options", "Keystone settings"}
    assert checks["Database schema"][1].startswith("schema at ")


def test_an_old_sqlite_schema_warns_and_an_old_server_schema_fails(tmp_path, engine_name):
    db = databases.create_database(engine_name, tmp_path / "db")
    try:
        db.upgrade("0001")
        code, checks = upgrade_check(tmp_path, f"[database]\nconnection = {db.url}\n")
    finally:
        db.drop()
    result, details = checks["Database schema"]
    assert "freezer-manage db upgrade" in details
    assert (code, result) == ((1, 1) if engine_name == "sqlite" else (2, 2)), details


def test_an_unreachable_database_fails(tmp_path):
    # Nothing listens on port 9 (discard) of loopback.
    code, checks = upgrade_check(
        tmp_path, "[database]\nconnection = postgresql+psycopg://nobody@127.0.0.1:9/none\nmax_retries = 0\n"
    )
    assert code == 2
    assert checks["Database schema"][0] == 2 and "cannot read the database" in checks["Database schema"][1]


def test_a_policy_file_with_an_unknown_rule_fails_and_one_that_does_not_parse_fails(tmp_path):
    (tmp_path / "policy.yaml").write_text('"backups:craete": "role:admin"\n"jobs:get": "role:admin"\n')
    config = current_sqlite(tmp_path) + f"[oslo_policy]\npolicy_file = {tmp_path / 'policy.yaml'}\n"
    code, checks = upgrade_check(tmp_path, config)
    assert code == 2
    assert checks["Policy file"][0] == 2 and "backups:craete" in checks["Policy file"][1]
    assert "jobs:get" not in checks["Policy file"][1]

    (tmp_path / "policy.yaml").write_text('"jobs:get": [unclosed\n')
    code, checks = upgrade_check(tmp_path, config)
    assert code == 2 and "does not parse" in checks["Policy file"][1]


def test_incomplete_keystone_settings_fail(tmp_path):
    code, checks = upgrade_check(tmp_path, "[DEFAULT]\nauth_strategy = keystone\n" + current_sqlite(tmp_path))
    assert code == 2
    result, details = checks["Keystone settings"]
    assert result == 2 and "auth_type" in details and "www_authenticate_uri" in details


def test_deprecated_options_and_deprecated_names_are_named(tmp_path):
    from oslo_config import cfg

    from freezer_api.cmd.status import deprecated_options_in_use

    groups = [
        ("api", [cfg.IntOpt("old_knob", deprecated_for_removal=True, deprecated_reason="it does nothing")]),
        ("api", [cfg.IntOpt("new_name", deprecated_name="old_name", deprecated_group="DEFAULT")]),
        ("api", [cfg.IntOpt("untouched", deprecated_for_removal=True)]),
    ]
    path = tmp_path / "freezer-api.conf"
    path.write_text("[DEFAULT]\nold_name = 3\n[api]\nold_knob = 1\n")
    conf = cfg.ConfigOpts()
    conf(args=["--config-file", str(path)], default_config_files=[])
    assert sorted(deprecated_options_in_use(conf, groups)) == [
        "[DEFAULT] old_name is now [api] new_name",
        "[api] old_knob (it does nothing)",
    ]
