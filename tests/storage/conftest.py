import pytest

from freezer_api.storage import schema
from freezer_api.storage.engine import make_engine
from freezer_api.storage.store import Store


@pytest.fixture(scope="session")
def store(database) -> Store:
    """A Store over this engine's test database, schema upgraded."""
    engine = make_engine(database.url)
    schema.upgrade(engine)
    yield Store(engine)
    engine.dispose()
