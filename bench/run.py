"""Run the benchmark: preload, start the servers, run every scenario with wrk, stop them.

    python -m bench.run                      # ours, SQLite, 10,000 backups, 16 connections
    python -m bench.run --original           # the original freezer-api 19.0.0 under uWSGI
    python -m bench.run --compare            # ours, the original and the ceiling, with ratios
    python -m bench.run --size 100000 --engine postgresql+psycopg://postgres@127.0.0.1/bench

Results: a JSON file in bench/results/ and the tables on standard output.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import sys
import time
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from bench import loadgen, prepare, profiles, report, servers
from bench.dataset import PROJECT_ID
from bench.loadgen import SCENARIOS, Load
from bench.processes import Server, memory_mib

RESULTS_DIR = servers.BENCH_DIR / "results"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.splitlines()[0])
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--original", action="store_true", help="run against the original freezer-api 19.0.0 only")
    which.add_argument("--compare", action="store_true", help="ours, the original and the ceiling, interleaved")
    parser.add_argument("--ceiling", action="store_true", help="also measure the bare Falcon app (with ours)")
    parser.add_argument("--size", type=int, default=10_000, help="backups preloaded (default 10000)")
    parser.add_argument("--concurrency", "-c", type=int, default=16, help="open connections (default 16)")
    parser.add_argument("--duration", "-d", type=float, default=10, help="seconds per scenario (default 10)")
    parser.add_argument("--warmup", type=float, default=2, help="seconds of warm-up per scenario (default 2)")
    parser.add_argument("--workers", type=int, default=2, help="worker processes of our server (default 2)")
    parser.add_argument(
        "--engine",
        default="sqlite",
        help="sqlite (default, a file per run) or a SQLAlchemy URL of an empty database for ours",
    )
    parser.add_argument("--scenarios", default=",".join(SCENARIOS), help="comma-separated subset")
    parser.add_argument("--fresh", action="store_true", help="preload again instead of reusing bench/.data")
    parser.add_argument(
        "--profile", action="store_true", help="sample our server with py-spy during each scenario (slows it down)"
    )
    parser.add_argument(
        "--set",
        dest="options",
        action="append",
        default=[],
        metavar="GROUP.OPTION=VALUE",
        help="an option of our server's configuration, e.g. api.threads_per_worker=4 (repeatable)",
    )
    parser.add_argument(
        "--wsgi-server",
        choices=["granian", "uwsgi"],
        default="granian",
        help="serve ours through freezer-api's granian (default) or uWSGI (the original's venv has it)",
    )
    parser.add_argument("--label", default="", help="added to the result file name")
    args = parser.parse_args(argv)
    try:
        args.options = dict(option.split("=", 1) for option in args.options)
    except ValueError:
        parser.error("--set takes GROUP.OPTION=VALUE")
    args.scenarios = [name.strip() for name in args.scenarios.split(",") if name.strip()]
    unknown = set(args.scenarios) - set(SCENARIOS)
    if unknown:
        parser.error(f"unknown scenarios: {', '.join(sorted(unknown))}")
    if (args.original or args.compare) and args.engine != "sqlite":
        parser.error("the original is measured on SQLite only")
    args.targets = ["original"] if args.original else ["ours", "original", "ceiling"] if args.compare else ["ours"]
    if args.ceiling and args.original:
        parser.error("the ceiling answers with a document of our server: run it with ours")
    if args.ceiling and "ceiling" not in args.targets:
        args.targets.append("ceiling")
    return args


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def machine() -> str:
    load = os.getloadavg()
    return f"{platform.node()}, {os.cpu_count()} CPUs, load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} at start"


@dataclass
class Target:
    """A running server, the data its scenarios read, and what was measured so far."""

    name: str
    server: Server
    files: Path
    result: dict


def start_targets(args: argparse.Namespace, run_dir: Path, stack: ExitStack) -> list[Target]:
    """Preload and start every server; all of them stay up, idle, while the others are measured."""
    targets = []
    for name in args.targets:
        if name == "ceiling":
            continue
        data = prepare.prepare(name, args.size, args.engine, run_dir, fresh=args.fresh, progress=say)
        if name == "ours":
            server = servers.start_ours(
                run_dir, data.database_url, workers=args.workers, options=args.options, wsgi_server=args.wsgi_server
            )
        else:
            server = servers.start_original(run_dir, data.database_url)
        stack.callback(_stop, server, run_dir)
        result = {"preload": data.manifest, "memory_at_start": memory_mib(server.pid), "scenarios": []}
        targets.append(Target(name, server, data.files, result))
    if "ceiling" in args.targets:
        ours = targets[0]
        document = run_dir / "ceiling-document.json"
        _save_backup_document(ours.server, ours.files, document)
        server = servers.start_ceiling(
            run_dir,
            document,
            workers=args.workers,
            threads=servers.threads_per_worker(args.options),
            wsgi_server=args.wsgi_server,
        )
        stack.callback(server.stop)
        result = {"document_bytes": document.stat().st_size, "memory_at_start": memory_mib(server.pid), "scenarios": []}
        targets.append(Target("ceiling", server, ours.files, result))
    return targets


def _stop(server: Server, run_dir: Path) -> None:
    server.stop()
    for copy in run_dir.glob(f"{server.name}.sqlite*"):  # a 1M-backup copy is gigabytes
        copy.unlink()


def measure(targets: list[Target], args: argparse.Namespace) -> None:
    """Scenario by scenario, each server in turn: drift of a shared machine hits them alike."""
    load = Load(args.concurrency, args.duration, args.warmup)
    for scenario in args.scenarios:
        for target in targets:
            if target.name == "ceiling" and scenario != "get_backup":
                continue
            profile = args.run_dir / "profiles" / f"{scenario}.txt" if args.profile and target.name == "ours" else None
            row = loadgen.run_scenario(target.server, scenario, target.files, PROJECT_ID, load, profile=profile)
            if profile:
                say(profiles.summarize(profile))
            say(
                f"{target.name:>9} {scenario:<18} {row['req_per_s']:>9,.1f} req/s  p99 {row['p99_ms']:>8.1f} ms  "
                f"errors {row['errors']}  RSS {row['memory']['total_mib']:.0f} MiB"
            )
            target.result["scenarios"].append(row)


def _save_backup_document(server: Server, data_dir: Path, path: Path) -> None:
    """One backup exactly as our server answers GET: the ceiling answers with the same bytes."""
    backup_id = (data_dir / "backup_ids.txt").read_text().split("\n", 1)[0]
    host, port = server.url.split("//", 1)[1].split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=10)
    headers = {"X-User-Id": "bench-user", "X-Project-Id": PROJECT_ID, "X-Roles": "reader"}
    conn.request("GET", f"/v2/{PROJECT_ID}/backups/{backup_id}", headers=headers)
    response = conn.getresponse()
    body = response.read()
    conn.close()
    if response.status != 200:
        raise RuntimeError(f"GET of a preloaded backup answered {response.status}: {body[:200]!r}")
    path.write_bytes(body)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    loadgen.wrk_binary()
    stamp = time.strftime("%Y%m%d-%H%M%S")
    run_dir = RESULTS_DIR / "runs" / stamp
    run_dir.mkdir(parents=True, exist_ok=True)
    args.run_dir = run_dir
    result = {
        "date": time.strftime("%Y-%m-%d %H:%M:%S %z"),
        "machine": machine(),
        "options": {
            key: getattr(args, key)
            for key in (
                "size",
                "concurrency",
                "duration",
                "warmup",
                "workers",
                "wsgi_server",
                "engine",
                "targets",
                "options",
            )
        },
        "targets": {},
    }
    result["options"]["engine"] = prepare.display_url(args.engine)
    with ExitStack() as stack:
        targets = start_targets(args, run_dir, stack)
        measure(targets, args)
    result["targets"] = {target.name: target.result for target in targets}
    label = f"-{args.label}" if args.label else ""
    out = RESULTS_DIR / f"{stamp}-{'-'.join(args.targets)}-{args.size}{label}.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(report.render(result))
    say(f"results: {out}")


if __name__ == "__main__":
    main()
