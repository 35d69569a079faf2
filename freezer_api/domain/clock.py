"""The time the domain stamps on documents."""

from __future__ import annotations

import time


def now() -> int:
    """The current time in whole seconds since the epoch (what every time_* field holds)."""
    return int(time.time())
