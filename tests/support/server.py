"""A real freezer-api process on a free port, started and stopped by the tests."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import requests

from tests.support.personas import tokens_file_content

READY_TIMEOUT = 60.0


@dataclass
class LiveServer:
    url: str
    process: subprocess.Popen
    directory: Path
    config_file: Path
    log_file: Path

    def log(self) -> str:
        return self.log_file.read_text(errors="replace")

    def stop(self) -> None:
        stop_process(self.process, grace=15)


def stop_process(process: subprocess.Popen, *, grace: float) -> None:
    """SIGTERM the process we started (by its PID), SIGKILL it if it has not exited after `grace` seconds."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=grace)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(
    directory: Path,
    *,
    database_url: str,
    auth_strategy: str = "token",
    workers: int = 2,
    database_options: dict[str, object] | None = None,
    extra_config: str = "",
    tokens_file_mode: int = 0o600,
    log_level: str = "WARNING",
    wsgi_server: str = "freezer-api",
    port: int | None = None,
    new_session: bool = False,
) -> LiveServer:
    """Write a config, start `freezer-api`, and return once it answers /healthcheck.

    `new_session` puts the server in a process group of its own, which a test
    may then signal as a terminal's Ctrl-C does.
    """
    directory.mkdir(parents=True, exist_ok=True)
    port = port or free_port()
    tokens = directory / "tokens.json"
    tokens.write_bytes(tokens_file_content())
    tokens.chmod(tokens_file_mode)
    config = directory / "freezer-api.conf"
    database = {"connection": database_url, **(database_options or {})}
    config.write_text(
        "[DEFAULT]\n"
        f"auth_strategy = {auth_strategy}\n"
        f"bind_port = {port}\n"
        f"workers = {workers}\n"
        f"log_level = {log_level}\n"
        "[database]\n" + "".join(f"{name} = {value}\n" for name, value in database.items()) + "[token_auth]\n"
        f"tokens_file = {tokens}\n" + extra_config
    )
    log_file = directory / "server.log"
    env = {**os.environ, "FREEZER_API_DATA_DIR": str(directory / "data")}
    env.pop("FREEZER_API_CONFIG_FILES", None)
    if wsgi_server == "freezer-api":
        command = [sys.executable, "-m", "freezer_api.cmd.api", "--config-file", str(config)]
    else:
        # The WSGI callable under another server, configured as an operator would.
        command = _wsgi_server_command(wsgi_server, port, workers)
        env["FREEZER_API_CONFIG_FILES"] = str(config)
    with open(log_file, "wb") as log:
        process = subprocess.Popen(
            command, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=new_session
        )
    server = LiveServer(f"http://127.0.0.1:{port}", process, directory, config, log_file)
    try:
        wait_until_healthy(server.url, process)
    except RuntimeError as error:
        server.stop()
        raise RuntimeError(f"{error}:\n{server.log()}") from None
    except BaseException:
        server.stop()  # whatever interrupted the wait (Ctrl-C, a failed fixture): no server left behind
        raise
    return server


def _wsgi_server_command(name: str, port: int, workers: int) -> list[str]:
    bin_dir = Path(sys.executable).parent
    callable_ = "freezer_api.cmd.api:application"
    if name == "uwsgi":
        # The original README's command; --die-on-term so that SIGTERM stops it.
        return [
            str(bin_dir / "uwsgi"),
            "--http",
            f"127.0.0.1:{port}",
            "--need-app",
            "--master",
            "--processes",
            str(workers),
            "--threads",
            "4",
            "--die-on-term",
            "--module",
            callable_,
        ]
    if name == "gunicorn":
        return [
            str(bin_dir / "gunicorn"),
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--worker-class",
            "gthread",
            "--threads",
            "4",
            callable_,
        ]
    raise ValueError(f"unknown WSGI server {name!r}")


def wait_until_healthy(url: str, process: subprocess.Popen) -> None:
    """Poll /healthcheck until it answers 200; fail if the process exits first."""
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"freezer-api exited with {process.returncode}")
        try:
            # Under uWSGI or gunicorn the first request also builds the app,
            # which on a loaded machine takes longer than one probe waits.
            if requests.get(url + "/healthcheck", timeout=10).status_code == 200:
                return
        except (requests.ConnectionError, requests.Timeout):
            pass
        time.sleep(0.05)
    raise RuntimeError(f"freezer-api did not become ready in {READY_TIMEOUT}s")


def wait_for_healthcheck(url: str, status: int, *, within: float, steady: int = 10) -> requests.Response:
    """Poll /healthcheck until it answers `status` `steady` times in a row, so from every worker
    (each keeps its check results for a second); the last answer, whatever it is, after `within` seconds."""
    deadline = time.monotonic() + within
    in_a_row = 0
    while True:
        reply = requests.get(url + "/healthcheck", timeout=30)
        in_a_row = in_a_row + 1 if reply.status_code == status else 0
        if in_a_row >= steady or time.monotonic() > deadline:
            return reply
        time.sleep(0.02)
