"""An operator's policy.yaml ([oslo_policy] policy_file) overrides the defaults on a running server.

The defaults: docs/resources.md#policy.
"""

import time

import pytest

from tests.conftest import as_persona
from tests.support.server import start_server

# Workers re-read the rules at most once a second.
RELOAD_DEADLINE = 30.0


@pytest.mark.slow  # waits for the server to reload the policy file
def test_policy_file_overrides_and_later_changes_apply_without_restart(tmp_path):
    policy_file = tmp_path / "policy.yaml"
    policy_file.write_text('"backups:get_all": "role:admin"\n')
    server = start_server(
        tmp_path / "server",
        database_url=f"sqlite:///{tmp_path / 'db.sqlite'}",
        extra_config=f"[oslo_policy]\npolicy_file = {policy_file}\n",
    )
    try:
        member, admin = as_persona(server, "member_a"), as_persona(server, "admin")
        listing = "/v2/project-a/backups"
        assert member.get(listing).status == 403
        assert admin.get(listing).status == 200
        assert member.get("/v2/project-a/backups/no-such-backup").status == 404  # backups:get keeps its default

        policy_file.write_text("{}\n")
        _until_every_worker_answers(member, listing, 200)

        policy_file.write_text('"backups:get_all": "role:admin"\n"backups:create": "!"\n')
        _until_every_worker_answers(member, listing, 403)
        assert (
            admin.post("/v2/project-a/backups", {"container": "c", "backup_name": "b", "hostname": "h"}).status == 403
        )
    finally:
        server.stop()


def _until_every_worker_answers(caller, path, status, in_a_row=10):
    """Poll until `status` comes back `in_a_row` times running (the server has several workers)."""
    deadline = time.monotonic() + RELOAD_DEADLINE
    streak = 0
    while streak < in_a_row:
        streak = streak + 1 if caller.get(path).status == status else 0
        if time.monotonic() > deadline:
            raise AssertionError(f"{path} did not settle on {status} within {RELOAD_DEADLINE}s")
        if not streak:
            time.sleep(0.1)
