"""The dashboard (/ui/) in a real Chromium: login, pages over real data, job events, logout, CSP.

One server of its own (static tokens, SQLite) with a small catalog seeded
through the public API; every page is screenshotted under
artifacts/screenshots/ (git-ignored) for people to look at.
"""

from __future__ import annotations

import re

import pytest

from tests.conftest import as_persona
from tests.support.browser import screenshot
from tests.support.factories import backup_metadata, client_info, freezer_action, job, session
from tests.support.personas import PERSONAS
from tests.support.server import start_server

pytestmark = pytest.mark.browser

MEMBER = PERSONAS["member_a"]
PROJECT = MEMBER.project_id
SCRIPT_DESCRIPTION = "<script>window.__injected = 1</script> evil job"


@pytest.fixture(scope="module")
def ui_server(tmp_path_factory):
    directory = tmp_path_factory.mktemp("server-ui")
    server = start_server(directory, database_url=f"sqlite:///{directory / 'freezer.sqlite'}")
    yield server
    server.stop()


@pytest.fixture(scope="module")
def catalog(ui_server):
    """Two clients, three jobs (one failed, one with a <script> description), a session and backups."""
    api = as_persona(ui_server, "member_a")
    web = client_info(hostname="web01.example.com", description="web front end")
    db = client_info(hostname="db01.example.com")
    for client in (web, db):
        assert api.post(f"/v2/{PROJECT}/clients", client).status == 201
    ids = {}
    for name, client, extra in (
        ("nightly", web, {"description": "nightly /etc of web01"}),
        ("failing", db, {"description": "hourly database dump"}),
        ("script", web, {"description": SCRIPT_DESCRIPTION}),
    ):
        doc = job(client["client_id"], freezer_action(backup_name=f"{name}_etc"), **extra)
        reply = api.post(f"/v2/{PROJECT}/jobs", doc)
        assert reply.status == 201, reply
        ids[name] = reply.json()["job_id"]
    reply = api.post(f"/v2/{PROJECT}/sessions", session(description="db cluster snapshot"))
    assert reply.status == 201, reply
    ids["session"] = reply.json()["session_id"]
    assert api.put(f"/v2/{PROJECT}/sessions/{ids['session']}/jobs/{ids['failing']}").status == 204
    started = api.patch(  # a run as the scheduler reports it: into running, then out with its result
        f"/v2/{PROJECT}/jobs/{ids['failing']}",
        {"job_schedule": {"status": "running", "result": "", "time_started": 1764800000, "time_ended": -1}},
    )
    assert started.status == 200, started
    patched = api.patch(
        f"/v2/{PROJECT}/jobs/{ids['failing']}",
        {
            "job_schedule": {
                "status": "scheduled",
                "result": "fail",
                "time_started": 1764800000,
                "time_ended": 1764800100,
            }
        },
    )
    assert patched.status == 200, patched
    for level, stamp in ((0, 1764700000), (1, 1764786400)):
        doc = backup_metadata(
            hostname="db01.example.com", backup_name="db_nightly", curr_backup_level=level, time_stamp=stamp
        )
        assert api.post(f"/v2/{PROJECT}/backups", doc).status == 201
    assert (
        api.post(f"/v2/{PROJECT}/backups", backup_metadata(hostname="web01.example.com", backup_name="web_etc")).status
        == 201
    )
    other = as_persona(ui_server, "member_b")
    assert other.post(f"/v2/{PERSONAS['member_b'].project_id}/jobs", job(client_info()["client_id"])).status in (
        201,
        422,
    )
    return {"web": web, "db": db, **ids}


def log_in(page, url: str, token: str = MEMBER.token, *, then: str = "/ui/") -> None:
    page.goto(url + then)
    page.get_by_label("Token").fill(token)
    page.get_by_role("button", name="Log in").click()


def test_without_a_cookie_every_page_goes_to_the_login_page(page, ui_server):
    page.goto(f"{ui_server.url}/ui/jobs")
    assert page.url == f"{ui_server.url}/ui/login?next=%2Fui%2Fjobs"
    assert page.get_by_role("heading", name="Log in to Freezer").is_visible()
    screenshot(page, "login")


def test_a_wrong_token_is_refused_on_the_form(page, ui_server):
    log_in(page, ui_server.url, "not-a-token")
    assert page.get_by_role("alert").inner_text() == "This token is not valid here."
    assert "/ui/login" in page.url


def test_log_in_see_real_data_and_log_out(page, ui_server, catalog):
    log_in(page, ui_server.url, then="/ui/jobs")
    assert page.url == f"{ui_server.url}/ui/jobs"
    rows = page.locator("main table tbody tr")
    assert rows.count() == 3
    assert page.get_by_role("link", name="hourly database dump").is_visible()
    failing_row = rows.filter(has_text="hourly database dump")
    assert "✖ fail" in failing_row.inner_text()  # an icon and a word, not only a colour
    screenshot(page, "jobs")

    page.get_by_role("link", name="Overview").click()
    assert page.get_by_role("heading", name="Overview").is_visible()
    assert (
        page.locator("[data-attention='job-failing']").get_by_role("link").first.inner_text()
        == "job hourly database dump"
    )
    screenshot(page, "overview")

    page.get_by_role("link", name="Clients").click()
    page.get_by_role("link", name=catalog["db"]["client_id"]).click()
    assert page.get_by_role("heading", name=re.compile("Client")).is_visible()
    assert page.get_by_role("link", name="hourly database dump").is_visible()
    screenshot(page, "client")

    page.get_by_role("link", name="Sessions").click()
    page.get_by_role("link", name="db cluster snapshot").click()
    assert page.get_by_role("link", name=catalog["failing"]).is_visible()
    screenshot(page, "session")

    page.get_by_role("link", name="Backups").click()
    assert page.locator("main table tbody tr").count() == 3
    page.get_by_label("Search").fill("hostname:db01.example.com -curr_backup_level:1")
    page.get_by_role("button", name="Search").click()
    assert page.locator("main table tbody tr").count() == 1
    assert "q=hostname" in page.url  # a search is a URL that can be shared
    screenshot(page, "backups-search")
    page.get_by_role("link", name="db_nightly").click()
    assert page.get_by_role("heading", name="Backup db_nightly").is_visible()
    screenshot(page, "backup")

    page.get_by_role("button", name="Log out").click()
    assert "/ui/login" in page.url
    page.goto(f"{ui_server.url}/ui/backups")
    assert "/ui/login" in page.url


def test_a_job_page_starts_the_job_after_confirmation(page, ui_server, catalog):
    log_in(page, ui_server.url, then=f"/ui/jobs/{catalog['nightly']}")
    assert page.get_by_role("heading", name="nightly /etc of web01").is_visible()
    assert page.get_by_text("every day from 02:00").is_visible()
    page.get_by_text("Start…").click()
    screenshot(page, "job-confirm-start")
    page.get_by_role("button", name="Yes, start the job").click()
    assert page.get_by_role("status").inner_text() == "start: success"
    reply = as_persona(ui_server, "member_a").get(f"/v2/{PROJECT}/jobs/{catalog['nightly']}")
    assert reply.json()["job_schedule"]["event"] == "start"
    screenshot(page, "job")


def test_an_injected_script_is_text_and_never_runs(page, ui_server, catalog):
    log_in(page, ui_server.url, then=f"/ui/jobs/{catalog['script']}")
    assert page.get_by_role("heading", name=SCRIPT_DESCRIPTION).is_visible()
    assert page.evaluate("window.__injected") is None
    # Even a script element put into the page is refused by the Content-Security-Policy.
    violations = []
    page.on("console", lambda message: violations.append(message.text))
    page.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = 'window.__injected = 2';"
        " document.body.appendChild(s); }"
    )
    assert page.evaluate("window.__injected") is None
    assert any("Content Security Policy" in text for text in violations), violations


def test_another_project_sees_none_of_it(page, ui_server, catalog):
    log_in(page, ui_server.url, PERSONAS["member_b"].token, then="/ui/jobs")
    assert page.get_by_text("hourly database dump").count() == 0
    page.goto(f"{ui_server.url}/ui/jobs/{catalog['failing']}")
    assert page.get_by_role("heading", name="Not found").is_visible()


def test_keyboard_only_and_every_control_labelled(page, ui_server, catalog):
    page.goto(f"{ui_server.url}/ui/login")
    page.wait_for_function("document.activeElement && document.activeElement.id === 'token'")  # autofocus
    page.keyboard.type(MEMBER.token)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{ui_server.url}/ui")
    for path in (
        "/ui",
        "/ui/jobs",
        f"/ui/jobs/{catalog['nightly']}",
        "/ui/backups",
        f"/ui/clients/{catalog['web']['client_id']}",
    ):
        page.goto(ui_server.url + path)
        unlabelled = page.evaluate(
            """() => Array.from(document.querySelectorAll('input:not([type=hidden]), select, textarea, button'))
                 .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label') && !e.textContent.trim())
                 .map(e => e.outerHTML)"""
        )
        assert unlabelled == [], (path, unlabelled)
    page.goto(f"{ui_server.url}/ui/jobs")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Overview"
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/ui/$"))


def test_readable_on_a_phone(page, ui_server, catalog):
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, ui_server.url, then="/ui/jobs")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert page.locator("td[data-label='Last result']").first.is_visible()
    screenshot(page, "jobs-phone")
    page.goto(f"{ui_server.url}/ui/jobs/{catalog['failing']}")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, "job-phone")


def test_the_overview_refreshes_itself_without_a_reload(page, ui_server, catalog):
    log_in(page, ui_server.url)
    page.evaluate("window.__same_document = true")
    client = catalog["web"]["client_id"]
    reply = as_persona(ui_server, "member_a").post(f"/v2/{PROJECT}/jobs", job(client, description="created meanwhile"))
    assert reply.status == 201, reply
    # ui.js re-reads the overview every 15 s and swaps the region in place.
    page.get_by_role("link", name="created meanwhile", exact=True).wait_for(timeout=40_000)
    assert page.evaluate("window.__same_document") is True


def test_times_are_relative_with_the_local_time_on_hover(page, ui_server, catalog):
    log_in(page, ui_server.url, then=f"/ui/jobs/{catalog['failing']}")
    stamp = page.locator("time[data-epoch]").first
    assert re.fullmatch(r"\d+ (s|min|h|d) ago", stamp.inner_text())
    expected = page.evaluate(
        "new Date(Number(document.querySelector('time[data-epoch]').dataset.epoch) * 1000).toLocaleString()"
    )
    assert stamp.get_attribute("title") == expected


def test_a_restore_from_a_backup_set_creates_the_expected_job(page, ui_server, catalog):
    log_in(page, ui_server.url, then="/ui/backup-sets")
    row = page.locator("main table tbody tr").filter(has_text="db_nightly")
    assert "2" in row.inner_text() and "complete" in row.inner_text()
    screenshot(page, "backup-sets")
    row.get_by_role("link", name="Newest restore point").click()
    page.get_by_text("Restore…").click()
    target = catalog["web"]["client_id"]
    page.get_by_label("Target client").fill(target)
    page.get_by_label("Restore into (absolute path)").fill("/srv/restore")
    screenshot(page, "restore-form")
    page.get_by_role("button", name="Create the restore job").click()
    assert page.get_by_role("status").inner_text() == "restore job created"
    job_id = re.search(r"/ui/jobs/([^?]+)", page.url).group(1)
    created = as_persona(ui_server, "member_a").get(f"/v2/{PROJECT}/jobs/{job_id}").json()
    action = created["job_actions"][0]["freezer_action"]
    assert created["client_id"] == target
    assert (action["action"], action["hostname"], action["backup_name"]) == (
        "restore",
        "db01.example.com",
        "db_nightly",
    )
    assert action["restore_abs_path"] == "/srv/restore"
    screenshot(page, "restore-job")
