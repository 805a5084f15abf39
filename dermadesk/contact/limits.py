"""How often one sender may use the contact form. Pure: no Django, no clock."""

from collections.abc import Iterable
from datetime import datetime, timedelta


def wait_before_next(
    recent: Iterable[datetime], *, now: datetime, limit: int, window: timedelta
) -> timedelta | None:
    """``None`` when one more message is allowed now; otherwise how long until it is.

    ``recent`` are the times of the sender's earlier messages; at most ``limit`` may fall
    in any ``window`` ending now. A ``limit`` of 0 or less means no limit.
    """
    if limit <= 0:
        return None
    inside = sorted(moment for moment in recent if now - window < moment <= now)
    if len(inside) < limit:
        return None
    # Once this one leaves the window, only limit - 1 remain in it.
    return inside[len(inside) - limit] + window - now
