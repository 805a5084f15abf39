"""The way in: every public page leads to online booking, each treatment page to its own."""

import importlib
import re

import pytest
from django.apps import apps
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client

from dermadesk.scheduling.models import Service
from dermadesk.website.content import load_pages
from dermadesk.website.models import Page

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = ["/" if page["slug"] == "home" else f"/{page['slug']}/" for page in load_pages()]
HEADER_LINK = '<a class="book-button header-book" href="/book/">Book a visit</a>'


@pytest.fixture(autouse=True)
def demo_clinic() -> None:
    cache.clear()  # pages are kept a minute; these tests change what they link to
    call_command("demo", verbosity=0)


def book_call(html: str) -> str:
    """The page's own call to book (the box after or before its text)."""
    match = re.search(r'<(?:section|div) class="book-call[^"]*".*?</(?:section|div)>', html, re.S)
    assert match, "the page has no call to book"
    return match.group(0)


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_every_public_page_has_book_a_visit_in_its_header(client: Client, path: str) -> None:
    html = client.get(path).text
    header = html[html.index('<header class="site-header">') : html.index("</header>")]
    assert HEADER_LINK in header


def test_the_not_found_page_has_book_a_visit_too(client: Client) -> None:
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert HEADER_LINK in response.text


def test_home_page_calls_to_book_under_its_heading(client: Client) -> None:
    html = client.get("/").text
    call = book_call(html)
    assert '<a class="book-button" href="/book/">Book a visit online</a>' in call
    assert html.index("</h1>") < html.index(call) < html.index('<div class="prose">')


@pytest.mark.parametrize(
    ("path", "service", "link"),
    [
        ("/micro-needling/", "micro-needling", "Book Micro-Needling online"),
        ("/micro-needling-with-prp/", "micro-needling-prp", "Book Micro-Needling with PRP online"),
    ],
)
def test_treatment_page_links_straight_to_its_treatment(
    client: Client, path: str, service: str, link: str
) -> None:
    call = book_call(client.get(path).text)
    assert f'<a class="book-button" href="/book/{service}/">{link}</a>' in call
    assert "A few health questions are part of booking" in call


def test_prp_page_says_the_whole_course_can_be_booked_with_the_first_visit(client: Client) -> None:
    call = book_call(client.get("/micro-needling-with-prp/").text)
    assert "you can book the whole course of 4 to 6 sessions at once" in call
    assert "course" not in book_call(client.get("/micro-needling/").text)


def test_a_page_links_to_the_treatment_staff_choose_for_it(client: Client) -> None:
    consultation = Service.objects.get(slug="consultation")
    Page.objects.filter(slug="micro-needling").update(book_service=consultation)
    call = book_call(client.get("/micro-needling/").text)
    assert '<a class="book-button" href="/book/consultation/">Book Consultation online</a>' in call


@pytest.mark.parametrize("change", [{"active": False}, {"bookable_online": False}])
def test_a_treatment_not_bookable_online_sends_the_link_to_all_treatments(
    client: Client, change: dict[str, bool]
) -> None:
    Service.objects.filter(slug="micro-needling").update(**change)
    call = book_call(client.get("/micro-needling/").text)
    assert '<a class="book-button" href="/book/">Book a visit online</a>' in call
    assert "/book/micro-needling/" not in call


def test_risks_page_says_the_health_questions_come_with_booking(client: Client) -> None:
    html = client.get("/risks-and-candidacy/").text
    call = book_call(html)
    assert "The health questions are part of booking online." in call
    assert "Nothing is booked until you confirm." in call
    assert 'href="/book/">Start booking and answer the health questions</a>' in call
    assert '<a href="/book/consultation/" rel="noopener noreferrer">consultation</a>' in html
    assert "coming soon" not in html


def test_contact_page_sends_medical_questions_to_a_consultation_booking(client: Client) -> None:
    html = client.get("/contact/").text
    start = html.index('<section class="notice"')
    notice = html[start : html.index("</section>", start)]
    assert '<a href="/book/consultation/">book a consultation online</a>' in notice


def test_pages_loaded_before_booking_links_existed_get_them(client: Client) -> None:
    # As an earlier `manage.py demo` left them: no links, and the risks page's old promise.
    migration = importlib.import_module(
        "dermadesk.website.migrations.0003_demo_pages_link_to_booking"
    )
    Page.objects.update(book_service=None)
    risks = Page.objects.get(slug="risks-and-candidacy")
    risks.body = risks.body.replace(migration.NEW_RISKS_PARAGRAPH, migration.OLD_RISKS_PARAGRAPH)
    risks.save()
    staff_choice = Service.objects.get(slug="micro-needling")
    Page.objects.filter(slug="contact").update(book_service=staff_choice)

    migration.link_demo_pages(apps, None)

    linked = dict(Page.objects.values_list("slug", "book_service__slug"))
    assert linked["micro-needling"] == "micro-needling"
    assert linked["micro-needling-with-prp"] == "micro-needling-prp"
    assert linked["contact"] == "micro-needling"  # chosen by staff: left as it was
    assert linked["home"] is None
    html = client.get("/risks-and-candidacy/").text
    assert "coming soon" not in html
    assert '<a href="/book/consultation/" rel="noopener noreferrer">consultation</a>' in html
