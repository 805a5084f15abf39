"""The back office's sections, in the header's order, each with the action that opens it."""

from typing import Any

from dermadesk.staff.roles import Action

SECTIONS: list[dict[str, Any]] = [
    {"label": "Calendar", "url": "staff:calendar", "action": Action.CALENDAR_VIEW},
    {"label": "Patients", "url": "staff:patients", "action": Action.PATIENT_SEARCH},
    {"label": "Inbox", "url": "inbox:list", "action": Action.INBOX},
    {"label": "Alerts", "url": "inbox:alerts", "action": Action.ALERTS},
    {"label": "Chart reviews", "url": "staff:chart_reviews", "action": Action.CHART_REVIEW},
    {"label": "Stock", "url": "staff:stock", "action": Action.STOCK},
    {"label": "Reports", "url": "staff:reports", "action": Action.REPORTS},
    {"label": "Audit trail", "url": "staff:audit", "action": Action.AUDIT_TRAIL},
    {"label": "Data requests", "url": "staff:data_requests", "action": Action.DATA_REQUESTS},
]
