from django.urls import path

from dermadesk.portal import (
    data_pages,
    message_pages,
    preference_pages,
    signin_pages,
    visit_pages,
)

app_name = "portal"

urlpatterns = [
    path("", signin_pages.sign_in_page, name="sign_in"),
    path("code/", signin_pages.code_page, name="code"),
    path("sign-out/", signin_pages.sign_out, name="sign_out"),
    path("messages/", message_pages.messages_page, name="messages"),
    path("preferences/", preference_pages.preferences, name="preferences"),
    path("preferences/sms/on/", preference_pages.sms_on, name="sms_on"),
    path("preferences/sms/off/", preference_pages.sms_off, name="sms_off"),
    path("data/", data_pages.data_page, name="data"),
    path("data/request/", data_pages.data_request, name="data_request"),
    path("data/<int:patient_id>/copy.json", data_pages.copy_json, name="copy_json"),
    path("data/<int:patient_id>/copy.pdf", data_pages.copy_pdf, name="copy_pdf"),
    path("visits/<int:visit_id>/", visit_pages.visit_page, name="visit"),
    path("visits/<int:visit_id>/cancel/", visit_pages.visit_cancel, name="visit_cancel"),
    path(
        "visits/<int:visit_id>/cancel-course/",
        visit_pages.visit_cancel_course,
        name="visit_cancel_course",
    ),
    path("visits/<int:visit_id>/move/", visit_pages.visit_move_day, name="visit_move_day"),
    path("visits/<int:visit_id>/move/to/", visit_pages.visit_move, name="visit_move"),
    path(
        "visits/<int:visit_id>/move/<str:day>/",
        visit_pages.visit_move_time,
        name="visit_move_time",
    ),
    path("visits/<int:visit_id>/ask/", visit_pages.visit_ask, name="visit_ask"),
    path("visits/<int:visit_id>/consent/", visit_pages.visit_consent, name="visit_consent"),
    path("visits/<int:visit_id>/screening/", visit_pages.visit_screening, name="visit_screening"),
    path("visits/<int:visit_id>/course/", visit_pages.visit_course, name="visit_course"),
]
