from django.apps import AppConfig


class ChartingConfig(AppConfig):
    name = "dermadesk.charting"
    verbose_name = "Treatment record"
