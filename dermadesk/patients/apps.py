from django.apps import AppConfig


class PatientsConfig(AppConfig):
    name = "dermadesk.patients"
    verbose_name = "Patients and consent"
