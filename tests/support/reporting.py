"""Lines test modules add to the end-of-run summary (see pytest_terminal_summary in tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

# The schemathesis pass: a function giving its summary line.
FUZZ_REPORT = pytest.StashKey[Callable[[], str]]()
