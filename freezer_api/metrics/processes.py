"""The multiprocess directory of prometheus_client, owned by freezer-api.

Each worker process writes its counters and histograms to memory-mapped
files in this directory, named after its process id; a scrape served by any
worker sums all of them. A worker that restarts leaves its files behind, so
what it counted stays in the sums: nothing resets and nothing is counted
twice. freezer-api empties the directory when it starts (stale files of a
previous server would be added to the new one's counts) and, when it made
the directory itself, removes it when it stops.

prometheus_client decides at import time whether it runs in multiprocess
mode, from PROMETHEUS_MULTIPROC_DIR: freezer-api sets it before anything
imports prometheus_client, and its workers inherit it.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

ENV = "PROMETHEUS_MULTIPROC_DIR"


class Directory:
    """The directory of one freezer-api server; `release()` when the server stops."""

    def __init__(self, path: Path, *, owned: bool):
        self.path = path
        self.owned = owned

    def release(self) -> None:
        if self.owned:
            shutil.rmtree(self.path, ignore_errors=True)


def prepare_directory(configured: str | None) -> Directory:
    """Make (or empty) the directory and name it in the environment the workers inherit."""
    if configured:
        path = Path(configured)
        path.mkdir(parents=True, exist_ok=True)
        for stale in path.glob("*.db"):
            stale.unlink()
        directory = Directory(path, owned=False)
    else:
        directory = Directory(Path(tempfile.mkdtemp(prefix="freezer-api-metrics-")), owned=True)
    os.environ[ENV] = str(directory.path)
    return directory


def multiprocess_mode() -> bool:
    return bool(os.environ.get(ENV))
