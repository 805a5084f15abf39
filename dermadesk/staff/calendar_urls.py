"""The calendar pages of the back office (filled by their own change)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
