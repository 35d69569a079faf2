"""Server processes: start, wait until they answer, measure memory, stop by PID."""

from __future__ import annotations

import contextlib
import http.client
import os
import signal
import socket
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

READY_TIMEOUT = 90.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        # The command name may hold spaces: fields start after its closing ")".
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        tree.setdefault(ppid, []).append(int(entry))
    return tree


def process_tree(pid: int) -> list[int]:
    tree = _children()
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(tree.get(current, []))
    return found


def rss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def memory_mib(pid: int) -> dict[str, float]:
    """RSS of every process of the server, summed, and of its largest process."""
    sizes = [rss_kib(p) for p in process_tree(pid)]
    return {
        "total_mib": round(sum(sizes) / 1024, 1),
        "largest_mib": round(max(sizes, default=0) / 1024, 1),
        "processes": len(sizes),
        "per_process_mib": sorted((round(s / 1024, 1) for s in sizes), reverse=True),
    }


def cpu_seconds(pid: int) -> float:
    """CPU time used so far by the server's processes."""
    total = 0
    for p in process_tree(pid):
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


def wait_idle(pid: int, *, busy_below: float = 0.05, window: float = 1.0, timeout: float = 300.0) -> float:
    """Wait until the server uses under `busy_below` of a core: it has drained the last scenario's backlog.

    Returns the seconds waited.
    """
    started = time.monotonic()
    before = cpu_seconds(pid)
    while time.monotonic() - started < timeout:
        time.sleep(window)
        now = cpu_seconds(pid)
        if now - before < busy_below * window:
            break
        before = now
    return time.monotonic() - started


@dataclass
class MemorySampler:
    """Samples the server's memory in the background while a scenario runs."""

    pid: int
    interval: float = 0.5
    peak_total_mib: float = 0.0
    peak_largest_mib: float = 0.0
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def __enter__(self) -> MemorySampler:
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            sample = memory_mib(self.pid)
            self.peak_total_mib = max(self.peak_total_mib, sample["total_mib"])
            self.peak_largest_mib = max(self.peak_largest_mib, sample["largest_mib"])


@dataclass
class Server:
    """A server process we started; `stop` signals exactly that PID."""

    name: str
    url: str
    process: subprocess.Popen
    log_file: Path

    @property
    def pid(self) -> int:
        return self.process.pid

    def wait_ready(self, path: str = "/") -> None:
        deadline = time.monotonic() + READY_TIMEOUT
        host, port = self.url.split("//", 1)[1].split(":")
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.process.returncode}; see {self.log_file}")
            try:
                conn = http.client.HTTPConnection(host, int(port), timeout=2)
                conn.request("GET", path)
                conn.getresponse().read()
                conn.close()
                return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"{self.name} did not answer within {READY_TIMEOUT:.0f} s; see {self.log_file}")

    def stop(self) -> None:
        """SIGTERM to our process; then SIGKILL to any of its workers still alive."""
        if self.process.poll() is not None:
            return
        workers = [p for p in process_tree(self.pid) if p != self.pid]
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=20)
        for pid in workers:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


def start(
    name: str, command: list[str], *, port: int, log_file: Path, env: dict | None = None, ready_path: str = "/"
) -> Server:
    log_file.parent.mkdir(parents=True, exist_ok=True)
    with open(log_file, "wb") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})})
    server = Server(name, f"http://127.0.0.1:{port}", process, log_file)
    server.wait_ready(ready_path)
    return server
