from django.apps import AppConfig


class InteropConfig(AppConfig):
    name = "dermadesk.interop"
    verbose_name = "Standard formats out (FHIR)"
