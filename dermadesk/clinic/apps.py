from django.apps import AppConfig


class ClinicConfig(AppConfig):
    name = "dermadesk.clinic"
    verbose_name = "Clinic: locations and hours"
