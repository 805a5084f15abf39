"""Who on the staff may do what: the three roles and the actions each is granted.

Pure: no Django. ``dermadesk.staff.policy`` asks this module for every staff page and every
staff endpoint of the API, so the answer is written once, here.
"""

from collections.abc import Iterable
from enum import StrEnum


class Role(StrEnum):
    """A staff role; its value is the name of the Django group that carries it."""

    FRONT_DESK = "Front desk"
    CLINICIAN = "Clinician"
    MANAGER = "Manager"


class Action(StrEnum):
    """Something a staff member asks to do or to see."""

    CALENDAR_VIEW = "calendar_view"
    """The day and week calendar: who comes when, for which treatment (no health data)."""
    VISIT_BOOK = "visit_book"
    """Book, move and cancel visits for a patient (by phone, at the desk)."""
    VISIT_STATUS = "visit_status"
    """Check a patient in, mark a visit done or not attended."""
    PATIENT_SEARCH = "patient_search"
    """Find patients by name, email, phone, date of birth."""
    PATIENT_RECORD = "patient_record"
    """A patient's contact details, visits, courses, consents signed and pending, messages."""
    PATIENT_EDIT = "patient_edit"
    """Change a patient's contact details."""
    PATIENT_MERGE = "patient_merge"
    """Merge two records of the same person."""
    PATIENT_HEALTH = "patient_health"
    """Screening answers and outcomes, clinicians' reviews (later: charts and photos)."""
    SCREENING_REVIEW = "screening_review"
    """Override a screening outcome, with a reason."""
    INBOX = "inbox"
    """Contact messages: read, assign, answer, mark as spam."""
    ALERTS = "alerts"
    """The alerts list: waitlist, late changes, check-ins."""
    REPORTS = "reports"
    """Visits, no-shows, cancellations, course completion, conversion."""
    AUDIT_TRAIL = "audit_trail"
    """Who looked at or changed which patient's data."""
    CHART = "chart"
    """The treatment record: open, fill in, sign and amend a session's chart."""
    CHART_REVIEW = "chart_review"
    """The medical director's review queue, and co-signing a depth beyond a clinician's scope."""
    PHOTOS = "photos"
    """Clinical photos: take, upload and look at them; record the patient's photo consent."""
    COMPLICATIONS = "complications"
    """The adverse-event log: record a complication, its follow-ups and outcome."""
    STOCK = "stock"
    """The clinic's stock list (cartridge and PRP kit lots) and lot recalls."""
    DATA_REQUESTS = "data_requests"
    """Patients' requests for a copy of their data, on their 30-day clock."""


# Health actions are granted per patient for clinicians (their own patients only);
# managers (the medical director) have them for every patient.
PER_PATIENT = frozenset(
    {
        Action.PATIENT_HEALTH,
        Action.SCREENING_REVIEW,
        Action.CHART,
        Action.PHOTOS,
        Action.COMPLICATIONS,
    }
)

GRANTS: dict[Role, frozenset[Action]] = {
    Role.FRONT_DESK: frozenset(
        {
            Action.CALENDAR_VIEW,
            Action.VISIT_BOOK,
            Action.VISIT_STATUS,
            Action.PATIENT_SEARCH,
            Action.PATIENT_RECORD,
            Action.PATIENT_EDIT,
            Action.PATIENT_MERGE,
            Action.INBOX,
            Action.ALERTS,
        }
    ),
    Role.CLINICIAN: frozenset(
        {
            Action.CALENDAR_VIEW,
            Action.VISIT_STATUS,
            Action.PATIENT_SEARCH,
            Action.PATIENT_RECORD,
            Action.PATIENT_HEALTH,
            Action.SCREENING_REVIEW,
            Action.ALERTS,
            Action.CHART,
            Action.PHOTOS,
            Action.COMPLICATIONS,
        }
    ),
    Role.MANAGER: frozenset(Action),
}


def granted(roles: Iterable[Role], action: Action) -> bool:
    """Whether any of ``roles`` is granted ``action`` (for some patient, if per patient)."""
    return any(action in GRANTS[role] for role in roles)


def every_patient(roles: Iterable[Role], action: Action) -> bool:
    """Whether ``roles`` grant ``action`` for every patient, not only the clinician's own."""
    roles = frozenset(roles)
    if action not in PER_PATIENT:
        return granted(roles, action)
    return Role.MANAGER in roles
