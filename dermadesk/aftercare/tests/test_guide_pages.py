"""The aftercare page and its PDF, opened by the signed link in the patient's messages."""

import io
from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
import time_machine
from django.test import Client
from pypdf import PdfReader

from dermadesk.aftercare.links import Purpose, guide_path, token_for
from dermadesk.aftercare.models import Aftercare
from dermadesk.aftercare.tests.conftest import VisitMaker
from dermadesk.clinic.models import Location
from dermadesk.scheduling.models import Booking

Complete = Callable[[Booking, datetime], Booking]


@pytest.fixture
def aftercare(clinic: Location, visit: VisitMaker, complete: Complete) -> Aftercare:
    booking = visit("micro-needling-prp", hour=10)
    complete(booking, datetime(2026, 11, 26, 12, 0, tzinfo=clinic.zone))
    return Aftercare.objects.get(booking=booking)


def the_day_after(aftercare: Aftercare) -> datetime:
    return aftercare.session_ended_at + timedelta(days=1, hours=2)


def test_the_page_shows_the_timeline_in_clinic_time_with_the_phone(
    client: Client, aftercare: Aftercare
) -> None:
    with time_machine.travel(the_day_after(aftercare), tick=False):
        response = client.get(guide_path(aftercare))
    assert response.status_code == 200
    text = response.content.decode()
    location = aftercare.booking.location
    ended = aftercare.session_ended_at.astimezone(location.zone)
    assert f"which ended at {ended:%-I:%M} a.m. on Thursday 26 November 2026." in text
    assert "Springfield clinic time (CST)" in text
    assert location.phone in text
    assert "The first day" in text and "Days two and three" in text and "From day four" in text
    assert 'Days two and three <span class="guide-now">(where you are now)</span>' in text
    assert "What to avoid until Friday 27 November" in text
    assert "About the plasma (PRP)" in text
    assert "Lovelace" not in text  # no patient details on a page opened by a link
    assert "no-store" in response.headers["Cache-Control"]
    assert response.headers["X-Robots-Tag"] == "noindex"


def test_plain_micro_needling_has_no_prp_notes(
    client: Client, clinic: Location, visit: VisitMaker, complete: Complete
) -> None:
    booking = visit("micro-needling", hour=10)
    complete(booking, datetime(2026, 11, 26, 12, 0, tzinfo=clinic.zone))
    aftercare = Aftercare.objects.get(booking=booking)
    with time_machine.travel(the_day_after(aftercare), tick=False):
        text = client.get(guide_path(aftercare)).content.decode()
    assert "The first day" in text
    assert "PRP" not in text


def test_the_page_links_a_print_stylesheet(client: Client, aftercare: Aftercare) -> None:
    with time_machine.travel(the_day_after(aftercare), tick=False):
        text = client.get(guide_path(aftercare)).content.decode()
    assert 'href="/static/aftercare/print.css" media="print"' in text


def test_the_pdf_holds_the_same_instructions(client: Client, aftercare: Aftercare) -> None:
    with time_machine.travel(the_day_after(aftercare), tick=False):
        response = client.get(guide_path(aftercare) + "instructions.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="aftercare-instructions.pdf"'
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    text = " ".join(text.split())
    assert "Caring for your skin after your session" in text
    assert "Springfield clinic time (CST)" in text
    assert aftercare.booking.location.phone in text
    assert "When to call us" in text
    assert "About the plasma (PRP)" in text
    assert "It usually settles within 24 hours" in text


def test_a_link_that_is_not_ours_is_a_404(client: Client, aftercare: Aftercare) -> None:
    forged = f"{aftercare.pk}:not-the-signature"
    with time_machine.travel(the_day_after(aftercare), tick=False):
        assert client.get(f"/aftercare/{forged}/").status_code == 404
        assert client.get(f"/aftercare/{forged}/instructions.pdf").status_code == 404


def test_a_check_in_link_does_not_open_the_timeline(client: Client, aftercare: Aftercare) -> None:
    other_purpose = token_for(Purpose.CHECK_IN, aftercare.pk)
    with time_machine.travel(the_day_after(aftercare), tick=False):
        assert client.get(f"/aftercare/{other_purpose}/").status_code == 404


def test_the_link_expires_after_the_days_set(client: Client, aftercare: Aftercare) -> None:
    with time_machine.travel(aftercare.links_expire_at, tick=False):
        response = client.get(guide_path(aftercare))
    assert response.status_code == 410
    assert "This link has expired" in response.content.decode()
    assert aftercare.booking.location.phone in response.content.decode()


def test_the_pdf_without_weasyprint_says_so_kindly(
    client: Client, aftercare: Aftercare, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dermadesk import pdf

    def missing(html: str) -> bytes:
        raise pdf.PdfUnavailable("cannot load library 'libpango-1.0-0'")

    monkeypatch.setattr("dermadesk.aftercare.views.html_to_pdf", missing)
    with time_machine.travel(the_day_after(aftercare), tick=False):
        response = client.get(guide_path(aftercare) + "instructions.pdf")
    assert response.status_code == 503
    assert "print that page instead" in response.content.decode()
