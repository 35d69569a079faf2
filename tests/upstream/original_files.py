"""The original freezer-api's configuration file, as an original deployment has it, and this server started from it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.support.server import LiveServer, wait_until_healthy
from tests.support.upstream_api import PASTE_INI

KEYSTONE_AUTHTOKEN = (
    "[keystone_authtoken]\n"
    "www_authenticate_uri = http://127.0.0.1:5000/v3\n"
    "auth_url = http://127.0.0.1:5000/v3\n"
    "auth_type = password\n"
    "username = freezer\n"
    "password = secret\n"
    "project_name = service\n"
    "user_domain_name = Default\n"
    "project_domain_name = Default\n"
)


def original_file(
    directory: Path, database_url: str, port: int, *, storage: str = "sqlalchemy", keystone: str = KEYSTONE_AUTHTOKEN
) -> Path:
    """freezer-api.conf as an original 19.0.0 deployment has it, with [database] on the new database."""
    directory.mkdir(parents=True, exist_ok=True)
    paste = directory / "freezer-paste.ini"
    paste.write_text(PASTE_INI)
    path = directory / "freezer-api.conf"
    path.write_text(
        "[DEFAULT]\n"
        "bind_host = 127.0.0.1\n"
        f"bind_port = {port}\n"
        "debug = false\n"
        f"log_file = {directory / 'ignored.log'}\n"
        "[paste_deploy]\n"
        f"config_file = {paste}\n"
        "[storage]\n"
        f"backend = {storage}\n"
        f"driver = {storage}\n"
        "[database]\n"
        f"connection = {database_url}\n"
        "max_pool_size = 3\n"
        "connection_recycle_time = 3600\n"
        "[centralized_scheduler]\n"
        "enabled = true\n"
        "trusts_delegated_roles = member\n" + keystone
    )
    return path


def start_with(config: Path, directory: Path, port: int) -> LiveServer:
    log_file = directory / "server.log"
    with open(log_file, "wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "freezer_api.cmd.api", "--config-file", str(config)],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    server = LiveServer(f"http://127.0.0.1:{port}", process, directory, config, log_file)
    try:
        wait_until_healthy(server.url, process)
    except RuntimeError as error:
        server.stop()
        raise AssertionError(f"{error}\n{server.log()}") from None
    return server
