"""`freezer-manage db purge-runs` (docs/health.md#retention), a real process on every engine."""

from __future__ import annotations

import subprocess
import sys
import time

from sqlalchemy import text

from freezer_api.context import RequestContext
from freezer_api.domain.services import Services
from tests.conftest import new_project
from tests.support.factories import backup_metadata, client_info, job

DAY = 86400


def manage(database, tmp_path, *args: str) -> subprocess.CompletedProcess:
    config = tmp_path / "freezer-api.conf"
    config.write_text(f"[database]\nconnection = {database.url}\n[runs]\nkeep_days = 30\n")
    return subprocess.run(
        [sys.executable, "-m", "freezer_api.cmd.manage", "--config-file", str(config), "db", "purge-runs", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def run_job(services: Services, ctx: RequestContext, project: str, job_id: str, started: int) -> None:
    running = {"status": "running", "result": "", "time_started": started, "time_ended": -1}
    services.jobs.patch(ctx, project, job_id, {"job_schedule": running})
    services.backups.create(ctx, project, backup_metadata(job_id=job_id))
    ended = {**running, "status": "scheduled", "result": "success", "time_ended": started + 1}
    services.jobs.patch(ctx, project, job_id, {"job_schedule": ended})


def test_purge_deletes_old_runs_and_keeps_each_jobs_latest(store, database, tmp_path):
    project = new_project()
    ctx = RequestContext(user_id="u", project_id=project, roles=["member"])
    services = Services.over(store)
    client_id = services.clients.register(ctx, project, client_info())
    busy, quiet = (services.jobs.create(ctx, project, job(client_id)) for _ in range(2))
    for started in (1, 2, 3):
        run_job(services, ctx, project, busy, started)
    run_job(services, ctx, project, quiet, 4)
    with store.reading() as uow:
        runs = uow.runs.of_job(project, busy, limit=10, offset=0)
    newest, middle, oldest = runs
    now = int(time.time())
    ages = {newest.run_id: 1, middle.run_id: 31, oldest.run_id: 400}
    with store.engine.begin() as connection:
        for run_id, days in ages.items():
            connection.execute(
                text("UPDATE runs SET ended_at = :at WHERE project_id = :p AND run_id = :r"),
                {"at": now - days * DAY, "p": project, "r": run_id},
            )
        connection.execute(
            text("UPDATE runs SET ended_at = :at WHERE project_id = :p AND job_id = :j"),
            {"at": now - 400 * DAY, "p": project, "j": quiet},
        )

    purged = manage(database, tmp_path)  # [runs] keep_days = 30
    assert purged.returncode == 0, purged.stderr
    assert "deleted" in purged.stdout
    with store.reading() as uow:
        assert [r.run_id for r in uow.runs.of_job(project, busy, limit=10, offset=0)] == [newest.run_id]
        (kept,) = uow.runs.of_job(project, quiet, limit=10, offset=0)  # old, but the job's latest
        assert len(kept.backups) == 1
    with store.engine.connect() as connection:
        orphans = connection.execute(
            text("SELECT count(*) FROM run_backups WHERE run_seq NOT IN (SELECT seq FROM runs)")
        ).scalar()
    assert orphans == 0

    again = manage(database, tmp_path, "--older-than", "0")
    assert again.returncode == 0, again.stderr
    with store.reading() as uow:
        assert [r.run_id for r in uow.runs.of_job(project, busy, limit=10, offset=0)] == [newest.run_id]
