"""The original freezer-api 19.0.0, the real one, run against a database of the test's.

It is installed from PyPI into a cached venv (see venvs.py), its schema is
made by its own `freezer-manage db sync` (its alembic migrations), and it
serves with its own `freezer-api` command. Its paste pipeline here leaves out
keystonemiddleware: callers send the identity headers keystonemiddleware
would set (X-Identity-Status: Confirmed, X-Project-Id, X-User-Id, X-Roles),
which its context middleware reads as it does behind Keystone.
"""

from __future__ import annotations

import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import requests

from tests.support.freezer_agents import host_environment
from tests.support.http import Caller, OverHTTP
from tests.support.server import free_port, stop_process
from tests.support.venvs import ensure_installed, exclusive, pinned_venv, tail

REQUIREMENTS = Path(__file__).with_name("freezer-api-upstream-requirements.txt")
READY_TIMEOUT = 60.0

# Its own pipeline (etc/freezer/freezer-paste.ini of the package) without the authtoken filter.
PASTE_INI = """\
[composite:main]
use = egg:Paste#urlmap
/ = api

[pipeline:api]
pipeline = context backupapp

[filter:context]
paste.filter_factory = freezer_api.api.common.middleware:ContextMiddleware.factory

[composite:backupapp]
paste.composite_factory = freezer_api.service:root_app_factory
/: versions
/v2: v2

[app:versions]
paste.app_factory = freezer_api.api.versions:api_versions

[app:v2]
paste.app_factory = freezer_api.service:freezer_appv2_factory
"""


def installation() -> Path:
    venv = pinned_venv("freezer-api-upstream", REQUIREMENTS)
    with exclusive(venv):
        ensure_installed(venv, REQUIREMENTS)
    return venv


def upstream_database_url(url: str) -> str:
    """The URL as an original deployment writes it: its oslo.db runs on PyMySQL or psycopg2."""
    return url.replace("postgresql+psycopg://", "postgresql+psycopg2://")


def config_text(database_url: str, port: int, paste_file: Path) -> str:
    """freezer-api.conf as an original deployment has it (less [keystone_authtoken])."""
    return (
        "[DEFAULT]\n"
        "bind_host = 127.0.0.1\n"
        f"bind_port = {port}\n"
        "[paste_deploy]\n"
        f"config_file = {paste_file}\n"
        "[storage]\n"
        "backend = sqlalchemy\n"
        "driver = sqlalchemy\n"
        "[database]\n"
        f"connection = {upstream_database_url(database_url)}\n"
    )


@dataclass
class Upstream:
    venv: Path
    directory: Path
    config_file: Path
    port: int
    database_url: str
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def run(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(self.venv / "bin" / args[0]), "--config-file", str(self.config_file), *args[1:]],
            cwd=self.directory,
            env=host_environment(self.directory),
            capture_output=True,
            text=True,
            timeout=300,
        )

    def sync(self) -> None:
        """Its own migrations: `freezer-manage db sync` (it prints errors and exits 0, so look)."""
        result = self.run("freezer-manage", "db", "sync")
        if "Migration(s) applied" not in result.stdout + result.stderr:
            raise RuntimeError(f"freezer-manage db sync failed:\n{result.stdout}\n{result.stderr}")

    def migrate_to(self, revision: str) -> None:
        """Its own alembic migrations up to `revision` only: the schema of an older release."""
        script = (
            "import os, sys\n"
            "from alembic import command\n"
            "from alembic.config import Config\n"
            "import freezer_api.db.sqlalchemy as package\n"
            "config = Config(os.path.join(os.path.dirname(package.__file__), 'alembic.ini'))\n"
            "config.set_main_option('sqlalchemy.url', sys.argv[1].replace('%', '%%'))\n"
            "command.upgrade(config, sys.argv[2])\n"
        )
        result = subprocess.run(
            [str(self.venv / "bin" / "python"), "-c", script, self.database_url, revision],
            cwd=self.directory,
            env=host_environment(self.directory),
            capture_output=True,
            text=True,
            timeout=300,
        )
        if result.returncode != 0:
            raise RuntimeError(f"migrating the original's schema to {revision} failed:\n{result.stderr}")

    def start(self) -> None:
        with open(self.directory / "upstream.log", "ab") as log:
            self.process = subprocess.Popen(
                [str(self.venv / "bin" / "freezer-api"), "--config-file", str(self.config_file)],
                cwd=self.directory,
                env=host_environment(self.directory),
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
        deadline = time.monotonic() + READY_TIMEOUT
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"the original freezer-api exited:\n{self.log()}")
            try:
                requests.get(self.url + "/", timeout=2)
                return
            except requests.ConnectionError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"the original freezer-api did not start:\n{self.log()}") from None
                time.sleep(0.1)

    def stop(self) -> None:
        if self.process is not None:
            stop_process(self.process, grace=15)
            self.process = None

    def log(self) -> str:
        return tail(self.directory / "upstream.log", 6000)

    def caller(self, project_id: str, user_id: str, roles: str = "member,reader") -> Caller:
        return Caller(
            OverHTTP(self.url),
            {"X-Identity-Status": "Confirmed", "X-Project-Id": project_id, "X-User-Id": user_id, "X-Roles": roles},
        )


def prepare_upstream(directory: Path, database_url: str, *, sync: bool = True) -> Upstream:
    """The original freezer-api's configuration and (unless not `sync`) schema in `database_url`, not started."""
    directory.mkdir(parents=True, exist_ok=True)
    paste = directory / "freezer-paste.ini"
    paste.write_text(PASTE_INI)
    port = free_port()
    config = directory / "freezer-api.conf"
    config.write_text(config_text(database_url, port, paste))
    upstream = Upstream(installation(), directory, config, port, upstream_database_url(database_url))
    if sync:
        upstream.sync()
    return upstream
