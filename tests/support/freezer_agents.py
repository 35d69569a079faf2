"""freezer-scheduler and freezer-agent 19.0.0, the real ones, run as a backed-up host runs them.

freezer (pinned in freezer-requirements.txt) is installed from PyPI into its
own venv in the user's cache directory, once per set of pins (see venvs.py).
A scheduler is configured the way an operator configures one: a config file
with its Keystone credentials ([service_auth], the OS_* values it hands on to
every freezer-agent it starts), its jobs directory and its polling interval,
and `--client-id` on the command line. It finds freezer-api in the Keystone
catalog (service type `backup`), polls it for the jobs of its client id, runs
freezer-agent for each, and reports back through the API.

Its HOME is a directory of the test: freezer-agent keeps its work directory
and log in ~/.freezer.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
from dataclasses import dataclass
from pathlib import Path

from tests.support.server import stop_process
from tests.support.venvs import ensure_installed, exclusive, pinned_venv, tail

REQUIREMENTS = Path(__file__).with_name("freezer-requirements.txt")
STOP_GRACE = 30.0


def installation() -> Path:
    """The cached venv with freezer-scheduler and freezer-agent, created on first use."""
    venv = pinned_venv("freezer", REQUIREMENTS)
    with exclusive(venv):
        ensure_installed(venv, REQUIREMENTS)
    return venv


@dataclass(frozen=True)
class Credentials:
    """What an openrc file gives a host: a user of the project whose backups it makes."""

    auth_url: str
    username: str
    password: str
    project_name: str
    user_domain_name: str = "Default"
    project_domain_name: str = "Default"


def scheduler_config(credentials: Credentials, directory: Path, *, interval: int) -> str:
    """scheduler.conf as an operator writes it (oslo.config reads the `os_*` names in [service_auth])."""
    return (
        "[DEFAULT]\n"
        f"log_file = {directory / 'scheduler.log'}\n"
        "[scheduler]\n"
        f"jobs_dir = {directory / 'jobs'}\n"
        f"interval = {interval}\n"
        "no_daemon = true\n"
        "[service_auth]\n"
        f"os_auth_url = {credentials.auth_url}\n"
        f"os_username = {credentials.username}\n"
        f"os_password = {credentials.password}\n"
        f"os_project_name = {credentials.project_name}\n"
        f"os_user_domain_name = {credentials.user_domain_name}\n"
        f"os_project_domain_name = {credentials.project_domain_name}\n"
    )


@dataclass
class Scheduler:
    client_id: str
    process: subprocess.Popen
    directory: Path

    @property
    def log_file(self) -> Path:
        return self.directory / "scheduler.log"

    def exited(self) -> int | None:
        return self.process.poll()

    def log(self) -> str:
        parts = [f"--- freezer-scheduler {self.client_id} (pid {self.process.pid}) ---"]
        for name in ("scheduler.log", "scheduler.out", "home/.freezer/freezer.log"):
            path = self.directory / name
            if path.exists():
                parts.append(f"--- {name} ---\n{tail(path, 6000)}")
        return "\n".join(parts)

    def stop(self) -> None:
        """Stop the scheduler and any freezer-agent it is still running, each by its PID."""
        if self.process.poll() is None:
            for child in _children(self.process.pid):
                _terminate(child)
        stop_process(self.process, grace=STOP_GRACE)


def start_scheduler(
    venv: Path, directory: Path, *, client_id: str, credentials: Credentials, interval: int = 1
) -> Scheduler:
    """`freezer-scheduler --config-file scheduler.conf --client-id ID start`, in the foreground."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "home").mkdir(exist_ok=True)
    config = directory / "scheduler.conf"
    config.write_text(scheduler_config(credentials, directory, interval=interval))
    env = host_environment(directory / "home")
    # The scheduler finds freezer-agent on its PATH.
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    command = [str(venv / "bin" / "freezer-scheduler"), "--config-file", str(config), "--client-id", client_id, "start"]
    with open(directory / "scheduler.out", "wb") as out:
        process = subprocess.Popen(
            command, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env, cwd=directory
        )
    return Scheduler(client_id, process, directory)


def host_environment(home: Path) -> dict[str, str]:
    """This process's environment less any OS_* credentials and Python settings of the test run, with HOME."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("OS_") and key not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")
    }
    env["HOME"] = str(home)
    return env


def _children(pid: int) -> list[int]:
    """The PIDs of a process's children (Linux /proc)."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found.extend(int(child) for child in (task / "children").read_text().split())
        except OSError:
            continue
    return found


def _terminate(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
