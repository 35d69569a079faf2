"""auth_strategy = token against a real server: 401s, policy, path project (docs/resources.md#policy)."""

import subprocess
import sys

import orjson
import pytest

from tests.conftest import as_persona
from tests.support.factories import backup_metadata, unique
from tests.support.http import Caller, OverHTTP
from tests.support.server import free_port, start_server, wait_until_healthy


def test_missing_or_unknown_token_is_401_json(sqlite_server):
    for headers in ({}, {"X-Auth-Token": "not-a-token"}):
        reply = Caller(OverHTTP(sqlite_server.url), headers).get("/v2/project-a/backups")
        assert reply.status == 401
        assert reply.json()["title"] == "Unauthorized"
        assert reply.json()["description"]


def test_home_document_requires_identity_but_version_list_does_not(sqlite_server):
    anonymous = Caller(OverHTTP(sqlite_server.url))
    assert anonymous.get("/v2").status == 401
    assert anonymous.get("/").status == 300
    assert anonymous.get("/healthcheck").status == 200


def test_member_works_in_its_own_project_only(sqlite_server):
    member = as_persona(sqlite_server, "member_a")
    reply = member.post("/v2/project-a/backups", backup_metadata())
    assert reply.status == 201
    backup_id = reply.json()["backup_id"]
    assert member.get(f"/v2/project-a/backups/{backup_id}").json()["user_id"] == "user-a"
    assert member.get("/v2/project-b/backups").status == 403
    assert member.post("/v2/project-b/backups", backup_metadata()).status == 403
    forbidden = member.get(f"/v2/project-b/backups/{backup_id}")
    assert forbidden.status == 403
    assert forbidden.json()["title"] == "Access Forbidden"


def test_reader_reads_but_cannot_write(sqlite_server):
    member = as_persona(sqlite_server, "member_a")
    reader = as_persona(sqlite_server, "reader_a")
    backup_id = member.post("/v2/project-a/backups", backup_metadata()).json()["backup_id"]
    assert reader.get(f"/v2/project-a/backups/{backup_id}").status == 200
    assert reader.get("/v2/project-a/backups").status == 200
    assert reader.post("/v2/project-a/backups", backup_metadata()).status == 403
    assert reader.delete(f"/v2/project-a/backups/{backup_id}").status == 403
    assert reader.post("/v2/project-a/clients", {"client_id": unique("h")}).status == 403
    assert member.get(f"/v2/project-a/backups/{backup_id}").status == 200


def test_a_token_without_roles_is_forbidden_everywhere(sqlite_server):
    nobody = as_persona(sqlite_server, "norole_a")
    assert nobody.get("/v2/project-a/backups").status == 403
    assert nobody.post("/v2/project-a/backups", backup_metadata()).status == 403


def test_admin_and_service_act_in_any_project(sqlite_server):
    admin = as_persona(sqlite_server, "admin")
    service = as_persona(sqlite_server, "service")
    member_b = as_persona(sqlite_server, "member_b")
    name = unique("uploaded-by-service")
    reply = service.post("/v2/project-b/backups", backup_metadata(backup_name=name))
    assert reply.status == 201
    search = {"match": [{"backup_name": name}]}
    assert len(member_b.get("/v2/project-b/backups", search).json()["backups"]) == 1
    assert len(admin.get("/v2/project-b/backups", search).json()["backups"]) == 1
    assert service.post("/v2/project-b/clients", {"client_id": unique("h")}).status == 403


@pytest.mark.slow  # waits out the file's reload interval in a real server
def test_tokens_file_changes_take_effect_without_restart(tmp_path):
    directory = tmp_path / "server"
    server = start_server(directory, database_url=f"sqlite:///{tmp_path / 'db.sqlite'}", workers=1)
    try:
        tokens_file = directory / "tokens.json"
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "freezer_api.cmd.manage",
                "--config-file",
                str(server.config_file),
                "token",
                "create",
                "--project",
                "project-z",
                "--user",
                "zed",
                "--roles",
                "member",
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        token = result.stdout.strip()
        stored = orjson.loads(tokens_file.read_bytes())
        assert token not in tokens_file.read_text()
        assert any(entry.get("user_id") == "zed" and "token_sha256" in entry for entry in stored)
        caller = Caller(OverHTTP(server.url), {"X-Auth-Token": token})
        _eventually_status(caller, "/v2/project-z/backups", 200)
        token_id = next(e["id"] for e in stored if e.get("user_id") == "zed")
        subprocess.run(
            [
                sys.executable,
                "-m",
                "freezer_api.cmd.manage",
                "--config-file",
                str(server.config_file),
                "token",
                "revoke",
                token_id,
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        _eventually_status(caller, "/v2/project-z/backups", 401)
    finally:
        server.stop()


def _eventually_status(caller, path, status, attempts=200):
    """The tokens file is re-read within a second of changing: poll until it is."""
    import time

    for _ in range(attempts):
        if caller.get(path).status == status:
            return
        time.sleep(0.05)
    raise AssertionError(f"{path} never answered {status}")


def test_first_start_creates_an_admin_token_and_prints_it_once(tmp_path):
    env_dir = tmp_path / "data"
    port = free_port()
    import os

    env = {**os.environ, "FREEZER_API_DATA_DIR": str(env_dir)}
    env.pop("FREEZER_API_CONFIG_FILES", None)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "freezer_api.cmd.api",
            "--config-file",
            "/dev/null",
            "--bind-port",
            str(port),
            "--workers",
            "1",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=env,
        text=True,
    )
    try:
        lines = []
        for line in process.stdout:
            lines.append(line)
            if "listening on" in line:
                break
        output = "".join(lines)
        assert "shown only this once" in output
        token = output.split("shown only this once")[1].split("\n\n")[1].strip()
        stored = orjson.loads((env_dir / "tokens.json").read_bytes())
        assert len(stored) == 1 and stored[0]["project_id"] == "default" and stored[0]["roles"] == ["admin"]
        assert token not in (env_dir / "tokens.json").read_text()
        caller = Caller(OverHTTP(f"http://127.0.0.1:{port}"), {"X-Auth-Token": token})
        wait_until_healthy(f"http://127.0.0.1:{port}", process)
        assert caller.get("/v2/default/backups").status == 200
    finally:
        process.terminate()
        process.wait(timeout=15)


def test_noauth_refuses_a_public_bind_address(tmp_path):
    config = tmp_path / "noauth.conf"
    config.write_text(
        f"[DEFAULT]\nauth_strategy = noauth\n[database]\nconnection = sqlite:///{tmp_path / 'x.sqlite'}\n"
    )
    result = subprocess.run(
        [sys.executable, "-m", "freezer_api.cmd.api", "--config-file", str(config), "--bind-host", "0.0.0.0"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "allow_insecure_noauth" in result.stderr
