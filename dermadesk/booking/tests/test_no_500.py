"""No input makes a booking page fail: bad input gets the page's own 4xx, never a 500.

The inputs a tester found giving 500s come first, by name; then a property over every
step (day, time, hold, course, details, screening, consent, waitlist, the manage link)
with awkward text, dates at the ends of the calendar and numbers too large for any column.
Run on SQLite and on PostgreSQL, which refuses NUL characters that SQLite stores.
"""

from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import quote

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from dermadesk.checkout.tests.signin import signed_in
from dermadesk.clinic.models import Location
from dermadesk.patients.models import Patient
from dermadesk.scheduling.models import Booking, BookingChannel, BookingStatus, Service
from dermadesk.scheduling.services import booking_cancel, booking_create, booking_link_renew
from dermadesk.screening.models import AnswerType
from dermadesk.screening.queries import current_questionnaire, questions_for
from dermadesk.tests.awkward import (
    PROPERTY,
    assert_page_answered,
    extreme_dates,
    extreme_instants,
    form_text,
    maybe,
)
from dermadesk.tests.generous import generous_limits


@pytest.fixture(autouse=True)
def _limits_out_of_the_way() -> Iterator[None]:
    with generous_limits:
        yield


NOW = datetime(2026, 11, 25, 20, 0, tzinfo=UTC)  # Wednesday 2pm in Springfield
SLUGS = ["micro-needling", "micro-needling-prp", "consultation"]
DETAILS = {
    "given_name": "Ada",
    "family_name": "Lovelace",
    "email": "ada@example.com",
    "phone": "(217) 555-0199",
    "date_of_birth": "1990-04-21",
}
services = maybe("micro-needling", st.one_of(st.sampled_from(SLUGS), form_text))


@pytest.fixture(autouse=True)
def frozen_clinic(db: None) -> Iterator[Location]:
    with time_machine.travel(NOW, tick=False):
        call_command("demo", verbosity=0)
        yield Location.objects.get(slug="springfield")


def segment(text: str) -> str:
    """Text as one path segment of a URL (a browser would percent-encode it so)."""
    return quote(text, safe="")


def friday(hour: int) -> str:
    return datetime(2026, 11, 27, hour, tzinfo=Location.objects.get().zone).isoformat()


def holding(slug: str = "micro-needling", hour: int = 10) -> Client:
    """A patient's browser holding a time on Friday, details still to give."""
    let_go_of_holds()
    client = Client(raise_request_exception=False)
    response = client.post(f"/book/{slug}/hold/", {"start": friday(hour)})
    assert response.status_code == 302, response.status_code
    return client


def with_details(client: Client) -> Client:
    signed_in(client, DETAILS["email"])
    assert client.post("/book/details/", DETAILS).status_code == 302
    return client


def let_go_of_holds() -> None:
    """Each example starts from a free calendar: the holds of the one before are cancelled."""
    for held in Booking.objects.filter(status=BookingStatus.HELD):
        booking_cancel(booking=held, now=NOW)


def confirmed_visit(location: Location) -> Booking:
    patient = Patient.objects.create(
        given_name="Ada", family_name="Lovelace", email="ada@example.com",
        date_of_birth=date(1990, 4, 21),
    )  # fmt: skip
    return booking_create(
        service=Service.objects.get(slug="micro-needling-prp"), location=location,
        start=datetime(2026, 11, 30, 10, tzinfo=location.zone), now=NOW,
        channel=BookingChannel.WEB, patient_id=patient.pk,
    )  # fmt: skip


def manage_link(booking: Booking) -> str:
    return f"/book/manage/{booking_link_renew(booking=booking)}/"


# The inputs found giving 500s, by name.


@pytest.mark.parametrize(
    "path",
    [
        "/book/micro-needling/9999-12-31/",
        "/book/micro-needling/0001-01-01/",
        "/book/micro-needling/?month=99999999999-1",
        "/book/micro-needling/?location=spring%00field",
        "/book/micro%00needling/",
        "/book/manage/abc%00/",
    ],
)
def test_a_day_or_month_out_of_reach_or_a_nul_gets_a_plain_400(path: str) -> None:
    response = Client(raise_request_exception=False).get(path)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize(
    "start", ["0001-01-01T00:00:00+05:00", "0001-01-01T00:00:00-05:00",
              "9999-12-31T23:59:00-06:00", "9999-12-31T23:59:00+06:00"],
)  # fmt: skip
def test_holding_a_time_at_the_calendars_ends_says_to_choose_a_time_shown(start: str) -> None:
    response = Client(raise_request_exception=False).post(
        "/book/micro-needling/hold/", {"start": start}
    )
    assert response.status_code == 400
    assert "Please choose one of the times shown." in response.text
    assert not Booking.objects.exists()


def test_a_screening_date_of_9999_12_31_is_judged_not_failed() -> None:
    client = with_details(holding())
    answers = harmless_answers(Service.objects.get(slug="micro-needling"))
    date_keys = [key for key, value in answers.items() if value == ""]
    assert date_keys, "the demo asks at least one date"
    response = client.post("/book/screening/", answers | dict.fromkeys(date_keys, "9999-12-31"))
    assert response.status_code == 200
    assert "31 December 9999" in response.text


def test_a_name_with_a_nul_is_refused_and_nothing_is_written(frozen_clinic: Location) -> None:
    client = holding()
    response = client.post("/book/details/", DETAILS | {"given_name": "A\x00da"})
    assert response.status_code == 400
    assert "invisible" in response.text
    assert not Patient.objects.exists()


def harmless_answers(service: Service) -> dict[str, str]:
    """'No' to yes/no, the first choice, 0 for numbers; dates blank (optional)."""
    questionnaire = current_questionnaire()
    assert questionnaire is not None
    answers = {}
    for question in questions_for(questionnaire=questionnaire, service=service):
        answers[question.key] = ""
        if question.answer_type == AnswerType.YES_NO:
            answers[question.key] = "no"
        elif question.answer_type == AnswerType.CHOICE:
            answers[question.key] = question.choice_pairs[0][0]
        elif question.answer_type == AnswerType.NUMBER:
            answers[question.key] = "0"
    return answers


# Every step, with anything.


@PROPERTY
@given(service=services, day=st.one_of(extreme_dates.map(date.isoformat), form_text),
       month=form_text, location=maybe("springfield", form_text))  # fmt: skip
def test_the_day_and_time_pages_never_fail(
    service: str, day: str, month: str, location: str
) -> None:
    client = Client(raise_request_exception=False)
    assert_page_answered(client.get(f"/book/{segment(service)}/", {"month": month}))
    assert_page_answered(client.get(f"/book/{segment(service)}/", {"location": location}))
    assert_page_answered(client.get(f"/book/{segment(service)}/{segment(day)}/"))


@PROPERTY
@given(service=services, start=st.one_of(extreme_instants.map(datetime.isoformat), form_text),
       location=maybe("springfield", form_text))  # fmt: skip
def test_holding_any_start_never_fails(service: str, start: str, location: str) -> None:
    let_go_of_holds()
    client = Client(raise_request_exception=False)
    response = client.post(
        f"/book/{segment(service)}/hold/", {"start": start, "location": location}
    )
    assert_page_answered(response)


@PROPERTY
@given(sessions=form_text, back=form_text)
def test_the_course_step_and_more_time_never_fail(sessions: str, back: str) -> None:
    client = holding("micro-needling-prp")
    assert_page_answered(client.get("/book/course/", {"sessions": sessions}))
    assert_page_answered(client.post("/book/course/", {"sessions": sessions}))
    assert_page_answered(client.post("/book/hold/extend/", {"next": back}))


@PROPERTY
@given(fields=st.fixed_dictionaries({key: maybe(value, form_text) for key, value in
                                     DETAILS.items()}),
       born=st.one_of(extreme_dates.map(date.isoformat), form_text))  # fmt: skip
def test_the_details_step_never_fails(fields: dict[str, str], born: str) -> None:
    client = holding()
    assert_page_answered(client.post("/book/details/", fields))
    assert_page_answered(client.post("/book/details/", DETAILS | {"date_of_birth": born}))
    assert_page_answered(client.get("/book/screening/"))


@PROPERTY
@given(data=st.data())
def test_the_screening_step_never_fails(data: st.DataObject) -> None:
    service = Service.objects.get(slug=data.draw(st.sampled_from(SLUGS[:2])))
    questionnaire = current_questionnaire()
    assert questionnaire is not None
    usual_answers = harmless_answers(service)
    answers: dict[str, str] = {}
    for question in questions_for(questionnaire=questionnaire, service=service):
        usual = usual_answers[question.key]
        awkward = (
            st.one_of(extreme_dates.map(date.isoformat), form_text)
            if question.answer_type == AnswerType.DATE
            else form_text
        )
        answers[question.key] = data.draw(maybe(usual, awkward), label=question.key)
    extra = data.draw(st.dictionaries(form_text, form_text, max_size=2), label="unasked")
    client = with_details(holding(service.slug))
    assert_page_answered(client.post("/book/screening/", extra | answers))


@PROPERTY
@given(typed_name=maybe("Ada Lovelace", form_text), policies=maybe("on", form_text),
       optional=st.dictionaries(form_text.map(lambda key: f"optional_{key}"), form_text,
                                max_size=2))  # fmt: skip
def test_the_consent_step_never_fails(
    typed_name: str, policies: str, optional: dict[str, str]
) -> None:
    client = with_details(holding())
    screened = client.post(
        "/book/screening/", harmless_answers(Service.objects.get(slug="micro-needling"))
    )
    assert screened.status_code == 302
    response = client.post(
        "/book/consent/", optional | {"typed_name": typed_name, "policies": policies}
    )
    assert_page_answered(response)


@PROPERTY
@given(
    service=services,
    fields=st.fixed_dictionaries(
        {
            "first_day": st.one_of(extreme_dates.map(date.isoformat), form_text),
            "last_day": st.one_of(extreme_dates.map(date.isoformat), form_text),
            "parts_of_day": maybe("morning", form_text),
            "clinician": maybe("", form_text),
            **{
                key: maybe(value, form_text)
                for key, value in DETAILS.items()
                if key != "date_of_birth"
            },
        }
    ),
)
def test_joining_the_waitlist_never_fails(service: str, fields: dict[str, Any]) -> None:
    client = Client(raise_request_exception=False)
    assert_page_answered(client.post(f"/book/{segment(service)}/waitlist/", fields))


@PROPERTY
@given(day=st.one_of(extreme_dates.map(date.isoformat), form_text),
       start=st.one_of(extreme_instants.map(datetime.isoformat), form_text),
       wish=maybe("move", form_text), sessions=form_text, starts=form_text,
       token=form_text)  # fmt: skip
def test_the_manage_link_pages_never_fail(
    frozen_clinic: Location, day: str, start: str, wish: str, sessions: str, starts: str,
    token: str,
) -> None:  # fmt: skip
    link = manage_link(
        Booking.objects.filter(status=BookingStatus.CONFIRMED).first()
        or confirmed_visit(frozen_clinic)
    )
    client = Client(raise_request_exception=False)
    assert_page_answered(client.get(f"{link}move/{segment(day)}/"))
    assert_page_answered(client.post(f"{link}move/to/", {"start": start}))
    assert_page_answered(client.post(f"{link}ask/", {"wish": wish}))
    assert_page_answered(client.post(f"{link}course/", {"sessions": sessions, "starts": starts}))
    assert_page_answered(client.get(f"/book/manage/{segment(token)}/"))
    assert_page_answered(client.get(f"/book/offer/{segment(token)}/"))
