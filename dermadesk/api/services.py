"""Services of the API app: issuing, revoking and checking API tokens.

Every entry point (the admin, ``manage.py api_token_create``, the bearer authentication)
goes through these.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth.models import User
from django.db.models import Q

from dermadesk.api.credentials import (
    PREFIX_LENGTH,
    digest_of,
    digests_match,
    new_secret,
    prefix_of,
)
from dermadesk.api.models import ApiToken

# last_used_at is written at most this often per token: a busy client costs no write a request.
USE_RECORDED_EVERY = timedelta(minutes=1)


class TokenRefused(Exception):
    """A token that cannot be issued; the message says why, for the person asking."""


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    secret: str
    """Shown once to whoever issued it; only its digest is stored."""


def api_token_create(
    *, user: User, name: str, now: datetime, expires_at: datetime | None = None
) -> IssuedToken:
    """A new token for an active staff member; the secret is returned, never stored."""
    if not (user.is_active and user.is_staff):
        raise TokenRefused("API tokens are only for active staff members.")
    if expires_at is not None and expires_at <= now:
        raise TokenRefused("The expiry must lie in the future.")
    secret = new_secret()
    token = ApiToken.objects.create(
        user=user, name=name, prefix=secret[:PREFIX_LENGTH], digest=digest_of(secret),
        created_at=now,
        expires_at=expires_at,
    )  # fmt: skip
    return IssuedToken(token=token, secret=secret)


def api_token_revoke(*, token: ApiToken) -> None:
    """The token stops working at once, for good."""
    ApiToken.objects.filter(pk=token.pk).update(revoked=True)
    token.revoked = True


def api_token_authenticate(*, secret: str, now: datetime) -> ApiToken | None:
    """The live token this secret belongs to, with its user; None for anything else.

    Live: not revoked, not expired, and its owner an active staff member. The row is found
    by the prefix (not secret) and the digests compared in constant time. Records the use,
    at most once a minute.
    """
    given = digest_of(secret)
    prefix = prefix_of(secret)
    if prefix is None:
        return None
    token = ApiToken.objects.select_related("user").filter(prefix=prefix).first()
    if token is None or not digests_match(token.digest, given):
        return None
    user = token.user
    expired = token.expires_at is not None and token.expires_at <= now
    if token.revoked or expired or not (user.is_active and user.is_staff):
        return None
    stale = now - USE_RECORDED_EVERY
    if token.last_used_at is None or token.last_used_at <= stale:
        # Conditional, so requests arriving together record the minute once.
        ApiToken.objects.filter(pk=token.pk).filter(
            Q(last_used_at__isnull=True) | Q(last_used_at__lte=stale)
        ).update(last_used_at=now)
        token.last_used_at = now
    return token
