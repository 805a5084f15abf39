"""Who may open a portal page: the browser signed in with a code sent to an email address
(a ``PatientAccount``), and only while it keeps asking for pages.

Every portal page is wrapped by ``patient_page``: anyone else (no sign-in, a staff login,
a sign-in that went idle) is sent to the sign-in page, whatever the address asked for, so
the answer says nothing of what exists. The page is handed the ``PatientScope``: the
records under the proven address, the only ones it may read or change. Ids in the portal's
addresses are looked up inside that scope and answer 404 outside it.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Concatenate

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.cache import add_never_cache_headers

from dermadesk.checkout.signin import session_touch
from dermadesk.patients.login import proven_account
from dermadesk.patients.models import Patient, PatientAccount
from dermadesk.patients.queries import patients_of_email


@dataclass(frozen=True)
class PatientScope:
    """The signed-in account and the patient records under its address, oldest first."""

    account: PatientAccount
    patients: tuple[Patient, ...]

    @property
    def patient_ids(self) -> list[int]:
        return [patient.pk for patient in self.patients]

    @property
    def several(self) -> bool:
        """More than one record shares the address: each is named on the pages."""
        return len(self.patients) > 1

    def patient(self, patient_id: int) -> Patient:
        """One of the scope's records; 404 for any other number."""
        for patient in self.patients:
            if patient.pk == patient_id:
                return patient
        raise Http404("No such record here.")


type PortalView[**P] = Callable[Concatenate[HttpRequest, PatientScope, P], HttpResponse]


def patient_page[**P](
    view: PortalView[P],
) -> Callable[Concatenate[HttpRequest, P], HttpResponse]:
    """Run ``view`` for a signed-in patient only, with their scope; never cached."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
        account = proven_account(request.user)
        if account is None:
            if request.method == "POST":
                messages.info(request, "Please sign in again: nothing was changed.")
            return redirect("portal:sign_in")
        session_touch(request)  # the idle time starts again
        scope = PatientScope(account=account, patients=tuple(patients_of_email(account.email)))
        response = view(request, scope, *args, **kwargs)
        add_never_cache_headers(response)
        return response

    return wrapped  # type: ignore[return-value]
