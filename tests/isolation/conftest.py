"""The isolation matrix runs whole on SQLite; on PostgreSQL and MariaDB, the cells the database decides.

FREEZER_TEST_FULL_MATRIX=1 runs every cell on every engine (about three
minutes on a 2-core machine instead of under two).
"""

from __future__ import annotations

import os

import pytest

from tests.isolation.routes import engine_dependent
from tests.isolation.world import World

FULL_MATRIX_ENV = "FREEZER_TEST_FULL_MATRIX"


@pytest.fixture(scope="module")
def world(live_server):
    """Project-a's documents on this engine's server, made once per module."""
    world = World(live_server.url)
    yield world
    world.close()


def pytest_collection_modifyitems(config, items):
    if os.environ.get(FULL_MATRIX_ENV) == "1":
        return
    kept, deselected = [], []
    for item in items:
        params = item.callspec.params if hasattr(item, "callspec") else {}
        if "situation" in params and params.get("engine_name", "sqlite") != "sqlite":
            if not engine_dependent(params["route"], params["situation"]):
                deselected.append(item)
                continue
        kept.append(item)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = kept
