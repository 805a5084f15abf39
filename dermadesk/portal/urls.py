from django.urls import path

from dermadesk.portal import signin_pages

app_name = "portal"

urlpatterns = [
    path("", signin_pages.sign_in_page, name="sign_in"),
    path("code/", signin_pages.code_page, name="code"),
    path("sign-out/", signin_pages.sign_out, name="sign_out"),
]
