from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "dermadesk.api"
    verbose_name = "JSON API"
