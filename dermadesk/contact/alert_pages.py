"""The staff's alerts, in one place: what the app raised for a person to look at (late change
requests, waitlist places ended without a booking, messages not sent), open ones newest
first, each resolved with a button."""

from django import urls
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from dermadesk.alerts.queries import open_alerts, recently_resolved
from dermadesk.alerts.services import AlertNotFound, alert_resolve
from dermadesk.contact.inbox_shared import clinic_zone
from dermadesk.staff.pages import audit_view, staff_page, staff_user
from dermadesk.staff.roles import Action

ALERTS_PAGE_SIZE = 50


def may_open(request: HttpRequest, link: str) -> bool:
    """Whether the staff member can open ``link``: an admin page only with the admin's
    permission for its model (a front desk member has none), any other page of the site."""
    try:
        match = urls.resolve(link)
    except urls.Resolver404:
        return False
    model_admin = getattr(match.func, "model_admin", None)
    return model_admin is None or bool(model_admin.has_view_or_change_permission(request))


@require_GET
@staff_page(Action.ALERTS)
def alerts(request: HttpRequest) -> HttpResponse:
    page = Paginator(open_alerts(), ALERTS_PAGE_SIZE).get_page(request.GET.get("page"))
    shown = [(alert, bool(alert.link) and may_open(request, alert.link)) for alert in page]
    # The open alerts' words name patients (a late change gives their phone and email): each
    # patient shown is written in the trail once per page, as their record page would be.
    resolved = list(recently_resolved())
    for patient_id in sorted({a.patient_id for a in [*page, *resolved] if a.patient_id}):
        audit_view(request, patient_id=patient_id, what="alerts", detail="alerts list")
    return render(
        request,
        "contact/inbox/alerts.html",
        {
            "page": page,
            "shown": shown,
            "resolved": resolved,
            **clinic_zone(timezone.now()),
        },
    )


@require_POST
@staff_page(Action.ALERTS)
def resolve(request: HttpRequest, alert_id: int) -> HttpResponse:
    try:
        alert, changed = alert_resolve(
            alert_id=alert_id, by=staff_user(request), now=timezone.now()
        )
    except AlertNotFound as missing:
        raise Http404("There is no such alert.") from missing
    if changed:
        messages.success(request, f"Resolved: {alert.get_kind_display()}.")
    else:
        by = alert.resolved_by
        who = (by.get_full_name() or by.get_username()) if by else "the system"
        messages.info(request, f"That alert was already resolved, by {who}.")
    response = redirect("inbox:alerts")
    response.status_code = 303  # see the list again, by GET
    return response
