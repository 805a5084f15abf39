"""The portal's home: the patient's visits to come and past, their course, the forms to fill
before a visit, and the ways on (messages, preferences, their data)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from dermadesk.checkout.course import interval_text
from dermadesk.checkout.manage import change_notice
from dermadesk.checkout.policy import notice_in_words
from dermadesk.portal.access import PatientScope, patient_page
from dermadesk.portal.queries import portal_home


@require_GET
@patient_page
def home(request: HttpRequest, scope: PatientScope) -> HttpResponse:
    now = timezone.now()
    overview = portal_home(scope, now)
    return render(
        request,
        "portal/home.html",
        {
            "scope": scope,
            "section": "home",
            "home": overview,
            "notice": notice_in_words(change_notice()),
            "intervals": {
                course.series.pk: interval_text(course.series.service.series_interval_days)
                for course in overview.courses
            },
        },
    )
