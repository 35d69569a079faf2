"""Virtual environments the tests run other projects' programs from (Keystone, freezer).

Each is installed from PyPI with a pinned requirements file into the user's
cache directory, once per set of pins and Python version, and reused by every
later run (parallel runs wait for the one that installs).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

CACHE_DIR_ENV = "FREEZER_TEST_CACHE_DIR"
INSTALL_TIMEOUT = 1800.0


def cache_root() -> Path:
    override = os.environ.get(CACHE_DIR_ENV)
    if override:
        return Path(override)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "freezer-api-tests"


def digest(*parts: bytes) -> str:
    return hashlib.sha256(b"\0".join(parts)).hexdigest()[:12]


def pinned_venv(name: str, requirements: Path) -> Path:
    """Where the venv of these pins lives: a new pin is a new directory."""
    version = f"py{sys.version_info[0]}{sys.version_info[1]}"
    return cache_root() / f"{name}-{version}-{digest(requirements.read_bytes())}"


@contextlib.contextmanager
def exclusive(venv: Path):
    """One test run at a time builds a cached venv (parallel CI runs share it)."""
    venv.parent.mkdir(parents=True, exist_ok=True)
    with open(venv.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def ensure_installed(venv: Path, requirements: Path) -> None:
    """Create the venv and install the pins, unless a finished install is there. Hold `exclusive(venv)`."""
    if (venv / ".installed").exists():
        return
    shutil.rmtree(venv, ignore_errors=True)
    log = venv.parent / f"{venv.name}.install.log"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    with open(log, "wb") as out:
        result = subprocess.run(
            [str(venv / "bin" / "python"), "-m", "pip", "install", "--no-input", "-r", str(requirements)],
            stdout=out,
            stderr=subprocess.STDOUT,
            timeout=INSTALL_TIMEOUT,
        )
    if result.returncode != 0:
        raise RuntimeError(f"installing {requirements.name} failed (exit {result.returncode}), see {log}:\n{tail(log)}")
    (venv / ".installed").write_text("ok\n")


def tail(path: Path, size: int = 4000) -> str:
    return path.read_text(errors="replace")[-size:]
