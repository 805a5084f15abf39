from django.apps import AppConfig


class WebsiteConfig(AppConfig):
    name = "dermadesk.website"
    verbose_name = "Public website"
