"""Sweep rows of the contact inbox, the alerts and the reports.

The inbox is the front desk's and the managers'; alerts are everyone's on the staff. POSTs
send what an allowed member gets a form error for (nothing changes), except resolving the
world's alert, which the first allowed member resolves and the others are told was resolved.
"""

from dermadesk.staff.tests.sweep import ALL_STAFF, FRONT_DESK, MANAGERS, Row, World

INBOX = FRONT_DESK | MANAGERS


def _thread(w: World) -> str:
    return f"/staff/inbox/{w.message.pk}/"


def _alert(w: World) -> str:
    assert w.alert is not None
    return f"/staff/inbox/alerts/{w.alert.pk}/resolve/"


ROWS: list[Row] = [
    Row(name="inbox:list", path=lambda w: "/staff/inbox/?shown=all&mine=on", allowed=INBOX),
    Row(name="inbox:thread", path=_thread, allowed=INBOX),
    Row(
        name="inbox:assign",
        method="POST",
        path=lambda w: _thread(w) + "assign/",
        data={"assignee": "someone"},
        allowed=INBOX,
    ),
    Row(name="inbox:status", method="POST", path=lambda w: _thread(w) + "status/", allowed=INBOX),
    Row(name="inbox:note", method="POST", path=lambda w: _thread(w) + "note/", allowed=INBOX),
    Row(name="inbox:reply", method="POST", path=lambda w: _thread(w) + "reply/", allowed=INBOX),
    Row(name="inbox:alerts", path=lambda w: "/staff/inbox/alerts/", allowed=ALL_STAFF),
    Row(name="inbox:alert_resolve", method="POST", path=_alert, allowed=ALL_STAFF),
]
ROWS += [
    Row(
        name="staff:reports",
        path=lambda w: "/staff/reports/?first=2026-06&last=2026-11",
        allowed=MANAGERS,
    ),
    Row(name="staff:reports_export", path=lambda w: "/staff/reports/export.csv", allowed=MANAGERS),
]
