"""The original freezer-api's configuration file starts this server (docs/migrating.md#configuration)."""

from __future__ import annotations

import subprocess
import sys

import pytest
import requests

from freezer_api.conf import new_conf, original
from tests.support.server import free_port, stop_process
from tests.upstream.original_files import original_file, start_with


def test_the_original_file_starts_this_server_with_keystone_and_warns_once_per_ignored_option(tmp_path):
    port = free_port()
    database = f"sqlite:///{tmp_path / 'new.sqlite'}"
    config = original_file(tmp_path, database, port)
    server = start_with(config, tmp_path, port)
    try:
        # Keystone, as the original: a request without a token is refused by auth_token.
        assert requests.get(f"{server.url}/v2/some-project/backups", timeout=10).status_code == 401
    finally:
        server.stop()
    log = server.log()
    for option in (
        "[paste_deploy] config_file",
        "[storage] backend",
        "[storage] driver",
        "[DEFAULT] debug",
        "[DEFAULT] log_file",
    ):
        assert log.count(f"{option} is ignored") == 1, (option, log)
    for accepted in (
        "bind_port",
        "[database] connection ",
        "max_pool_size",
        "[database] connection_recycle_time",  # an option of this server too (docs/migrating.md)
        "centralized_scheduler",
        "keystone_authtoken",
    ):
        assert f"{accepted} is ignored" not in log, accepted


@pytest.mark.parametrize("option", ["backend", "driver"])
def test_elasticsearch_storage_refuses_to_start_and_says_how_to_import(tmp_path, option):
    port = free_port()
    config = original_file(tmp_path, f"sqlite:///{tmp_path / 'new.sqlite'}", port)
    text = config.read_text().replace(f"{option} = sqlalchemy", f"{option} = elasticsearch")
    config.write_text(text)
    process = subprocess.Popen(
        [sys.executable, "-m", "freezer_api.cmd.api", "--config-file", str(config)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        output, _ = process.communicate(timeout=60)
    finally:
        stop_process(process, grace=5)
    assert process.returncode != 0
    message = output.decode()
    assert "Elasticsearch storage is not supported" in message
    assert "freezer-manage db import-upstream" in message
    manage = subprocess.run(
        [sys.executable, "-m", "freezer_api.cmd.manage", "--config-file", str(config), "db", "upgrade"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert manage.returncode == 2 and "Elasticsearch storage is not supported" in manage.stderr


def test_the_original_names_map_onto_this_servers_options(tmp_path):
    config = original_file(tmp_path, "mysql+mysqldb://freezer:secret@127.0.0.1/freezer", 9090)
    conf = new_conf()
    conf(args=["--config-file", str(config)], project="freezer-api", default_config_files=[])
    original.adopt(conf)
    assert conf.database.pool_size == 3  # max_pool_size, the original's oslo.db name
    assert conf.database.connection == "mysql+pymysql://freezer:secret@127.0.0.1/freezer"
    assert conf.auth_strategy == "keystone"
    assert conf.bind_port == 9090
    assert conf.centralized_scheduler.trusts_delegated_roles == ["member"]


def test_a_file_that_chooses_its_auth_strategy_keeps_it(tmp_path):
    config = original_file(tmp_path, "sqlite://", 9090)
    config.write_text(config.read_text().replace("[DEFAULT]\n", "[DEFAULT]\nauth_strategy = noauth\n"))
    conf = new_conf()
    conf(args=["--config-file", str(config)], project="freezer-api", default_config_files=[])
    original.adopt(conf)
    assert conf.auth_strategy == "noauth"
    assert original.check(conf)  # still names what it ignores


def test_pointing_this_server_at_the_originals_own_database_says_to_import_it(tmp_path):
    from tests.support.upstream_api import prepare_upstream

    database = f"sqlite:///{tmp_path / 'original.sqlite'}"
    prepare_upstream(tmp_path / "original", database)
    config = original_file(tmp_path, database, free_port())
    for action in ("upgrade", "check"):
        result = subprocess.run(
            [sys.executable, "-m", "freezer_api.cmd.manage", "--config-file", str(config), "db", action],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 2, result.stderr
        assert "holds the original freezer-api's schema (revision 7a3b9c1d2e4f)" in result.stderr
        assert "db import-upstream" in result.stderr
