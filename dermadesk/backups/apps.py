from django.apps import AppConfig


class BackupsConfig(AppConfig):
    name = "dermadesk.backups"
    verbose_name = "Backups"
