"""How the calendar's pages answer a refusal of the booking services and use-cases: one
place, as ``api.problems`` is for the API.

- a time that is not offered at all (off the start times, outside the clinic's hours, in
  the past), a course of a length the treatment does not have: 400, the form to correct;
- a time taken, a visit whose status does not allow the change, a course whose plan
  changed meanwhile: 409, with what is true now.
"""

from dermadesk.scheduling.services import NotBookable, SchedulingError


def refusal_status(error: SchedulingError) -> int:
    """The HTTP status a page answers ``error`` with."""
    return 400 if isinstance(error, NotBookable) else 409
