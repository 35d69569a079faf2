"""Action de-duplication: a job's actions become stored actions, one per distinct definition."""

from __future__ import annotations

import orjson
import pytest

from freezer_api.context import RequestContext
from freezer_api.domain.actions import same_definition
from freezer_api.domain.errors import Unprocessable
from tests.support.factories import freezer_action, job


def stored_actions(services, project) -> list[dict]:
    return [orjson.loads(raw) for raw in services.actions.list(project, None, limit=100, offset=0)]


def action_ids(services, project, job_id) -> list[str]:
    return [entry["action_id"] for entry in services.jobs.get(project, job_id).doc["job_actions"]]


def test_each_new_definition_becomes_a_stored_action(services, ctx, project, client_id):
    job_id = services.jobs.create(ctx, project, job(client_id, freezer_action(), freezer_action()))
    ids = action_ids(services, project, job_id)
    assert len(set(ids)) == 2
    actions = stored_actions(services, project)
    assert sorted(a["action_id"] for a in actions) == sorted(ids)
    assert all(a["user_id"] == ctx.user_id and a["project_id"] == project for a in actions)


def test_a_job_naming_a_stored_action_by_id_reuses_it(services, ctx, project, client_id):
    first = services.jobs.create(ctx, project, job(client_id))
    (action_id,) = action_ids(services, project, first)
    second = services.jobs.create(ctx, project, job(client_id, job_actions=[{"action_id": action_id}]))
    assert action_ids(services, project, second) == [action_id]
    entry = services.jobs.get(project, second).doc["job_actions"][0]
    assert entry["freezer_action"] == services.actions.get(project, action_id).doc["freezer_action"]
    assert len(stored_actions(services, project)) == 1


def test_the_same_definition_under_its_id_is_not_stored_again(services, ctx, project, client_id):
    action = freezer_action()
    first = services.jobs.create(ctx, project, job(client_id, action))
    (action_id,) = action_ids(services, project, first)
    again = job(client_id, job_actions=[{"action_id": action_id, "freezer_action": dict(action)}])
    second = services.jobs.create(ctx, project, again)
    assert action_ids(services, project, second) == [action_id]
    assert len(stored_actions(services, project)) == 1


def test_a_changed_definition_under_an_old_id_becomes_a_new_action(services, ctx, project, client_id):
    first = services.jobs.create(ctx, project, job(client_id))
    (action_id,) = action_ids(services, project, first)
    changed = job(client_id, job_actions=[{"action_id": action_id, "freezer_action": freezer_action(mode="mysql")}])
    second = services.jobs.create(ctx, project, changed)
    (new_id,) = action_ids(services, project, second)
    assert new_id != action_id
    assert services.actions.get(project, action_id).doc["freezer_action"]["mode"] == "fs"  # the old one stays
    assert services.actions.get(project, new_id).doc["freezer_action"]["mode"] == "mysql"


def test_one_job_giving_a_chosen_id_twice_stores_it_once(services, ctx, project, client_id):
    action = freezer_action()
    entries = [{"action_id": "nightly", "freezer_action": action}, {"action_id": "nightly"}]
    job_id = services.jobs.create(ctx, project, job(client_id, job_actions=entries))
    assert action_ids(services, project, job_id) == ["nightly", "nightly"]
    assert [a["action_id"] for a in stored_actions(services, project)] == ["nightly"]


def test_an_id_naming_nothing_needs_a_definition(services, ctx, project, client_id, store):
    with pytest.raises(Unprocessable, match="no action 'missing'"):
        services.jobs.create(ctx, project, job(client_id, job_actions=[{"action_id": "missing"}]))
    assert store.count("actions") == store.count("jobs") == 0


def test_another_projects_action_is_not_reused(services, ctx, project, client_id):
    first = services.jobs.create(ctx, project, job(client_id))
    (action_id,) = action_ids(services, project, first)
    other = "q" + project[1:]
    other_ctx = RequestContext(user_id="user-2", project_id=other)
    with pytest.raises(Unprocessable):
        services.jobs.create(other_ctx, other, job(client_id, job_actions=[{"action_id": action_id}]))


def test_a_refused_job_stores_none_of_its_actions(services, ctx, project, client_id, store):
    unsupported = freezer_action(engine_name="nova")
    with pytest.raises(Unprocessable):
        services.jobs.create(ctx, project, job(client_id, freezer_action(), unsupported))
    assert store.count("actions") == 0


def test_same_definition_ignores_owner_and_version_and_treats_missing_as_null():
    stored = {"action": "backup", "mode": None, "user_id": "a", "_version": 3}
    assert same_definition(stored, {"action": "backup", "user_id": "b"})
    assert not same_definition(stored, {"action": "backup", "mode": "fs"})
    assert not same_definition(stored, {"action": "restore"})
