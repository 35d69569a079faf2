"""A restore point found in the catalog and restored onto another host by freezer-scheduler and freezer-agent 19.0.0.

docs/restore.md: one host backs a directory up three times (level 0, then
two incrementals, changing it in between); the restore plan for a time
between the second and third backup names the first two, and
POST /backups/{second}/restore to a second host's client makes the real
agent there restore exactly the second state, byte for byte.

freezer-agent 19.0.0 writes the increments (its storage names them
0_<t>, 1_<t>, 2_<t>) but reports `curr_backup_level: 0` for every fs
backup (docs/restore.md#agent-levels). The test checks that too, and then
corrects the catalog from the storage layout, as an operator would, so the
plan can be checked against the chain the agent really wrote.
"""

from __future__ import annotations

import os
from pathlib import Path

from tests.e2e.conftest import unique, wait_until_completed
from tests.e2e.test_backup_restore import agent_action, job_of
from tests.e2e.trees import differences, make_tree, snapshot


def change(root: Path, step: int) -> None:
    """A change an incremental backup must carry: a new file, and new content in an existing one."""
    (root / "docs" / f"added-{step}.txt").write_text(f"added by change {step}\n" * (100 * step))
    (root / "bin" / "run.sh").write_text(f"#!/bin/sh\necho change {step}\n")
    os.utime(root / "bin" / "run.sh", (1_700_000_000 + step, 1_700_000_000 + step))


def written_levels(storage: Path, hostname_backup_name: str) -> list[tuple[int, int]]:
    """(level, time) of each backup the agent wrote, oldest first: metadata/tar/<name>/<level-0 time>/<level>_<time>."""
    (level_zero,) = (storage / "metadata" / "tar" / hostname_backup_name).iterdir()
    names = [entry.name.split("_") for entry in level_zero.iterdir()]
    return sorted(((int(level), int(stamp)) for level, stamp in names), key=lambda pair: pair[1])


def test_the_second_of_three_backups_is_restored_onto_another_host(freezer, start_schedulers, tmp_path):
    source_host, target_host = start_schedulers(unique("source"), unique("target"))
    source = make_tree(tmp_path / "source")
    storage, name = tmp_path / "storage", unique("docs")
    options = {
        "hostname": source_host.client_id,
        "backup_name": name,
        "storage": storage,
        "log_file": tmp_path / "agent.log",
        "incremental": True,
        "max_level": 5,  # each backup is one level above the previous one
    }
    states, backup_ids = [], []
    for step in range(3):
        if step:
            change(source, step)
        states.append(snapshot(source))
        action = agent_action("backup", path_to_backup=str(source), **options)
        job_id = freezer.jobs.create(job_of(source_host.client_id, f"backup {step}", action))
        job = wait_until_completed(freezer, job_id, [source_host])
        assert job["job_schedule"]["result"] == "success", source_host.log()
        (backup,) = freezer.backups.list(limit=10, search={"match": [{"job_id": job_id}]})
        assert backup["backup_metadata"]["curr_backup_level"] == 0  # what 19.0.0 reports, whatever the level
        backup_ids.append(backup["backup_id"])
    assert states[1] != states[2]
    stamps = [freezer.backups.get(b)["backup_metadata"]["time_stamp"] for b in backup_ids]
    assert stamps == sorted(stamps) and len(set(stamps)) == 3
    levels = written_levels(storage, f"{source_host.client_id}_{name}")
    assert [level for level, _ in levels] == [0, 1, 2]
    for backup_id, (level, _stamp) in zip(backup_ids, levels, strict=True):
        freezer.backups.update(backup_id, {"backup_metadata": {"curr_backup_level": level}})

    session, base = freezer.session, f"{freezer.endpoint.rstrip('/')}/v2/{freezer.project_id}"
    (backup_set,) = session.get(f"{base}/backup-sets", json={"match": [{"backup_name": name}]}).json()["backup_sets"]
    assert (backup_set["backups"], backup_set["chains"], backup_set["complete"]) == (3, 1, True)
    plan = session.get(
        f"{base}/restore-plan",
        params={"hostname": source_host.client_id, "backup_name": name, "at": stamps[2] - 1},
    ).json()
    assert plan["restore_point"] == stamps[1] and plan["complete"] is True
    assert [b["backup_id"] for b in plan["chain"]] == backup_ids[:2]

    target = tmp_path / "restored"
    reply = session.post(
        f"{base}/backups/{backup_ids[1]}/restore",
        json={"client_id": target_host.client_id, "restore_abs_path": str(target)},
        raise_exc=False,
    )
    assert reply.status_code == 201, reply.text
    restore_job = reply.json()["job_id"]
    job = wait_until_completed(freezer, restore_job, [target_host])

    assert job["job_schedule"]["result"] == "success", target_host.log()
    restored = snapshot(target)
    assert differences(states[1], restored) == []
    assert restored != states[2]
    # The restore reported no backup; the source still holds the third state.
    assert len(freezer.backups.list(limit=10, search={"match": [{"backup_name": name}]})) == 3
    assert snapshot(source) == states[2]
