"""Which WSGI server `freezer-api` serves through: the bare Falcon app of bench/ceiling.py under each.

Every server gets the same app (one fixed JSON document for every GET), the
same number of worker processes, and the same wrk load, one server after the
other. gunicorn and uWSGI are not dependencies of the project: pass a
virtualenv that has them (and falcon), for instance

    python3 -m venv /tmp/servers && /tmp/servers/bin/pip install falcon gunicorn uwsgi
    .venv/bin/python -m bench.server_choice --servers-venv /tmp/servers

granian runs from this project's own environment, with the options
`freezer-api` uses.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from bench import processes
from bench.ceiling import DOCUMENT_ENV
from bench.loadgen import wrk_binary
from bench.servers import uwsgi_command
from freezer_api.conf.api import DEFAULT_THREADS_PER_WORKER

ROOT = Path(__file__).resolve().parent.parent
# A backup document as freezer-agent reports it, about the size get_backup answers with.
DOCUMENT = {
    "backup_id": "9a0c1b2e3d4f4a5b8c7d6e5f4a3b2c1d",
    "user_id": "d0e1f2a3b4c5d6e7f8a9b0c1d2e3f4a5",
    "user_name": "admin",
    "backup_metadata": {
        "action": "backup",
        "always_level": "",
        "backup_media": "fs",
        "backup_name": "nightly-etc",
        "client_os": "linux",
        "client_version": "19.0.0",
        "compression": "gzip",
        "container": "/backups/etc",
        "curr_backup_level": 0,
        "engine_name": "tar",
        "fs_real_path": "/etc",
        "hostname": "host-0042",
        "level": 0,
        "max_level": "",
        "mode": "fs",
        "path_to_backup": "/etc",
        "storage": "local",
        "time_stamp": 1764400000,
        "container_segments": "",
        "dry_run": "",
        "consistency_checksum": "",
        "vol_snap_path": "/etc",
        "status": "completed",
        "total_broken_links": 0,
        "total_fs_files": 1234,
        "total_directories": 210,
        "backup_size_uncompressed": 10485760,
        "backup_size_compressed": 2097152,
    },
}


def _commands(name: str, port: int, workers: int, threads: int, venv: Path) -> list[str]:
    address = f"127.0.0.1:{port}"
    if name == "granian":
        return [
            sys.executable,
            "-m",
            "bench.ceiling",
            os.environ[DOCUMENT_ENV],
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--threads",
            str(threads),
        ]
    if name == "gunicorn-sync":
        return [
            str(venv / "bin" / "gunicorn"),
            "--bind",
            address,
            "--workers",
            str(workers),
            "--worker-class",
            "sync",
            "bench.ceiling:build_application()",
        ]
    if name == "gunicorn-gthread":
        return [
            str(venv / "bin" / "gunicorn"),
            "--bind",
            address,
            "--workers",
            str(workers),
            "--worker-class",
            "gthread",
            "--threads",
            str(threads),
            "bench.ceiling:build_application()",
        ]
    if name == "uwsgi":
        return uwsgi_command(
            venv / "bin" / "uwsgi", port, workers=workers, threads=threads, module="bench.ceiling:application"
        )
    raise ValueError(name)


def _wrk(url: str, connections: int, seconds: int) -> dict:
    out = subprocess.run(
        [wrk_binary(), f"-t{min(2, connections)}", f"-c{connections}", f"-d{seconds}s", "--latency", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: (.*)", out)

    def percentile(p: str) -> float:
        value, unit = re.search(rf"^\s+{p}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M).groups()
        return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

    return {
        "req_s": round(rate),
        "p50_ms": percentile("50"),
        "p99_ms": percentile("99"),
        "non_2xx": int(errors.group(1)) if errors else 0,
        "socket_errors": socket_errors.group(1) if socket_errors else "",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--servers-venv", type=Path, required=True, help="a virtualenv with gunicorn and uwsgi")
    parser.add_argument("--servers", nargs="+", default=["granian", "gunicorn-sync", "gunicorn-gthread", "uwsgi"])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--threads", type=int, default=DEFAULT_THREADS_PER_WORKER, help="threads per worker where the server has them"
    )
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=2, help="each server this many times, interleaved")
    args = parser.parse_args()

    run_dir = Path(tempfile.mkdtemp(prefix="server-choice-"))
    document = run_dir / "document.json"
    document.write_text(json.dumps(DOCUMENT))
    os.environ[DOCUMENT_ENV] = str(document)
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    results: dict[str, list[dict]] = {name: [] for name in args.servers}
    for round_ in range(args.rounds):
        for name in args.servers:
            port = processes.free_port()
            command = _commands(name, port, args.workers, args.threads, args.servers_venv)
            server = processes.start(name, command, port=port, log_file=run_dir / f"{name}.log")
            try:
                _wrk(server.url + "/", args.connections, args.warmup)
                result = _wrk(server.url + "/", args.connections, args.duration)
            finally:
                server.stop()
            results[name].append(result)
            print(f"round {round_ + 1} {name}: {result}", flush=True)
    print(
        f"\n{args.workers} workers, {args.threads} threads where the server has them, "
        f"wrk -c{args.connections} -d{args.duration}s, best of {args.rounds}"
    )
    print("| server | req/s | p50 / p99 ms |\n| --- | --- | --- |")
    for name, runs in results.items():
        best = max(runs, key=lambda r: r["req_s"])
        print(f"| {name} | {best['req_s']:,} | {best['p50_ms']:g} / {best['p99_ms']:g} |")


if __name__ == "__main__":
    main()
