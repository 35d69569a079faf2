"""An import killed halfway completes on the rerun; two never run at once; bad rows are skipped, said, and counted."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from sqlalchemy import create_engine, text

from freezer_api.storage.engine import make_engine
from freezer_api.storage.upstream import importer
from tests.support import databases
from tests.support.upstream_api import prepare_upstream, upstream_database_url
from tests.upstream import rows
from tests.upstream.conftest import manage_config, run_manage, source_engine

BULK = 20_000  # backups: several chunks, enough that a kill lands mid-import
DEADLINE = 300.0


@pytest.fixture(scope="session")
def bulk_source(engine_name, tmp_path_factory) -> str:
    """An original's database (its own schema) with BULK backups; its URL."""
    directory = tmp_path_factory.mktemp(f"bulk-{engine_name}")
    database = databases.create_database(source_engine(engine_name), directory)
    prepare_upstream(directory, database.url)
    url = upstream_database_url(database.url)
    rows.insert(url, "backups", [rows.backup_row(n) for n in range(BULK)])
    yield url
    database.drop()


@pytest.fixture
def target(engine_name, tmp_path):
    """A new database of this server at the current schema, and a freezer-manage config for it."""
    with databases.upgraded_database(engine_name, tmp_path) as database:
        yield database, manage_config(tmp_path, database.url)


def _backups(url: str) -> dict[str, str]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return dict(conn.execute(text("SELECT backup_id, doc FROM backups")).all())
    finally:
        engine.dispose()


def _terms(url: str) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(text("SELECT count(*) FROM backup_terms")).scalar()
    finally:
        engine.dispose()


def _count(url: str) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(text("SELECT count(*) FROM backups")).scalar()
    finally:
        engine.dispose()


def _backup_counts(output: str) -> list[int]:
    line = next(line for line in output.splitlines() if line.startswith("backups ") and line.split()[1].isdigit())
    return [int(value) for value in line.split()[1:]]


def test_a_killed_import_completes_on_the_rerun_with_the_same_result(bulk_source, target, engine_name, tmp_path):
    database, config = target
    command = [sys.executable, "-m", "freezer_api.cmd.manage", "--config-file", str(config), "db", "import-upstream"]
    process = subprocess.Popen([*command, bulk_source], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + DEADLINE
    try:
        while _count(database.url) == 0:
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline, "no backup imported in time"
            time.sleep(0.005)
    finally:
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
    halfway = _count(database.url)
    assert 0 < halfway < BULK, "the import was not interrupted halfway"

    rerun = run_manage(config, "db", "import-upstream", bulk_source)
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    assert _backup_counts(rerun.stdout)[:4] == [BULK, BULK - halfway, halfway, 0]

    # The same documents and search terms as one uninterrupted import.
    with databases.upgraded_database(engine_name, tmp_path / "reference") as reference:
        whole = run_manage(manage_config(tmp_path / "reference", reference.url), "db", "import-upstream", bulk_source)
        assert whole.returncode == 0, whole.stderr
        assert _backups(database.url) == _backups(reference.url)
        assert _terms(database.url) == _terms(reference.url)

    again = run_manage(config, "db", "import-upstream", bulk_source)
    assert _backup_counts(again.stdout)[:4] == [BULK, 0, BULK, 0]


def test_a_second_import_is_refused_while_one_runs(bulk_source, target):
    database, config = target
    engine = make_engine(database.url)
    try:
        with importer.import_lock(engine):
            refused = run_manage(config, "db", "import-upstream", bulk_source)
    finally:
        engine.dispose()
    assert refused.returncode == 2
    assert "another import" in refused.stderr
    assert _count(database.url) == 0


@pytest.fixture(scope="session")
def flawed_source(engine_name, tmp_path_factory) -> str:
    """An original's database with rows its API could never have accepted, beside good ones."""
    directory = tmp_path_factory.mktemp(f"flawed-{engine_name}")
    database = databases.create_database(source_engine(engine_name), directory)
    prepare_upstream(directory, database.url)
    url = upstream_database_url(database.url)
    rows.insert(
        url,
        "backups",
        [
            rows.backup_row(1, id="good-backup"),
            rows.backup_row(2, id="broken-json", backup_metadata="{not json"),
            rows.backup_row(3, id="not-an-object", backup_metadata="[1, 2]"),
            rows.backup_row(4, id="deleted-backup", deleted=True),
        ],
    )
    yield url
    database.drop()


def test_rows_the_original_could_not_have_accepted_are_skipped_and_said(flawed_source, target):
    database, config = target
    dry = run_manage(config, "db", "import-upstream", "--dry-run", flawed_source)
    assert dry.returncode == 1, dry.stdout + dry.stderr
    assert "skipped backup broken-json (project bulk-project): backup_metadata is not valid JSON" in dry.stdout
    assert "skipped backup not-an-object (project bulk-project): backup_metadata is not a JSON object" in dry.stdout
    assert _backup_counts(dry.stdout) == [3, 1, 0, 2, 1]
    assert _count(database.url) == 0  # a dry run writes nothing

    refused = run_manage(config, "db", "import-upstream", flawed_source)
    assert refused.returncode == 1 and "--allow-skips" in refused.stderr
    accepted = run_manage(config, "db", "import-upstream", "--allow-skips", flawed_source)
    assert accepted.returncode == 0, accepted.stderr
    assert sorted(_backups(database.url)) == ["good-backup"]


def _as_in_a_terminal() -> None:
    """A foreground command's Ctrl-C interrupts; a shell's background job (CI) starts with SIGINT ignored."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_ctrl_c_stops_the_import_keeping_what_it_committed(bulk_source, target):
    database, config = target
    command = [sys.executable, "-m", "freezer_api.cmd.manage", "--config-file", str(config), "db", "import-upstream"]
    process = subprocess.Popen(
        [*command, bulk_source],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=_as_in_a_terminal,
    )
    deadline = time.monotonic() + DEADLINE
    while _count(database.url) == 0:
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "no backup imported in time"
        time.sleep(0.005)
    process.send_signal(signal.SIGINT)  # what a terminal's Ctrl-C sends
    _, stderr = process.communicate(timeout=DEADLINE)
    assert process.returncode == 130, stderr
    assert "run the same command again to continue" in stderr
    assert 0 < _count(database.url) < BULK
