"""Jobs for a central scheduler over Keystone.

The creating user's trust is kept with the job, and the scheduler acts through it (docs/jobs.md#trusts).
"""

from tests.identity.conftest import as_user
from tests.support.factories import client_info, job
from tests.support.http import Caller, OverHTTP
from tests.support.keystone_cloud import password_token


def test_jobs_of_a_central_client_carry_one_trust_the_scheduler_can_use(cloud, keystone_server):
    project_a, project_b = cloud.projects["freezer-a"], cloud.projects["freezer-b"]
    ada, alice, bob = (as_user(cloud, keystone_server, name) for name in ("ada", "alice", "bob"))
    central = client_info(is_central=True)
    assert ada.post(f"/v2/{project_a}/clients", central).status == 201
    try:
        first = alice.post(f"/v2/{project_a}/jobs", job(central["client_id"])).json()["job_id"]
        second = alice.post(f"/v2/{project_a}/jobs", job(central["client_id"])).json()["job_id"]
        credentials = alice.get(f"/v2/{project_a}/jobs/{first}").json()["user_credentials"]
        assert credentials["trustor_user_id"] == cloud.users["alice"].id
        assert alice.get(f"/v2/{project_a}/jobs/{second}").json()["user_credentials"] == credentials
        # Central clients serve every project: bob's job gets bob's trust, in bob's project.
        bobs = bob.post(f"/v2/{project_b}/jobs", job(central["client_id"])).json()["job_id"]
        bobs_trust = bob.get(f"/v2/{project_b}/jobs/{bobs}").json()["user_credentials"]["trust_id"]
        assert cloud.trust(bobs_trust)["project_id"] == project_b

        # The central scheduler (the service user) authenticates with the job's trust and acts in alice's project.
        service = cloud.users["freezer"]
        token, body = password_token(cloud.auth_url, service.name, service.password, trust_id=credentials["trust_id"])
        assert body["project"]["id"] == project_a
        assert {role["name"] for role in body["roles"]} == {"member", "reader"}  # member and the role it implies
        scheduler = Caller(OverHTTP(keystone_server.url), {"X-Auth-Token": token})
        schedule = {"job_schedule": {"status": "running", "current_pid": 4242}}
        assert scheduler.patch(f"/v2/{project_a}/jobs/{first}", schedule).status == 200
        assert scheduler.get(f"/v2/{project_b}/jobs/{bobs}").status == 403

        assert alice.delete(f"/v2/{project_a}/jobs/{first}").status == 204
        assert cloud.trust(credentials["trust_id"]) is not None  # the second job still uses it
        assert alice.delete(f"/v2/{project_a}/jobs/{second}").status == 204
        assert cloud.trust(credentials["trust_id"]) is None
        assert bob.delete(f"/v2/{project_b}/jobs/{bobs}").status == 204
        assert cloud.trust(bobs_trust) is None
    finally:
        ada.delete(f"/v2/{project_a}/clients/{central['client_id']}")


def test_jobs_of_ordinary_clients_carry_no_credentials(cloud, keystone_server):
    project = cloud.projects["freezer-a"]
    alice = as_user(cloud, keystone_server, "alice")
    ordinary = client_info()
    assert alice.post(f"/v2/{project}/clients", ordinary).status == 201
    forged = {"trust_id": "someone-elses-trust", "trustor_user_id": cloud.users["bob"].id}
    job_id = alice.post(f"/v2/{project}/jobs", job(ordinary["client_id"], user_credentials=forged)).json()["job_id"]
    assert "user_credentials" not in alice.get(f"/v2/{project}/jobs/{job_id}").json()
