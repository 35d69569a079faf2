import pytest

from tests.support.server import start_server

WORKERS = 4


@pytest.fixture(scope="session")
def busy_server(database, tmp_path_factory):
    """A real server with several worker processes, over this engine's database."""
    database.upgrade()
    server = start_server(
        tmp_path_factory.mktemp(f"busy-{database.engine_name}"), database_url=database.url, workers=WORKERS
    )
    yield server
    server.stop()
