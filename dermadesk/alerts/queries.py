"""Reading alerts for the staff's alerts page."""

from django.db.models import QuerySet

from dermadesk.alerts.models import Alert


def open_alerts() -> QuerySet[Alert]:
    """Alerts nobody has resolved yet, newest first."""
    return Alert.objects.filter(resolved_at__isnull=True).order_by("-created_at", "-pk")


def recently_resolved(limit: int = 20) -> QuerySet[Alert]:
    """The last ``limit`` alerts resolved, last resolved first, with who resolved them."""
    return (
        Alert.objects.filter(resolved_at__isnull=False)
        .select_related("resolved_by")
        .order_by("-resolved_at", "-pk")[:limit]
    )
