"""freezer-manage db import-upstream's progress: a bar on a terminal, plain lines elsewhere."""

from __future__ import annotations

import io

from freezer_api.cmd.import_upstream import ProgressOutput


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_terminal_gets_one_bar_per_kind_redrawn_in_place():
    stream = Terminal()
    progress = ProgressOutput(stream)
    for done in (0, 500, 1000):
        progress("backups", done, 1000)
    text = stream.getvalue()
    assert text.count("\r") == 3 and text.endswith("\n")
    assert "[" + "#" * 15 + "-" * 15 + "] 500/1000" in text
    assert "[" + "#" * 30 + "] 1000/1000" in text


def test_elsewhere_plain_lines_at_the_start_the_end_and_now_and_then():
    stream = io.StringIO()
    progress = ProgressOutput(stream)
    for done in range(0, 1001, 100):
        progress("jobs", done, 1000)
    lines = stream.getvalue().splitlines()
    assert "\r" not in stream.getvalue()
    assert lines[0] == "jobs: 0/1000 rows read" and lines[-1] == "jobs: 1000/1000 rows read"
    assert len(lines) < 11  # not a line per update
