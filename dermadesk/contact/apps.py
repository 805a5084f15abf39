from django.apps import AppConfig


class ContactConfig(AppConfig):
    name = "dermadesk.contact"
    verbose_name = "Contact form: messages from the public"
