"""A clinician's private calendar feed: its secret, and what a visit says in it.

Pure: no Django. The feed's address carries a secret of 32 random bytes (43 URL-safe
characters); only its SHA-256 is stored, so a copied table gives no working address away,
and a request is answered by looking the digest up (nothing secret is compared by hand).
A visit shows its treatment and, unless the clinic turns it off, the patient's initials:
never a name, a contact detail, a date of birth or a health answer.
"""

import hashlib
import re
import secrets
from datetime import datetime, timedelta

_SHAPE = re.compile(r"[A-Za-z0-9_-]{43}")
RECORD_FETCH_EVERY = timedelta(minutes=1)
"""A fetch is written down at most this often: a calendar app polling costs no write."""


def new_feed_secret() -> tuple[str, str]:
    """A fresh secret for a feed's address, and its digest: the secret is shown to its owner
    once and never stored; the digest is what is kept."""
    secret = secrets.token_urlsafe(32)
    return secret, _sha256(secret)


def feed_digest(secret: str) -> str | None:
    """The digest a secret from an address is looked up by; None when it is not shaped like
    one of ours (nothing is looked up then)."""
    if _SHAPE.fullmatch(secret) is None:
        return None
    return _sha256(secret)


def _sha256(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _first_letter(name: str) -> str:
    for character in name:
        if character.isalpha():
            upper = character.upper()
            return upper if len(upper) == 1 else character
    return ""


def initials(given_name: str, family_name: str) -> str:
    """'A. L.' for Ada Lovelace: the first letter of each name and nothing more."""
    letters = (_first_letter(given_name), _first_letter(family_name))
    return " ".join(f"{letter}." for letter in letters if letter)


def visit_summary(service_name: str, patient_initials: str) -> str:
    """The event's title: 'Micro-Needling · A. L.', or the treatment alone."""
    return f"{service_name} · {patient_initials}" if patient_initials else service_name


def feed_window(now: datetime, *, past_days: int, ahead_days: int) -> tuple[datetime, datetime]:
    """The visits a feed lists: those starting from ``past_days`` ago to ``ahead_days`` ahead."""
    return now - timedelta(days=past_days), now + timedelta(days=ahead_days)
