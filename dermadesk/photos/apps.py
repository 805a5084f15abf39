from django.apps import AppConfig


class PhotosConfig(AppConfig):
    name = "dermadesk.photos"
    verbose_name = "Clinical photos"
