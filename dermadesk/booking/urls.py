from django.urls import path

from dermadesk.booking import views, waitlist_confirm

app_name = "booking"

urlpatterns = [
    path("", views.choose_treatment, name="start"),
    path("course/", views.course, name="course"),
    path("details/", views.details, name="details"),
    path("hold/extend/", views.extend_hold, name="extend"),
    path("screening/", views.screening, name="screening"),
    path("consent/", views.consent, name="consent"),
    path("confirm/", views.confirm, name="confirm"),
    path("done/<str:token>/", views.done, name="done"),
    path("manage/<str:token>/calendar.ics", views.calendar_file, name="calendar"),
    path("manage/<str:token>/", views.manage, name="manage"),
    path("manage/<str:token>/cancel/", views.manage_cancel, name="cancel"),
    path("manage/<str:token>/course/", views.manage_add_course, name="add-course"),
    path("manage/<str:token>/cancel-course/", views.manage_cancel_course, name="cancel-course"),
    path("manage/<str:token>/ask/", views.manage_late_request, name="late-request"),
    path("manage/<str:token>/consent/", views.manage_consent, name="consent-later"),
    path("manage/<str:token>/move/", views.manage_move_day, name="move"),
    path("manage/<str:token>/move-later/", views.manage_move_later, name="move-later"),
    path("manage/<str:token>/move/to/", views.manage_move, name="move-to"),
    path("manage/<str:token>/move/<str:day>/", views.manage_move_time, name="move-time"),
    path("offer/<str:token>/", views.waitlist_offer_page, name="offer"),
    path("waitlist/confirm/<str:token>/", waitlist_confirm.confirm_page, name="waitlist-confirm"),
    path("<slug:service>/", views.choose_day, name="day"),
    path("<slug:service>/waitlist/", views.waitlist_join_page, name="waitlist"),
    path("<slug:service>/hold/", views.hold_time, name="hold"),
    path("<slug:service>/<str:day>/", views.choose_time, name="time"),
]
