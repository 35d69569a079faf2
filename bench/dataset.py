"""The preloaded data set: what it holds and the request bodies that create it.

One project holds N backups under 100 distinct backup names, 100 registered
clients, 1,000 jobs (10 per client; 3 of each client's 10 completed) and 32
sessions, each with one member job (the job/session pairs of
job_session_cycle). Both servers are loaded from these same bodies; the files
written by `write_files` are what the wrk scripts read.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from pathlib import Path

from tests.support import factories

PROJECT_ID = "bench0project0000000000000000001"
USER_ID = "bench-user"
BACKUP_NAMES = 100
CLIENTS = 100
JOBS_PER_CLIENT = 10
COMPLETED_PER_CLIENT = 3
SESSION_PAIRS = 32
# Sessions hold runs open for a day, so each `start` of the cycle is a late
# member joining the current run (a write), never "hold-off" or "out-of-sync".
SESSION_HOLD_OFF = 86400
# get_backup draws from at most this many ids (the file each wrk thread reads).
MAX_SAMPLE_IDS = 100_000

FIRST_TIME_STAMP = 1_700_000_000


def backup_name(i: int) -> str:
    return f"nightly_{['etc', 'home', 'var', 'srv', 'opt'][i % 5]}_{i:02d}"


def hostname(i: int) -> str:
    return f"node{i:03d}.bench.example.com"


def client_id(i: int) -> str:
    return f"{PROJECT_ID}_{hostname(i)}"


def backup_body(n: int) -> dict:
    """The n-th backup as freezer-agent reports it (n counts from 0)."""
    return factories.backup_metadata(
        backup_name=backup_name(n % BACKUP_NAMES),
        hostname=hostname(n % CLIENTS),
        time_stamp=FIRST_TIME_STAMP + n * 60,
        curr_backup_level=n % 8,
    )


def client_body(i: int) -> dict:
    return factories.client_info(client_id(i), hostname=hostname(i))


def job_body(client: int, j: int) -> dict:
    """The j-th job of a client: a nightly fs backup, completed for the first few."""
    status = "completed" if j < COMPLETED_PER_CLIENT else "scheduled"
    action = factories.freezer_action(backup_name=backup_name((client * JOBS_PER_CLIENT + j) % BACKUP_NAMES))
    return factories.job(
        client_id(client),
        action,
        description=f"job {j} of {hostname(client)}",
        job_schedule={"schedule_interval": "1 days", "schedule_start_date": "2026-01-01T02:00:00", "status": status},
    )


def session_body() -> dict:
    return factories.session(hold_off=SESSION_HOLD_OFF)


@dataclass
class Loaded:
    """The ids the scenarios need, as the server assigned them."""

    size: int
    backup_ids: list[str] = field(default_factory=list)
    client_ids: list[str] = field(default_factory=list)
    job_ids: list[str] = field(default_factory=list)
    pairs: list[tuple[str, str]] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)

    def pair_job_indexes(self) -> list[int]:
        """Which jobs become session members: a scheduled job of each of 32 clients."""
        return [client * JOBS_PER_CLIENT + JOBS_PER_CLIENT - 1 for client in range(SESSION_PAIRS)]

    def write_files(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        sample = self.backup_ids
        if len(sample) > MAX_SAMPLE_IDS:
            sample = random.Random(0).sample(sample, MAX_SAMPLE_IDS)
        _lines(directory / "backup_ids.txt", sample)
        _lines(directory / "backup_names.txt", [backup_name(i) for i in range(BACKUP_NAMES)])
        _lines(directory / "hostnames.txt", [hostname(i) for i in range(CLIENTS)])
        _lines(directory / "client_ids.txt", self.client_ids)
        _lines(directory / "job_session_pairs.txt", [f"{job} {session}" for job, session in self.pairs])
        manifest = {"size": self.size, "project_id": PROJECT_ID, "load_seconds": self.seconds}
        (directory / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")


def read_manifest(directory: Path) -> dict | None:
    path = directory / "manifest.json"
    return json.loads(path.read_text()) if path.exists() else None


def _lines(path: Path, values: list[str]) -> None:
    path.write_text("".join(f"{value}\n" for value in values))
