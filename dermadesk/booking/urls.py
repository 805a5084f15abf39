from django.urls import path

from dermadesk.booking import manage_pages, waitlist_confirm, waitlist_pages, wizard

app_name = "booking"

urlpatterns = [
    path("", wizard.choose_treatment, name="start"),
    path("course/", wizard.course, name="course"),
    path("details/", wizard.details, name="details"),
    path("verify/", wizard.verify, name="verify"),
    path("hold/extend/", wizard.extend_hold, name="extend"),
    path("screening/", wizard.screening, name="screening"),
    path("consent/", wizard.consent, name="consent"),
    path("confirm/", wizard.confirm, name="confirm"),
    path("done/<str:token>/", manage_pages.done, name="done"),
    path("manage/<str:token>/calendar.ics", manage_pages.calendar_file, name="calendar"),
    path("manage/<str:token>/", manage_pages.manage, name="manage"),
    path("manage/<str:token>/cancel/", manage_pages.manage_cancel, name="cancel"),
    path("manage/<str:token>/course/", manage_pages.manage_add_course, name="add-course"),
    path(
        "manage/<str:token>/cancel-course/", manage_pages.manage_cancel_course, name="cancel-course"
    ),
    path("manage/<str:token>/ask/", manage_pages.manage_late_request, name="late-request"),
    path("manage/<str:token>/consent/", manage_pages.manage_consent, name="consent-later"),
    path("manage/<str:token>/move/", manage_pages.manage_move_day, name="move"),
    path("manage/<str:token>/move-later/", manage_pages.manage_move_later, name="move-later"),
    path("manage/<str:token>/move/to/", manage_pages.manage_move, name="move-to"),
    path("manage/<str:token>/move/<str:day>/", manage_pages.manage_move_time, name="move-time"),
    path("offer/<str:token>/", waitlist_pages.waitlist_offer_page, name="offer"),
    path("waitlist/confirm/<str:token>/", waitlist_confirm.confirm_page, name="waitlist-confirm"),
    path("<slug:service>/", wizard.choose_day, name="day"),
    path("<slug:service>/waitlist/", waitlist_pages.waitlist_join_page, name="waitlist"),
    path("<slug:service>/hold/", wizard.hold_time, name="hold"),
    path("<slug:service>/<str:day>/", wizard.choose_time, name="time"),
]
