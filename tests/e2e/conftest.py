import os
import re
import shutil

import pytest
from django.db import connections

# Playwright's sync API runs an event loop in this thread; the test's own ORM calls are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"


# One browser per test, not per session: Playwright's sync API keeps an event loop running in this thread, and
# while it runs Django hands this thread other connection objects (asgiref locals), ones that lack the test
# database's serialized contents, so a later transactional test would start without the seeded calendar.
@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    if not shutil.which(CHROMIUM):
        pytest.fail("Debian's chromium is missing: make test installs it (apt-get install chromium).")
    args = [
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-gpu",
        "--no-first-run",
    ]
    if os.geteuid() == 0:
        args.append("--no-sandbox")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=args)
        yield browser
        browser.close()
        # The test's ORM calls made while the loop ran opened connections of their own (see above): close them
        # here, or the test database cannot be dropped at the end ("being accessed by other users").
        connections.close_all()


@pytest.fixture
def new_page(browser):
    """Opens pages, each in a browser context of its own (one person's), in Chinese. What goes wrong in the
    browser and shows only in its console fails the test: a script error, or a stylesheet, script or icon that is
    not there. The answers the portal gives on purpose are not faults: 400 for a form with errors, 409 for a step
    someone else took first."""
    contexts, faults = [], []

    def on_console(message):
        if message.type == "error" and not re.search(r"status of (400|409)\b", message.text):
            faults.append(f"{message.text} ({message.location['url']})")

    def open_page(**options):
        context = browser.new_context(locale="zh-CN", **options)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15000)
        page.on("console", on_console)
        page.on("pageerror", lambda error: faults.append(f"script error: {error}"))
        return page

    yield open_page
    for context in contexts:
        context.close()
    assert not faults, "The browser reported: " + "; ".join(faults)


@pytest.fixture
def page(new_page):
    return new_page()


@pytest.fixture(autouse=True)
def _stylesheets_from_the_sources(settings):
    """The live server serves static files through django.contrib.staticfiles' finders, from the sources, which
    know no hashed names: pages must link the plain names or the browser gets no stylesheet at all (and a test
    of what the user sees would look at an unstyled page)."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
