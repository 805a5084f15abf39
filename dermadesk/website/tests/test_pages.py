import json
import re
from datetime import UTC, date, datetime, time
from typing import Any

import pytest
import time_machine
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client

from dermadesk.clinic.models import Closure, Location, SpecialHours
from dermadesk.website.models import Page

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = [
    "/",
    "/micro-needling/",
    "/micro-needling-with-prp/",
    "/risks-and-candidacy/",
    "/office-information/",
    "/contact/",
    "/resources/",
]


@pytest.fixture(autouse=True)
def demo_clinic() -> None:
    call_command("demo", verbosity=0)


def json_ld_blocks(html: str) -> list[dict[str, object]]:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return [json.loads(block) for block in blocks]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_page_has_its_title_description_and_one_heading(client: Client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    page = Page.objects.get(slug="home" if path == "/" else path.strip("/"))
    html = response.text
    assert f"<title>{page.seo_title} | " in html
    assert f'<meta name="description" content="{page.seo_description}">' in html
    assert f'<meta property="og:title" content="{page.seo_title}">' in html
    assert f'<link rel="canonical" href="http://testserver{path}">' in html
    assert html.count("<h1") == 1


def test_demo_command_twice_changes_nothing() -> None:
    counts = (Location.objects.count(), Page.objects.count())
    call_command("demo", verbosity=0)
    assert (Location.objects.count(), Page.objects.count()) == counts == (1, 7)


def test_demo_command_keeps_a_page_staff_edited() -> None:
    Page.objects.filter(slug="home").update(title="Our own words")
    call_command("demo", verbosity=0)
    assert Page.objects.get(slug="home").title == "Our own words"


def test_office_hours_are_rendered_from_the_data(client: Client) -> None:
    response = client.get("/office-information/")
    assert "Open 8am–7pm daily (Monday–Sunday)" in response.text
    location = Location.objects.get()
    location.office_hours.filter(weekday=6).delete()
    cache.clear()  # Hours edits show once the page's short cache time has passed.
    response = client.get("/office-information/")
    assert "Monday–Saturday: 8am–7pm" in response.text
    assert "Sunday: Closed" in response.text


@time_machine.travel(datetime(2026, 7, 1, 14, 0, tzinfo=UTC), tick=False)  # 9am in Springfield
def test_office_page_says_open_now_in_the_clinic_time_zone(client: Client) -> None:
    assert "Open now – closes at 7pm." in client.get("/office-information/").text


@time_machine.travel(datetime(2026, 7, 1, 12, 30, tzinfo=UTC), tick=False)  # 7:30am there
def test_office_page_says_closed_now_before_opening(client: Client) -> None:
    assert "Closed now – opens at 8am." in client.get("/office-information/").text


@time_machine.travel(datetime(2026, 12, 20, 15, 0, tzinfo=UTC), tick=False)
def test_office_page_lists_coming_closures_and_special_hours(client: Client) -> None:
    location = Location.objects.get()
    Closure.objects.create(
        location=location,
        first_day=date(2026, 12, 25),
        last_day=date(2026, 12, 26),
        reason="Holidays",
    )
    SpecialHours.objects.create(
        location=location, date=date(2026, 12, 24), opens=time(8), closes=time(13), reason="Eve"
    )
    html = client.get("/office-information/").text
    assert "Thursday, December 24</time>: 8am–1pm (Eve)" in html
    assert "Friday, December 25</time> to" in html
    assert "Saturday, December 26</time>: Closed (Holidays)" in html


def test_office_page_describes_the_clinic_for_search_engines(client: Client) -> None:
    [clinic] = json_ld_blocks(client.get("/office-information/").text)
    assert clinic["@type"] == "MedicalClinic"
    assert clinic["telephone"] == "(217) 555-0142"
    hours = clinic["openingHoursSpecification"]
    assert isinstance(hours, list) and len(hours) == 7
    assert hours[0] == {
        "@type": "OpeningHoursSpecification",
        "dayOfWeek": "https://schema.org/Monday",
        "opens": "08:00",
        "closes": "19:00",
    }


@pytest.mark.parametrize("path", ["/micro-needling/", "/micro-needling-with-prp/"])
def test_treatment_page_describes_the_procedure_for_search_engines(
    client: Client, path: str
) -> None:
    [procedure] = json_ld_blocks(client.get(path).text)
    assert procedure["@type"] == "MedicalProcedure"
    assert procedure["url"] == f"http://testserver{path}"


def test_contact_page_says_non_medical_questions_only(client: Client) -> None:
    html = client.get("/contact/").text
    assert "non-medical questions and correspondence only" in html
    assert "book a consultation" in html


def test_raw_html_in_a_page_is_removed(client: Client) -> None:
    Page.objects.filter(slug="resources").update(
        body="Hello <script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror=y>"
    )
    html = client.get("/resources/").text
    assert "<script>alert" not in html
    assert "javascript:" not in html
    assert "onerror" not in html


def test_unpublished_page_is_not_found(client: Client) -> None:
    Page.objects.filter(slug="resources").update(published=False)
    response = client.get("/resources/")
    assert response.status_code == 404
    assert "We could not find that page" in response.text


def test_unknown_page_gets_the_friendly_404(client: Client) -> None:
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "We could not find that page" in response.text


def test_home_slug_redirects_to_the_home_page(client: Client) -> None:
    response = client.get("/home/")
    assert (response.status_code, response["Location"]) == (301, "/")


def test_sitemap_lists_every_published_page(client: Client) -> None:
    xml = client.get("/sitemap.xml").text
    for path in PUBLIC_PAGES:
        assert f"<loc>http://testserver{path}</loc>" in xml


def test_robots_txt_points_to_the_sitemap_and_keeps_crawlers_out_of_admin(client: Client) -> None:
    text = client.get("/robots.txt").text
    assert "Sitemap: http://testserver/sitemap.xml" in text
    assert "Disallow: /admin/" in text


def test_pages_forbid_inline_script_and_third_party_origins(client: Client) -> None:
    policy = client.get("/").headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "default-src 'self'" in policy
    assert "unsafe-inline" not in policy


def test_post_to_a_page_is_refused_politely(client: Client) -> None:
    assert client.post("/micro-needling/").status_code == 405


def test_a_public_page_is_served_from_cache_with_one_query(
    client: Client, django_assert_num_queries: Any
) -> None:
    client.get("/micro-needling/")
    with django_assert_num_queries(1):  # only the page row, to see whether it was edited
        response = client.get("/micro-needling/")
    assert "Micro-Needling" in response.text
    assert "Cookie" in response["Vary"]


def test_an_edited_page_shows_at_once_despite_the_cache(client: Client) -> None:
    client.get("/resources/")
    page = Page.objects.get(slug="resources")
    page.title = "Helpful links"
    page.save()
    assert "<h1>Helpful links</h1>" in client.get("/resources/").text


def test_display_options_get_their_own_cached_copy(client: Client) -> None:
    client.get("/resources/")
    client.cookies["a11y"] = "contrast"
    assert 'class="a11y-contrast"' in client.get("/resources/").text


@time_machine.travel(datetime(2026, 7, 1, 23, 59, 30, tzinfo=UTC), tick=False)  # 6:59:30pm CDT
def test_open_now_is_never_cached_past_closing_time(client: Client) -> None:
    assert "Open now" in client.get("/office-information/").text
    with time_machine.travel(datetime(2026, 7, 2, 0, 0, 30, tzinfo=UTC), tick=False):
        assert "Closed now" in client.get("/office-information/").text
