"""The patient's links about a completed session: signed ids, one salt per purpose.

A link holds the id of what it opens (the aftercare, or one check-in), signed with the
site's secret and a salt naming its purpose, so a link to the timeline cannot open a
check-in or book a course, and no id can be guessed. It carries nothing about the patient.
Every link stops working at its aftercare's ``links_expire_at`` (``AFTERCARE_LINK_DAYS``
after the session), checked against the database, not the link.
"""

from datetime import datetime
from enum import StrEnum

from django.conf import settings
from django.core import signing
from django.urls import reverse

from dermadesk.aftercare.models import Aftercare, CheckIn


class Purpose(StrEnum):
    GUIDE = "dermadesk.aftercare.guide"
    """The timeline page and its PDF."""
    CHECK_IN = "dermadesk.aftercare.check-in"
    COURSE = "dermadesk.aftercare.course"
    """The rest of the course, proposed and booked."""


class LinkExpired(Exception):
    """A genuine link, past its time: the page says so and gives the clinic's number."""

    def __init__(self, aftercare: Aftercare) -> None:
        super().__init__("This link has expired.")
        self.aftercare = aftercare


def token_for(purpose: Purpose, pk: int) -> str:
    return signing.Signer(salt=purpose.value).sign(str(pk))


def _id_from(purpose: Purpose, token: str) -> int | None:
    try:
        value = signing.Signer(salt=purpose.value).unsign(token)
    except signing.BadSignature:
        return None
    return int(value) if value.isdigit() else None


def _related() -> tuple[str, ...]:
    return ("booking__location", "booking__service", "booking__patient", "booking__series")


def aftercare_by_token(purpose: Purpose, token: str, *, now: datetime) -> Aftercare | None:
    """The aftercare a GUIDE or COURSE link opens; None for a link that is not one of ours.
    ``LinkExpired`` past its time."""
    pk = _id_from(purpose, token)
    if pk is None:
        return None
    aftercare = Aftercare.objects.select_related(*_related()).filter(pk=pk).first()
    if aftercare is not None and now >= aftercare.links_expire_at:
        raise LinkExpired(aftercare)
    return aftercare


def check_in_by_token(token: str, *, now: datetime) -> CheckIn | None:
    """The check-in a CHECK_IN link opens; None for a link that is not one of ours.
    ``LinkExpired`` past its time."""
    pk = _id_from(Purpose.CHECK_IN, token)
    if pk is None:
        return None
    related = tuple(f"aftercare__{name}" for name in _related())
    check_in = CheckIn.objects.select_related("aftercare", *related).filter(pk=pk).first()
    if check_in is not None and now >= check_in.aftercare.links_expire_at:
        raise LinkExpired(check_in.aftercare)
    return check_in


def guide_path(aftercare: Aftercare) -> str:
    """The timeline page's path (the portal links to it)."""
    return reverse("aftercare:guide", args=[token_for(Purpose.GUIDE, aftercare.pk)])


def guide_url(aftercare: Aftercare) -> str:
    return settings.SITE_URL + guide_path(aftercare)


def check_in_url(check_in: CheckIn) -> str:
    token = token_for(Purpose.CHECK_IN, check_in.pk)
    return settings.SITE_URL + reverse("aftercare:check-in", args=[token])


def course_url(aftercare: Aftercare) -> str:
    token = token_for(Purpose.COURSE, aftercare.pk)
    return settings.SITE_URL + reverse("aftercare:course", args=[token])
