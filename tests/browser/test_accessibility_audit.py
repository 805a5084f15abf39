"""axe-core (WCAG 2.0–2.2 A and AA rules) finds nothing on any public page, in any display."""

import re

import pytest
from playwright.sync_api import expect

from dermadesk.website.models import Page
from tests.browser.axe import assert_no_axe_violations
from tests.browser.conftest import ContextFactory
from tests.browser.pages import AUDITED_PAGES, DEMO_PAGE_PATHS

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("path", AUDITED_PAGES)
def test_axe_finds_no_violations_in_the_default_display(
    new_context: ContextFactory, path: str
) -> None:
    page = new_context(bypass_csp=True).new_page()
    page.goto(path)
    assert_no_axe_violations(page)


@pytest.mark.parametrize("path", AUDITED_PAGES)
def test_axe_finds_no_violations_with_high_contrast_and_largest_text(
    new_context: ContextFactory, path: str
) -> None:
    page = new_context(bypass_csp=True, a11y="contrast.size5").new_page()
    page.goto(path)
    html = page.locator("html")
    expect(html).to_have_class(re.compile(r"\ba11y-contrast\b"))
    expect(html).to_have_attribute("data-text-size", "5")
    assert_no_axe_violations(page)


def test_every_published_page_is_audited(site_url: str) -> None:
    published = {page.get_absolute_url() for page in Page.objects.filter(published=True)}
    assert published, "the demo command created no pages"
    assert published <= set(DEMO_PAGE_PATHS), f"not audited: {published - set(DEMO_PAGE_PATHS)}"
