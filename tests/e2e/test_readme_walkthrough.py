"""The README's "Back up and restore a directory in five minutes", run as written.

`make demo` is replaced by its parts (the files it writes, for this suite's
Keystone and freezer-api); every command after it is taken from the README
and run by bash, in order, in a directory of the test. It runs twice in the
same directory, against the same freezer-api, as a reader repeating it in
one clone would: the second run must succeed as the first did.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
from pathlib import Path

from tests.support.demo_cloud import write_demo_files
from tests.support.freezer_agents import host_environment

README = Path(__file__).resolve().parents[2] / "README.md"
SECTION = "## Back up and restore a directory in five minutes"
TIMEOUT = 300


def walkthrough_commands() -> str:
    """The section's shell blocks after `make demo`."""
    text = README.read_text()
    start = text.index(SECTION)
    end = text.find("\n## ", start + len(SECTION))
    blocks = re.findall(r"^```sh\n(.*?)^```$", text[start:end], flags=re.S | re.M)
    assert blocks and blocks[0].strip() == "make demo", blocks
    return "".join(blocks[1:])


def test_the_readme_walkthrough_backs_up_and_restores_and_can_be_repeated(e2e_cloud, e2e_api, freezer_venv, tmp_path):
    write_demo_files(tmp_path / "demo", e2e_cloud, freezer_venv)
    script = "set -e\n" + walkthrough_commands()
    for run in ("first", "second"):
        _run_walkthrough(script, tmp_path, run)


def test_the_walkthrough_waits_fail_clearly_without_openrc(tmp_path):
    """Without `. demo/openrc` the first wait gives up at once and says why, instead of spinning."""
    (tmp_path / "demo").mkdir()
    (tmp_path / "demo" / "openrc").write_text("# credentials forgotten\n")
    env = {key: value for key, value in host_environment(tmp_path).items() if key != "PATH"}
    env["PATH"] = "/usr/bin:/bin"
    shell = subprocess.run(
        ["bash", "-c", "set -e\n" + walkthrough_commands()],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=60,
    )
    assert shell.returncode != 0, shell.stdout + shell.stderr
    assert "run '. demo/openrc' in this shell" in shell.stderr, shell.stderr


def _run_walkthrough(script: str, tmp_path: Path, run: str) -> None:
    # Its own session: whatever the script starts is in the process group of this bash, stopped below.
    shell = subprocess.Popen(
        ["bash", "-c", script],
        cwd=tmp_path,
        env=host_environment(tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        text=True,
        start_new_session=True,
    )
    try:
        output, _ = shell.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        shell.kill()
        output, _ = shell.communicate()
    finally:
        _stop_group(shell.pid)
    logs = "".join(
        f"\n--- {path} ---\n{path.read_text(errors='replace')[-6000:]}"
        for path in (tmp_path / "demo" / "scheduler.out", tmp_path / "demo" / "scheduler" / "scheduler.log")
        if path.exists()
    )
    assert shell.returncode == 0, f"{run} run:\n{output}{logs}"
    assert "demo/restored is demo/source, byte for byte" in output, f"{run} run:\n{output}"
    assert re.search(r"\| Status +\| completed +\|\n\| Result +\| success +\|", output), f"{run} run:\n{output}"


def _stop_group(group: int, grace: float = 30.0) -> None:
    """Stop what is left of the process group led by the shell this test started: the scheduler on its way
    out after `kill $SCHEDULER_PID`, or still running if the script failed before it."""
    if not _signal_group(group, signal.SIGTERM):
        return
    deadline = time.monotonic() + grace
    while _signal_group(group, 0):
        if time.monotonic() > deadline:
            _signal_group(group, signal.SIGKILL)
            return
        time.sleep(0.2)


def _signal_group(group: int, number: int) -> bool:
    """Send the signal; False once no process of the group is left."""
    try:
        os.killpg(group, number)
    except ProcessLookupError:
        return False
    return True
