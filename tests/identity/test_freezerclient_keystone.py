"""The freezer library as the CLI uses it: username/password at Keystone, freezer-api found in the catalog."""

import os
import subprocess
import sys
import time
from pathlib import Path

import orjson
import pytest
from freezerclient import exceptions
from freezerclient.v2.client import Client

from tests.compat.conftest import freezer_client
from tests.identity.conftest import TOKEN_CACHE_SECONDS
from tests.support.factories import backup_metadata, client_info, unique


def freezer_for(cloud, name: str, **overrides) -> Client:
    user = cloud.users[name]
    options = {
        "username": user.name,
        "password": user.password,
        "auth_url": cloud.auth_url,
        "project_name": user.project,
        "user_domain_name": "Default",
        "project_domain_name": "Default",
    }
    return Client(**{**options, **overrides})


def test_the_client_finds_the_api_in_the_catalog(cloud, keystone_server):
    freezer = freezer_for(cloud, "alice")
    assert freezer.endpoint.rstrip("/") == keystone_server.url
    assert freezer.project_id == cloud.users["alice"].project_id


def test_register_a_client_and_record_backups(cloud, keystone_server):
    freezer = freezer_for(cloud, "alice")
    info = client_info()
    assert freezer.clients.create(info) == info["client_id"]
    assert freezer.clients.get(info["client_id"])["client"]["hostname"] == info["hostname"]

    name = unique("etc")
    ids = [freezer.backups.create(backup_metadata(backup_name=name, hostname=info["hostname"])) for _ in range(3)]
    listed = freezer.backups.list(limit=10, search={"match": [{"backup_name": name}]})
    assert [doc["backup_id"] for doc in listed] == ids
    assert all(doc["user_id"] == cloud.users["alice"].id for doc in listed)
    doc = freezer.backups.get(ids[0])
    assert doc["backup_metadata"]["backup_name"] == name

    freezer.backups.delete(ids[0])
    assert freezer.backups.get(ids[0]) is None
    freezer.clients.delete(info["client_id"])
    assert freezer.clients.get(info["client_id"]) is None


def test_projects_do_not_see_each_other(cloud, keystone_server):
    alice, bob, amy = (freezer_for(cloud, name) for name in ("alice", "bob", "amy"))
    name = unique("private")
    backup_id = alice.backups.create(backup_metadata(backup_name=name))
    assert bob.backups.list(limit=100, search={"match": [{"backup_name": name}]}) == []
    assert bob.backups.get(backup_id) is None
    # Another member of alice's project sees the project's backups.
    assert [doc["backup_id"] for doc in amy.backups.list(limit=100, search={"match": [{"backup_name": name}]})] == [
        backup_id
    ]


def test_a_reader_lists_but_cannot_write(cloud, keystone_server):
    rita = freezer_for(cloud, "rita")
    assert isinstance(rita.backups.list(limit=5), list)
    with pytest.raises(exceptions.ApiClientException) as refused:
        rita.backups.create(backup_metadata())
    assert "403" in str(refused.value)


def test_a_revoked_token_is_refused(cloud, keystone_server):
    token, _ = cloud.token("bob", fresh=True)
    freezer = freezer_client(keystone_server.url, token, cloud.users["bob"].project_id)
    assert isinstance(freezer.backups.list(limit=1), list)
    cloud.revoke(token)
    with pytest.raises(exceptions.ApiClientException) as refused:
        _until_refused(freezer)
    assert "401" in str(refused.value)


def _until_refused(freezer):
    """freezer-api trusts a validation for token_cache_time seconds: call until it asks Keystone again."""
    deadline = time.monotonic() + TOKEN_CACHE_SECONDS + 30
    while time.monotonic() < deadline:
        freezer.backups.list(limit=1)
        time.sleep(0.2)


def test_the_freezer_cli_with_openstack_credentials(cloud, keystone_server, tmp_path):
    """What an operator types after `source openrc`: no freezer-api URL, only Keystone credentials."""
    user = cloud.users["amy"]
    env = {
        **os.environ,
        "OS_AUTH_URL": cloud.auth_url,
        "OS_USERNAME": user.name,
        "OS_PASSWORD": user.password,
        "OS_PROJECT_NAME": user.project,
        "OS_USER_DOMAIN_NAME": "Default",
        "OS_PROJECT_DOMAIN_NAME": "Default",
    }
    info = client_info()
    (tmp_path / "client.json").write_bytes(orjson.dumps(info))
    freezer_cli = str(Path(sys.executable).with_name("freezer"))

    def cli(*args):
        result = subprocess.run([freezer_cli, *args], env=env, capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stderr
        return result.stdout

    cli("client-register", "--file", str(tmp_path / "client.json"))
    listed = orjson.loads(cli("client-list", "-f", "json", "--limit", "1000"))
    assert info["client_id"] in [row["Client ID"] for row in listed]
