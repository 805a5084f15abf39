from django.apps import AppConfig


class AftercareConfig(AppConfig):
    name = "dermadesk.aftercare"
    verbose_name = "Aftercare"

    def ready(self) -> None:
        from dermadesk.aftercare.services import on_visit_attended
        from dermadesk.scheduling.signals import visit_attended

        # A visit marked completed, from any entry point, starts its aftercare.
        visit_attended.connect(on_visit_attended, dispatch_uid="aftercare-start")
