"""The dashboard's HTTP behaviour (/ui/): login cookie, CSRF, security headers, local assets only.

In process through create_app with static tokens; the browser tests
(tests/browser/test_dashboard.py) drive the same pages in Chromium.
"""

from __future__ import annotations

import re
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import falcon.testing
import pytest

from freezer_api.app import create_app
from freezer_api.ui import STATIC
from tests.conftest import make_conf
from tests.support.factories import backup_metadata, client_info, job
from tests.support.personas import PERSONAS, tokens_file_content

MEMBER = PERSONAS["member_a"]
READER = PERSONAS["reader_a"]
HOST = "falconframework.org"  # falcon.testing's default Host
ORIGIN = {"Origin": f"http://{HOST}"}


def dashboard(tmp_path: Path, **groups) -> falcon.testing.TestClient:
    tokens = tmp_path / "tokens.json"
    tokens.write_bytes(tokens_file_content())
    conf = make_conf(
        DEFAULT={"auth_strategy": "token"},
        token_auth={"tokens_file": str(tokens)},
        database={"connection": f"sqlite:///{tmp_path / 'f.sqlite'}"},
        **groups,
    )
    return falcon.testing.TestClient(create_app(conf))


@pytest.fixture
def ui(tmp_path) -> falcon.testing.TestClient:
    return dashboard(tmp_path)


def post_form(ui, path: str, form: dict, headers: dict) -> falcon.testing.Result:
    """A form post, as a browser sends it."""
    return ui.simulate_post(
        path, body=urlencode(form), headers={"Content-Type": "application/x-www-form-urlencoded", **headers}
    )


def log_in(ui, token: str = MEMBER.token, **headers) -> falcon.testing.Result:
    return post_form(ui, "/ui/login", {"token": token}, {**ORIGIN, **headers})


def session_cookie(result) -> tuple[str, dict]:
    cookie = SimpleCookie()
    cookie.load(result.headers["set-cookie"])
    morsel = cookie["freezer_ui_session"]
    return morsel.value, {key: morsel[key] for key in ("httponly", "samesite", "secure", "path", "max-age", "expires")}


@pytest.fixture
def logged_in(ui):
    value, _ = session_cookie(log_in(ui))
    return {"Cookie": f"freezer_ui_session={value}"}


def csrf_token(ui, cookie, path: str) -> str:
    page = ui.simulate_get(path, headers=cookie).text
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def test_without_a_cookie_pages_redirect_to_the_login_page(ui):
    result = ui.simulate_get("/ui/jobs", params={"offset": "10"})
    assert result.status_code == 303
    assert result.headers["location"] == "/ui/login?next=%2Fui%2Fjobs%3Foffset%3D10"
    assert ui.simulate_get("/ui/login").status_code == 200


def test_the_login_cookie_is_httponly_strict_and_expires(ui):
    result = log_in(ui)
    assert result.status_code == 303 and result.headers["location"] == "/ui"
    value, attributes = session_cookie(result)
    assert MEMBER.token in __import__("base64").urlsafe_b64decode(value + "==").decode()
    assert attributes["httponly"] is True
    assert attributes["samesite"] == "Strict"
    assert attributes["path"] == "/ui"
    assert attributes["secure"] == ""  # plain HTTP
    assert 0 < int(attributes["max-age"]) <= 8 * 3600


def test_the_cookie_is_secure_over_https_or_when_configured(ui, tmp_path):
    _, attributes = session_cookie(log_in(ui, **{"X-Forwarded-Proto": "https"}))
    assert attributes["secure"] is True
    (tmp_path / "secure").mkdir()
    configured = dashboard(tmp_path / "secure", ui={"secure_cookies": True})
    _, attributes = session_cookie(log_in(configured))
    assert attributes["secure"] is True


def test_a_wrong_token_gets_the_form_again(ui):
    result = log_in(ui, "nope")
    assert result.status_code == 401
    assert "This token is not valid here." in result.text
    assert "set-cookie" not in result.headers


def test_a_cross_site_form_is_refused(ui, logged_in):
    assert log_in(ui, Origin="https://attacker.example").status_code == 403
    assert log_in(ui, **{"Sec-Fetch-Site": "cross-site"}).status_code == 403
    token = csrf_token(ui, logged_in, "/ui/jobs")
    cross = post_form(ui, "/ui/logout", {"csrf_token": token}, {**logged_in, "Origin": "https://attacker.example"})
    assert cross.status_code == 403


def test_state_changes_need_the_csrf_token(ui, logged_in):
    api = falcon.testing.TestClient(ui.app, headers={"X-Auth-Token": MEMBER.token})
    client = client_info()
    assert api.simulate_post(f"/v2/{MEMBER.project_id}/clients", json=client).status_code == 201
    job_id = api.simulate_post(f"/v2/{MEMBER.project_id}/jobs", json=job(client["client_id"])).json["job_id"]
    path = f"/ui/jobs/{job_id}/event"
    for form in ({"event": "start"}, {"event": "start", "csrf_token": "forged"}):
        refused = post_form(ui, path, form, {**logged_in, **ORIGIN})
        assert refused.status_code == 403, form
        assert refused.json["title"] == "Forbidden"
    assert api.simulate_get(f"/v2/{MEMBER.project_id}/jobs/{job_id}").json["job_schedule"].get("event") is None
    token = csrf_token(ui, logged_in, f"/ui/jobs/{job_id}")
    done = post_form(ui, path, {"event": "start", "csrf_token": token}, {**logged_in, **ORIGIN})
    assert done.status_code == 303
    assert api.simulate_get(f"/v2/{MEMBER.project_id}/jobs/{job_id}").json["job_schedule"]["event"] == "start"


def test_the_dashboard_only_does_what_the_users_policy_allows(ui):
    """A reader sees the pages, and the API's 403 for a job event shows as the page's refusal."""
    api = falcon.testing.TestClient(ui.app, headers={"X-Auth-Token": MEMBER.token})
    client = client_info()
    api.simulate_post(f"/v2/{MEMBER.project_id}/clients", json=client)
    job_id = api.simulate_post(f"/v2/{MEMBER.project_id}/jobs", json=job(client["client_id"])).json["job_id"]
    value, _ = session_cookie(log_in(ui, READER.token))
    cookie = {"Cookie": f"freezer_ui_session={value}"}
    assert ui.simulate_get(f"/ui/jobs/{job_id}", headers=cookie).status_code == 200
    token = csrf_token(ui, cookie, f"/ui/jobs/{job_id}")
    refused = post_form(ui, f"/ui/jobs/{job_id}/event", {"event": "stop", "csrf_token": token}, {**cookie, **ORIGIN})
    assert refused.status_code == 403


def test_logout_clears_the_cookie(ui, logged_in):
    token = csrf_token(ui, logged_in, "/ui")
    result = post_form(ui, "/ui/logout", {"csrf_token": token}, {**logged_in, **ORIGIN})
    assert result.status_code == 303 and result.headers["location"] == "/ui/login"
    value, attributes = session_cookie(result)
    assert value == "" and "1970" in attributes["expires"] and attributes["httponly"] is True


def test_an_expired_or_forged_cookie_is_no_session(ui):
    import base64

    import orjson

    expired = base64.urlsafe_b64encode(
        orjson.dumps({"t": MEMBER.token, "p": MEMBER.project_id, "u": "x", "e": 1, "c": "c", "m": "token"})
    ).decode()
    for value in (expired, "garbage", ""):
        result = ui.simulate_get("/ui/jobs", headers={"Cookie": f"freezer_ui_session={value}"})
        assert result.status_code == 303, value


def test_a_revoked_token_ends_the_session(tmp_path):
    ui = dashboard(tmp_path)
    value, _ = session_cookie(log_in(ui))
    (tmp_path / "tokens.json").write_text("[]")
    import os
    import time

    os.utime(tmp_path / "tokens.json", (time.time() + 5, time.time() + 5))  # the file reloads on a newer mtime
    deadline = time.monotonic() + 10
    while True:
        result = ui.simulate_get("/ui/jobs", headers={"Cookie": f"freezer_ui_session={value}"})
        if result.status_code == 303 or time.monotonic() > deadline:
            break
    assert result.status_code == 303
    assert result.headers["location"].startswith("/ui/login?")
    assert "expired=1" in result.headers["location"]


def test_the_login_never_redirects_to_another_site(ui):
    for target in ("//attacker.example/ui", "https://attacker.example", "/v2/x", "/ui\\@attacker.example", "/uix"):
        result = post_form(ui, "/ui/login", {"token": MEMBER.token, "next": target}, ORIGIN)
        assert result.headers["location"] == "/ui", target


@pytest.mark.parametrize("path", ["/ui/login", "/ui/jobs", "/ui/static/ui.css", "/ui/nothing"])
def test_security_headers_on_every_response(ui, path):
    headers = ui.simulate_get(path).headers
    policy = headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "same-origin"


def test_nothing_is_fetched_from_elsewhere(ui, logged_in):
    """Every page and asset names only this server: no CDN, no web font, no external script."""
    external = re.compile(r"""(?:https?:)?//(?!www\.w3\.org/2000/svg)[a-z0-9.-]+\.[a-z]{2,}""", re.IGNORECASE)
    bodies = {path.name: path.read_text() for path in STATIC.iterdir()}
    for page in ("/ui", "/ui/login", "/ui/clients", "/ui/jobs", "/ui/sessions", "/ui/backups", "/ui/backup-sets"):
        bodies[page] = ui.simulate_get(page, headers=logged_in).text
    for name, body in bodies.items():
        assert external.findall(body) == [], name
        for reference in re.findall(r"""(?:src|href)=["']([^"']+)""", body):
            assert reference.startswith(("/", "#", "?")), (name, reference)


def test_pages_make_a_handful_of_api_calls(ui, logged_in):
    for page in ("/ui", "/ui/clients", "/ui/jobs", "/ui/sessions", "/ui/backups", "/ui/backup-sets"):
        result = ui.simulate_get(page, headers=logged_in)
        assert result.status_code == 200, page
        assert int(result.headers["x-api-calls"]) <= 3, page


def test_noauth_says_so(app):
    page = falcon.testing.TestClient(app).simulate_get("/ui/login").text
    assert "No authentication (noauth)" in page


def test_the_dashboard_can_be_switched_off(tmp_path):
    ui = dashboard(tmp_path, ui={"enabled": False})
    result = ui.simulate_get("/ui/login", headers={"X-Auth-Token": MEMBER.token})
    assert result.status_code == 404
    assert set(result.json) == {"title", "description"}


def seeded_job(ui) -> tuple[falcon.testing.TestClient, str, str]:
    api = falcon.testing.TestClient(ui.app, headers={"X-Auth-Token": MEMBER.token})
    client = client_info()
    api.simulate_post(f"/v2/{MEMBER.project_id}/clients", json=client)
    reply = api.simulate_post(f"/v2/{MEMBER.project_id}/jobs", json=job(client["client_id"], description="db dump"))
    return api, client["client_id"], reply.json["job_id"]


def run_once(api, job_id: str, result: str) -> None:
    """One run as freezer-scheduler reports it: a PATCH into running, then back to scheduled with its result."""
    path = f"/v2/{MEMBER.project_id}/jobs/{job_id}"
    schedule = api.simulate_get(path).json["job_schedule"]
    for changes in (
        {"status": "running", "result": "", "time_started": 1764800000, "time_ended": -1},
        {"status": "scheduled", "result": result, "time_ended": 1764800120},
    ):
        schedule.update(changes)
        assert api.simulate_patch(path, json={"job_schedule": schedule}).status_code == 200


def test_the_pages_show_what_the_health_and_runs_routes_answer(ui, logged_in):
    api, client_id, job_id = seeded_job(ui)
    run_once(api, job_id, "success")
    run_once(api, job_id, "fail")
    health = api.simulate_get(f"/v2/{MEMBER.project_id}/health").json
    assert health["jobs"]["failing"] == 1 and health["attention"][0]["id"] == job_id

    overview = ui.simulate_get("/ui", headers=logged_in).text
    assert '<tr data-attention="job-failing">' in overview and f'href="/ui/jobs/{job_id}"' in overview
    assert re.search(r'data-count="job-failing">.*✖</span> failing</span> <strong>1</strong>', overview)
    clients = re.findall(r'data-count="client-(\w+)">.*<strong>(\d+)</strong>', overview)
    assert [name for name, _ in clients] == ["up", "down", "unknown"] and sum(int(n) for _, n in clients) == 1
    page = ui.simulate_get(f"/ui/jobs/{job_id}", headers=logged_in).text
    assert page.count('class="bar bar-') == 2 and "bar-fail" in page and "bar-success" in page
    assert 'data-health="failing"' in page and "✖</span> failing</span> since" in page
    assert re.search(r"<dt>Last run</dt><dd><time [^>]+>[^<]+</time>: <span class=\"state state-fail\">", page)
    client_page = ui.simulate_get(f"/ui/clients/{client_id}", headers=logged_in).text
    assert re.search(r'data-health="(up|unknown)"', client_page) and "✖</span> failing</span> 1" in client_page


def test_looking_at_a_client_is_not_its_poll(ui, logged_in):
    """The client page lists the client's jobs without the server taking it for the scheduler polling."""
    from freezer_api.domain.liveness import client_of_poll
    from freezer_api.ui.protection import not_a_poll

    poll = {"match": [{"client_id": "c1", "status": "scheduled"}], "match_not": [{"status": "completed"}]}
    assert not_a_poll(poll) == {
        "match": [{"status": "scheduled"}, {"_all": '[{"client_id":"c1"}]'}],
        "match_not": [{"status": "completed"}],
    }
    assert client_of_poll(poll) == "c1" and client_of_poll(not_a_poll(poll)) is None
    assert not_a_poll({"match": [{"_all": "db"}]}) == {"match": [{"_all": "db"}]}
    _, client_id, _ = seeded_job(ui)
    page = ui.simulate_get(f"/ui/clients/{client_id}", headers=logged_in).text
    assert "db dump" in page  # the same jobs as a match on client_id
    jobs = ui.simulate_get("/ui/jobs", params={"q": f"client_id:{client_id}"}, headers=logged_in).text
    assert "db dump" in jobs


def test_restoring_from_the_catalog_creates_the_restore_job(ui, logged_in):
    api = falcon.testing.TestClient(ui.app, headers={"X-Auth-Token": MEMBER.token})
    target = client_info(hostname="spare01.example.com")
    assert api.simulate_post(f"/v2/{MEMBER.project_id}/clients", json=target).status_code == 201
    source = backup_metadata(hostname="db01.example.com", backup_name="db_nightly", time_stamp=1764700000)
    backup_id = api.simulate_post(f"/v2/{MEMBER.project_id}/backups", json=source).json["backup_id"]
    sets = ui.simulate_get("/ui/backup-sets", headers=logged_in).text
    assert "db_nightly" in sets and f"/ui/backups/{backup_id}#restore" in sets
    token = csrf_token(ui, logged_in, f"/ui/backups/{backup_id}")
    form = {"client_id": target["client_id"], "restore_abs_path": "/srv/restore", "csrf_token": token}
    created = post_form(ui, f"/ui/backups/{backup_id}/restore", form, {**logged_in, **ORIGIN})
    assert created.status_code == 303, created.text
    job_id = re.match(r"/ui/jobs/([^?]+)\?", created.headers["location"]).group(1)
    restore_job = api.simulate_get(f"/v2/{MEMBER.project_id}/jobs/{job_id}").json
    assert restore_job["client_id"] == target["client_id"]
    action = restore_job["job_actions"][0]["freezer_action"]
    assert (action["action"], action["hostname"], action["backup_name"]) == (
        "restore",
        "db01.example.com",
        "db_nightly",
    )
    assert action["restore_abs_path"] == "/srv/restore"
    refused = post_form(ui, "/ui/backups/nope/restore", form, {**logged_in, **ORIGIN, "Accept": "text/html"})
    assert refused.status_code == 404 and "<h1>Not found</h1>" in refused.text


def test_lists_are_paged(tmp_path):
    ui = dashboard(tmp_path, ui={"page_size": 2})
    api = falcon.testing.TestClient(ui.app, headers={"X-Auth-Token": MEMBER.token})
    client = client_info()
    api.simulate_post(f"/v2/{MEMBER.project_id}/clients", json=client)
    for number in range(3):
        api.simulate_post(f"/v2/{MEMBER.project_id}/jobs", json=job(client["client_id"], description=f"job {number}"))
    value, _ = session_cookie(log_in(ui))
    cookie = {"Cookie": f"freezer_ui_session={value}"}
    first = ui.simulate_get("/ui/jobs", headers=cookie).text
    assert first.count("<tr>") == 3  # the header and two jobs
    assert 'href="/ui/jobs?offset=2" rel="next"' in first and 'rel="prev"' not in first
    second = ui.simulate_get("/ui/jobs", params={"offset": "2"}, headers=cookie).text
    assert second.count("<tr>") == 2
    assert 'href="/ui/jobs" rel="prev"' in second and 'rel="next"' not in second


def test_the_login_page_sends_a_logged_in_user_on(ui, logged_in):
    result = ui.simulate_get("/ui/login", params={"next": "/ui/backups"}, headers=logged_in)
    assert result.status_code == 303 and result.headers["location"] == "/ui/backups"


def test_a_json_list_posted_as_the_form_is_refused_not_a_500(ui):
    result = ui.simulate_post("/ui/login", json=["token"], headers=ORIGIN)
    assert result.status_code == 401
