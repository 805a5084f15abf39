"""The display options toolbar: keyboard first, remembered in the a11y cookie, no JS needed."""

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.conftest import ContextFactory

pytestmark = pytest.mark.browser

CONTRAST_CLASS = re.compile(r"\ba11y-contrast\b")
ANY_A11Y_CLASS = re.compile(r"\ba11y-")


def toolbar_button(page: Page, action: str) -> Locator:
    return page.locator(f"#accessibility-toolbar button[name=action][value={action}]")


def tab_to(page: Page, target: Locator, *, max_presses: int = 40) -> None:
    """Press Tab until the target has focus, as a keyboard user would."""
    for _ in range(max_presses):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            return
    pytest.fail(f"{max_presses} presses of Tab did not reach {target}")


def test_high_contrast_turns_on_by_keyboard(page: Page) -> None:
    page.goto("/")
    tab_to(page, toolbar_button(page, "contrast"))
    page.keyboard.press("Enter")

    expect(page.locator("html")).to_have_class(CONTRAST_CLASS)
    expect(toolbar_button(page, "contrast")).to_have_attribute("aria-pressed", "true")


def test_larger_text_turns_on_by_keyboard(page: Page) -> None:
    page.goto("/")
    tab_to(page, toolbar_button(page, "larger"))
    page.keyboard.press("Space")

    expect(page.locator("html")).to_have_attribute("data-text-size", "1")


def test_display_choice_persists_after_reload_and_on_another_page(page: Page) -> None:
    page.goto("/")
    tab_to(page, toolbar_button(page, "contrast"))
    page.keyboard.press("Enter")
    expect(page.locator("html")).to_have_class(CONTRAST_CLASS)

    page.reload()
    expect(page.locator("html")).to_have_class(CONTRAST_CLASS)
    page.goto("/contact/")
    expect(page.locator("html")).to_have_class(CONTRAST_CLASS)
    expect(toolbar_button(page, "contrast")).to_have_attribute("aria-pressed", "true")


def test_reset_clears_every_display_choice(new_context: ContextFactory) -> None:
    page = new_context(a11y="contrast.underline.readable.motion.size3").new_page()
    page.goto("/")
    expect(page.locator("html")).to_have_class(CONTRAST_CLASS)

    tab_to(page, toolbar_button(page, "reset"))
    page.keyboard.press("Enter")
    expect(page.locator("html")).not_to_have_class(ANY_A11Y_CLASS)
    expect(page.locator("html")).not_to_have_attribute("data-text-size", re.compile(".*"))

    page.reload()
    expect(page.locator("html")).not_to_have_class(ANY_A11Y_CLASS)
    expect(toolbar_button(page, "contrast")).to_have_attribute("aria-pressed", "false")


def test_toggle_with_javascript_keeps_focus_and_announces_the_change(page: Page) -> None:
    page.goto("/")
    page.evaluate("window.sameDocumentMarker = true")
    contrast = toolbar_button(page, "contrast")
    tab_to(page, contrast)
    page.keyboard.press("Enter")

    expect(page.locator("html")).to_have_class(CONTRAST_CLASS)
    expect(contrast).to_be_focused()
    expect(page.locator("#accessibility-toolbar .a11y-status")).not_to_be_empty()
    assert page.evaluate("window.sameDocumentMarker === true"), "the page was reloaded"


@pytest.mark.parametrize(
    ("action", "expected_class"),
    [("contrast", "a11y-contrast"), ("underline", "a11y-underline")],
)
def test_toolbar_works_without_javascript(
    new_context: ContextFactory, action: str, expected_class: str
) -> None:
    page = new_context(java_script_enabled=False).new_page()
    page.goto("/risks-and-candidacy/")

    toolbar_button(page, action).click()

    expect(page).to_have_url(re.compile(r"/risks-and-candidacy/#accessibility-toolbar$"))
    expect(page.locator("html")).to_have_class(re.compile(rf"\b{expected_class}\b"))
    expect(toolbar_button(page, action)).to_have_attribute("aria-pressed", "true")


def test_text_size_buttons_work_without_javascript(new_context: ContextFactory) -> None:
    page = new_context(java_script_enabled=False).new_page()
    page.goto("/")

    toolbar_button(page, "larger").click()
    expect(page.locator("html")).to_have_attribute("data-text-size", "1")
    toolbar_button(page, "larger").click()
    expect(page.locator("html")).to_have_attribute("data-text-size", "2")
    toolbar_button(page, "smaller").click()
    expect(page.locator("html")).to_have_attribute("data-text-size", "1")
