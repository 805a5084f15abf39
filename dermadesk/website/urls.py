from django.urls import path

from dermadesk.website import views

app_name = "website"

urlpatterns = [
    path("", views.home, name="home"),
    path("accessibility/", views.accessibility_update, name="accessibility"),
    path("<slug:slug>/", views.page, name="page"),
]
