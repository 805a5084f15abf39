from datetime import datetime

from django.contrib.sitemaps import Sitemap
from django.db.models import QuerySet

from dermadesk.website.models import Page


class PageSitemap(Sitemap):  # type: ignore[type-arg]
    changefreq = "monthly"

    def items(self) -> QuerySet[Page]:
        return Page.objects.filter(published=True)

    def lastmod(self, item: Page) -> datetime:
        return item.updated_at
