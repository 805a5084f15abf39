"""Sweep rows of the sign-in and each member's own account."""

from dermadesk.staff.tests.sweep import ALL_STAFF, Row

ROWS: list[Row] = [
    Row(name="staff:home", path=lambda w: "/staff/", allowed=ALL_STAFF),
    Row(name="staff:login", path=lambda w: "/staff/login/", allowed=ALL_STAFF, public=True),
    Row(
        name="staff:login_code",
        path=lambda w: "/staff/login/code/",
        allowed=ALL_STAFF,
        public=True,
    ),
    Row(
        name="staff:login_setup",
        path=lambda w: "/staff/login/setup/",
        allowed=ALL_STAFF,
        public=True,
    ),
    Row(
        name="staff:logout",
        path=lambda w: "/staff/logout/",
        method="POST",
        allowed=ALL_STAFF,
        public=True,
    ),
    # Each member's own account: there is no way to name another member's.
    Row(name="staff:account", path=lambda w: "/staff/account/", allowed=ALL_STAFF),
    Row(
        name="staff:recovery_codes",
        path=lambda w: "/staff/account/recovery-codes/",
        method="POST",
        allowed=ALL_STAFF,
    ),
    Row(
        name="staff:password_change",
        path=lambda w: "/staff/account/password/",
        allowed=ALL_STAFF,
    ),
    # The JSON API's staff endpoints (a token per member; the policy decides).
    Row(
        name="api:GET /api/staff/bookings",
        api=True,
        path=lambda w: "/api/staff/bookings?day=2026-11-26&location=springfield",
        allowed=ALL_STAFF,
    ),
    Row(
        name="api:POST /api/staff/bookings",
        api=True,
        method="POST",
        path=lambda w: "/api/staff/bookings",
        data={},
        allowed=ALL_STAFF - {"clin1", "clin2"},
    ),
    Row(
        name="api:POST /api/staff/courses",
        api=True,
        method="POST",
        path=lambda w: "/api/staff/courses",
        data={},
        allowed=ALL_STAFF - {"clin1", "clin2"},
    ),
    Row(
        name="api:POST /api/staff/bookings/{booking_id}/cancel",
        api=True,
        method="POST",
        path=lambda w: f"/api/staff/bookings/{w.visit_of_clin1.public_id}/cancel",
        data={"nothing": 1},
        allowed=ALL_STAFF - {"clin1", "clin2"},
    ),
    Row(
        name="api:POST /api/staff/bookings/{booking_id}/reschedule",
        api=True,
        method="POST",
        path=lambda w: f"/api/staff/bookings/{w.visit_of_clin1.public_id}/reschedule",
        data={},
        allowed=ALL_STAFF - {"clin1", "clin2"},
    ),
    Row(
        name="api:GET /api/staff/bookings/{booking_id}/later-sessions",
        api=True,
        path=lambda w: f"/api/staff/bookings/{w.visit_of_clin1.public_id}/later-sessions",
        allowed=ALL_STAFF,
    ),
    Row(
        name="api:POST /api/staff/bookings/{booking_id}/later-sessions",
        api=True,
        method="POST",
        data={},
        path=lambda w: f"/api/staff/bookings/{w.visit_of_clin1.public_id}/later-sessions",
        allowed=ALL_STAFF - {"clin1", "clin2"},
    ),
]
