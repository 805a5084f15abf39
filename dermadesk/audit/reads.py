"""The admin's reads of patient data, written to the audit trail like the back office's.

``AuditedAdmin`` is mixed into every admin that shows patients' data (records, bookings,
screenings, consents, messages, waitlist places): opening one row writes a view of that
patient's data; opening a list writes a view of the list (no patient: the rows shown are
many, and the search words typed are not kept).
"""

from typing import Any

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.models import User
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from dermadesk.audit.models import AuditAction
from dermadesk.audit.services import audit_record
from dermadesk.limits.client import client_address


def _roles(user: User) -> list[str]:
    names = list(user.groups.values_list("name", flat=True))
    return names or (["Superuser"] if user.is_superuser else [])


class AuditedAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    audit_what = "record"
    """What a row of this admin is, in the trail's words ("booking", "screening")."""

    def audit_patient_id(self, obj: Model) -> int | None:
        """The patient whose data ``obj`` is (its ``patient_id`` unless told otherwise)."""
        return getattr(obj, "patient_id", None)

    def _audit(self, request: HttpRequest, *, what: str, patient_id: int | None, ref: str) -> None:
        user = request.user
        if not isinstance(user, User):
            return
        audit_record(
            actor=user, roles=_roles(user), action=AuditAction.VIEW, what=what,
            patient_id=patient_id, address=client_address(request), at=timezone.now(),
            object_ref=ref, detail="in the admin",
        )  # fmt: skip

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        response = super().change_view(request, object_id, form_url, extra_context)
        if request.method == "GET" and response.status_code == 200:
            obj = self.get_object(request, unquote(object_id))
            if obj is not None:
                label = f"{obj._meta.app_label}.{obj._meta.model_name}:{obj.pk}"
                self._audit(
                    request, what=self.audit_what, patient_id=self.audit_patient_id(obj), ref=label
                )
        return response

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        response = super().changelist_view(request, extra_context)
        if request.method == "GET" and response.status_code == 200:
            opts = self.model._meta
            self._audit(
                request, what=f"{self.audit_what} list", patient_id=None,
                ref=f"{opts.app_label}.{opts.model_name}",
            )  # fmt: skip
        return response
