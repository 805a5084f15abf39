"""The "Back to top" control: a plain link, which JavaScript keeps out of the way until useful."""

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.conftest import ContextFactory

pytestmark = pytest.mark.browser

IS_IN_TAB_ORDER = """element => {
    if (element.tabIndex < 0) return false;
    const before = document.activeElement;
    element.focus();
    const focused = document.activeElement === element;
    if (before instanceof HTMLElement) before.focus(); else element.blur();
    return focused;
}"""
IS_SEEN = """element => {
    const style = getComputedStyle(element);
    const box = element.getBoundingClientRect();
    return style.visibility !== "hidden" && style.display !== "none"
        && Number(style.opacity) > 0 && box.width > 0 && box.height > 0;
}"""
# The top of the page: scrolled no further than the #top anchor that opens <body>.
AT_THE_TOP = "() => window.scrollY <= document.getElementById('top').offsetTop"
FOCUS_IS_AT_TOP = """() => {
    const focused = document.activeElement;
    return focused !== null && (focused.id === "top" || focused.classList.contains("skip-link"));
}"""


def long_page(new_context: ContextFactory) -> tuple[Page, Locator]:
    """A page that scrolls a good way on a phone (the largest text), with its scripts run."""
    page = new_context(a11y="size5").new_page()
    page.goto("/micro-needling/", wait_until="networkidle")
    return page, page.locator("a[data-to-top]")


def scroll_down_until_shown(page: Page) -> None:
    """Scroll down with the mouse wheel, as a reader would, until the control shows."""
    page.mouse.move(195, 400)
    page.mouse.wheel(0, 3000)
    page.wait_for_function(f"() => ({IS_SEEN})(document.querySelector('a[data-to-top]'))")


def test_scroll_to_top_is_hidden_and_not_focusable_at_the_top(
    new_context: ContextFactory,
) -> None:
    _, to_top = long_page(new_context)

    assert not to_top.evaluate(IS_SEEN), "shown before scrolling"
    assert not to_top.evaluate(IS_IN_TAB_ORDER), "focusable before scrolling"


def test_scroll_to_top_appears_after_scrolling_down(new_context: ContextFactory) -> None:
    page, to_top = long_page(new_context)

    scroll_down_until_shown(page)

    expect(to_top).to_be_in_viewport()
    assert to_top.evaluate(IS_IN_TAB_ORDER)


def test_scroll_to_top_returns_to_the_top_and_moves_focus_there(
    new_context: ContextFactory,
) -> None:
    page, to_top = long_page(new_context)
    scroll_down_until_shown(page)

    to_top.focus()
    page.keyboard.press("Enter")

    page.wait_for_function(AT_THE_TOP)
    page.wait_for_function(FOCUS_IS_AT_TOP)


def test_back_to_top_link_works_without_javascript(new_context: ContextFactory) -> None:
    page = new_context(java_script_enabled=False, a11y="size5").new_page()
    page.goto("/micro-needling/")
    back_to_top = page.get_by_role("link", name="Back to top")
    back_to_top.scroll_into_view_if_needed()
    assert page.evaluate("window.scrollY") > 0, "the page should be long enough to scroll"
    expect(back_to_top).to_be_visible()

    back_to_top.click()

    assert urlsplit(page.url).fragment == "top"
    expect(page.locator(".site-header")).to_be_in_viewport()
    assert page.evaluate(AT_THE_TOP), "the page did not scroll back to the top"
