from django.urls import path

from dermadesk.contact import views

app_name = "contact"

urlpatterns = [
    path("send/", views.send, name="send"),
]
