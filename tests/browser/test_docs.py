"""/docs "Try it out" in a real browser: path parameters by name, and a search without a GET body."""

from __future__ import annotations

import re

import pytest

from tests.conftest import as_persona
from tests.support.browser import screenshot
from tests.support.factories import backup_metadata, unique
from tests.support.personas import PERSONAS

pytestmark = pytest.mark.browser

MEMBER = PERSONAS["member_a"]


@pytest.fixture
def backup(sqlite_server):
    name = unique("docs")
    reply = as_persona(sqlite_server, "member_a").post(
        f"/v2/{MEMBER.project_id}/backups", backup_metadata(backup_name=name)
    )
    assert reply.status == 201, reply
    return reply.json()["backup_id"], name


def authorize(page, url: str) -> None:
    page.goto(f"{url}/docs")
    page.get_by_role("button", name=re.compile("Authorize")).first.click()
    page.get_by_label("Value:").fill(MEMBER.token)
    page.get_by_role("button", name="Apply credentials").click()
    page.locator(".modal-ux").get_by_role("button", name="Close", exact=True).click()


def open_operation(page, operation_id: str, tag: str = "backups"):
    block = page.locator(f"#operations-{tag}-{operation_id}")
    block.locator(".opblock-summary").click()
    block.get_by_role("button", name="Try it out").click()
    return block


def execute(block) -> str:
    block.get_by_role("button", name="Execute").click()
    status = block.locator(".live-responses-table .response .response-col_status").first
    status.wait_for()
    return status.inner_text().strip()


def test_get_by_id_from_docs_fills_the_path_parameters_by_name(page, sqlite_server, backup):
    backup_id, name = backup
    authorize(page, sqlite_server.url)
    block = open_operation(page, "v2_get_backup")
    block.locator("tr[data-param-name=project_id] input").fill(MEMBER.project_id)
    block.locator("tr[data-param-name=backup_id] input").fill(backup_id)
    assert execute(block) == "200"
    assert name in block.locator(".live-responses-table tbody .response-col_description").first.inner_text()
    screenshot(block, "docs-get-backup")


def test_a_search_from_docs_goes_in_the_query_string(page, sqlite_server, backup):
    backup_id, name = backup
    authorize(page, sqlite_server.url)
    block = open_operation(page, "v2_list_backups")
    block.locator("tr[data-param-name=project_id] input").fill(MEMBER.project_id)
    block.locator("tr[data-param-name=search] textarea").fill(f'{{"match": [{{"backup_name": "{name}"}}]}}')
    # The body editor keeps its example: a browser sends no body with GET, /docs drops it.
    assert execute(block) == "200"
    url = block.locator(".request-url pre").inner_text()
    assert "search=" in url, url
    answer = block.locator(".live-responses-table tbody .response-col_description").first.inner_text()
    assert backup_id in answer and answer.count('"backup_id"') == 1, answer
    screenshot(block, "docs-search-backups")


@pytest.mark.parametrize("kind", ["backups", "clients", "jobs", "actions", "sessions"])
def test_every_list_runs_as_docs_fills_it_in(page, sqlite_server, kind):
    authorize(page, sqlite_server.url)
    block = open_operation(page, f"v2_list_{kind}", kind)
    block.locator("tr[data-param-name=project_id] input").fill(MEMBER.project_id)
    assert execute(block) == "200"


def test_a_search_typed_as_the_body_goes_in_the_query_string(page, sqlite_server, backup):
    backup_id, name = backup
    authorize(page, sqlite_server.url)
    block = open_operation(page, "v2_list_backups")
    block.locator("tr[data-param-name=project_id] input").fill(MEMBER.project_id)
    block.locator("tr[data-param-name=search] textarea").fill("")
    block.locator(".opblock-section-request-body textarea").fill(f'{{"match": [{{"backup_name": "{name}"}}]}}')
    assert execute(block) == "200"
    answer = block.locator(".live-responses-table tbody .response-col_description").first.inner_text()
    assert backup_id in answer and answer.count('"backup_id"') == 1, answer
