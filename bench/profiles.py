"""Where a server spends its time under load: py-spy samples its workers while wrk runs.

`record` starts py-spy on the server's process tree; `summarize` reads the
collapsed stacks it wrote and lists the functions that hold the most samples,
by their own time and including what they call. Idle threads are left out
(py-spy's default), so the shares are of busy time.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

from bench.processes import Server

TOP = 15


def py_spy() -> str:
    found = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    if not Path(found).exists():
        raise SystemExit("--profile needs py-spy: pip install -e '.[bench]'")
    return found


def record(server: Server, output: Path, seconds: float) -> subprocess.Popen:
    output.parent.mkdir(parents=True, exist_ok=True)
    command = [
        py_spy(),
        "record",
        "--pid",
        str(server.pid),
        "--subprocesses",
        "--nonblocking",
        "--format",
        "raw",
        "--duration",
        str(max(1, round(seconds))),
        "--output",
        str(output),
    ]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _frames(stack: str) -> list[str]:
    # py-spy raw lines: "process;thread;frame (file:line);...;frame (file:line) count"; drop line numbers.
    frames = [frame for frame in stack.split(";") if "(" in frame]
    return [frame.rsplit(":", 1)[0] + ")" if ":" in frame else frame for frame in frames]


def summarize(collapsed: Path, top: int = TOP) -> str:
    own: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    total = 0
    for line in collapsed.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        frames = _frames(stack)
        if not frames:
            continue
        samples = int(count)
        total += samples
        own[frames[-1]] += samples
        for frame in set(frames):
            inclusive[frame] += samples
    if not total:
        return f"{collapsed.name}: no samples"
    lines = [f"{collapsed.stem}: {total} samples of busy threads", "  own time:"]
    lines += [f"    {100 * n / total:5.1f}%  {frame}" for frame, n in own.most_common(top)]
    lines.append("  including callees (freezer_api only):")
    ours = [(frame, n) for frame, n in inclusive.most_common() if "freezer_api" in frame][:top]
    lines += [f"    {100 * n / total:5.1f}%  {frame}" for frame, n in ours]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    for path in argv if argv is not None else sys.argv[1:]:
        print(summarize(Path(path)))
        print()


if __name__ == "__main__":
    main()
