"""The portal's home: the patient's visits, course, forms to fill, and the ways on."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from dermadesk.portal.access import PatientScope, patient_page


@patient_page
def home(request: HttpRequest, scope: PatientScope) -> HttpResponse:
    return render(request, "portal/home.html", {"scope": scope})
