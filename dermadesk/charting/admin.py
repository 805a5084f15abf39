"""The clinic's stock list (lots of cartridges and PRP kits) is set up in the admin by the
managers; charts, complications and recalls are read and changed in the back office, where
each look is audited."""

from django.contrib import admin

from dermadesk.charting.models import Lot


@admin.register(Lot)
class LotAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("product", "kind", "lot_number", "expires_on", "active")
    list_filter = ("kind", "active")
    search_fields = ("product", "lot_number")
    date_hierarchy = "expires_on"
