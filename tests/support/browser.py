"""A real headless Chromium (Debian's), driven by the Python playwright package.

playwright's own browser download cannot run here; it drives the system
Chromium given as executable_path. The browser is installed with apt-get
when missing (as CI runs as root), never fetched by playwright.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")

# The flags the issue names: no sandbox (root in a container), no GPU, and
# nothing that talks to the network by itself.
FLAGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)

# Screenshots of every page, for people to look at (git-ignored).
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"


def ensure_chromium() -> Path:
    """/usr/bin/chromium, installed from Debian's packages when it is missing."""
    if CHROMIUM.exists():
        return CHROMIUM
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        raise RuntimeError(f"{CHROMIUM} is missing: install it with `apt-get install -y chromium` (as root)")
    environment = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = ["apt-get", "install", "-y", "--no-install-recommends", "chromium"]
    if subprocess.run(install, env=environment, capture_output=True).returncode != 0:
        subprocess.run(["apt-get", "update"], env=environment, check=True, capture_output=True)
        subprocess.run(install, env=environment, check=True, capture_output=True)
    return CHROMIUM


def screenshot(target, name: str) -> Path:
    """A PNG of a page (all of it) or of one element (a playwright Locator)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    if hasattr(target, "goto"):
        target.screenshot(path=str(path), full_page=True)
    else:
        target.screenshot(path=str(path))
    return path
