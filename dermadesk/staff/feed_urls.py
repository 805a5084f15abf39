"""Mounted at ``/feeds/`` by the root URLs, outside the staff gate (see ``feed_pages``)."""

from django.urls import path

from dermadesk.staff import feed_pages

app_name = "feeds"

urlpatterns = [
    path("<str:secret>.ics", feed_pages.calendar_feed, name="calendar"),
]
