from django.apps import AppConfig


class WaitlistConfig(AppConfig):
    name = "dermadesk.waitlist"
    verbose_name = "Waitlist"

    def ready(self) -> None:
        from dermadesk.scheduling.signals import booking_changed
        from dermadesk.waitlist.services import on_booking_changed

        # Freed time offers itself to the waitlist; a taken offer marks its entry booked.
        booking_changed.connect(on_booking_changed, dispatch_uid="waitlist-freed-time")
