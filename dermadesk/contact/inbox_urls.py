"""The back office's contact inbox and alerts, mounted at ``/staff/inbox/`` (behind the
staff gate)."""

from django.urls import path

from dermadesk.contact import alert_pages, inbox_pages

app_name = "inbox"

urlpatterns = [
    path("", inbox_pages.inbox_list, name="list"),
    path("<int:message_id>/", inbox_pages.thread, name="thread"),
    path("<int:message_id>/assign/", inbox_pages.assign, name="assign"),
    path("<int:message_id>/status/", inbox_pages.status, name="status"),
    path("<int:message_id>/note/", inbox_pages.note, name="note"),
    path("<int:message_id>/reply/", inbox_pages.reply, name="reply"),
    path("alerts/", alert_pages.alerts, name="alerts"),
    path("alerts/<int:alert_id>/resolve/", alert_pages.resolve, name="alert_resolve"),
]
