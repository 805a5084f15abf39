from django.urls import path

from dermadesk.aftercare import views

app_name = "aftercare"

urlpatterns = [
    path("<str:token>/", views.guide, name="guide"),
    path("<str:token>/instructions.pdf", views.guide_pdf, name="guide-pdf"),
]
