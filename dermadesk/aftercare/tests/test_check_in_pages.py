"""The check-in form, opened by its signed link: answers kept and judged one rule at a time,
trouble raising an alert for staff at once and telling the patient what to do; nothing
wrong raising none. The answers stay out of messages, alerts' words and logs."""

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
import time_machine
from django.test import Client

from dermadesk.aftercare.checkin import QUESTIONS, RULES, Answer, Level, Rule
from dermadesk.aftercare.links import Purpose, token_for
from dermadesk.aftercare.models import Aftercare, CheckInAnswer
from dermadesk.aftercare.tests.conftest import VisitMaker
from dermadesk.alerts.models import Alert, AlertKind
from dermadesk.clinic.models import Location
from dermadesk.notifications.models import OutboundMessage
from dermadesk.scheduling.models import Booking

Complete = Callable[[Booking, datetime], Booking]
ALL_NO = {question.key: Answer.NO.value for question in QUESTIONS}


@pytest.fixture
def aftercare(clinic: Location, visit: VisitMaker, complete: Complete) -> Aftercare:
    booking = visit("micro-needling", hour=10)
    complete(booking, datetime(2026, 11, 26, 12, 0, tzinfo=clinic.zone))
    return Aftercare.objects.get(booking=booking)


def url(aftercare: Aftercare, kind: str) -> str:
    check_in = aftercare.check_ins.get(kind=kind)
    return f"/aftercare/check-in/{token_for(Purpose.CHECK_IN, check_in.pk)}/"


def at(aftercare: Aftercare, kind: str) -> datetime:
    """An hour after the check-in went out."""
    return aftercare.check_ins.get(kind=kind).due_at + timedelta(hours=1)


def test_the_form_asks_every_question_with_its_choices(
    client: Client, aftercare: Aftercare
) -> None:
    with time_machine.travel(at(aftercare, "day1"), tick=False):
        response = client.get(url(aftercare, "day1"))
    assert response.status_code == 200
    text = response.content.decode()
    for question in QUESTIONS:
        assert question.text.replace("'", "&#x27;") in text
    assert text.count('type="radio"') == sum(len(q.choices) for q in QUESTIONS)
    assert "<legend" in text
    assert "(217) 555-0142" in text
    assert "Lovelace" not in text and "Ada" not in text
    assert "no-store" in response.headers["Cache-Control"]


def test_nothing_wrong_raises_no_alert_and_says_thank_you(
    client: Client, aftercare: Aftercare
) -> None:
    with time_machine.travel(at(aftercare, "day3"), tick=False):
        response = client.post(url(aftercare, "day3"), ALL_NO, follow=True)
    assert response.status_code == 200
    text = response.content.decode()
    assert "<h1>Thank you</h1>" in text
    assert "That is how healing usually goes" in text
    assert not Alert.objects.exists()
    answer = CheckInAnswer.objects.get()
    assert (answer.level, answer.reasons, answer.answers) == (Level.FINE, [], ALL_NO)


def _trigger(rule: Rule) -> str:
    return sorted(rule.answers)[-1].value  # "yes" where it counts, else "a_little"


@pytest.mark.parametrize("rule", RULES, ids=[rule.question for rule in RULES])
def test_each_rule_alone_raises_an_alert_and_tells_the_patient_what_to_do(
    client: Client, aftercare: Aftercare, rule: Rule
) -> None:
    answers = ALL_NO | {rule.question: _trigger(rule)}
    with time_machine.travel(at(aftercare, "day3"), tick=False):
        response = client.post(url(aftercare, "day3"), answers)
        assert response.status_code == 302
        page = client.get(response["Location"])
    text = page.content.decode()
    assert "Please read this now" in text
    assert rule.advice in text
    assert "(217) 555-0142" in text
    alert = Alert.objects.get()
    assert alert.kind == AlertKind.CHECK_IN
    check_in = aftercare.check_ins.get(kind="day3")
    assert alert.about == f"check-in:{check_in.pk}"
    assert alert.created_at == at(aftercare, "day3")  # the same moment as the answers
    assert "Ada Lovelace" in alert.what and "+12175550142" in alert.what
    assert rule.reason not in alert.what  # health information stays on the clinician's page
    assert alert.link == f"/staff/patients/{aftercare.booking.patient_id}/aftercare/"
    assert alert.patient_id == aftercare.booking.patient_id  # its showing is audited
    answer = CheckInAnswer.objects.get()
    assert answer.level == rule.level
    assert answer.reasons == [rule.reason]


def test_still_red_counts_only_from_about_three_days(client: Client, aftercare: Aftercare) -> None:
    red = ALL_NO | {"redness": Answer.YES.value}
    with time_machine.travel(at(aftercare, "day1"), tick=False):
        response = client.post(url(aftercare, "day1"), red, follow=True)
    assert "<h1>Thank you</h1>" in response.content.decode()
    assert not Alert.objects.exists()


def test_still_red_and_swelling_is_urgent(client: Client, aftercare: Aftercare) -> None:
    answers = ALL_NO | {"redness": Answer.YES.value, "spreading": Answer.YES.value}
    with time_machine.travel(at(aftercare, "day3"), tick=False):
        text = client.post(url(aftercare, "day3"), answers, follow=True).content.decode()
    assert "Please call the clinic now" in text
    assert "They were asked to call the clinic now" in Alert.objects.get().what
    assert CheckInAnswer.objects.get().level == Level.URGENT


def test_answering_again_keeps_both_and_raises_one_open_alert(
    client: Client, aftercare: Aftercare
) -> None:
    answers = ALL_NO | {"fever": Answer.YES.value}
    with time_machine.travel(at(aftercare, "day3"), tick=False):
        client.post(url(aftercare, "day3"), answers)
        client.post(url(aftercare, "day3"), answers)
    assert CheckInAnswer.objects.count() == 2
    assert Alert.objects.count() == 1


def test_a_question_left_out_is_a_400_and_nothing_is_kept(
    client: Client, aftercare: Aftercare
) -> None:
    partial = dict(ALL_NO)
    del partial["fever"]
    with time_machine.travel(at(aftercare, "day1"), tick=False):
        response = client.post(url(aftercare, "day1"), partial)
    assert response.status_code == 400
    text = response.content.decode()
    assert "Please answer every question" in text
    assert "Please choose an answer to this question." in text
    assert 'value="no" checked' in text or "checked" in text  # what was chosen stays chosen
    assert not CheckInAnswer.objects.exists()
    assert not Alert.objects.exists()


def test_an_answer_not_offered_is_a_400(client: Client, aftercare: Aftercare) -> None:
    with time_machine.travel(at(aftercare, "day1"), tick=False):
        response = client.post(url(aftercare, "day1"), ALL_NO | {"pus": "maybe"})
    assert response.status_code == 400
    assert not CheckInAnswer.objects.exists()


def test_the_thank_you_page_without_answers_goes_back_to_the_form(
    client: Client, aftercare: Aftercare
) -> None:
    with time_machine.travel(at(aftercare, "day1"), tick=False):
        response = client.get(url(aftercare, "day1") + "thank-you/")
    assert response.status_code == 302
    assert response["Location"] == url(aftercare, "day1")


def test_a_timeline_link_does_not_open_a_check_in(client: Client, aftercare: Aftercare) -> None:
    check_in = aftercare.check_ins.get(kind="day1")
    wrong = token_for(Purpose.GUIDE, check_in.pk)
    with time_machine.travel(at(aftercare, "day1"), tick=False):
        assert client.get(f"/aftercare/check-in/{wrong}/").status_code == 404
        assert client.post(f"/aftercare/check-in/{wrong}/", ALL_NO).status_code == 404
    assert not CheckInAnswer.objects.exists()


def test_an_expired_check_in_link_says_so(client: Client, aftercare: Aftercare) -> None:
    with time_machine.travel(aftercare.links_expire_at, tick=False):
        response = client.post(url(aftercare, "day3"), ALL_NO)
    assert response.status_code == 410
    assert not CheckInAnswer.objects.exists()


def test_the_answers_stay_out_of_messages_and_logs(
    client: Client, aftercare: Aftercare, caplog: pytest.LogCaptureFixture
) -> None:
    answers = ALL_NO | {"pus": Answer.YES.value, "marks": Answer.YES.value}
    with (
        caplog.at_level(logging.DEBUG),
        time_machine.travel(at(aftercare, "day3"), tick=False),
    ):
        client.post(url(aftercare, "day3"), answers, follow=True)
    reasons = [rule.reason for rule in RULES if rule.question in ("pus", "marks")]
    for reason in reasons:
        assert reason not in caplog.text
        assert not OutboundMessage.objects.filter(text_body__contains=reason).exists()
    assert "pus" not in caplog.text.lower()
