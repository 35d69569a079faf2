"""The isolation matrix: every cell on every engine the run has (SQLite, and PostgreSQL and MariaDB when configured)."""

from __future__ import annotations

import pytest

from tests.isolation.world import World


@pytest.fixture(scope="module")
def world(live_server):
    """Project-a's documents on this engine's server, made once per module."""
    world = World(live_server.url)
    yield world
    world.close()
