"""The display options toolbar: keyboard first, remembered in the a11y cookie, no JS needed.

On a phone it is folded behind its "Display options" summary (a <details>), so the clinic's
name and the way to book fill the first screen; on a wide screen it is open.
"""

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.axe import assert_no_axe_violations
from tests.browser.conftest import ContextFactory

pytestmark = pytest.mark.browser

CONTRAST_CLASS = re.compile(r"\ba11y-contrast\b")
ANY_A11Y_CLASS = re.compile(r"\ba11y-")
WIDE_VIEWPORT = {"width": 1280, "height": 800}


def toolbar_button(page: Page, action: str) -> Locator:
    return page.locator(f"#accessibility-toolbar button[name=action][value={action}]")


def display_options(page: Page) -> Locator:
    """The summary that folds and unfolds the toolbar."""
    return page.locator("#accessibility-toolbar summary")


def tab_to(page: Page, target: Locator, *, max_presses: int = 40) -> None:
    """Press Tab until the target has focus, as a keyboard user would."""
    for _ in range(max_presses):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            return
    pytest.fail(f"{max_presses} presses of Tab did not reach {target}")


def open_display_options(page: Page) -> None:
    """Unfold the toolbar by keyboard, as on a phone."""
    tab_to(page, display_options(page))
    page.keyboard.press("Enter")
    expect(toolbar_button(page, "reset")).to_be_visible()


def test_toolbar_is_folded_on_a_phone(page: Page) -> None:
    page.goto("/")

    expect(display_options(page)).to_be_visible()
    expect(display_options(page)).to_have_text("Display options")
    expect(page.locator("#accessibility-toolbar details")).not_to_have_attribute("open", "")
    for action in ("smaller", "larger", "contrast", "reset"):
        expect(toolbar_button(page, action)).to_be_hidden()
    box = page.locator("#accessibility-toolbar").bounding_box()
    assert box is not None and box["height"] <= 60, f"the folded toolbar is {box} tall"


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_toolbar_opens_by_keyboard_and_tab_then_reaches_its_buttons(
    new_context: ContextFactory, javascript: bool
) -> None:
    page = new_context(java_script_enabled=javascript, bypass_csp=True).new_page()
    page.goto("/")

    tab_to(page, display_options(page))
    if javascript:  # axe itself needs JavaScript
        assert_no_axe_violations(page)
    page.keyboard.press("Enter")

    expect(page.locator("#accessibility-toolbar details")).to_have_attribute("open", "")
    page.keyboard.press("Tab")
    expect(toolbar_button(page, "smaller")).to_be_focused()
    expect(toolbar_button(page, "reset")).to_be_visible()
    if javascript:
        assert_no_axe_violations(page)
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Enter")
    expect(toolbar_button(page, "smaller")).to_be_hidden()


def test_toolbar_is_open_on_a_wide_screen(new_context: ContextFactory) -> None:
    page = new_context(viewport=WIDE_VIEWPORT, bypass_csp=True).new_page()
    page.goto("/")

    expect(display_options(page)).to_be_hidden()
    for action in ("smaller", "larger", "contrast", "underline", "readable", "motion", "reset"):
        expect(toolbar_button(page, action)).to_be_visible()
    tab_to(page, toolbar_button(page, "contrast"))
    page.keyboard.press("Enter")
    expect(page.locator("html")).to_have_class(CONTRAST_CLASS)
    assert_no_axe_violations(page)


def test_choice_made_on_a_phone_is_kept_and_the_toolbar_folds_again_on_the_next_page(
    page: Page,
) -> None:
    page.goto("/")
    open_display_options(page)
    tab_to(page, toolbar_button(page, "underline"))
    page.keyboard.press("Enter")

    page.goto("/contact/")
    expect(page.locator("html")).to_have_class(re.compile(r"\ba11y-underline\b"))
    expect(toolbar_button(page, "underline")).to_be_hidden()
    expect(toolbar_button(page, "underline")).to_have_attribute("aria-pressed", "true")


def test_high_contrast_turns_on_by_keyboard(page: Page) -> None:
    page.goto("/")
    open_display_options(page)
    tab_to(page, toolbar_button(page, "contrast"))
    page.keyboard.press("Enter")

    expect(page.locator("html")).to_have_class(CONTRAST_CLASS)
    expect(toolbar_button(page, "contrast")).to_have_attribute("aria-pressed", "true")


def test_larger_text_turns_on_by_keyboard(page: Page) -> None:
    page.goto("/")
    open_display_options(page)
    tab_to(page, toolbar_button(page, "larger"))
    page.keyboard.press("Space")

    expect(page.locator("html")).to_have_attribute("data-text-size", "1")


def test_display_choice_persists_after_reload_and_on_another_page(page: Page) -> None:
    page.goto("/")
    open_display_options(page)
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

    open_display_options(page)
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
    open_display_options(page)
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

    display_options(page).click()
    toolbar_button(page, action).click()

    expect(page).to_have_url(re.compile(r"/risks-and-candidacy/#display-options$"))
    expect(page.locator("html")).to_have_class(re.compile(rf"\b{expected_class}\b"))
    # Back on the page, the toolbar is unfolded to show the choice (the address names it).
    expect(toolbar_button(page, action)).to_be_visible()
    expect(toolbar_button(page, action)).to_have_attribute("aria-pressed", "true")


def test_text_size_buttons_work_without_javascript(new_context: ContextFactory) -> None:
    page = new_context(java_script_enabled=False).new_page()
    page.goto("/")

    display_options(page).click()
    toolbar_button(page, "larger").click()
    expect(page.locator("html")).to_have_attribute("data-text-size", "1")
    toolbar_button(page, "larger").click()
    expect(page.locator("html")).to_have_attribute("data-text-size", "2")
    toolbar_button(page, "smaller").click()
    expect(page.locator("html")).to_have_attribute("data-text-size", "1")
