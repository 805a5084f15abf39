from django.urls import path

from dermadesk.aftercare import course_pages, views

app_name = "aftercare"

urlpatterns = [
    path("check-in/<str:token>/", views.check_in, name="check-in"),
    path("check-in/<str:token>/thank-you/", views.check_in_done, name="check-in-done"),
    path("course/<str:token>/", course_pages.course, name="course"),
    path("<str:token>/", views.guide, name="guide"),
    path("<str:token>/instructions.pdf", views.guide_pdf, name="guide-pdf"),
]
