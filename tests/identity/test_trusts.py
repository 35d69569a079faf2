"""Keystone trusts for jobs of central clients, against a real Keystone.

docs/jobs.md#trusts; the errors: docs/original-defects.md#d34.
"""

import logging

import pytest

from freezer_api.auth.trusts import KeystoneTrusts, make_trust_broker
from freezer_api.cmd.api import load_conf
from freezer_api.domain.errors import Unavailable, Unprocessable
from tests.identity.conftest import context_of, server_conf
from tests.support.server import free_port


@pytest.fixture
def broker_for(cloud, keystone_server):
    """Brokers over the server's configuration (with overrides); every trust is deleted afterwards."""

    def make(overrides: dict | None = None) -> KeystoneTrusts:
        return make_trust_broker(server_conf(keystone_server, overrides))

    yield make
    for trust in cloud.admin("GET", "/OS-TRUST/trusts")["trusts"]:
        cloud.admin("DELETE", f"/OS-TRUST/trusts/{trust['id']}")


def test_the_caller_delegates_member_in_the_path_project_to_the_service_user(cloud, broker_for):
    alice = context_of(cloud, "alice")
    credentials = broker_for().credentials_for_new_job(alice, alice.project_id, client_is_central=True)
    assert credentials["trustor_user_id"] == cloud.users["alice"].id
    trust = cloud.trust(credentials["trust_id"])
    assert trust["trustor_user_id"] == cloud.users["alice"].id
    assert trust["trustee_user_id"] == cloud.users["freezer"].id
    assert trust["project_id"] == alice.project_id
    assert trust["impersonation"] is False
    assert trust["redelegation_count"] == 0  # may not be re-delegated
    assert [role["name"] for role in trust["roles"]] == ["member"]


def test_the_same_trust_is_reused_for_the_same_trustor_and_project(cloud, broker_for):
    alice = context_of(cloud, "alice")
    first = broker_for().credentials_for_new_job(alice, alice.project_id, client_is_central=True)
    # Another worker process (a new broker) finds it in Keystone, too.
    again = broker_for().credentials_for_new_job(alice, alice.project_id, client_is_central=True)
    assert again == first
    amy = context_of(cloud, "amy")
    other_user = broker_for().credentials_for_new_job(amy, amy.project_id, client_is_central=True)
    bob = context_of(cloud, "bob")
    other_project = broker_for().credentials_for_new_job(bob, bob.project_id, client_is_central=True)
    assert len({first["trust_id"], other_user["trust_id"], other_project["trust_id"]}) == 3


def test_no_trust_unless_the_client_is_central_or_trusts_are_enforced(cloud, broker_for):
    alice = context_of(cloud, "alice")
    assert broker_for().credentials_for_new_job(alice, alice.project_id, client_is_central=False) is None
    disabled = broker_for({("centralized_scheduler", "enabled"): False})
    assert disabled.credentials_for_new_job(alice, alice.project_id, client_is_central=True) is None
    enforced = broker_for({("centralized_scheduler", "enforce_trusts"): True})
    assert enforced.credentials_for_new_job(alice, alice.project_id, client_is_central=False)["trust_id"]
    assert cloud.admin("GET", "/OS-TRUST/trusts")["trusts"]


def test_other_auth_strategies_have_no_trusts(keystone_server):
    assert make_trust_broker(server_conf(keystone_server, {(None, "auth_strategy"): "token"})) is None


def test_without_delegated_roles_the_token_roles_are_delegated(cloud, broker_for):
    bob = context_of(cloud, "bob")
    broker = broker_for({("centralized_scheduler", "trusts_delegated_roles"): []})
    trust = cloud.trust(broker.credentials_for_new_job(bob, bob.project_id, client_is_central=True)["trust_id"])
    token_roles = {role["name"] for role in bob.token_info["token"]["roles"]}
    assert {role["name"] for role in trust["roles"]} == token_roles
    assert "member" in token_roles


def test_roles_the_caller_does_not_hold_are_422(cloud, broker_for):
    rita = context_of(cloud, "rita")  # reader only: cannot delegate member
    with pytest.raises(Unprocessable, match="Missing required credentials"):
        broker_for().credentials_for_new_job(rita, rita.project_id, client_is_central=True)
    alice = context_of(cloud, "alice")
    unknown = broker_for({("centralized_scheduler", "trusts_delegated_roles"): ["no-such-role"]})
    with pytest.raises(Unprocessable, match="Missing required credentials"):
        unknown.credentials_for_new_job(alice, alice.project_id, client_is_central=True)
    assert cloud.admin("GET", "/OS-TRUST/trusts")["trusts"] == []


def test_an_unknown_trustee_is_422(cloud, broker_for):
    alice = context_of(cloud, "alice")
    nobody = broker_for({("centralized_scheduler", "auth_section"): "no_such_section"})
    with pytest.raises(Unprocessable, match="Missing required credentials"):
        nobody.credentials_for_new_job(alice, alice.project_id, client_is_central=True)


def test_an_unreachable_keystone_is_503(cloud, keystone_server, tmp_path):
    alice = context_of(cloud, "alice")
    config = tmp_path / "freezer-api.conf"
    config.write_text(
        keystone_server.config_file.read_text().replace(cloud.auth_url, f"http://127.0.0.1:{free_port()}/v3")
    )
    closed = make_trust_broker(load_conf(["--config-file", str(config)]))
    with pytest.raises(Unavailable):
        closed.credentials_for_new_job(alice, alice.project_id, client_is_central=True)


def test_release_deletes_the_trust_once_no_job_uses_it(cloud, broker_for):
    alice = context_of(cloud, "alice")
    broker = broker_for()
    credentials = broker.credentials_for_new_job(alice, alice.project_id, client_is_central=True)
    broker.release(alice, credentials, still_used=True)
    assert cloud.trust(credentials["trust_id"]) is not None
    broker.release(alice, credentials, still_used=False)
    assert cloud.trust(credentials["trust_id"]) is None
    broker.release(alice, credentials, still_used=False)  # already gone: nothing to do


def test_an_admin_may_release_another_users_trust(cloud, broker_for):
    alice, ada = context_of(cloud, "alice"), context_of(cloud, "ada")
    broker = broker_for()
    credentials = broker.credentials_for_new_job(alice, alice.project_id, client_is_central=True)
    broker.release(ada, credentials, still_used=False)
    assert cloud.trust(credentials["trust_id"]) is None


def test_a_trust_that_cannot_be_deleted_is_logged_not_raised(cloud, broker_for, caplog):
    alice, amy = context_of(cloud, "alice"), context_of(cloud, "amy")
    broker = broker_for()
    credentials = broker.credentials_for_new_job(alice, alice.project_id, client_is_central=True)
    with caplog.at_level(logging.WARNING, logger="freezer_api.auth.trusts"):
        broker.release(amy, credentials, still_used=False)
    assert cloud.trust(credentials["trust_id"]) is not None
    assert f"openstack trust delete {credentials['trust_id']}" in caplog.text
