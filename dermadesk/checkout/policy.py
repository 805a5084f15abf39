"""The clinic's change policy: how late a patient may still move or cancel online.

Pure: no Django. Later than the notice, the manage page shows the clinic's phone number and
the staff are told, instead of changing the booking online.
"""

from datetime import datetime, timedelta


def change_allowed_online(*, starts_at: datetime, now: datetime, notice: timedelta) -> bool:
    """Whether a booking starting at ``starts_at`` may still be moved or cancelled online."""
    return now <= starts_at - notice


def notice_in_words(notice: timedelta) -> str:
    """'24 hours', '2 days', '90 minutes': the notice as the policy text says it."""
    minutes = int(notice.total_seconds() // 60)
    if minutes % (24 * 60) == 0 and minutes >= 48 * 60:
        return f"{minutes // (24 * 60)} days"
    if minutes % 60 == 0:
        hours = minutes // 60
        return f"{hours} hour" if hours == 1 else f"{hours} hours"
    return f"{minutes} minutes"
