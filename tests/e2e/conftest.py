"""Browser tests: Debian's Chromium driven by Playwright against a live server.

Skipped, with the reason, when Chromium is not installed (``make test`` installs it where it can).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.factories import TEST_PASSWORD

CHROMIUM = os.environ.get("DCR_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
SCREENSHOT_DIR = Path(os.environ.get("DCR_SCREENSHOT_DIR", "/tmp/screens"))

# Playwright's sync API runs an event loop in this thread; the ORM calls made by test code
# (creating users, reading results) are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser():
    if not (Path(CHROMIUM).exists() or shutil.which("chromium")):
        pytest.skip(f"Chromium is not installed at {CHROMIUM}; `make browser` installs it (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def phone_page(browser, live_server):
    """A phone-sized window (iPhone-like 390x844, touch)."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                                  base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def login_as():
    """Sign a user in through the real sign-in form (and the code step when their role needs it)."""

    def _login(page, user, password: str = TEST_PASSWORD):
        from accounts.second_step import must_use
        from tests.factories import app_device, code_for

        device = app_device(user) if must_use(user) else None
        page.goto("/accounts/login/")
        page.get_by_label("Email address").fill(user.email)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()
        if device is not None:  # the second step, as the person's authenticator app would answer it
            page.get_by_label("Code").fill(code_for(device))
            page.get_by_role("button", name="Continue").click()
            page.wait_for_load_state()
        return page

    return _login


@pytest.fixture
def screenshot():
    """Save a screenshot for a person to look at: ``screenshot(page, "consultations/new-form")``."""

    def _shot(page, name: str, full_page: bool = True) -> Path:
        path = SCREENSHOT_DIR / f"{name}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(path), full_page=full_page)
        return path

    return _shot
