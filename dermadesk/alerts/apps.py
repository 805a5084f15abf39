from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "dermadesk.alerts"
    verbose_name = "Alerts for staff"
