from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    name = "dermadesk.scheduling"
    verbose_name = "Scheduling: resources, services, bookings"
