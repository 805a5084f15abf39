from django.apps import AppConfig


class BookingConfig(AppConfig):
    name = "dermadesk.booking"
    verbose_name = "Online booking"

    def ready(self) -> None:
        from dermadesk.booking.emails import queue_booking_messages
        from dermadesk.scheduling.signals import booking_changed

        # Every change of a booking, from any entry point, tells the patient.
        booking_changed.connect(queue_booking_messages, dispatch_uid="booking-patient-messages")
