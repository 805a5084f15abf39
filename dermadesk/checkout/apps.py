from django.apps import AppConfig


class CheckoutConfig(AppConfig):
    name = "dermadesk.checkout"
    verbose_name = "Checkout"

    def ready(self) -> None:
        from dermadesk.checkout.emails import queue_booking_messages
        from dermadesk.scheduling.signals import booking_changed

        # Every change of a booking, from any entry point, tells the patient.
        booking_changed.connect(queue_booking_messages, dispatch_uid="booking-patient-messages")
