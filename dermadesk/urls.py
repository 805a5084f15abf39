from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from dermadesk.api.api import api
from dermadesk.staff.admin_gate import staff_may_use_admin, staff_sign_in_first
from dermadesk.website.sitemaps import PageSitemap
from dermadesk.website.views import favicon, robots_txt

# A database out of reach gives the 503 page wherever the error was raised.
handler500 = "dermadesk.middleware.server_error"

admin.site.site_header = "dermadesk set-up"
admin.site.site_title = "dermadesk"
# The admin sits behind the staff sign-in (password and second factor): its own login page
# is never shown, and it opens only to a session that passed both steps.
admin.site.login = staff_sign_in_first  # type: ignore[method-assign]
admin.site.has_permission = staff_may_use_admin  # type: ignore[method-assign]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("staff/inbox/", include("dermadesk.contact.inbox_urls")),
    path("staff/", include("dermadesk.staff.urls")),
    # Each clinician's calendar feed: fetched by calendar apps, which cannot sign in.
    path("feeds/", include("dermadesk.staff.feed_urls")),
    path("robots.txt", robots_txt, name="robots_txt"),
    path("sitemap.xml", sitemap, {"sitemaps": {"pages": PageSitemap}}, name="sitemap"),
    path("favicon.ico", favicon),
    path("api/", api.urls),
    path("book/", include("dermadesk.booking.urls")),
    path("contact/", include("dermadesk.contact.urls")),
    path("portal/", include("dermadesk.portal.urls")),
    path("", include("dermadesk.website.urls")),
]
