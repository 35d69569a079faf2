"""Fixtures of the browser tests: one Chromium with a fresh profile, one page per test."""

from __future__ import annotations

import pytest

from tests.support.browser import FLAGS, ensure_chromium


@pytest.fixture(scope="session")
def chromium_context(tmp_path_factory):
    """A persistent context is the one way to give Chromium a user data directory: a fresh one."""
    from playwright.sync_api import sync_playwright

    executable = ensure_chromium()
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")),
            executable_path=str(executable),
            headless=True,
            args=list(FLAGS),
            viewport={"width": 1280, "height": 800},
        )
        context.set_default_timeout(15_000)
        yield context
        context.close()


@pytest.fixture
def page(chromium_context):
    """A new tab with no cookies left from another test."""
    chromium_context.clear_cookies()
    tab = chromium_context.new_page()
    yield tab
    tab.close()
