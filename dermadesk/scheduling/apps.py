from django.apps import AppConfig
from django.db.models.signals import post_migrate


class SchedulingConfig(AppConfig):
    name = "dermadesk.scheduling"
    verbose_name = "Scheduling: resources, services, bookings"

    def ready(self) -> None:
        from dermadesk.scheduling.catalog import triggers_after_migrate

        # After every migrate: SQLite drops a table's triggers when a migration rebuilds it.
        post_migrate.connect(triggers_after_migrate, sender=self)
