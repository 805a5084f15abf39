from django.apps import AppConfig
from django.db.models.signals import post_migrate


class StaffConfig(AppConfig):
    name = "dermadesk.staff"
    verbose_name = "Staff back office"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from dermadesk.staff.groups import role_groups_sync

        post_migrate.connect(role_groups_sync, sender=self)
