"""Text messages through a small pluggable backend, chosen by the ``SMS_BACKEND`` setting.

A backend for a real provider is a class with one method::

    class ProviderSmsBackend(SmsBackend):
        def send(self, *, to: str, body: str, idempotency_key: str) -> None:
            ...  # call the provider's API

``to`` is an E.164 number (+12175550142). Pass ``idempotency_key`` on to the provider where
its API takes one (most do), so a retried request is not sent twice. Raise
``DeliveryError(reason, retryable=True)`` for what may pass (timeouts, 5xx, rate limits) and
``retryable=False`` for what will not (an invalid number, an opted-out recipient).
"""

import logging
import sys
from dataclasses import dataclass
from functools import cache
from typing import ClassVar

from django.conf import settings
from django.utils.module_loading import import_string

from dermadesk.notifications.errors import DeliveryError

logger = logging.getLogger(__name__)


class SmsBackend:
    def send(self, *, to: str, body: str, idempotency_key: str) -> None:
        raise NotImplementedError


class ConsoleSmsBackend(SmsBackend):
    """Development: prints each text message instead of sending it."""

    def send(self, *, to: str, body: str, idempotency_key: str) -> None:
        sys.stdout.write(f"SMS to {to} ({idempotency_key}):\n{body}\n{'-' * 40}\n")
        sys.stdout.flush()


class DisabledSmsBackend(SmsBackend):
    """The default outside development: no provider is set up, so nothing can be sent."""

    def send(self, *, to: str, body: str, idempotency_key: str) -> None:
        raise DeliveryError("No SMS provider is set up (SMS_BACKEND).", retryable=False)


@dataclass(frozen=True)
class SentSms:
    to: str
    body: str
    idempotency_key: str


class LocmemSmsBackend(SmsBackend):
    """Tests: keeps what it sends in ``LocmemSmsBackend.outbox``, like Django's locmem email."""

    outbox: ClassVar[list[SentSms]] = []

    def send(self, *, to: str, body: str, idempotency_key: str) -> None:
        self.outbox.append(SentSms(to=to, body=body, idempotency_key=idempotency_key))


@cache
def _backend_class(path: str) -> type[SmsBackend]:
    backend = import_string(path)
    if not (isinstance(backend, type) and issubclass(backend, SmsBackend)):
        raise TypeError(f"SMS_BACKEND {path!r} is not an SmsBackend.")
    return backend


def sms_backend() -> SmsBackend:
    return _backend_class(settings.SMS_BACKEND)()
