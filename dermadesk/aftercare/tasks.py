"""Background work of aftercare (Django's tasks framework, run by ``manage.py db_worker``).

One task per check-in and per course reminder, enqueued when the visit's completion
commits and deferred to its due time. Tasks are the fast path only: the periodic sweep
(``manage.py aftercare_sweep``) sends whatever a lost task left, and both claim each
message the same way, so nothing goes twice.
"""

from datetime import datetime

from django.tasks import task
from django.utils import timezone


@task()
def send_check_in(check_in_id: int) -> bool:
    from dermadesk.aftercare.services import check_in_send

    return check_in_send(check_in_id=check_in_id, now=timezone.now())


@task()
def send_course_reminder(aftercare_id: int) -> bool:
    from dermadesk.aftercare.services import course_reminder_send

    return course_reminder_send(aftercare_id=aftercare_id, now=timezone.now())


def schedule_check_in(check_in_id: int, *, at: datetime) -> None:
    send_check_in.using(run_after=at).enqueue(check_in_id)


def schedule_course_reminder(aftercare_id: int, *, at: datetime) -> None:
    send_course_reminder.using(run_after=at).enqueue(aftercare_id)
