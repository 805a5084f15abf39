from django.apps import AppConfig


class ContactConfig(AppConfig):
    name = "dermadesk.contact"
    verbose_name = "Contact form: messages from the public"

    def ready(self) -> None:
        # The managers' reports count how many senders booked afterwards; the staff layer
        # may not import this edge, so it is handed the reader.
        from dermadesk.contact.queries import contact_conversions
        from dermadesk.staff.reports import contact_conversions_from

        contact_conversions_from(contact_conversions)
