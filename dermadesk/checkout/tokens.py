"""The link that lets a patient manage one booking without an account.

The token is the booking's public id signed with the site's secret (HMAC) for this one
purpose, with a time stamp: it cannot be guessed or forged, works only for that booking
and only on the manage page, and expires. It carries no personal data.
"""

from datetime import timedelta

from django.core import signing

SALT = "dermadesk.checkout.manage"
MAX_AGE = timedelta(days=400)  # long enough for a series of six visits a month apart


def manage_token(public_id: str) -> str:
    return signing.TimestampSigner(salt=SALT).sign(public_id)


def booking_id_from_token(token: str) -> str | None:
    """The public id the token was made for, or None when it is forged, altered or expired."""
    try:
        return signing.TimestampSigner(salt=SALT).unsign(token, max_age=MAX_AGE)
    except signing.BadSignature:
        return None
