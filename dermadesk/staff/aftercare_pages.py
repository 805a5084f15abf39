"""A patient's aftercare in the back office: each completed session's check-ins and the
patient's answers (health information: the treating clinician and managers only), where an
alert about a check-in leads."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from dermadesk.aftercare.queries import patient_aftercare, shown
from dermadesk.patients.models import Patient
from dermadesk.staff.pages import audit_view, not_allowed, staff_page
from dermadesk.staff.policy import may
from dermadesk.staff.roles import Action


@require_GET
@staff_page(Action.PATIENT_HEALTH)
def patient_aftercare_page(request: HttpRequest, patient_id: int) -> HttpResponse:
    record = Patient.objects.filter(pk=patient_id).first()
    if record is None:
        raise Http404("No patient has this record number.")
    if not may(request.user, Action.PATIENT_HEALTH, patient_id=record.pk):
        return not_allowed(request)
    sessions = [
        {
            "aftercare": aftercare,
            "zone": aftercare.booking.location.zone,
            "check_ins": [
                {"check_in": check_in, "answers": [shown(a) for a in check_in.answers.all()]}
                for check_in in aftercare.check_ins.all()
            ],
        }
        for aftercare in patient_aftercare(record.pk)
    ]
    page = render(
        request,
        "staff/patient_aftercare.html",
        {"patient": record, "sessions": sessions, "now": timezone.now()},
    )
    audit_view(request, patient_id=record.pk, what="aftercare check-ins")
    return page
