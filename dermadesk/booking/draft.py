"""What a patient has chosen and typed so far, kept in their session between the steps.

Nothing typed is lost when a step fails or a time is taken: every step reads and writes
this one record. It is cleared when the booking is confirmed.
"""

from dataclasses import asdict, dataclass, field
from typing import Any

from django.contrib.sessions.backends.base import SessionBase

from dermadesk.scheduling.models import Booking

SESSION_KEY = "booking-draft"


@dataclass
class Draft:
    hold: str = ""
    """Public id of the held booking."""
    details: dict[str, str] = field(default_factory=dict)
    """The patient's details as typed (cleaned values as text)."""
    screening: int | None = None
    """The screening response that cleared this booking."""
    series_count: int = 0
    """Sessions of the course the patient chose (0: the one visit only)."""
    series_starts: list[str] = field(default_factory=list)
    """The course's start times as the patient accepted them (ISO 8601)."""

    @classmethod
    def load(cls, session: SessionBase) -> "Draft":
        data: dict[str, Any] = session.get(SESSION_KEY) or {}
        return cls(
            hold=str(data.get("hold", "")),
            details=dict(data.get("details", {})),
            screening=data.get("screening"),
            series_count=int(data.get("series_count", 0)),
            series_starts=[str(start) for start in data.get("series_starts", [])],
        )

    def save(self, session: SessionBase) -> None:
        session[SESSION_KEY] = asdict(self)

    @staticmethod
    def clear(session: SessionBase) -> None:
        session.pop(SESSION_KEY, None)

    def held_booking(self) -> Booking | None:
        if not self.hold:
            return None
        return (
            Booking.objects.select_related("service", "location")
            .filter(public_id=self.hold)
            .first()
        )
