"""The freezer-api process: one server per port, and a stop that always stops, gracefully.

Real processes on loopback ports: a second server, a foreign listener,
idle keep-alive connections and a write load, each against a running
freezer-api with 2 workers.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests

from tests.conftest import as_persona
from tests.support.factories import backup_metadata
from tests.support.personas import PERSONAS
from tests.support.server import LiveServer, free_port, start_server

PROJECT = PERSONAS["member_a"].project_id
BACKUPS = f"/v2/{PROJECT}/backups"
# Longer than the stop tests' deadline: a stop that only ends because a stuck
# worker was killed at this timeout fails them.
GRACEFUL_SHUTDOWN_TIMEOUT = 30
STOP_DEADLINE = 10.0
GRACEFUL = f"[DEFAULT]\ngraceful_shutdown_timeout = {GRACEFUL_SHUTDOWN_TIMEOUT}\n"


def sqlite_server(directory: Path, **kwargs) -> LiveServer:
    return start_server(directory, database_url=f"sqlite:///{directory / 'freezer.sqlite'}", **kwargs)


def run_second_server(directory: Path, port: int, *, timeout: float = 60) -> subprocess.CompletedProcess:
    """freezer-api with a catalog of its own on `port`; it is expected to exit by itself."""
    directory.mkdir(parents=True, exist_ok=True)
    config = directory / "freezer-api.conf"
    config.write_text(
        f"[DEFAULT]\nauth_strategy = noauth\nbind_port = {port}\nworkers = 2\n"
        f"[database]\nconnection = sqlite:///{directory / 'other.sqlite'}\n"
    )
    env = {**os.environ, "FREEZER_API_DATA_DIR": str(directory / "data")}
    env.pop("FREEZER_API_CONFIG_FILES", None)
    command = [sys.executable, "-m", "freezer_api.cmd.api", "--config-file", str(config)]
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=timeout)


def assert_every_request_reaches(server: LiveServer, backup_id: str, *, requests_count: int = 30) -> None:
    """A new connection each time, so the kernel would spread them over every listener of the port."""
    member = as_persona(server, "member_a").with_headers(Connection="close")
    for _ in range(requests_count):
        reply = member.get(f"{BACKUPS}/{backup_id}")
        assert reply.status == 200, reply


def add_backup(server: LiveServer, name: str) -> str:
    reply = as_persona(server, "member_a").post(BACKUPS, backup_metadata(backup_name=name))
    assert reply.status == 201, reply
    return reply.json()["backup_id"]


def test_a_second_server_on_the_same_port_exits_1_naming_the_address(tmp_path):
    first = sqlite_server(tmp_path / "first")
    try:
        backup_id = add_backup(first, "first-catalog")
        port = int(first.url.rsplit(":", 1)[1])
        second = run_second_server(tmp_path / "second", port)
        assert second.returncode == 1, second
        assert f"127.0.0.1:{port} is already in use by another process" in second.stderr, second.stderr
        assert len(second.stderr.strip().splitlines()) == 1, second.stderr
        assert_every_request_reaches(first, backup_id)
        assert first.process.poll() is None
    finally:
        first.stop()


def test_a_port_held_by_another_program_is_refused_even_with_so_reuseport(tmp_path):
    """The kernel would let freezer-api share a SO_REUSEPORT listener of the same user."""
    port = free_port()
    with socket.socket() as other:
        other.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        other.bind(("127.0.0.1", port))
        other.listen()
        result = run_second_server(tmp_path / "refused", port)
    assert result.returncode == 1, result
    assert f"127.0.0.1:{port} is already in use by another process" in result.stderr, result.stderr


def test_two_servers_started_at_once_on_one_port_leave_exactly_one_serving(tmp_path):
    port = free_port()
    processes = []
    for name in ("a", "b"):
        directory = tmp_path / name
        directory.mkdir()
        config = directory / "freezer-api.conf"
        config.write_text(
            f"[DEFAULT]\nauth_strategy = noauth\nbind_port = {port}\nworkers = 2\n"
            f"[database]\nconnection = sqlite:///{directory / 'catalog.sqlite'}\n"
        )
        env = {**os.environ, "FREEZER_API_DATA_DIR": str(directory / "data")}
        env.pop("FREEZER_API_CONFIG_FILES", None)
        command = [sys.executable, "-m", "freezer_api.cmd.api", "--config-file", str(config)]
        processes.append(subprocess.Popen(command, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, env=env))
    try:
        deadline = time.monotonic() + 60
        while all(process.poll() is None for process in processes) and time.monotonic() < deadline:
            time.sleep(0.05)
        exited = [process for process in processes if process.poll() is not None]
        assert len(exited) == 1, "neither server refused the port"
        assert exited[0].returncode == 1
        assert "is already in use by another process" in exited[0].stderr.read().decode()
        serving = next(process for process in processes if process.poll() is None)
        wait_for_health(f"http://127.0.0.1:{port}", serving)
    finally:
        for process in processes:
            stop_by_pid(process)


def wait_for_health(url: str, process: subprocess.Popen, within: float = 60) -> None:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        assert process.poll() is None, "the serving freezer-api exited"
        try:
            if requests.get(url + "/healthcheck", timeout=2).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.05)
    raise AssertionError("the remaining freezer-api never answered")


def stop_by_pid(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=STOP_DEADLINE + GRACEFUL_SHUTDOWN_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    if process.stderr is not None:
        process.stderr.close()


# --- stopping ---------------------------------------------------------------


def processes_in_group(group_id: int) -> list[int]:
    """Live (not zombie) processes of a process group, from /proc."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        state, pgrp = fields[0], int(fields[2])
        if pgrp == group_id and state != "Z":
            found.append(int(entry.name))
    return found


def wait_until_gone(group_id: int, within: float) -> list[int]:
    deadline = time.monotonic() + within
    left = processes_in_group(group_id)
    while left and time.monotonic() < deadline:
        time.sleep(0.05)
        left = processes_in_group(group_id)
    return left


def idle_keep_alive_connections(server: LiveServer, count: int) -> list[socket.socket]:
    """Connections that each served one request and then stay open, idle."""
    host, port = server.url.removeprefix("http://").rsplit(":", 1)
    connections = []
    for _ in range(count):
        connection = socket.create_connection((host, int(port)), timeout=5)
        connection.sendall(b"GET /healthcheck HTTP/1.1\r\nHost: freezer\r\n\r\n")
        assert b" 200 " in connection.recv(4096).split(b"\r\n", 1)[0] + b" "
        connections.append(connection)
    return connections


def send_stop(server: LiveServer, how: str) -> None:
    group_id = server.process.pid
    if how == "SIGINT to the process group":  # Ctrl-C in the terminal of `make run`
        os.killpg(group_id, signal.SIGINT)
    elif how == "SIGTERM to the main process":  # systemd (KillMode=mixed), kill PID
        server.process.send_signal(signal.SIGTERM)
    elif how == "make demo's Ctrl-C":  # the terminal's SIGINT to all, then the demo's own SIGTERM
        os.killpg(group_id, signal.SIGINT)
        server.process.send_signal(signal.SIGTERM)
    else:
        raise ValueError(how)


STOPS = ["SIGINT to the process group", "SIGTERM to the main process", "make demo's Ctrl-C"]


@pytest.mark.parametrize("how", STOPS)
def test_a_stop_always_stops_every_process_even_with_idle_keep_alive_connections(tmp_path, how):
    """Intermittent before: about 1 stop in 5 left two processes serving for good."""
    rounds = 10 if how != "make demo's Ctrl-C" else 5
    for round_ in range(rounds):
        server = sqlite_server(tmp_path / f"round-{round_}", new_session=True, extra_config=GRACEFUL)
        group_id = server.process.pid
        connections = idle_keep_alive_connections(server, 4)
        try:
            assert len(processes_in_group(group_id)) == 3  # the server and its 2 workers
            started = time.monotonic()
            send_stop(server, how)
            try:
                server.process.wait(timeout=STOP_DEADLINE)
            except subprocess.TimeoutExpired:
                pytest.fail(f"round {round_}: still running {STOP_DEADLINE}s after the stop:\n{server.log()}")
            elapsed = time.monotonic() - started
            left = wait_until_gone(group_id, within=STOP_DEADLINE - elapsed)
            assert left == [], f"round {round_}: processes {left} outlived the stop:\n{server.log()}"
            assert server.process.returncode == 0, server.log()
        finally:
            for connection in connections:
                connection.close()
            for pid in processes_in_group(group_id):
                os.kill(pid, signal.SIGKILL)
            server.stop()


def test_workers_die_with_a_server_process_killed_outright(tmp_path):
    server = sqlite_server(tmp_path / "killed", new_session=True)
    group_id = server.process.pid
    try:
        assert len(processes_in_group(group_id)) == 3
        server.process.kill()
        server.process.wait(timeout=STOP_DEADLINE)
        left = wait_until_gone(group_id, within=STOP_DEADLINE)
        assert left == [], f"workers {left} outlived their server"
        with pytest.raises(requests.ConnectionError):
            requests.get(server.url + "/healthcheck", timeout=2)
    finally:
        for pid in processes_in_group(group_id):
            os.kill(pid, signal.SIGKILL)


@dataclass
class LoadOutcome:
    acknowledged: list[str] = field(default_factory=list)  # backup_name of each 201
    refused: list[str] = field(default_factory=list)  # backup_name of each request refused at connect
    # Accepted by the kernel, closed by the stopping server before it read the request.
    closed_unanswered: list[str] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def write_until_refused(url: str, outcome: LoadOutcome, stop_at: float) -> None:
    """POST backups, one connection each, until the server refuses connections (bounded by stop_at)."""
    headers = {"X-Auth-Token": PERSONAS["member_a"].token, "Connection": "close"}
    while time.monotonic() < stop_at:
        name = "load-" + uuid.uuid4().hex
        try:
            reply = requests.post(url + BACKUPS, json=backup_metadata(backup_name=name), headers=headers, timeout=30)
        except requests.ConnectionError as error:
            with outcome.lock:
                if "Connection refused" in str(error):
                    outcome.refused.append(name)
                elif "without response" in str(error) or "reset by peer" in str(error):
                    outcome.closed_unanswered.append(name)
                else:
                    outcome.unexpected.append(f"{name}: {error!r}")
            return
        with outcome.lock:
            if reply.status_code == 201:
                outcome.acknowledged.append(name)
            else:
                outcome.unexpected.append(f"{name}: {reply.status_code} {reply.text[:200]}")


def test_sigterm_under_load_drains_and_keeps_every_acknowledged_write(tmp_path, database, engine_name):
    """No 5xx, no acknowledged write lost, no unanswered write made.

    A connection the kernel accepted just before the stop may still be closed
    before granian reads its request (the client sees no answer and the write
    is not made); that is counted and reported, not hidden.
    """
    database.upgrade()
    server = start_server(tmp_path / "before", database_url=database.url, extra_config=GRACEFUL)
    outcome = LoadOutcome()
    stop_at = time.monotonic() + 60
    writers = [
        threading.Thread(target=write_until_refused, args=(server.url, outcome, stop_at), daemon=True) for _ in range(6)
    ]
    try:
        for writer in writers:
            writer.start()
        deadline = time.monotonic() + 30
        while len(outcome.acknowledged) < 60 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert len(outcome.acknowledged) >= 60, outcome.unexpected
        started = time.monotonic()
        server.process.send_signal(signal.SIGTERM)
        server.process.wait(timeout=STOP_DEADLINE)
        drain = time.monotonic() - started
        for writer in writers:
            writer.join(timeout=STOP_DEADLINE)
        assert not any(writer.is_alive() for writer in writers)
        assert server.process.returncode == 0, server.log()
    finally:
        server.stop()
    print(
        f"\n{engine_name}: SIGTERM to exit under load {drain:.2f}s; writes: {len(outcome.acknowledged)} acknowledged, "
        f"{len(outcome.refused)} refused at connect, {len(outcome.closed_unanswered)} closed before being read"
    )
    assert outcome.unexpected == [], outcome.unexpected
    assert drain < STOP_DEADLINE

    after = start_server(tmp_path / "after", database_url=database.url)
    try:
        member = as_persona(after, "member_a")
        for name in outcome.acknowledged:
            found = member.get(BACKUPS, {"match": [{"backup_name": name}]}).json()["backups"]
            assert len(found) == 1, f"acknowledged write {name} is lost"
        # Nothing the server started handling was cut off: a write without an answer was never made.
        for name in outcome.refused + outcome.closed_unanswered:
            assert member.get(BACKUPS, {"match": [{"backup_name": name}]}).json()["backups"] == []
    finally:
        after.stop()
