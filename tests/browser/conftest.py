"""A real Chromium (Debian's) driven by Playwright against pytest-django's live server.

Every test gets the demo clinic in a freshly flushed database (``transactional_db``: the live
server runs in another thread, so it must see committed rows) and a phone-sized browser context.
"""

import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.management import call_command
from django.test.utils import override_settings
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright
from pytest_django.live_server_helper import LiveServer

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-gpu",
]
PHONE_VIEWPORT = {"width": 390, "height": 844}
SERVER_HOST = "127.0.0.1"

# The live server listens on 127.0.0.1 (not "localhost"), so "no request leaves 127.0.0.1"
# means what it says. Read by pytest-django when the live server starts.
os.environ.setdefault("DJANGO_LIVE_TEST_SERVER_ADDRESS", SERVER_HOST)
# Playwright's sync API keeps an event loop in the main thread, which makes Django refuse
# ORM calls there (SynchronousOnlyOperation) although nothing here is asynchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ContextFactory = Callable[..., BrowserContext]

# How long an expectation waits for the page to show what it should. Playwright's 5 s is
# too short on a machine running other work besides (a page that builds a day of free
# times took longer once, under a load of 5 on 2 cores); a real failure still fails.
expect.set_options(timeout=10_000)


@pytest.fixture(scope="session", autouse=True)
def _plain_http_site() -> Iterator[None]:
    """The live server speaks plain HTTP and serves static files from the finders.

    Without DEBUG the settings default to HTTPS redirects, Secure cookies (the toolbar's form
    would fail its CSRF check over HTTP) and the hashed-name manifest, which only exists after
    ``collectstatic``. Session-scoped and autouse so it is in force before the live server
    builds its middleware. Lighthouse checks the production configuration instead.
    """
    with override_settings(
        SECURE_SSL_REDIRECT=False,
        SECURE_HSTS_SECONDS=0,
        SESSION_COOKIE_SECURE=False,
        CSRF_COOKIE_SECURE=False,
        STORAGES={
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
    ):
        yield


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def site_url(transactional_db: None, live_server: LiveServer) -> str:
    """The live server's address, with the demo clinic and its public pages loaded."""
    call_command("demo", verbosity=0)
    return live_server.url


@pytest.fixture
def new_context(browser: Browser, site_url: str) -> Iterator[ContextFactory]:
    """Open browser contexts (phone-sized unless told otherwise); all closed after the test.

    ``a11y`` sets the display-preferences cookie before the first page loads, as a returning
    visitor would have it; other keyword arguments go to ``Browser.new_context``.
    """
    contexts: list[BrowserContext] = []

    def open_context(*, a11y: str | None = None, **options: Any) -> BrowserContext:
        options.setdefault("viewport", PHONE_VIEWPORT)
        context = browser.new_context(base_url=site_url, **options)
        contexts.append(context)
        if a11y is not None:
            context.add_cookies([{"name": "a11y", "value": a11y, "url": site_url}])
        return context

    yield open_context
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_context: ContextFactory) -> Page:
    """A page in a phone-sized context with JavaScript on."""
    return new_context().new_page()
