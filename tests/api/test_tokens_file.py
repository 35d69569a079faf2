"""The static tokens file: private, hashed, and a broken one is named clearly (auth_strategy = token)."""

import os
import stat
import subprocess
import sys

import orjson

from tests.conftest import as_persona
from tests.support.server import free_port, start_server


def manage(config, *args):
    return subprocess.run(
        [sys.executable, "-m", "freezer_api.cmd.manage", "--config-file", str(config), *args],
        capture_output=True,
        text=True,
        timeout=60,
    )


def _config(tmp_path, tokens_file):
    config = tmp_path / "freezer-api.conf"
    config.write_text(
        f"[database]\nconnection = sqlite:///{tmp_path / 'db.sqlite'}\n[token_auth]\ntokens_file = {tokens_file}\n"
    )
    return config


def test_token_create_writes_a_private_file_with_hashes_only(tmp_path):
    tokens_file = tmp_path / "new-dir" / "tokens.json"
    config = _config(tmp_path, tokens_file)
    created = manage(config, "token", "create", "--project", "p1", "--user", "u1", "--roles", "Member,reader")
    assert created.returncode == 0, created.stderr
    token = created.stdout.strip()
    assert stat.S_IMODE(tokens_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(tokens_file.parent.stat().st_mode) == 0o700
    assert token not in tokens_file.read_text()
    [entry] = orjson.loads(tokens_file.read_bytes())
    assert entry["roles"] == ["member", "reader"]

    tokens_file.chmod(0o644)
    assert manage(config, "token", "create", "--project", "p2", "--user", "u2").returncode == 0
    assert stat.S_IMODE(tokens_file.stat().st_mode) == 0o600


def test_list_names_every_entry_so_that_revoke_finds_it(tmp_path):
    tokens_file = tmp_path / "tokens.json"
    # Written by an operator: a plain token and no id.
    tokens_file.write_bytes(
        orjson.dumps([{"token": "plain-secret", "user_id": "u", "project_id": "p", "roles": ["member"]}])
    )
    config = _config(tmp_path, tokens_file)
    listed = manage(config, "token", "list")
    assert listed.returncode == 0 and "plain-secret" not in listed.stdout
    token_id = listed.stdout.split("\t")[0]
    revoked = manage(config, "token", "revoke", token_id)
    assert revoked.returncode == 0, revoked.stderr
    assert orjson.loads(tokens_file.read_bytes()) == []
    assert manage(config, "token", "revoke", token_id).returncode == 1


def test_a_broken_tokens_file_is_named_at_start_up_and_by_freezer_manage(tmp_path):
    tokens_file = tmp_path / "tokens.json"
    config = _config(tmp_path, tokens_file)
    for content, reason in (
        (b'[{"token": ', "is not valid JSON"),
        (b'{"token": "t"}', "must hold a JSON list"),
        (
            orjson.dumps([{"token": "t", "user_id": "u", "project_id": "p"}, {"token": "t2", "project_id": "p"}]),
            "token 2 (user None): needs 'user_id'",
        ),
        (orjson.dumps([{"token_sha256": "abc", "user_id": "u", "project_id": "p"}]), "64 hexadecimal digits"),
        (orjson.dumps([{"token": "t", "user_id": "u", "project_id": "p", "roles": [1]}]), "list of role names"),
    ):
        tokens_file.write_bytes(content)
        listed = manage(config, "token", "list")
        assert listed.returncode == 1 and reason in listed.stderr and "Traceback" not in listed.stderr
    # The server checks the same way before it starts any worker.
    started = subprocess.run(
        [sys.executable, "-m", "freezer_api.cmd.api", "--config-file", str(config), "--bind-port", str(free_port())],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "FREEZER_API_DATA_DIR": str(tmp_path)},
    )
    assert started.returncode != 0
    assert f"cannot use the static tokens: {tokens_file}" in started.stderr and reason in started.stderr
    assert "Traceback" not in started.stderr


def test_a_tokens_file_others_can_read_is_reported(tmp_path):
    directory = tmp_path / "server"
    directory.mkdir()
    server = start_server(
        directory, database_url=f"sqlite:///{tmp_path / 'db.sqlite'}", workers=1, tokens_file_mode=0o644
    )
    try:
        assert "can be read by other users" in server.log()
        assert as_persona(server, "member_a").get("/v2/project-a/backups").status == 200
    finally:
        server.stop()
