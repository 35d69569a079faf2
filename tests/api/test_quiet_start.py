"""A start prints nothing an operator cannot act on: no granian advice about the thread count."""

from __future__ import annotations

import os

from tests.conftest import as_persona
from tests.support.server import start_server


def test_many_threads_per_worker_start_without_granian_advice(tmp_path):
    # granian advises against more than 2 x CPUs + 1 threads; go past that on any machine.
    threads = 2 * (os.cpu_count() or 1) + 2
    server = start_server(
        tmp_path / "server",
        database_url=f"sqlite:///{tmp_path / 'db.sqlite'}",
        workers=1,
        log_level="INFO",
        extra_config=f"[api]\nthreads_per_worker = {threads}\n",
    )
    try:
        assert as_persona(server, "member_a").get("/v2/project-a/backups").status == 200
    finally:
        server.stop()
    log = server.log()
    assert "freezer-api listening on" in log, log  # the log is the server's, and it was written
    assert "quite high" not in log and "Python threads" not in log, log
    assert " WARNING " not in log, log
