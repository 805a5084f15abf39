"""The secret of a booking's manage link: how one is made and recognised, kept as a digest.

Pure: no Django. The secret is 32 random bytes (43 URL-safe characters) made when a
booking becomes firm and again at each change, so the link in an older email stops working.
Only its SHA-256 is stored: a random secret of that length needs no slow hash, and a copied
table (or a staff screen) gives no working link away.
"""

import hashlib
import re
import secrets
from datetime import datetime, timedelta

_SHAPE = re.compile(r"[A-Za-z0-9_-]{43}")


def new_link_secret() -> str:
    """A fresh secret for a manage link: sent to the patient, never stored."""
    return secrets.token_urlsafe(32)


def link_digest(secret: str) -> str | None:
    """What is stored of a secret (its SHA-256 in hex); None when it is not shaped like one."""
    if _SHAPE.fullmatch(secret) is None:
        return None
    return hashlib.sha256(secret.encode()).hexdigest()


def link_alive(*, visit_ends_at: datetime, now: datetime, days_after: int) -> bool:
    """A manage link works until ``days_after`` days after the visit ends."""
    return now < visit_ends_at + timedelta(days=days_after)
