"""`make demo`: a Keystone and a freezer-api of your own on 127.0.0.1, to run freezer by hand.

    python -m tests.support.demo_cloud [DIRECTORY]     (default: ./demo; runs until Ctrl-C)

Made of the end-to-end tests' parts: the Keystone of the identity tests
(user alice, a member of project freezer-a), freezer-api with
auth_strategy = keystone in the catalog as service type `backup`, and the
cached venv of freezer 19.0.0. It writes, in DIRECTORY:

    openrc            OS_* credentials of alice, and bin/ on PATH
    bin/              freezer-scheduler, freezer-agent and the freezer CLI (python-freezerclient)
    scheduler.conf    a freezer-scheduler configuration, as the tests write it (jobs and log in scheduler/)

Keystone and freezer-api start afresh each time (their state is in
DIRECTORY/keystone and DIRECTORY/api, replaced on start).
"""

from __future__ import annotations

import shutil
import signal
import sys
import threading
from pathlib import Path

from tests.identity.conftest import authtoken_section
from tests.support import freezer_agents
from tests.support.keystone import start_keystone
from tests.support.keystone_cloud import Cloud, open_cloud
from tests.support.server import start_server

USER = "alice"
PROGRAMS = ("freezer-scheduler", "freezer-agent", "freezer")


def write_demo_files(directory: Path, cloud: Cloud, venv: Path) -> None:
    """openrc, bin/ and scheduler.conf for the user of the demo."""
    user = cloud.users[USER]
    credentials = freezer_agents.Credentials(
        auth_url=cloud.auth_url, username=user.name, password=user.password, project_name=user.project
    )
    bin_dir = directory / "bin"
    bin_dir.mkdir(parents=True, exist_ok=True)
    for program in PROGRAMS:
        link = bin_dir / program
        link.unlink(missing_ok=True)
        link.symlink_to(venv / "bin" / program)
    (directory / "openrc").write_text(
        f"# user {user.name}, a member of project {user.project}, in the demo Keystone\n"
        f"export OS_AUTH_URL={credentials.auth_url}\n"
        f"export OS_USERNAME={credentials.username}\n"
        f"export OS_PASSWORD={credentials.password}\n"
        f"export OS_PROJECT_NAME={credentials.project_name}\n"
        f"export OS_USER_DOMAIN_NAME={credentials.user_domain_name}\n"
        f"export OS_PROJECT_DOMAIN_NAME={credentials.project_domain_name}\n"
        "export OS_IDENTITY_API_VERSION=3\n"
        f'export PATH="{bin_dir}:$PATH"\n'
    )
    (directory / "scheduler").mkdir(exist_ok=True)
    (directory / "scheduler.conf").write_text(
        freezer_agents.scheduler_config(credentials, directory / "scheduler", interval=1)
    )


def main(argv: list[str]) -> int:
    directory = Path(argv[1] if len(argv) > 1 else "demo").resolve()
    print(
        "Preparing Keystone and freezer 19.0.0 (the first time, they are installed from PyPI: a few minutes)...",
        flush=True,
    )
    venv = freezer_agents.installation()
    for state in ("keystone", "api"):
        shutil.rmtree(directory / state, ignore_errors=True)
    (directory / "keystone").mkdir(parents=True)
    keystone = start_keystone(directory / "keystone")
    server = None
    try:
        cloud = open_cloud(keystone)
        server = start_server(
            directory / "api",
            database_url=f"sqlite:///{directory / 'api' / 'freezer.sqlite'}",
            auth_strategy="keystone",
            log_level="INFO",
            extra_config=authtoken_section(cloud),
        )
        cloud.register_backup_service(server.url)
        write_demo_files(directory, cloud, venv)
        relative = directory.relative_to(Path.cwd()) if directory.is_relative_to(Path.cwd()) else directory
        print(
            f"\nKeystone:    {cloud.auth_url}  (log: {keystone.log_file})\n"
            f"freezer-api: {server.url}  (log: {server.log_file})\n\n"
            f"In another terminal:  . {relative}/openrc\n"
            "Stop with Ctrl-C.",
            flush=True,
        )
        stopped = threading.Event()
        for number in (signal.SIGINT, signal.SIGTERM):
            signal.signal(number, lambda *_: stopped.set())
        while not stopped.wait(1):
            if server.process.poll() is not None or keystone.process.poll() is not None:
                print("freezer-api or Keystone exited; see their logs.", file=sys.stderr)
                return 1
        return 0
    finally:
        if server is not None:
            server.stop()
        keystone.stop()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
