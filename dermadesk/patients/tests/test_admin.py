from datetime import date

from django.contrib.auth.models import User
from django.test import Client

from dermadesk.patients.models import ConsentDocument, ConsentKind, Patient
from dermadesk.patients.services import consent_sign
from dermadesk.patients.tests.conftest import NOW
from dermadesk.patients.tests.factories import make_patient
from dermadesk.staff.tests.people import signed_in


def manager(client: Client) -> User:
    user = User.objects.create_superuser("manager", "m@example.com", "pw-long-enough-1")
    signed_in(client, user)
    return user


def test_patients_are_found_by_name_or_email(db: None, client: Client) -> None:
    make_patient()
    make_patient(given_name="Ben", family_name="Jones", email="ben@example.com")
    manager(client)
    by_name = client.get("/admin/patients/patient/", {"q": "smith"})
    by_email = client.get("/admin/patients/patient/", {"q": "ben@example"})
    # The rows listed, not the page's text: a random CSRF token can spell "Ben".
    assert [p.given_name for p in by_name.context["cl"].result_list] == ["Anna"]
    assert [p.given_name for p in by_email.context["cl"].result_list] == ["Ben"]


def patient_form(**fields: object) -> dict[str, object]:
    return {
        "given_name": "Anna",
        "family_name": "Smith",
        "email": "anna.smith@example.com",
        "phone": "217 555 0142",
        "date_of_birth": "1990-04-12",
        "skin_type": "",
        "consents-TOTAL_FORMS": 0,
        "consents-INITIAL_FORMS": 0,
        "screening_responses-TOTAL_FORMS": 0,
        "screening_responses-INITIAL_FORMS": 0,
    } | fields


def test_the_admin_stores_phone_numbers_in_e164(db: None, client: Client) -> None:
    manager(client)
    assert client.post("/admin/patients/patient/add/", patient_form()).status_code == 302
    assert Patient.objects.get().phone == "+12175550142"


def test_the_admin_refuses_a_duplicate_email_and_birth_date(db: None, client: Client) -> None:
    make_patient(email="anna.smith@example.com", date_of_birth=date(1990, 4, 12))
    manager(client)
    page = client.post("/admin/patients/patient/add/", patient_form(email="ANNA.SMITH@example.com"))
    assert "A patient with this email address and date of birth already exists." in page.text
    assert Patient.objects.count() == 1


def consent_form(document: ConsentDocument, **fields: object) -> dict[str, object]:
    return {
        "kind": document.kind,
        "title": document.title,
        "body": document.body,
        "services": [service.pk for service in document.services.all()],
        "required": "on" if document.required else "",
    } | fields


def test_editing_a_published_consent_saves_a_new_draft_version(
    consents: None, client: Client
) -> None:
    manager(client)
    old = ConsentDocument.objects.get(kind=ConsentKind.MICRO_NEEDLING)
    page = client.post(
        f"/admin/patients/consentdocument/{old.pk}/change/",
        consent_form(old, body="A clearer text."),
        follow=True,
    )
    assert "saved as a new draft, version 2" in page.text
    old.refresh_from_db()
    new = ConsentDocument.objects.get(kind=ConsentKind.MICRO_NEEDLING, version=2)
    assert old.body != "A clearer text." and old.published_at == NOW
    assert (new.body, new.published_at, new.based_on) == ("A clearer text.", None, old)
    assert list(new.services.all()) == list(old.services.all())


def test_a_draft_consent_is_edited_in_place(consents: None, client: Client) -> None:
    manager(client)
    draft = ConsentDocument.objects.create(kind=ConsentKind.PHOTOS, title="Draft", body="x")
    client.post(
        f"/admin/patients/consentdocument/{draft.pk}/change/", consent_form(draft, body="y")
    )
    draft.refresh_from_db()
    assert (draft.version, draft.body) == (2, "y")
    assert ConsentDocument.objects.filter(kind=ConsentKind.PHOTOS).count() == 2


def test_the_publish_action_publishes_a_draft(consents: None, client: Client) -> None:
    manager(client)
    draft = ConsentDocument.objects.create(kind=ConsentKind.PHOTOS, title="Draft", body="x")
    client.post(
        "/admin/patients/consentdocument/",
        {"action": "publish", "_selected_action": [draft.pk]},
    )
    draft.refresh_from_db()
    assert draft.published_at is not None


def test_signatures_are_shown_on_the_patient_page_and_cannot_be_changed(
    consents: None, client: Client
) -> None:
    patient = make_patient()
    signature = consent_sign(
        patient=patient,
        document=ConsentDocument.objects.get(kind=ConsentKind.PHOTOS),
        typed_name="Anna Smith",
        now=NOW,
        ip_address=None,
        user_agent="",
    )
    manager(client)
    assert (
        "Consent to Clinical Photographs"
        in client.get(f"/admin/patients/patient/{patient.pk}/change/").text
    )
    page = client.get(f"/admin/patients/consentsignature/{signature.pk}/change/")
    assert page.status_code == 200 and 'name="typed_name"' not in page.text
