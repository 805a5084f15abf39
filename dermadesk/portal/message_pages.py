"""The messages the clinic sent to the signed-in patient (to their address or phone), with
any secret they carried (a link's key, a code) shown as [private], as on staff screens."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from dermadesk.clinic.models import Location
from dermadesk.portal.access import PatientScope, patient_page
from dermadesk.portal.queries import messages_to


@require_GET
@patient_page
def messages_page(request: HttpRequest, scope: PatientScope) -> HttpResponse:
    clinic = Location.objects.order_by("pk").first()
    found = messages_to(scope, clinic) if clinic is not None else []
    return render(
        request, "portal/messages.html", {"scope": scope, "section": "messages", "sent": found}
    )
