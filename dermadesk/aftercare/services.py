"""Aftercare's writes: a completed session starts its aftercare, its messages go out once
each, the patient's answers are kept and judged.

``aftercare_start`` runs inside the transaction that marks the visit completed (it listens
to ``scheduling.signals.visit_attended``), so the aftercare exists exactly when the visit is
completed, and only once. It queues the instructions at once and plans the check-ins and
the course reminder; those are sent later by the worker (``tasks``, deferred to their time)
or the sweep (``manage.py aftercare_sweep``), which claim each with a conditional update,
check again that it is still right to send, and queue it in the outbox under a key of its
own: never twice, whichever and however many workers run.

No message carries what the patient answered: only names, the treatment, times and links.
"""

from collections import Counter
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse

from dermadesk.aftercare import timing
from dermadesk.aftercare.checkin import Answer, Judgement, Level, judge
from dermadesk.aftercare.guide import Treatment
from dermadesk.aftercare.links import (
    Purpose,
    check_in_url,
    course_url,
    guide_url,
    token_for,
)
from dermadesk.aftercare.models import Aftercare, CheckIn, CheckInAnswer, SendStatus
from dermadesk.aftercare.reach import sms_number
from dermadesk.aftercare.tasks import schedule_check_in, schedule_course_reminder
from dermadesk.aftercare.timing import CheckInKind
from dermadesk.alerts.models import AlertKind
from dermadesk.alerts.services import alert_raise, moment_in_words
from dermadesk.notifications.models import Channel, TemplateKey
from dermadesk.notifications.services import message_enqueue
from dermadesk.patients.models import Patient
from dermadesk.scheduling.attendance import Step
from dermadesk.scheduling.models import Booking, BookingStatus

# A check-in this late is no longer worth sending (a worker was down for a day or more):
# the next one, or the patient's own call, serves them better.
CHECK_IN_LATE_BY = timedelta(days=1)
# The reminder to book the rest of a course follows the visit by a few hours (in waking
# hours), so a patient who books at the desk on the way out is not reminded.
COURSE_REMINDER_AFTER = timedelta(hours=3)

CHECK_IN_TEMPLATES = {
    CheckInKind.DAY_1: TemplateKey.AFTERCARE_CHECK_IN_DAY1,
    CheckInKind.DAY_3: TemplateKey.AFTERCARE_CHECK_IN_DAY3,
}
# Statuses of a later session that count as booked.
BOOKED = (BookingStatus.CONFIRMED, BookingStatus.CHECKED_IN, BookingStatus.COMPLETED)


def treatment_of(booking: Booking) -> Treatment | None:
    """The aftercare timeline a visit's treatment calls for; None for a visit with no
    treatment of the skin (a consultation). Services are matched by their slug."""
    try:
        return Treatment(booking.service.slug)
    except ValueError:
        return None


def course_unbooked(booking: Booking, *, now: datetime) -> bool:
    """Whether the course this visit belongs to has later sessions that are not booked: a
    treatment given as a course, booked one visit at a time, or a course some of whose
    later sessions are not (or no longer) booked. False when the patient has another visit
    of the treatment ahead (booked some other way)."""
    service = booking.service
    if not service.offers_series or booking.patient_id is None:
        return False
    ahead = Booking.objects.filter(
        patient_id=booking.patient_id, service=service, status=BookingStatus.CONFIRMED,
        starts_at__gt=now,
    )  # fmt: skip
    series = booking.series
    if series is None or booking.series_number is None:
        return not ahead.exists()
    wanted = series.sessions_planned - booking.series_number
    booked = series.bookings.filter(series_number__gt=booking.series_number, status__in=BOOKED)
    return wanted > 0 and booked.count() < wanted


def _send(
    *, template: TemplateKey, patient: Patient, booking: Booking, context: dict[str, Any],
    key: str, secret: str, now: datetime, expires_at: datetime | None = None,
) -> None:  # fmt: skip
    """An email to the patient, and a text message too when they agreed to them."""
    context = {"patient_name": patient.given_name, "service_name": booking.service.name} | context
    common: dict[str, Any] = {
        "template": template, "context": context, "location": booking.location,
        "private": [secret], "expires_at": expires_at, "now": now,
    }  # fmt: skip
    message_enqueue(to=patient.email, idempotency_key=f"{key}:email", **common)
    phone = sms_number(patient)
    if phone is not None:
        message_enqueue(
            to=phone, channel=Channel.SMS, sms_agreed=True, idempotency_key=f"{key}:sms",
            **common,
        )  # fmt: skip


def _key(booking: Booking, what: str) -> str:
    return f"aftercare:{booking.pk}:{what}"


def aftercare_start(*, booking: Booking, now: datetime) -> Aftercare | None:
    """Start the aftercare of a completed visit, inside the caller's transaction: the record,
    the instructions queued, the two check-ins and (for a course with sessions left to book)
    the course reminder planned. Once per visit: the one made before is returned unchanged.
    None for a visit that needs none (a consultation, a visit booked for nobody)."""
    if booking.status != BookingStatus.COMPLETED or booking.completed_at is None:
        raise ValueError("Aftercare starts when a visit is completed.")
    treatment = treatment_of(booking)
    patient = booking.patient
    if treatment is None or patient is None:
        return None
    existing = Aftercare.objects.filter(booking=booking).first()
    if existing is not None:
        return existing
    zone = booking.location.zone
    ended = timing.session_end(
        starts_at=booking.starts_at, ends_at=booking.ends_at, completed_at=booking.completed_at
    )
    reminder = course_unbooked(booking, now=now)
    aftercare = Aftercare.objects.create(
        booking=booking,
        treatment=treatment.value,
        session_ended_at=ended,
        links_expire_at=timing.link_expires(ended, link_days=settings.AFTERCARE_LINK_DAYS),
        created_at=now,
        course_reminder_due_at=timing.waking(ended + COURSE_REMINDER_AFTER, zone)
        if reminder
        else None,
        course_reminder=SendStatus.PLANNED if reminder else "",
    )
    check_ins = CheckIn.objects.bulk_create(
        CheckIn(aftercare=aftercare, kind=kind.value,
                due_at=timing.check_in_due(kind, ended=ended, zone=zone))
        for kind in CheckInKind
    )  # fmt: skip
    _send(
        template=TemplateKey.AFTERCARE_INSTRUCTIONS, patient=patient, booking=booking,
        context={"session_at": ended, "guide_url": guide_url(aftercare),
                 "links_until": aftercare.links_expire_at},
        key=_key(booking, "instructions"), secret=token_for(Purpose.GUIDE, aftercare.pk),
        expires_at=aftercare.links_expire_at, now=now,
    )  # fmt: skip
    for check_in in check_ins:
        transaction.on_commit(
            partial(schedule_check_in, check_in.pk, at=check_in.due_at), robust=True
        )
    if aftercare.course_reminder_due_at is not None:
        transaction.on_commit(
            partial(schedule_course_reminder, aftercare.pk, at=aftercare.course_reminder_due_at),
            robust=True,
        )
    return aftercare


def on_visit_attended(*, booking: Booking, step: Step, now: datetime, **_: Any) -> None:
    """``visit_attended``'s listener: a completed visit starts its aftercare."""
    if step is Step.COMPLETE:
        aftercare_start(booking=booking, now=now)


def _related() -> tuple[str, ...]:
    return ("booking__location", "booking__service", "booking__patient", "booking__series")


def check_in_send(*, check_in_id: int, now: datetime) -> bool:
    """Send one check-in if it is due and still planned: True when it was queued now.

    Claimed by a conditional update (two workers: one wins, the other finds nothing), then
    checked: a visit no longer marked completed, a link expired or a check-in more than
    ``CHECK_IN_LATE_BY`` late is skipped, never sent.
    """
    with transaction.atomic(durable=True):
        claimed = CheckIn.objects.filter(
            pk=check_in_id, status=SendStatus.PLANNED, due_at__lte=now
        ).update(status=SendStatus.SENT, sent_at=now)
        if not claimed:
            return False
        check_in = CheckIn.objects.select_related(
            "aftercare", *(f"aftercare__{name}" for name in _related())
        ).get(pk=check_in_id)
        aftercare, booking = check_in.aftercare, check_in.aftercare.booking
        patient = booking.patient
        if (
            booking.status != BookingStatus.COMPLETED
            or patient is None
            or now >= aftercare.links_expire_at
            or now > check_in.due_at + CHECK_IN_LATE_BY
        ):
            CheckIn.objects.filter(pk=check_in_id).update(status=SendStatus.SKIPPED, sent_at=None)
            return False
        kind = CheckInKind(check_in.kind)
        _send(
            template=CHECK_IN_TEMPLATES[kind], patient=patient, booking=booking,
            context={"session_at": aftercare.session_ended_at,
                     "check_in_url": check_in_url(check_in)},
            key=_key(booking, f"check-in-{kind.value}"),
            secret=token_for(Purpose.CHECK_IN, check_in.pk),
            expires_at=check_in.due_at + CHECK_IN_LATE_BY, now=now,
        )  # fmt: skip
    return True


def course_reminder_send(*, aftercare_id: int, now: datetime) -> bool:
    """Send the reminder to book the rest of the course if it is due and still planned, and
    the course still has sessions to book: True when it was queued now (once per visit)."""
    with transaction.atomic(durable=True):
        claimed = Aftercare.objects.filter(
            pk=aftercare_id, course_reminder=SendStatus.PLANNED, course_reminder_due_at__lte=now
        ).update(course_reminder=SendStatus.SENT)
        if not claimed:
            return False
        aftercare = Aftercare.objects.select_related(*_related()).get(pk=aftercare_id)
        booking, patient = aftercare.booking, aftercare.booking.patient
        if (
            booking.status != BookingStatus.COMPLETED
            or patient is None
            or now >= aftercare.links_expire_at
            or not course_unbooked(booking, now=now)
        ):
            Aftercare.objects.filter(pk=aftercare_id).update(course_reminder=SendStatus.SKIPPED)
            return False
        service = booking.service
        interval = timedelta(days=service.series_interval_days)
        _send(
            template=TemplateKey.AFTERCARE_COURSE_REMINDER, patient=patient, booking=booking,
            context={
                "session_at": aftercare.session_ended_at,
                "sessions_min": service.series_min_sessions,
                "sessions_max": service.series_max_sessions,
                "interval_weeks": round(service.series_interval_days / 7),
                "next_around": booking.starts_at + interval,
                "course_url": course_url(aftercare),
                "links_until": aftercare.links_expire_at,
            },
            key=_key(booking, "course-reminder"), secret=token_for(Purpose.COURSE, aftercare.pk),
            expires_at=aftercare.links_expire_at, now=now,
        )  # fmt: skip
    return True


def aftercare_sweep(*, now: datetime) -> Counter[str]:
    """Send every check-in and course reminder that is due (what a lost or late task left):
    how many were sent, by kind. Safe to run in any number of processes at once."""
    sent: Counter[str] = Counter()
    due_check_ins = CheckIn.objects.filter(status=SendStatus.PLANNED, due_at__lte=now)
    for check_in_id in due_check_ins.order_by("due_at").values_list("pk", flat=True):
        if check_in_send(check_in_id=check_in_id, now=now):
            sent["check-ins"] += 1
    due_reminders = Aftercare.objects.filter(
        course_reminder=SendStatus.PLANNED, course_reminder_due_at__lte=now
    )
    for aftercare_id in due_reminders.order_by("course_reminder_due_at").values_list(
        "pk", flat=True
    ):
        if course_reminder_send(aftercare_id=aftercare_id, now=now):
            sent["course reminders"] += 1
    return sent


# The patient's answers


def _alert_words(check_in: CheckIn, judgement: Judgement) -> str:
    """What the alert says to every member of staff: who, which check-in, what to do. Not
    the answers (health information): the clinician reads them on the patient's page."""
    aftercare = check_in.aftercare
    booking = aftercare.booking
    patient = booking.patient
    who = patient.full_name if patient else "A patient"
    phone = patient.phone if patient and patient.phone else "no phone given"
    when = moment_in_words(aftercare.session_ended_at, booking.location.zone)
    kind = check_in.get_kind_display().lower()
    if judgement.level >= Level.URGENT:
        ask = "They were asked to call the clinic now; if they have not, please call them now"
    else:
        ask = "A clinician should call them today"
    return (
        f"{who} answered the check-in {kind} their {booking.service.name} session "
        f"({when}) in a way that needs a clinician. {ask}: {phone}. Their answers are on "
        "their aftercare page."
    )


def check_in_answer(*, check_in: CheckIn, answers: dict[str, Answer], now: datetime) -> Judgement:
    """Keep the patient's answers and judge them by ``checkin.RULES``; answers that need a
    clinician raise an alert for staff in the same transaction. The judgement, for the
    patient's page (what to do now)."""
    with transaction.atomic(durable=True):
        locked = CheckIn.objects.select_for_update().filter(pk=check_in.pk).first()
        if locked is None:
            raise CheckIn.DoesNotExist("This check-in no longer exists.")
        aftercare = check_in.aftercare
        judgement = judge(answers, now - aftercare.session_ended_at)
        CheckInAnswer.objects.create(
            check_in=check_in,
            answers={key: answer.value for key, answer in answers.items()},
            level=judgement.level,
            reasons=list(judgement.reasons),
            answered_at=now,
        )
        if judgement.level > Level.FINE:
            patient_id = aftercare.booking.patient_id
            alert_raise(
                kind=AlertKind.CHECK_IN,
                about=f"check-in:{check_in.pk}",
                what=_alert_words(check_in, judgement),
                link=reverse("staff:patient_aftercare", args=[patient_id]) if patient_id else "",
                patient_id=patient_id,
                now=now,
            )
    return judgement


def judgement_of(answer: CheckInAnswer, *, session_ended_at: datetime) -> Judgement:
    """The judgement of answers already kept, as it was when they were given."""
    answers = {key: Answer(value) for key, value in answer.answers.items()}
    return judge(answers, answer.answered_at - session_ended_at)
