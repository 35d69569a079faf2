"""Tables of a benchmark run: per server, side by side with ratios, and the ceiling.

python -m bench.report bench/results/20261129-030000.json
"""

from __future__ import annotations

import json
import sys


def _errors(row: dict) -> str:
    if not row["errors"]:
        return "0"
    parts = [f"{count}x{status}" for status, count in row["error_statuses"].items()]
    parts += [f"{count} {kind}" for kind, count in row["socket_errors"].items() if count]
    return f"{row['errors']} ({', '.join(parts)})"


def _table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def _rate(row: dict) -> str:
    if not row["requests"]:
        return f"< {1 / row['duration_s']:.2f} (none answered in {row['duration_s']:.0f} s)"
    return f"{row['req_per_s']:,.1f}"


def _ms(row: dict, key: str) -> str:
    return f"{row[key]:,.1f}" if row["requests"] else "-"


def _p99(row: dict) -> str:
    return _ms(row, "p99_ms")


def server_table(target: dict) -> str:
    rows = [
        [
            row["scenario"],
            _rate(row),
            _ms(row, "p50_ms"),
            _ms(row, "p90_ms"),
            _p99(row),
            _errors(row),
            f"{row['memory']['peak_total_mib']:.0f}",
            f"{row['memory']['peak_largest_mib']:.0f}",
        ]
        for row in target["scenarios"]
    ]
    header = [
        "scenario",
        "req/s",
        "p50 ms",
        "p90 ms",
        "p99 ms",
        "errors",
        "RSS total MiB (peak)",
        "RSS largest process MiB (peak)",
    ]
    idle = target.get("memory_at_start", {})
    note = (
        f"RSS right after start: {idle.get('total_mib', '?')} MiB in {idle.get('processes', '?')} processes "
        f"{idle.get('per_process_mib', '')}"
    )
    return _table(header, rows) + "\n\n" + note


def comparison_table(ours: dict, original: dict) -> str:
    theirs = {row["scenario"]: row for row in original["scenarios"]}
    rows = []
    for row in ours["scenarios"]:
        other = theirs.get(row["scenario"])
        if other is None:
            continue
        if other["requests"]:
            ratio = f"**{row['req_per_s'] / other['req_per_s']:,.1f}x**"
        else:  # not one answer within the measurement: under 1 per duration
            ratio = f"**> {row['req_per_s'] * other['duration_s']:,.0f}x**"
        rows.append(
            [
                row["scenario"],
                f"{row['req_per_s']:,.1f}",
                _rate(other),
                ratio,
                _p99(row),
                _p99(other),
                _errors(row),
                _errors(other),
            ]
        )
    header = [
        "scenario",
        "ours req/s",
        "original req/s",
        "ratio",
        "ours p99 ms",
        "original p99 ms",
        "ours errors",
        "original errors",
    ]
    return _table(header, rows)


def ceiling_line(ours: dict, ceiling: dict, wsgi_server: str) -> str:
    get = next((row for row in ours["scenarios"] if row["scenario"] == "get_backup"), None)
    bare = ceiling["scenarios"][0]
    line = (
        f"Ceiling (bare Falcon app, same document, {wsgi_server}): "
        f"{bare['req_per_s']:,.0f} req/s, p99 {bare['p99_ms']:.1f} ms"
    )
    if get:
        line += f"; get_backup reaches {100 * get['req_per_s'] / bare['req_per_s']:.0f}% of it"
    return line


def render(result: dict) -> str:
    options = result["options"]
    parts = [
        (
            f"# {result['date']}: {options['size']:,} backups, {options['engine']}, "
            f"concurrency {options['concurrency']}, "
            f"{options['duration']} s per scenario after {options['warmup']} s warm-up, {options['workers']} workers"
        ),
        f"machine: {result['machine']}",
    ]
    if options.get("options"):
        parts.append(f"our server's options: {options['options']}")
    targets = result["targets"]
    for name in ("ours", "original"):
        if name in targets:
            parts += [f"## {name}", server_table(targets[name])]
    if "ours" in targets and "original" in targets:
        parts += ["## ours / original", comparison_table(targets["ours"], targets["original"])]
    if "ceiling" in targets:
        parts += [
            "## ceiling",
            ceiling_line(
                targets.get("ours", {"scenarios": []}), targets["ceiling"], options.get("wsgi_server", "granian")
            ),
        ]
    return "\n\n".join(parts) + "\n"


def main(argv: list[str] | None = None) -> None:
    for path in argv if argv is not None else sys.argv[1:]:
        with open(path) as results:
            print(render(json.load(results)))


if __name__ == "__main__":
    main()
