from django.urls import path

from dermadesk.staff import account_pages, login_pages
from dermadesk.staff.audit_urls import urlpatterns as audit_urls
from dermadesk.staff.calendar_urls import urlpatterns as calendar_urls
from dermadesk.staff.chart_urls import urlpatterns as chart_urls
from dermadesk.staff.data_request_urls import urlpatterns as data_request_urls
from dermadesk.staff.patient_urls import urlpatterns as patient_urls
from dermadesk.staff.photo_urls import urlpatterns as photo_urls
from dermadesk.staff.report_urls import urlpatterns as report_urls

app_name = "staff"

urlpatterns = [
    path("", account_pages.home, name="home"),
    path("login/", login_pages.sign_in, name="login"),
    path("login/code/", login_pages.sign_in_code, name="login_code"),
    path("login/setup/", login_pages.sign_in_setup, name="login_setup"),
    path("logout/", login_pages.sign_out, name="logout"),
    path("account/", account_pages.account, name="account"),
    path("account/recovery-codes/", account_pages.recovery_codes, name="recovery_codes"),
    path("account/password/", account_pages.password_change, name="password_change"),
    path("account/calendar-feed/", account_pages.feed_make, name="calendar_feed_make"),
    path("account/calendar-feed/stop/", account_pages.feed_stop, name="calendar_feed_stop"),
    *calendar_urls,
    *chart_urls,
    *patient_urls,
    *photo_urls,
    *report_urls,
    *audit_urls,
    *data_request_urls,
]
