from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "dermadesk.screening"
    verbose_name = "Screening: candidacy questionnaire and answers"
