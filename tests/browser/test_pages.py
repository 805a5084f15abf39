"""The public pages as a visitor on a phone gets them, with JavaScript on and off."""

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import ConsoleMessage, Error, Request, expect

from dermadesk.website.models import Page
from tests.browser.conftest import SERVER_HOST, ContextFactory
from tests.browser.pages import NOT_FOUND_PATH

pytestmark = pytest.mark.browser


def published_paths() -> list[str]:
    return [page.get_absolute_url() for page in Page.objects.filter(published=True)]


def test_every_published_page_loads_with_one_main_heading_and_a_title(
    new_context: ContextFactory,
) -> None:
    page = new_context().new_page()
    problems = []
    for path in published_paths():
        response = page.goto(path)
        assert response is not None
        if response.status != 200:
            problems.append(f"{path}: status {response.status}")
        if (headings := page.locator("h1").count()) != 1:
            problems.append(f"{path}: {headings} h1 elements")
        if not page.title().strip():
            problems.append(f"{path}: empty title")
    assert not problems, "\n".join(problems)


def test_unknown_address_shows_the_not_found_page(new_context: ContextFactory) -> None:
    page = new_context().new_page()
    response = page.goto(NOT_FOUND_PATH)
    assert response is not None
    assert response.status == 404
    expect(page.locator("h1")).to_have_count(1)
    assert page.title().strip()
    expect(page.get_by_role("link", name="Go to the home page")).to_be_visible()


def test_pages_make_no_request_beyond_the_clinic_server_and_log_no_errors(
    new_context: ContextFactory,
) -> None:
    page = new_context().new_page()
    requested: list[str] = []
    errors: list[str] = []

    def record_request(request: Request) -> None:
        requested.append(request.url)

    def record_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(f"{page.url}: console: {message.text}")

    def record_page_error(error: Error) -> None:
        errors.append(f"{page.url}: uncaught: {error.message}")

    page.on("request", record_request)
    page.on("console", record_console)
    page.on("pageerror", record_page_error)
    for path in published_paths():
        page.goto(path, wait_until="networkidle")

    elsewhere = [url for url in requested if urlsplit(url).hostname != SERVER_HOST]
    assert not elsewhere, "requests to other hosts:\n" + "\n".join(elsewhere)
    assert not errors, "\n".join(errors)


def test_pages_show_their_content_and_menu_without_javascript(
    new_context: ContextFactory,
) -> None:
    page = new_context(java_script_enabled=False).new_page()
    for path in published_paths():
        page.goto(path)
        expect(page.locator("h1")).to_be_visible()
        expect(page.locator("main")).to_be_visible()
        menu = page.get_by_role("navigation", name="Main").get_by_role("link")
        expect(menu.first).to_be_visible()
        for link in menu.all():
            expect(link).to_be_visible()


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_skip_link_is_the_first_tab_stop_and_moves_focus_to_main(
    new_context: ContextFactory, javascript: bool
) -> None:
    page = new_context(java_script_enabled=javascript).new_page()
    page.goto("/micro-needling/")

    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Skip to main content")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_visible()
    page.keyboard.press("Enter")

    expect(page.locator("main#main")).to_be_focused()
