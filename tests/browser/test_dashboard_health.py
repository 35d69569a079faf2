"""The dashboard's protection state in Chromium, against what the API reports for a seeded catalog.

A server of its own with short [health] thresholds (a client is down 2 s
after it was last heard from), and a catalog built through the API the way
freezer-scheduler builds it: it registers its client, takes its jobs up and
reports each run with its PATCHes of job_schedule. Then the client falls
silent. One job missed its date (overdue), one's last run failed (failing),
and the client is down; the test waits for the API to say so (polling with a
deadline), then checks that the pages show exactly that.
"""

from __future__ import annotations

import datetime
import re
import time

import pytest

from tests.api.test_runs import Agent
from tests.browser.test_dashboard import PROJECT, log_in
from tests.conftest import as_persona
from tests.support.browser import screenshot
from tests.support.factories import client_info, freezer_action, job
from tests.support.server import start_server

pytestmark = pytest.mark.browser

DOWN_AFTER = 2
DEADLINE = 30.0
HEALTH = f"[health]\nclient_down_after = {DOWN_AFTER}\nliveness_resolution = 0\ngrace = 60\nmax_run_time = 3600\n"


def _iso(epoch: int) -> str:
    return datetime.datetime.fromtimestamp(epoch, tz=datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def wait_for(what: str, probe):
    deadline = time.monotonic() + DEADLINE
    last = None
    while time.monotonic() < deadline:
        last = probe()
        if last:
            return last
        time.sleep(0.1)
    raise AssertionError(f"{what}: not within {DEADLINE}s (last: {last!r})")


@pytest.fixture(scope="module")
def health_server(tmp_path_factory):
    directory = tmp_path_factory.mktemp("server-ui-health")
    server = start_server(directory, database_url=f"sqlite:///{directory / 'freezer.sqlite'}", extra_config=HEALTH)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def fleet(health_server):
    api = as_persona(health_server, "member_a")
    host = client_info(hostname="gone01.example.com")
    assert api.post(f"/v2/{PROJECT}/clients", host).status == 201
    client_id = host["client_id"]
    ids = {"client": client_id}
    now = int(time.time())
    for name, schedule in (
        ("overdue", {"schedule_date": _iso(now - 3600)}),
        ("failing", {"schedule_interval": "1 hours"}),
    ):
        doc = job(
            client_id, freezer_action(backup_name=f"{name}_etc"), description=f"{name} job", job_schedule=schedule
        )
        reply = api.post(f"/v2/{PROJECT}/jobs", doc)
        assert reply.status == 201, reply
        ids[name] = reply.json()["job_id"]
    agent = Agent(api, PROJECT, ids["failing"])
    agent.take_up()
    agent.start()
    agent.finish("success")
    agent.start()
    agent.finish("fail")
    wait_for(
        "the client goes down", lambda: api.get(f"/v2/{PROJECT}/clients/{client_id}/health").json()["state"] == "down"
    )
    return ids


def test_the_overview_shows_the_states_the_api_reports(page, health_server, fleet):
    reported = as_persona(health_server, "member_a").get(f"/v2/{PROJECT}/health").json()
    assert (reported["clients"]["down"], reported["jobs"]["overdue"], reported["jobs"]["failing"]) == (1, 1, 1)
    log_in(page, health_server.url)
    for name, count in reported["clients"].items():
        assert page.locator(f"[data-count='client-{name}'] strong").inner_text() == str(count)
    shown = {name: count for name, count in reported["jobs"].items() if count}
    for name, count in shown.items():
        item = page.locator(f"[data-count='job-{name.replace('_', '-')}']")
        assert item.inner_text().split() == [{"overdue": "⚠", "failing": "✖"}[name], name, str(count)]
    assert page.locator("[data-count^='job-']").count() == len(shown)
    rows = page.locator("[data-attention]")
    assert [rows.nth(n).get_attribute("data-attention") for n in range(rows.count())] == [
        f"{item['kind']}-{item['state']}" for item in reported["attention"]
    ]
    assert [item["id"] for item in reported["attention"]] == [fleet["client"], fleet["overdue"], fleet["failing"]]
    assert re.fullmatch(r"\d+ (s|min|h) ago", rows.filter(has_text="overdue").locator("time").inner_text())
    screenshot(page, "overview-health")

    rows.filter(has_text="client").get_by_role("link").first.click()
    assert page.locator("[data-health='down']").inner_text() == "⚠ down"
    assert "⚠ overdue 1" in page.locator("dd").filter(has_text="failing").inner_text()
    screenshot(page, "client-down")


def test_a_job_page_shows_its_runs(page, health_server, fleet):
    runs = as_persona(health_server, "member_a").get(f"/v2/{PROJECT}/jobs/{fleet['failing']}/runs").json()["runs"]
    assert [run["result"] for run in runs] == ["fail", "success"]
    log_in(page, health_server.url, then=f"/ui/jobs/{fleet['failing']}")
    assert page.locator("[data-health='failing']").is_visible()
    assert page.locator("svg rect.bar").count() == 2
    assert page.locator("svg rect.bar").first.get_attribute("class") == "bar bar-success"  # oldest left
    table = page.locator("section[aria-labelledby='runs'] tbody tr")
    assert [table.nth(n).locator("td").nth(2).inner_text() for n in range(2)] == ["✖ fail", "✔ success"]
    last_run = page.locator("dt:has-text('Last run') + dd").inner_text()
    assert last_run.endswith("✖ fail, 0 s") or re.search(r"✖ fail, \d+ s$", last_run)
    screenshot(page, "job-runs")
