from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "dermadesk.portal"
    verbose_name = "Patient portal"
