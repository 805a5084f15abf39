from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from dermadesk.api.api import api
from dermadesk.website.sitemaps import PageSitemap
from dermadesk.website.views import favicon, robots_txt

# A database out of reach gives the 503 page wherever the error was raised.
handler500 = "dermadesk.middleware.server_error"

admin.site.site_header = "dermadesk back office"
admin.site.site_title = "dermadesk"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("robots.txt", robots_txt, name="robots_txt"),
    path("sitemap.xml", sitemap, {"sitemaps": {"pages": PageSitemap}}, name="sitemap"),
    path("favicon.ico", favicon),
    path("api/", api.urls),
    path("book/", include("dermadesk.booking.urls")),
    path("contact/", include("dermadesk.contact.urls")),
    path("", include("dermadesk.website.urls")),
]
