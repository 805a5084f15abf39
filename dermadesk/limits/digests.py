"""Keyed digests of who asks: enough to count a client's holds, not to find the client.

An HMAC with ``SECRET_KEY`` (and a label per kind, so an address and an email never share
a digest): the address, session key or email cannot be read back from the database, nor
guessed by hashing candidates without the key.
"""

import hashlib
import hmac
from dataclasses import dataclass

from django.conf import settings


def digest(kind: str, value: str) -> str:
    """The hex HMAC-SHA256 of ``value`` under ``kind`` (``"address"``, ``"email"``, ...)."""
    message = f"{kind}\x00{value}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def email_digest(email: str) -> str:
    """One digest for an email address however it is capitalised or spaced."""
    return digest("email", email.strip().lower())


@dataclass(frozen=True)
class Holder:
    """Who holds a time, as digests; an empty field is not known (yet)."""

    session: str = ""
    address: str = ""
    email: str = ""

    def keys(self) -> dict[str, str]:
        """The known digests by the booking field that stores each."""
        known = {
            "holder_session": self.session,
            "holder_address": self.address,
            "holder_email": self.email,
        }
        return {field: value for field, value in known.items() if value}
