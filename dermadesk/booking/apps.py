from django.apps import AppConfig


class BookingConfig(AppConfig):
    name = "dermadesk.booking"
    verbose_name = "Online booking"
