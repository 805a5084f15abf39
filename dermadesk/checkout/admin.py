"""The admin's "Book a course": staff propose every session of a course for a patient, then
book them all or none, through the courses use-case (``checkout.courses``).

It extends scheduling's Series page (registered again here, as a subclass) because booking a
course is a use-case, a layer above scheduling: scheduling's admin may not import it.
Staff book by the clinic's rules (no online notice or horizon) and read refusals in their
own words.
"""

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone

from dermadesk.checkout.course_plan import plan_rows
from dermadesk.checkout.courses import (
    CourseLengthRefused,
    CourseProblem,
    course_book_by_staff,
    course_propose_at,
)
from dermadesk.checkout.forms import CourseBookingForm
from dermadesk.scheduling.admin import SeriesAdmin
from dermadesk.scheduling.models import Series
from dermadesk.scheduling.queries import nearest_alternatives
from dermadesk.scheduling.series import SeriesPlan
from dermadesk.scheduling.services import NotBookable, SchedulingError, SlotTaken


def _shown(plan: SeriesPlan, zone: ZoneInfo, time_zone: str) -> dict[str, Any]:
    starts = ",".join(
        s.slot.start.astimezone(UTC).isoformat() if s.slot else "" for s in plan.sessions
    )
    return {"plan": plan_rows(plan, zone), "starts": starts, "complete": plan.complete,
            "clinic_zone": time_zone}  # fmt: skip


def _accepted(value: str) -> list[datetime]:
    """The starts the page showed; [] when altered (so it differs from any proposal)."""
    try:
        return [datetime.fromisoformat(part) for part in value.split(",")]
    except ValueError:
        return []


admin.site.unregister(Series)


@admin.register(Series)
class CourseSeriesAdmin(SeriesAdmin):
    """Scheduling's Series page, with "Book a course" for staff who may add series and
    bookings."""

    change_list_template = "admin/scheduling/series/change_list.html"

    def can_book(self, request: HttpRequest) -> bool:
        user = request.user
        return user.has_perm("scheduling.add_series") and user.has_perm("scheduling.add_booking")

    def get_urls(self) -> list[URLPattern]:
        book = path(
            "book/",
            self.admin_site.admin_view(self.book_course_view),
            name="scheduling_series_book",
        )
        return [book, *super().get_urls()]

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        context = {"can_book_course": self.can_book(request), **(extra_context or {})}
        return super().changelist_view(request, context)

    def book_course_view(self, request: HttpRequest) -> HttpResponse:
        """Staff book a whole course for a patient: propose every date, then book them all."""
        if not self.can_book(request):
            raise PermissionDenied
        now = timezone.now()
        form = CourseBookingForm(request.POST or None, initial=request.GET.dict() or None)
        context: dict[str, Any] = {}
        status = 200
        if request.method == "POST" and form.is_valid():
            try:
                outcome = self._propose_or_book(request, form, now)
            except SchedulingError as refused:
                outcome = self._refused(form, refused, now)
            if isinstance(outcome, HttpResponse):
                return outcome
            context, status = outcome
        elif request.method == "POST":
            status = 400
        return TemplateResponse(
            request,
            "admin/scheduling/series/book_course.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": "Book a course",
                "form": form,
                "media": self.media + form.media,
                **context,
            },
            status=status,
        )

    def _propose_or_book(
        self, request: HttpRequest, form: CourseBookingForm, now: datetime
    ) -> HttpResponse | tuple[dict[str, Any], int]:
        data = form.cleaned_data
        service, location = data["service"], data["location"]
        asked = {
            "service": service, "location": location, "start": form.first_start(),
            "sessions": data["sessions"], "now": now, "clinician": data["clinician"],
        }  # fmt: skip
        if "book" not in request.POST:
            plan = course_propose_at(**asked)
            return _shown(plan, location.zone, location.time_zone), 200
        booked = course_book_by_staff(
            **asked, patient_id=data["patient"].pk, created_by=request.user,  # type: ignore[arg-type]
            accepted_starts=_accepted(request.POST.get("starts", "")),
        )  # fmt: skip
        self.message_user(
            request,
            f"Booked {len(booked.sessions)} sessions of {service.name} for {data['patient']}. "
            "The patient has been emailed.",
            messages.SUCCESS,
        )
        series_id = booked.sessions[0].series_id
        return redirect(reverse("admin:scheduling_series_change", args=[series_id]))

    def _refused(
        self, form: CourseBookingForm, refused: SchedulingError, now: datetime
    ) -> tuple[dict[str, Any], int]:
        """Every refusal of the courses use-case, said once for the admin: the message, and
        the fresh proposal or the free first times nearby."""
        location = form.cleaned_data["location"]
        form.add_error(None, str(refused))
        if isinstance(refused, CourseProblem):
            return _shown(refused.plan, location.zone, location.time_zone), 409
        if isinstance(refused, SlotTaken | NotBookable) and not isinstance(
            refused, CourseLengthRefused
        ):
            nearby = nearest_alternatives(
                service=form.cleaned_data["service"], location=location,
                around=form.first_start(), now=now, by_staff=True,
            )  # fmt: skip
            shown = {"alternatives": [s.start for s in nearby], "clinic_zone": location.time_zone}
            return shown, 400 if isinstance(refused, NotBookable) else 409
        return {}, 409
