"""The dashboard's Keystone login: a Keystone token for the user through keystoneauth; the password is never kept."""

from __future__ import annotations

import base64

import orjson
import requests

from tests.support.factories import client_info


def log_in(server, user, *, password: str | None = None) -> requests.Response:
    return requests.post(
        f"{server.url}/ui/login",
        data={
            "username": user.name,
            "password": password or user.password,
            "project": user.project,
            "domain": "Default",
        },
        headers={"Origin": server.url},
        allow_redirects=False,
        timeout=30,
    )


def test_a_keystone_user_logs_in_and_sees_its_project(cloud, keystone_server):
    alice = cloud.users["alice"]
    token, _ = cloud.token("alice")
    client = client_info(description="seen through the dashboard")
    reply = requests.post(
        f"{keystone_server.url}/v2/{alice.project_id}/clients", json=client, headers={"X-Auth-Token": token}, timeout=30
    )
    assert reply.status_code == 201, reply.text
    result = log_in(keystone_server, alice)
    assert result.status_code == 303, result.text
    cookie = result.cookies["freezer_ui_session"]
    session = orjson.loads(base64.urlsafe_b64decode(cookie + "=" * (-len(cookie) % 4)))
    assert session["p"] == alice.project_id
    assert alice.password not in cookie and alice.password not in orjson.dumps(session).decode()
    assert "HttpOnly" in result.headers["set-cookie"] and "SameSite=Strict" in result.headers["set-cookie"]
    page = requests.get(f"{keystone_server.url}/ui/clients", cookies={"freezer_ui_session": cookie}, timeout=30)
    assert page.status_code == 200
    assert client["client_id"] in page.text


def test_a_wrong_password_is_refused_on_the_form(cloud, keystone_server):
    result = log_in(keystone_server, cloud.users["alice"], password="wrong")
    assert result.status_code == 401
    assert "Keystone refused" in result.text
    assert "freezer_ui_session" not in result.cookies
