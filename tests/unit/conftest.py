"""Domain services over the in-memory store: no database, no server, no HTTP."""

from __future__ import annotations

import uuid

import pytest

from freezer_api.context import RequestContext
from freezer_api.domain.services import Services
from tests.support.factories import client_info
from tests.support.memory_store import MemoryStore


@pytest.fixture
def store() -> MemoryStore:
    return MemoryStore()


@pytest.fixture
def services(store: MemoryStore) -> Services:
    return Services.over(store)


@pytest.fixture
def project() -> str:
    return "p" + uuid.uuid4().hex


@pytest.fixture
def ctx(project: str) -> RequestContext:
    """A member of `project`, as the edge hands them to the domain."""
    return RequestContext(user_id="user-1", project_id=project, roles=["member"], user_name="Ursula")


@pytest.fixture
def client_id(services: Services, ctx: RequestContext, project: str) -> str:
    """A registered scheduler of `project`."""
    return services.clients.register(ctx, project, client_info())
