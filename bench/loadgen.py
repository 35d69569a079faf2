"""Drive one scenario with wrk and its Lua script; sample the server's memory meanwhile."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from bench import profiles
from bench.processes import MemorySampler, Server, memory_mib, wait_idle

LUA_DIR = Path(__file__).resolve().parent / "lua"
MARKER = "BENCH_JSON "

SCENARIOS = (
    "get_backup",
    "list_backups",
    "search_backups",
    "agent_poll",
    "create_backup",
    "register_client",
    "job_session_cycle",
)
# Scenarios whose requests follow each other on a connection: one connection per wrk thread.
SEQUENTIAL = {"job_session_cycle"}
# wrk threads for the other scenarios: two keep the 2-core machine's load generator light.
WRK_THREADS = 2


@dataclass
class Load:
    connections: int
    duration: float
    warmup: float
    timeout: float = 30.0


def wrk_binary() -> str:
    found = shutil.which("wrk")
    if not found:
        raise SystemExit("wrk is not installed: apt-get install wrk")
    return found


def _wrk(server: Server, scenario: str, data_dir: Path, project_id: str, load: Load, seconds: float) -> dict:
    threads = load.connections if scenario in SEQUENTIAL else min(WRK_THREADS, load.connections)
    nonce = str(time.time_ns() // 1_000_000 % 10**12)
    command = [
        wrk_binary(),
        f"-t{threads}",
        f"-c{load.connections}",
        f"-d{max(1, round(seconds))}s",
        f"--timeout={load.timeout:g}s",
        "-s",
        str(LUA_DIR / f"{scenario}.lua"),
        server.url,
        "--",
        f"project={project_id}",
        f"data={data_dir}",
        f"threads={threads}",
        f"nonce={nonce}",
    ]
    env = {**os.environ, "LUA_PATH": f"{LUA_DIR}/?.lua;;"}
    finished = subprocess.run(command, capture_output=True, text=True, env=env)
    for line in finished.stdout.splitlines():
        if line.startswith(MARKER):
            result = json.loads(line[len(MARKER) :])
            result["wrk"] = {"threads": threads, "connections": load.connections}
            return result
    raise RuntimeError(f"wrk gave no summary for {scenario}:\n{finished.stdout}\n{finished.stderr}")


def run_scenario(
    server: Server, scenario: str, data_dir: Path, project_id: str, load: Load, *, profile: Path | None = None
) -> dict:
    """Warm up, measure, then wait for the server to finish what wrk left queued (the original queues).

    With `profile`, py-spy samples the server during the measurement and writes its stacks there.
    """
    if load.warmup > 0:
        _wrk(server, scenario, data_dir, project_id, load, load.warmup)
        wait_idle(server.pid)
    spy = profiles.record(server, profile, load.duration) if profile else None
    with MemorySampler(server.pid) as sampler:
        result = _wrk(server, scenario, data_dir, project_id, load, load.duration)
    if spy:
        spy.wait()
    after = memory_mib(server.pid)
    result["drain_s"] = round(wait_idle(server.pid), 1)
    result["memory"] = {**after, "peak_total_mib": sampler.peak_total_mib, "peak_largest_mib": sampler.peak_largest_mib}
    return summarize(scenario, result)


def summarize(scenario: str, raw: dict) -> dict:
    statuses = {int(code): count for code, count in raw["statuses"].items()}
    ok = sum(count for code, count in statuses.items() if 200 <= code < 300)
    # wrk's "status" error count repeats the non-2xx/3xx responses already counted.
    socket_errors = {kind: count for kind, count in raw["socket_errors"].items() if kind != "status"}
    percentiles = raw["latency_ms"]["percentiles"]
    return {
        "scenario": scenario,
        "requests": raw["requests"],
        "duration_s": raw["duration_s"],
        "req_per_s": round(raw["requests"] / raw["duration_s"], 1),
        "p50_ms": round(percentiles["50"], 2),
        "p90_ms": round(percentiles["90"], 2),
        "p99_ms": round(percentiles["99"], 2),
        "errors": raw["requests"] - ok + sum(socket_errors.values()),
        "error_statuses": {str(code): count for code, count in sorted(statuses.items()) if not 200 <= code < 300},
        "socket_errors": socket_errors,
        "counters": raw["counters"],
        "memory": raw["memory"],
        "drain_s": raw["drain_s"],
        "wrk": raw["wrk"],
    }
