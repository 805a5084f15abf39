"""The display options toolbar: the cookie format, and the flow that works without JavaScript."""

from html.parser import HTMLParser

import pytest
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from dermadesk.website import accessibility
from dermadesk.website.accessibility import Preferences, parse
from dermadesk.website.models import Page, PageKind

URL = "/accessibility/"

preferences = st.builds(
    Preferences,
    text_size=st.integers(accessibility.MIN_TEXT_SIZE, accessibility.MAX_TEXT_SIZE),
    contrast=st.booleans(),
    underline=st.booleans(),
    readable=st.booleans(),
    motion=st.booleans(),
)


# The cookie format


def test_no_cookie_means_the_default_look() -> None:
    assert parse(None) == Preferences()
    assert parse("") == Preferences()


@given(preferences)
def test_every_choice_survives_the_cookie(prefs: Preferences) -> None:
    assert parse(prefs.serialize()) == prefs


def test_cookie_lists_toggles_then_text_size() -> None:
    prefs = Preferences(text_size=2, motion=True, contrast=True)
    assert prefs.serialize() == "contrast.motion.size2"


def test_default_look_has_an_empty_cookie_value() -> None:
    assert Preferences().serialize() == ""


def test_unknown_tokens_in_the_cookie_are_ignored() -> None:
    assert parse("contrast.sparkles.size") == Preferences(contrast=True)


@pytest.mark.parametrize(("value", "size"), [("size9", 5), ("size-9", -1), ("size3", 3)])
def test_text_size_in_the_cookie_is_kept_within_the_steps(value: str, size: int) -> None:
    assert parse(value).text_size == size


@pytest.mark.parametrize("value", ["size1_0", "size+2", "size 2", "size٣", "size12"])
def test_malformed_text_size_counts_as_default(value: str) -> None:
    assert parse(value).text_size == 0


def test_overlong_cookie_counts_as_default() -> None:
    assert parse("contrast." + "x" * 200) == Preferences()


def test_html_classes_name_each_chosen_toggle() -> None:
    prefs = Preferences(contrast=True, readable=True, text_size=3)
    assert prefs.html_classes == "a11y-contrast a11y-readable"
    assert prefs.text_percent == "150"


# Pressing a button


def test_larger_text_steps_up_to_200_percent_and_stops() -> None:
    prefs = Preferences()
    for _ in range(10):
        prefs = prefs.apply("larger")
    assert prefs.text_size == accessibility.MAX_TEXT_SIZE
    assert prefs.text_percent == "200"
    assert prefs.is_largest_text


def test_smaller_text_stops_at_87_5_percent() -> None:
    prefs = Preferences().apply("smaller").apply("smaller")
    assert prefs.text_percent == "87.5"
    assert prefs.is_smallest_text


@pytest.mark.parametrize("toggle", accessibility.TOGGLES)
def test_pressing_a_toggle_twice_restores_it(toggle: str) -> None:
    once = Preferences().apply(toggle)
    assert getattr(once, toggle) is True
    assert once.apply(toggle) == Preferences()


@given(preferences)
def test_reset_clears_every_choice(prefs: Preferences) -> None:
    assert prefs.apply("reset").is_default


def test_unknown_action_is_an_error() -> None:
    with pytest.raises(ValueError, match="sparkles"):
        Preferences().apply("sparkles")


# The toolbar without JavaScript: a form posted to the server


@pytest.mark.django_db
def test_larger_text_is_remembered_in_cookie(client: Client) -> None:
    response = client.post(URL, {"action": "larger", "next": "/micro-needling/"})

    cookie = response.cookies[accessibility.COOKIE_NAME]
    assert cookie.value == "size1"
    assert cookie["max-age"] == accessibility.COOKIE_MAX_AGE
    assert cookie["path"] == "/"
    assert cookie["samesite"] == "Lax"
    assert not cookie["httponly"], "the toolbar's script must be able to update it"
    assert not cookie["secure"]


@pytest.mark.django_db
def test_choice_is_added_to_the_choices_already_made(client: Client) -> None:
    client.cookies[accessibility.COOKIE_NAME] = "underline.size2"

    response = client.post(URL, {"action": "contrast", "next": "/"})

    assert response.cookies[accessibility.COOKIE_NAME].value == "contrast.underline.size2"


@pytest.mark.django_db
def test_cookie_is_secure_over_https(client: Client) -> None:
    response = client.post(URL, {"action": "contrast", "next": "/"}, secure=True)

    assert response.cookies[accessibility.COOKIE_NAME]["secure"]


@pytest.mark.django_db
def test_choice_returns_to_the_toolbar_on_the_same_page(client: Client) -> None:
    response = client.post(URL, {"action": "readable", "next": "/contact/?topic=hours"})

    assert response.status_code == 303
    assert response["Location"] == "/contact/?topic=hours#display-options"


@pytest.mark.django_db
def test_fragment_of_the_page_is_replaced_by_the_toolbar(client: Client) -> None:
    response = client.post(URL, {"action": "readable", "next": "/contact/#form"})

    assert response["Location"] == "/contact/#display-options"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "foreign",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example/",
        "http://testserver/contact/",
        "javascript:alert(1)",
        "",
    ],
)
def test_foreign_next_is_refused_and_home_is_used(client: Client, foreign: str) -> None:
    response = client.post(URL, {"action": "contrast", "next": foreign})

    assert response.status_code == 303
    assert response["Location"] == "/#display-options"


@pytest.mark.django_db
def test_unknown_action_is_rejected_with_400(client: Client) -> None:
    response = client.post(URL, {"action": "sparkles", "next": "/"})

    assert response.status_code == 400
    assert accessibility.COOKIE_NAME not in response.cookies


@pytest.mark.django_db
def test_missing_action_is_rejected_with_400(client: Client) -> None:
    assert client.post(URL, {"next": "/"}).status_code == 400


@pytest.mark.django_db
def test_get_is_not_allowed(client: Client) -> None:
    assert client.get(URL).status_code == 405


@pytest.mark.django_db
def test_display_options_need_no_csrf_token_so_public_pages_can_be_cached() -> None:
    # The only effect of a forged post is someone's display options: not worth a per-visitor
    # token on every public page, which would make each page uncacheable.
    client = Client(enforce_csrf_checks=True)

    response = client.post(URL, {"action": "contrast", "next": "/"})

    assert response.status_code == 303
    assert response.cookies["a11y"].value == "contrast"


@pytest.mark.django_db
def test_reset_removes_the_cookie(client: Client) -> None:
    client.cookies[accessibility.COOKIE_NAME] = "contrast.motion.size4"

    response = client.post(URL, {"action": "reset", "next": "/"})

    cookie = response.cookies[accessibility.COOKIE_NAME]
    assert cookie.value == ""
    assert cookie["max-age"] == 0


# Pages drawn with the saved choices (no flash of the default look)


@pytest.fixture
def home_page(db: None) -> Page:
    return Page.objects.create(
        slug="home",
        kind=PageKind.HOME,
        title="Micro-Needling",
        nav_title="Home",
        seo_title="Micro-Needling",
        seo_description="Micro-needling for all skin types.",
        body="Read about [micro-needling](/micro-needling/).",
    )


class _PageMarkup(HTMLParser):
    """What the tests need to know about a page: <html>, the toolbar's buttons, scripts, styles."""

    def __init__(self) -> None:
        super().__init__()
        self.html: dict[str, str | None] = {}
        self.buttons: dict[str, dict[str, str | None]] = {}
        self.scripts: list[dict[str, str | None]] = []
        self.style_elements = 0
        self.style_attributes = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if "style" in attributes:
            self.style_attributes += 1
        if tag == "html":
            self.html = attributes
        elif tag == "button" and attributes.get("name") == "action":
            self.buttons[attributes["value"] or ""] = attributes
        elif tag == "script":
            self.scripts.append(attributes)
        elif tag == "style":
            self.style_elements += 1


def markup_of(client: Client) -> _PageMarkup:
    response = client.get("/")
    assert response.status_code == 200
    parser = _PageMarkup()
    parser.feed(response.content.decode())
    return parser


def test_page_is_drawn_with_the_saved_choices(client: Client, home_page: Page) -> None:
    client.cookies[accessibility.COOKIE_NAME] = "contrast.motion.size3"

    page = markup_of(client)

    assert page.html["class"] == "a11y-contrast a11y-motion"
    assert page.html["data-text-size"] == "3"


def test_page_without_choices_has_no_display_classes(client: Client, home_page: Page) -> None:
    page = markup_of(client)

    assert "class" not in page.html
    assert "data-text-size" not in page.html


def test_toolbar_buttons_show_which_toggles_are_on(client: Client, home_page: Page) -> None:
    client.cookies[accessibility.COOKIE_NAME] = "underline"

    buttons = markup_of(client).buttons

    assert buttons["underline"]["aria-pressed"] == "true"
    assert buttons["contrast"]["aria-pressed"] == "false"
    assert set(buttons) == set(accessibility.ACTIONS)


def test_larger_text_is_marked_unavailable_at_the_largest_size(
    client: Client, home_page: Page
) -> None:
    client.cookies[accessibility.COOKIE_NAME] = "size5"

    buttons = markup_of(client).buttons

    assert buttons["larger"]["aria-disabled"] == "true"
    assert "aria-disabled" not in buttons["smaller"]


def test_page_has_no_inline_script_or_style(client: Client, home_page: Page) -> None:
    page = markup_of(client)

    assert page.style_elements == 0
    assert page.style_attributes == 0
    for script in page.scripts:
        # A JSON-LD data block is not run, so the CSP does not apply to it.
        assert script.get("src") or script.get("type") == "application/ld+json", script
