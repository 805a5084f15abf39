"""Sweep rows of the patients' data requests (the portal's staff side)."""

from dermadesk.staff.tests.sweep import MANAGERS, Row

ROWS: list[Row] = [
    Row(name="staff:data_requests", path=lambda w: "/staff/data-requests/", allowed=MANAGERS),
    # No such request: a 404 for those allowed, nothing changed.
    Row(
        name="staff:data_request_done",
        method="POST",
        path=lambda w: "/staff/data-requests/999999/answered/",
        data={"note": "sent"},
        allowed=MANAGERS,
    ),
    Row(
        name="staff:data_request_copy",
        path=lambda w: "/staff/data-requests/999999/copy.pdf",
        allowed=MANAGERS,
    ),
]
