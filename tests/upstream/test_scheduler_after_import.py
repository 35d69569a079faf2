"""After the move, the real freezer-scheduler runs a job the original freezer-api created.

A real Keystone; the original 19.0.0 holds a client and a backup job of
alice's project (made through its API); its database is imported; this
server starts from the original's configuration file (its
[keystone_authtoken], [database] pointed at the new database) and is the
catalog's `backup` service; freezer-scheduler 19.0.0 starts with the
imported client id, finds the imported job by its id, runs freezer-agent,
and reports the run and the backup back.
"""

from __future__ import annotations

from freezerclient.v2.client import Client

from tests.e2e.conftest import unique, wait_for
from tests.e2e.trees import make_tree
from tests.identity.conftest import authtoken_section
from tests.support import freezer_agents
from tests.support.freezer_agents import Credentials
from tests.support.keystone import start_keystone
from tests.support.keystone_cloud import open_cloud
from tests.support.server import free_port
from tests.support.upstream_api import prepare_upstream
from tests.upstream.conftest import manage_config, run_manage
from tests.upstream.original_files import original_file, start_with


def test_the_real_scheduler_runs_a_job_imported_from_the_original(tmp_path):
    venv = freezer_agents.installation()
    keystone = start_keystone(tmp_path / "keystone")
    stops = [keystone.stop]
    try:
        cloud = open_cloud(keystone)
        alice = cloud.users["alice"]
        client_id, backup_name = unique("host"), unique("docs")
        source_tree, storage = make_tree(tmp_path / "tree"), tmp_path / "storage"

        # The original, with alice's project's client and job, made through its own API.
        source_url = f"sqlite:///{tmp_path / 'original.sqlite'}"
        upstream = prepare_upstream(tmp_path / "original", source_url)
        upstream.start()
        stops.append(upstream.stop)
        original = upstream.caller(alice.project_id, alice.id)
        assert (
            original.post(f"/v2/{alice.project_id}/clients", {"client_id": client_id, "hostname": client_id}).status
            == 201
        )
        action = {
            "action": "backup",
            "mode": "fs",
            "storage": "local",
            "container": str(storage),
            "hostname": client_id,
            "backup_name": backup_name,
            "path_to_backup": str(source_tree),
            "log_file": str(tmp_path / "agent.log"),
        }
        created = original.post(
            f"/v2/{alice.project_id}/jobs",
            {
                "client_id": client_id,
                "description": "made by the original",
                "job_actions": [{"freezer_action": action, "max_retries": 0}],
            },
        )
        assert created.status == 201, created
        job_id = created.json()["job_id"]
        upstream.stop()

        target = f"sqlite:///{tmp_path / 'new.sqlite'}"
        manage = manage_config(tmp_path / "manage", target)
        assert run_manage(manage, "db", "upgrade").returncode == 0
        imported = run_manage(manage, "db", "import-upstream", source_url)
        assert imported.returncode == 0, imported.stdout + imported.stderr

        port = free_port()
        config = original_file(tmp_path / "etc", target, port, keystone=authtoken_section(cloud))
        server = start_with(config, tmp_path / "etc", port)
        stops.append(server.stop)
        cloud.register_backup_service(server.url)

        credentials = Credentials(
            auth_url=cloud.auth_url, username=alice.name, password=alice.password, project_name=alice.project
        )
        scheduler = freezer_agents.start_scheduler(
            venv, tmp_path / "host", client_id=client_id, credentials=credentials
        )
        stops.append(scheduler.stop)
        freezer = Client(
            username=alice.name,
            password=alice.password,
            auth_url=cloud.auth_url,
            project_name=alice.project,
            user_domain_name="Default",
            project_domain_name="Default",
        )

        def completed() -> dict | None:
            job = freezer.jobs.get(job_id)
            return job if job["job_schedule"].get("status") == "completed" else None

        job = wait_for(f"completion of the imported job {job_id}", completed, [scheduler])
        assert job["job_schedule"]["result"] == "success", scheduler.log()
        assert job["description"] == "made by the original"
        (backup,) = freezer.backups.list(limit=10, search={"match": [{"backup_name": backup_name}]})
        assert backup["backup_metadata"]["hostname"] == client_id
    finally:
        for stop in reversed(stops):
            stop()
