"""The client behind a request: its address (through our trusted proxies only) and who holds.

Every part of dermadesk that needs the client's address asks here: the API's rate limit,
the contact form's limit, the signature of a consent, the limits on holds and on the
waitlist. ``BEHIND_PROXY`` off: the connection's address. On: the address our own proxy
appended to ``X-Forwarded-For`` (``TRUSTED_PROXIES`` of them in front), whatever the client
wrote to the left of it.
"""

from django.conf import settings
from django.http import HttpRequest

from dermadesk.limits import addresses
from dermadesk.limits.digests import Holder, digest


def client_address(request: HttpRequest) -> str:
    """The client's IP address as our side saw it; forged headers never change it."""
    proxies = settings.TRUSTED_PROXIES if settings.BEHIND_PROXY else 0
    return addresses.client_address(
        str(request.META.get("REMOTE_ADDR") or ""),
        request.META.get("HTTP_X_FORWARDED_FOR"),
        proxies=proxies,
    )


def client_group(request: HttpRequest) -> str:
    """What limits count as one client: the address, or the /64 of an IPv6 one."""
    return addresses.client_group(client_address(request))


def address_digest(request: HttpRequest) -> str:
    """A keyed digest of the client (its group), to store where the address may not go."""
    return digest("address", client_group(request))


def session_digest(request: HttpRequest) -> str:
    """A keyed digest of the browser session's key, the session saved first if it is new."""
    session = request.session
    if not session.session_key:
        session.save()
    return digest("session", str(session.session_key))


def hold_holder(request: HttpRequest, *, with_session: bool = True) -> Holder:
    """Who asks for a hold: the browser session (pages) and the client's address.

    ``with_session=False`` for the API, whose clients keep no session.
    """
    return Holder(
        session=session_digest(request) if with_session else "",
        address=address_digest(request),
    )
