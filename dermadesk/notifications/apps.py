from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "dermadesk.notifications"
    verbose_name = "Notifications: outbox and message templates"
