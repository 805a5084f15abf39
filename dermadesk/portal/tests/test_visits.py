"""The portal's home and a visit's pages: only the signed-in patient's visits, in the
clinic's zone; moved and cancelled within the notice through the checkout's use-cases;
consent signed and health questions answered before the day; the rest of a course booked."""

import re
from datetime import date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client

from dermadesk.alerts.models import Alert, AlertKind
from dermadesk.booking.tests.test_flow import harmless_answers
from dermadesk.checkout.tests.signin import latest_code
from dermadesk.clinic.models import Location
from dermadesk.patients.models import ConsentSignature
from dermadesk.portal.tests.conftest import NOW, book, patient, portal_client
from dermadesk.scheduling.models import Booking, BookingChannel, BookingStatus, Service
from dermadesk.scheduling.queries import available_slots, series_proposal
from dermadesk.scheduling.services import series_book
from dermadesk.screening.models import ScreeningResponse

VISIT_PATHS = [
    "",
    "cancel/",
    "cancel-course/",
    "move/",
    "move/2026-11-28/",
    "consent/",
    "screening/",
    "course/",
]


@pytest.fixture(autouse=True)
def frozen() -> object:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def test_home_shows_the_patients_visits_in_the_clinics_zone_and_nobody_elses(
    clinic: Location,
) -> None:
    ada, ben = patient(), patient(email="ben@example.com", given="Ben", family="Jones")
    book(ada, clinic, 27, 10)
    book(ben, clinic, 28, 11)
    page = portal_client("ada@example.com").get("/portal/").text
    assert "Friday 27 November 2026, 10:00 a.m. (Springfield clinic time, CST)" in page
    assert "28 November" not in page


def test_another_patients_visit_is_not_found_on_any_visit_page(clinic: Location) -> None:
    patient()
    ben = patient(email="ben@example.com", given="Ben", family="Jones")
    theirs = book(ben, clinic, 27, 10, slug="micro-needling-prp")
    client = portal_client("ada@example.com")
    for path in VISIT_PATHS:
        assert client.get(f"/portal/visits/{theirs.pk}/{path}").status_code == 404, path
    for path in ["cancel/", "move/to/", "ask/", "consent/", "course/"]:
        response = client.post(f"/portal/visits/{theirs.pk}/{path}", {"wish": "cancel"})
        assert response.status_code == 404, path
    theirs.refresh_from_db()
    assert theirs.status == BookingStatus.CONFIRMED


def test_signed_out_every_visit_page_goes_to_the_sign_in(clinic: Location) -> None:
    visit = book(patient(), clinic, 27, 10)
    for path in VISIT_PATHS:
        response = Client().get(f"/portal/visits/{visit.pk}/{path}")
        assert response.status_code == 302 and response["Location"] == "/portal/", path


def test_the_patient_cancels_a_visit_far_enough_ahead(clinic: Location) -> None:
    visit = book(patient(), clinic, 27, 10)
    client = portal_client("ada@example.com")
    assert "Cancel your visit?" in client.get(f"/portal/visits/{visit.pk}/cancel/").text
    response = client.post(f"/portal/visits/{visit.pk}/cancel/", follow=True)
    assert "Your visit is cancelled." in response.text
    visit.refresh_from_db()
    assert visit.status == BookingStatus.CANCELLED


def test_within_the_notice_the_patient_is_asked_to_call_and_can_ask_the_team(
    clinic: Location,
) -> None:
    visit = book(patient(), clinic, 26, 10)  # tomorrow morning: within 24 hours
    client = portal_client("ada@example.com")
    response = client.post(f"/portal/visits/{visit.pk}/cancel/")
    assert response.status_code == 409
    assert "can no longer be changed online" in response.text
    asked = client.post(f"/portal/visits/{visit.pk}/ask/", {"wish": "cancel"}, follow=True)
    assert "we have told the team" in asked.text
    assert Alert.objects.filter(kind=AlertKind.LATE_CHANGE).count() == 1
    visit.refresh_from_db()
    assert visit.status == BookingStatus.CONFIRMED


def test_the_patient_moves_a_visit_to_a_time_shown(clinic: Location) -> None:
    visit = book(patient(), clinic, 27, 10)
    client = portal_client("ada@example.com")
    new_start = datetime(2026, 11, 28, 9, tzinfo=clinic.zone)
    assert "time" in client.get(f"/portal/visits/{visit.pk}/move/").text
    page = client.get(f"/portal/visits/{visit.pk}/move/2026-11-28/").text
    assert f'value="{new_start.isoformat()}"' in page
    response = client.post(
        f"/portal/visits/{visit.pk}/move/to/", {"start": new_start.isoformat()}, follow=True
    )
    assert "Your visit has moved." in response.text
    assert "Saturday 28 November 2026, 9:00 a.m." in response.text
    visit.refresh_from_db()
    assert visit.starts_at == new_start


def test_a_time_that_is_not_a_time_is_a_clear_400(clinic: Location) -> None:
    visit = book(patient(), clinic, 27, 10)
    response = portal_client("ada@example.com").post(
        f"/portal/visits/{visit.pk}/move/to/", {"start": "tomorrow-ish"}
    )
    assert response.status_code == 400
    assert "Please choose one of the times shown." in response.text


def prp_course(location: Location, who_id: int) -> list[Booking]:
    service = Service.objects.get(slug="micro-needling-prp")
    start = datetime(2026, 11, 27, 10, tzinfo=location.zone)
    [first] = available_slots(
        service=service, location=location, start=start, end=start + timedelta(minutes=1), now=NOW
    )
    plan = series_proposal(service=service, location=location, first=first, count=4, now=NOW)
    return series_book(
        service=service, location=location, sessions=[s.slot for s in plan.sessions if s.slot],
        now=NOW, channel=BookingChannel.STAFF, patient_id=who_id,
    )  # fmt: skip


def test_the_course_says_session_k_of_n_and_the_next_date(clinic: Location) -> None:
    prp_course(clinic, patient().pk)
    page = portal_client("ada@example.com").get("/portal/").text
    assert "Micro-Needling with PRP: session 1 of 4" in page
    assert "Next: <strong>Friday 27 November 2026, 10:00 a.m.</strong>" in page


def test_the_patient_books_the_rest_of_a_course_after_a_first_visit(clinic: Location) -> None:
    first = book(patient(), clinic, 27, 10, slug="micro-needling-prp")
    client = portal_client("ada@example.com")
    assert "Book the rest of your course" in client.get("/portal/").text
    page = client.get(f"/portal/visits/{first.pk}/course/?sessions=4").text
    starts = page.split('name="starts" value="')[1].split('"')[0]
    response = client.post(
        f"/portal/visits/{first.pk}/course/", {"sessions": "4", "starts": starts}, follow=True
    )
    assert "Your course of 4 sessions is booked." in response.text
    assert "session 1 of 4" in response.text
    first.refresh_from_db()
    assert first.series is not None and first.series.bookings.count() == 4


def test_a_course_whose_dates_changed_is_shown_again_not_booked(clinic: Location) -> None:
    first = book(patient(), clinic, 27, 10, slug="micro-needling-prp")
    response = portal_client("ada@example.com").post(
        f"/portal/visits/{first.pk}/course/", {"sessions": "4", "starts": "2027-01-01T10:00"}
    )
    assert response.status_code == 409
    first.refresh_from_db()
    assert first.series is None


def test_consent_pending_is_signed_in_the_portal_with_where_it_was_signed(
    clinic: Location,
) -> None:
    visit = book(patient(), clinic, 27, 10)  # booked by phone: nothing signed yet
    client = portal_client("ada@example.com")
    assert "Read and sign your consent" in client.get("/portal/").text
    wrong = client.post(
        f"/portal/visits/{visit.pk}/consent/", {"typed_name": "Somebody Else", "policies": "on"}
    )
    assert wrong.status_code == 400
    response = client.post(
        f"/portal/visits/{visit.pk}/consent/",
        {"typed_name": "Ada Lovelace", "policies": "on"},
        REMOTE_ADDR="203.0.113.9",
        follow=True,
    )
    assert "your consent is signed" in response.text
    signature = ConsentSignature.objects.get(patient=visit.patient, booking=visit)
    assert signature.ip_address == "203.0.113.9"
    assert "Read and sign your consent" not in client.get("/portal/").text


def test_health_questions_due_are_answered_in_the_portal_and_the_visit_stays(
    clinic: Location,
) -> None:
    visit = book(patient(), clinic, 27, 10)
    client = portal_client("ada@example.com")
    assert "Answer the health questions" in client.get("/portal/").text
    page = client.get(f"/portal/visits/{visit.pk}/screening/")
    assert page.status_code == 200
    assert client.post(f"/portal/visits/{visit.pk}/screening/", {}).status_code == 400
    assert not ScreeningResponse.objects.exists()
    answers = harmless_answers(visit.service)
    response = client.post(f"/portal/visits/{visit.pk}/screening/", answers, follow=True)
    assert "your answers are saved" in response.text
    saved = ScreeningResponse.objects.get()
    assert saved.patient == visit.patient and saved.treatment_date == date(2026, 11, 27)
    assert "Answer the health questions" not in client.get("/portal/").text
    visit.refresh_from_db()
    assert visit.status == BookingStatus.CONFIRMED


def test_every_record_under_the_address_is_shown_and_named(clinic: Location) -> None:
    mother = patient(email="family@example.com", given="Ada", born=date(1960, 1, 2))
    son = patient(email="Family@Example.com", given="Tom", born=date(1995, 3, 4))
    book(mother, clinic, 27, 10)
    book(son, clinic, 28, 11)
    page = portal_client("family@example.com").get("/portal/").text
    assert "For Ada Lovelace (born 2 January 1960)" in page
    assert "For Tom Lovelace (born 4 March 1995)" in page


def test_messages_to_the_patient_are_listed_with_their_secrets_hidden(clinic: Location) -> None:
    patient()
    patient(email="ben@example.com", given="Ben", family="Jones", phone="+12175550199")
    ada_client = Client()
    ada_client.post("/portal/", {"email": "ada@example.com"})
    Client().post("/portal/", {"email": "ben@example.com"})
    code = latest_code("ada@example.com")
    page = portal_client("ada@example.com").get("/portal/messages/").text
    assert "Your code to continue with" in page
    assert "[private]" in page
    assert code not in page
    assert "ben@example.com" not in page


def test_the_patient_cancels_the_rest_of_a_course_from_a_session(clinic: Location) -> None:
    sessions = prp_course(clinic, patient().pk)
    second = sessions[1]
    client = portal_client("ada@example.com")
    assert "Cancel this and the later sessions" in client.get(f"/portal/visits/{second.pk}/").text
    response = client.post(f"/portal/visits/{second.pk}/cancel-course/", follow=True)
    assert "3 sessions of your course are cancelled." in response.text
    statuses = [b.status for b in Booking.objects.filter(series=second.series).order_by("pk")]
    assert statuses == ["confirmed", "cancelled", "cancelled", "cancelled"]


def test_health_answers_that_need_a_clinician_raise_an_alert_and_keep_the_visit(
    clinic: Location,
) -> None:
    visit = book(patient(), clinic, 27, 10)
    client = portal_client("ada@example.com")
    answers = harmless_answers(visit.service, pregnant="yes")
    response = client.post(f"/portal/visits/{visit.pk}/screening/", answers, follow=True)
    assert "A clinician will look at them before your visit" in response.text
    alert = Alert.objects.get(kind=AlertKind.SCREENING_BEFORE_VISIT)
    assert alert.link == f"/staff/patients/{visit.patient_id}/screening/"
    assert "pregnan" not in alert.what.lower()
    visit.refresh_from_db()
    assert visit.status == BookingStatus.CONFIRMED


def test_moving_a_course_session_offers_to_move_the_later_ones_and_moves_them(
    clinic: Location,
) -> None:
    sessions = prp_course(clinic, patient().pk)
    second = sessions[1]
    client = portal_client("ada@example.com")
    new_start = datetime(2026, 12, 31, 10, tzinfo=clinic.zone)  # a week later
    response = client.post(
        f"/portal/visits/{second.pk}/move/to/", {"start": new_start.isoformat()}, follow=True
    )
    assert response.redirect_chain[-1][0] == f"/portal/visits/{second.pk}/move-later/"
    assert "Move your later sessions too?" in response.text
    starts = response.text.split('name="starts" value="')[1].split('"')[0]
    moved = client.post(f"/portal/visits/{second.pk}/move-later/", {"starts": starts}, follow=True)
    assert "2 later sessions have moved." in moved.text
    third = Booking.objects.get(series=second.series, series_number=3)
    assert third.starts_at == datetime(2027, 1, 28, 10, tzinfo=clinic.zone)


def test_the_home_reads_as_much_for_a_course_of_four_as_for_one_visit(
    clinic: Location, django_assert_max_num_queries: Any
) -> None:
    ada = patient()
    book(ada, clinic, 27, 10)
    client = portal_client("ada@example.com")
    client.get("/portal/")  # the setup's first reads
    with django_assert_max_num_queries(100) as one:
        client.get("/portal/")
    for_one = len(one.captured_queries)  # read now: each request empties the log
    Booking.objects.filter(patient=ada).delete()
    prp_course(clinic, ada.pk)
    client.get("/portal/")
    with django_assert_max_num_queries(for_one + 2):
        assert "session 1 of 4" in client.get("/portal/").text


def test_home_links_a_completed_sessions_aftercare_while_its_link_works(
    clinic: Location, frozen: Any
) -> None:
    from dermadesk.aftercare.models import Aftercare
    from dermadesk.scheduling.services import booking_check_in, booking_complete
    from dermadesk.staff.roles import Role
    from dermadesk.staff.tests.people import staff_member

    ada = patient()
    visit = book(ada, clinic, 27, 10)
    desk = staff_member("desk", Role.FRONT_DESK)
    frozen.move_to(visit.starts_at)
    booking_check_in(booking=visit, by=desk, now=visit.starts_at)
    frozen.move_to(visit.ends_at)
    booking_complete(booking=visit, by=desk, now=visit.ends_at)
    client = portal_client("ada@example.com")
    page = client.get("/portal/").text
    assert "Looking after your skin" in page
    path = re.search(r'href="(/aftercare/[^"]+)"', page)
    assert path is not None
    guide = client.get(path[1])
    assert guide.status_code == 200
    assert "(217) 555-0142" in guide.text  # the clinic's number, to call with a worry
    frozen.move_to(Aftercare.objects.get().links_expire_at + timedelta(minutes=1))
    assert "Looking after your skin" not in portal_client("ada@example.com").get("/portal/").text
