from django.apps import AppConfig


class LimitsConfig(AppConfig):
    name = "dermadesk.limits"
    verbose_name = "Fair use"
