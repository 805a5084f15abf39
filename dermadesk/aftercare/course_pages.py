"""The rest of a course, proposed from a completed visit and booked by the patient."""

from django.http import HttpRequest, HttpResponse


def course(request: HttpRequest, token: str) -> HttpResponse:
    raise NotImplementedError
