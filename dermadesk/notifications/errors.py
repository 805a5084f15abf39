"""Errors of the notifications app."""


class DeliveryError(Exception):
    """A channel could not deliver a message. ``retryable`` says whether trying again can help.

    The message is technical (a server's reply, a timeout) and never the message's content.
    """

    def __init__(self, reason: str, *, retryable: bool) -> None:
        super().__init__(reason)
        self.retryable = retryable


class SmsNotAgreed(ValueError):
    """A text message for someone who has not agreed to receive them."""


class InvalidRecipient(ValueError):
    """The recipient is not a valid email address or E.164 phone number."""
