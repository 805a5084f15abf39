"""No input makes the public API fail: bad input gets a 4xx problem document, never a 5xx.

A property over each public operation (free times, questions, holds, a course proposal,
bookings, and changes by manage token) with awkward JSON: wrong types, NUL and other control
characters, lone surrogates, huge strings, dates and times at the ends of the calendar.
Run on SQLite and on PostgreSQL, which refuses NUL characters that SQLite stores.
"""

import json
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any
from urllib.parse import quote

import pytest
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from dermadesk.api.tests.calls import NOW, PATIENT, answers_for, book, hold
from dermadesk.clinic.models import Location
from dermadesk.scheduling.models import Booking, BookingStatus, Service
from dermadesk.scheduling.services import booking_cancel, booking_link_renew
from dermadesk.screening.models import AnswerType
from dermadesk.screening.queries import current_questionnaire, questions_for
from dermadesk.tests.awkward import (
    PROPERTY,
    assert_api_answered,
    extreme_dates,
    extreme_instants,
    form_text,
    json_text,
    json_values,
    maybe,
)
from dermadesk.tests.generous import generous_limits

START = "2026-11-27T10:00:00-06:00"
SLUGS = ["micro-needling", "micro-needling-prp", "consultation"]
slugs = maybe("micro-needling", st.one_of(st.sampled_from(SLUGS), form_text))
days = st.one_of(extreme_dates.map(date.isoformat), form_text)
instants = st.one_of(extreme_instants.map(datetime.isoformat), json_values)


@pytest.fixture(autouse=True)
def _limits_out_of_the_way() -> Iterator[None]:
    with generous_limits:
        yield


@pytest.fixture(autouse=True)
def clinic(frozen_clinic: Location) -> Location:
    return frozen_clinic


@pytest.fixture
def client() -> Client:
    return Client(raise_request_exception=False)


def segment(text: str) -> str:
    """Text as one path segment of a URL (as a client library would percent-encode it)."""
    return quote(text, safe="")


def send(client: Client, path: str, body: Any) -> Any:
    """POST ``body`` as JSON; lone surrogates go as ``\\ud800`` escapes, as JSON allows."""
    raw = body if isinstance(body, bytes) else json.dumps(body)
    return client.post(path, raw, content_type="application/json")


def fresh_hold(client: Client, slug: str = "micro-needling") -> str:
    """A hold on Friday at 10:00, what earlier examples held or booked let go first."""
    for active in Booking.objects.filter(status__in=[BookingStatus.HELD, BookingStatus.CONFIRMED]):
        booking_cancel(booking=active, now=NOW)
    response = hold(client, slug, START)
    assert response.status_code == 201, response.content
    return str(response.json()["hold_id"])


@PROPERTY
@given(slug=slugs, start=days, end=days, location=maybe("springfield", form_text))
def test_free_times_and_questions_never_fail(
    client: Client, slug: str, start: str, end: str, location: str
) -> None:

    path = f"/api/services/{segment(slug)}"
    query = {"start": start, "end": end, "location": location}
    assert_api_answered(client.get(f"{path}/availability", query))
    assert_api_answered(client.get(f"{path}/questions"))


@PROPERTY
@given(
    body=st.one_of(
        st.fixed_dictionaries(
            {
                "service": maybe("micro-needling", json_values),
                "location": maybe("springfield", json_values),
                "start": maybe(START, instants),
            }
        ),
        json_values,
        st.binary(max_size=64),
    )
)
def test_holding_with_any_body_never_fails(client: Client, body: Any) -> None:
    assert_api_answered(send(client, "/api/holds", body))


@PROPERTY
@given(hold_id=st.one_of(st.none(), form_text), sessions=st.one_of(form_text, st.integers()))
def test_a_course_proposal_for_any_hold_never_fails(
    client: Client, hold_id: str | None, sessions: object
) -> None:
    held = hold_id if hold_id is not None else fresh_hold(client, "micro-needling-prp")
    path = f"/api/holds/{segment(held)}/course"
    assert_api_answered(client.get(path, {"sessions": str(sessions)}))


def awkward_answers(data: st.DataObject, slug: str) -> dict[str, Any]:
    """The harmless answers, each perhaps replaced (dates by dates at the calendar's ends),
    and perhaps answers to questions not asked."""
    questionnaire = current_questionnaire()
    assert questionnaire is not None
    answers: dict[str, Any] = answers_for(slug)
    service = Service.objects.get(slug=slug)
    for question in questions_for(questionnaire=questionnaire, service=service):
        awkward = days if question.answer_type == AnswerType.DATE else json_values
        usual = answers.get(question.key, "")
        answers[question.key] = data.draw(maybe(usual, awkward), label=question.key)
    return answers | data.draw(st.dictionaries(json_text, json_values, max_size=2), label="more")


@PROPERTY
@given(data=st.data())
def test_booking_with_any_details_answers_and_consent_never_fails(
    client: Client, data: st.DataObject
) -> None:
    slug = data.draw(st.sampled_from(SLUGS[:2]), label="service")
    # Half the time only the answers are awkward, so the screening is reached and judged.
    only_answers = data.draw(st.booleans(), label="only the answers awkward")

    def part(usual: Any, awkward: st.SearchStrategy[Any], label: str) -> Any:
        return usual if only_answers else data.draw(maybe(usual, awkward), label=label)

    patient = {key: part(value, json_values, key) for key, value in PATIENT.items()}
    consent = {
        "typed_name": part("Ada Lovelace", json_values, "typed_name"),
        "accept_policies": part(True, json_values, "accept_policies"),
        "optional": part([], json_values, "optional"),
    }
    course = part(
        None,
        st.one_of(
            st.fixed_dictionaries(
                {"sessions": maybe(4, json_values), "starts": st.lists(instants, max_size=6)}
            ),
            json_values,
        ),
        "course",
    )
    body = {
        "hold_id": part(fresh_hold(client, slug), json_values, "hold_id"),
        "patient": part(patient, json_values, "patient"),
        "answers": awkward_answers(data, slug),
        "consent": consent,
    } | ({"course": course} if course is not None else {})
    assert_api_answered(send(client, "/api/bookings", body))


@PROPERTY
@given(token=form_text, start=instants)
def test_changing_a_booking_by_any_token_or_to_any_time_never_fails(
    client: Client, token: str, start: Any
) -> None:
    booked = Booking.objects.filter(status=BookingStatus.CONFIRMED).first()
    if booked is None:
        response = book(client, fresh_hold(client))
        assert response.status_code == 201, response.content
        mine = str(response.json()["manage_token"])
    else:
        mine = booking_link_renew(booking=booked)
    for path in (f"/api/bookings/{segment(token)}", f"/api/bookings/{mine}"):
        assert_api_answered(client.get(path))
        assert_api_answered(send(client, f"{path}/reschedule", {"start": start}))
    assert_api_answered(send(client, f"/api/bookings/{segment(token)}/cancel", {}))


# The inputs found giving 500s, by name.


@pytest.mark.parametrize(
    "start", ["0001-01-01T00:00:00+05:00", "9999-12-31T23:59:00-06:00", "9999-12-31T23:59:59+23:59"]
)
def test_a_hold_at_the_calendars_ends_is_a_400_problem(client: Client, start: str) -> None:
    response = hold(client, start=start)
    assert response.status_code == 400
    assert response.json()["title"] == "Time out of range"


def test_a_screening_date_of_9999_12_31_is_judged_not_failed(client: Client) -> None:
    questionnaire = current_questionnaire()
    assert questionnaire is not None
    service = Service.objects.get(slug="micro-needling")
    dates = [
        question.key
        for question in questions_for(questionnaire=questionnaire, service=service)
        if question.answer_type == AnswerType.DATE
    ]
    answers = answers_for("micro-needling") | dict.fromkeys(dates, "9999-12-31")
    response = book(client, fresh_hold(client), answers=answers)
    assert response.status_code == 422
    assert any("31 December 9999" in reason for reason in response.json()["reasons"])
