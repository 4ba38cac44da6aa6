"""Browser tests of the tablet screens: Playwright driving Debian's Chromium against the live
test server, on the demo venue.

pytest-playwright's own fixtures look for a browser Playwright downloads, which this machine
cannot do, so the browser is launched here from /usr/bin/chromium (the project's Makefile
installs it). Playwright's sync API runs an event loop in the test's thread, so Django's ORM
in the same thread needs DJANGO_ALLOW_ASYNC_UNSAFE; the tests are transactional, because the
live server's thread must see what they write.
"""

import os
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import get_resolver
from playwright.sync_api import expect

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
# expect() waits up to this long for the page to settle (the machine may be busy); it is a
# patience, not a speed requirement: speed is measured by bench/ui_bench.py.
expect.set_options(timeout=15_000)

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]  # fmt: skip
LANDSCAPE = {"width": 1280, "height": 800}


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make system-deps` (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    # Import every view now (WeasyPrint, the card gateway...), not during a test's first page.
    get_resolver().url_patterns  # noqa: B018
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def venue(transactional_db):
    """The demo venue (menu, staff with PINs, tablets, drawers, the safe's opening cash)."""
    call_command("demo", stdout=open(os.devnull, "w"))  # noqa: SIM115 (closed at exit)


@pytest.fixture
def new_page(browser, live_server):
    """Open a fresh browser context (its own cookies and localStorage) at tablet size."""
    contexts = []

    def open_page(theme: str = "dark", viewport: dict = LANDSCAPE):
        context = browser.new_context(viewport=viewport, base_url=live_server.url)
        context.add_cookies([{"name": "ui_theme", "value": theme, "url": live_server.url}])
        contexts.append(context)
        page = context.new_page()
        # Generous waits: the machine running the suite may be busy; nothing here is timed.
        page.set_default_timeout(30_000)
        page.set_default_navigation_timeout(60_000)
        return page

    yield open_page
    for context in contexts:
        context.close()
