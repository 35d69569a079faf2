"""The whole system on one host: a real Keystone, freezer-api, and freezer 19.0.0's scheduler and agent.

Nothing is stubbed. Keystone holds the `backup` service (this freezer-api)
and nothing else: freezer-agent 19.0.0 builds nova, cinder and glance clients
for every job, eagerly (freezer/job.py, Job.__init__), which authenticates at
Keystone and reads the catalog, but the pinned openstacksdk turns a service
missing from the catalog into a stand-in that fails only when used, and a
filesystem backup to local storage never uses them. So the catalog needs no
placeholder compute, volume or image endpoints.
"""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import pytest
from freezerclient.v2.client import Client

from tests.identity.conftest import authtoken_section
from tests.support import freezer_agents
from tests.support.freezer_agents import Credentials, Scheduler
from tests.support.keystone import start_keystone
from tests.support.keystone_cloud import Cloud, open_cloud
from tests.support.server import LiveServer, start_server

# A scheduler polls every second and starts a job 2 s after it first sees it;
# a run of freezer-agent takes a few seconds. The deadline only bounds a failure.
RUN_TIMEOUT = 180.0
POLL = 0.5
# The user the hosts and the test act as: a member of project freezer-a.
USER = "alice"
# Health thresholds short enough for a test to see a client go down and a job turn overdue
# (docs/health.md; the defaults are 300 s, 600 s and 15 s).
HEALTH_SECTION = "[health]\nclient_down_after = 6\ngrace = 3\nliveness_resolution = 1\n"

T = TypeVar("T")


@pytest.fixture(scope="session")
def freezer_venv() -> Path:
    return freezer_agents.installation()


@pytest.fixture(scope="session")
def e2e_cloud(tmp_path_factory) -> Cloud:
    """A Keystone of these tests' own: the catalog holds exactly one `backup` service."""
    keystone = start_keystone(tmp_path_factory.mktemp("e2e-keystone"))
    try:
        yield open_cloud(keystone)
    finally:
        keystone.stop()


@pytest.fixture(scope="session")
def e2e_api(e2e_cloud, tmp_path_factory) -> LiveServer:
    """freezer-api with auth_strategy = keystone and its access log on, in the catalog as `backup`."""
    directory = tmp_path_factory.mktemp("e2e-api")
    server = start_server(
        directory,
        database_url=f"sqlite:///{directory / 'freezer.sqlite'}",
        auth_strategy="keystone",
        log_level="INFO",
        extra_config=authtoken_section(e2e_cloud) + HEALTH_SECTION,
    )
    e2e_cloud.register_backup_service(server.url)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def credentials(e2e_cloud) -> Credentials:
    user = e2e_cloud.users[USER]
    return Credentials(
        auth_url=e2e_cloud.auth_url, username=user.name, password=user.password, project_name=user.project
    )


@pytest.fixture(scope="session")
def freezer(e2e_api, credentials) -> Client:
    """python-freezerclient as the CLI builds it: Keystone credentials, freezer-api found in the catalog."""
    client = Client(
        username=credentials.username,
        password=credentials.password,
        auth_url=credentials.auth_url,
        project_name=credentials.project_name,
        user_domain_name=credentials.user_domain_name,
        project_domain_name=credentials.project_domain_name,
    )
    assert client.endpoint.rstrip("/") == e2e_api.url
    return client


@pytest.fixture
def start_schedulers(freezer_venv, credentials, freezer, tmp_path):
    """Start freezer-schedulers (one per client id) and wait until each has registered its client.

    Each is stopped, by its PID, after the test.
    """
    started: list[Scheduler] = []

    def start(*client_ids: str) -> list[Scheduler]:
        schedulers = [
            freezer_agents.start_scheduler(
                freezer_venv, tmp_path / f"host-{client_id}", client_id=client_id, credentials=credentials
            )
            for client_id in client_ids
        ]
        started.extend(schedulers)
        for scheduler in schedulers:
            wait_for(
                f"registration of client {scheduler.client_id}",
                lambda scheduler=scheduler: freezer.clients.get(scheduler.client_id),
                [scheduler],
            )
        return schedulers

    yield start
    for scheduler in started:
        scheduler.stop()


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def wait_for(what: str, probe: Callable[[], T | None], schedulers: list[Scheduler], timeout: float = RUN_TIMEOUT) -> T:
    """Poll `probe` until it returns a value; fail early if a scheduler exits, and at the deadline."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value is not None:
            return value
        for scheduler in schedulers:
            if scheduler.exited() is not None:
                pytest.fail(
                    f"freezer-scheduler {scheduler.client_id} exited with {scheduler.exited()} "
                    f"while waiting for {what}\n{scheduler.log()}"
                )
        if time.monotonic() > deadline:
            logs = "\n".join(scheduler.log() for scheduler in schedulers)
            pytest.fail(f"no {what} within {timeout:.0f}s\n{logs}")
        time.sleep(POLL)


def wait_until_completed(freezer: Client, job_id: str, schedulers: list[Scheduler]) -> dict:
    """The job once its scheduler has reported it `completed` (it runs once: no schedule keys)."""

    def completed() -> dict | None:
        job = freezer.jobs.get(job_id)
        return job if job["job_schedule"].get("status") == "completed" else None

    return wait_for(f"completion of job {job_id}", completed, schedulers)


_ACCESS_LINE = re.compile(r"freezer_api\.access: (?P<method>[A-Z]+) (?P<path>\S+) (?P<status>\d{3}) ")


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    status: int


class AccessLog:
    """The requests freezer-api logged from a point on (the test's window)."""

    def __init__(self, server: LiveServer):
        self.file = server.log_file
        self.start = self.file.stat().st_size

    def requests(self) -> list[Request]:
        with open(self.file, "rb") as log:
            log.seek(self.start)
            text = log.read().decode(errors="replace")
        return [Request(m["method"], m["path"], int(m["status"])) for m in _ACCESS_LINE.finditer(text)]

    def refused(self) -> list[Request]:
        return [request for request in self.requests() if request.status >= 400]
