from django.contrib import admin

from dermadesk.website.models import Page


@admin.register(Page)
class PageAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("title", "slug", "kind", "display_order", "in_menu", "published", "updated_at")
    list_editable = ("display_order", "in_menu", "published")
    list_filter = ("kind", "published")
    search_fields = ("title", "body")
    prepopulated_fields = {"slug": ("title",)}
    fieldsets = (
        (None, {"fields": ("title", "slug", "kind", "body", "book_service")}),
        ("Menu", {"fields": ("nav_title", "display_order", "in_menu", "published")}),
        ("Search engines and sharing", {"fields": ("seo_title", "seo_description")}),
    )
