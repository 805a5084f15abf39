from datetime import date

import pytest
from django.db import IntegrityError, transaction

from dermadesk.patients.models import Patient
from dermadesk.patients.queries import find_patient
from dermadesk.patients.services import InvalidPatientDetails, patient_find_or_create
from dermadesk.patients.tests.factories import make_patient

BORN = date(1990, 4, 12)
TODAY = date(2026, 11, 25)


def find_or_create(**fields: object) -> tuple[Patient, bool]:
    values: dict[str, object] = {
        "given_name": "Anna",
        "family_name": "Smith",
        "email": "anna.smith@example.com",
        "phone": "(217) 555-0142",
        "date_of_birth": BORN,
        "today": TODAY,
    }
    return patient_find_or_create(**(values | fields))  # type: ignore[arg-type]


def test_a_new_patient_is_created_with_tidy_details(db: None) -> None:
    patient, created = find_or_create(given_name="  Anna ", email="Anna.Smith@EXAMPLE.com")
    assert created
    assert (patient.given_name, patient.email, patient.phone) == (
        "Anna",
        "Anna.Smith@example.com",
        "+12175550142",
    )


def test_the_same_email_in_another_case_and_birth_date_finds_the_same_patient(db: None) -> None:
    first, _ = find_or_create()
    again, created = find_or_create(email="ANNA.SMITH@example.com ", given_name="Annie")
    assert (again.pk, created) == (first.pk, False)
    assert again.given_name == "Anna"  # what was typed the second time changes nothing
    assert Patient.objects.count() == 1


def test_the_same_email_with_another_birth_date_is_another_patient(db: None) -> None:
    find_or_create()
    _, created = find_or_create(given_name="Ben", date_of_birth=date(2015, 1, 1))
    assert created
    assert Patient.objects.count() == 2


def test_every_problem_with_the_details_is_reported_at_once(db: None) -> None:
    with pytest.raises(InvalidPatientDetails) as caught:
        find_or_create(
            given_name=" ",
            family_name="x" * 101,
            email="not-an-email",
            phone="call me",
            date_of_birth=date(2030, 1, 1),
        )
    assert caught.value.errors == {
        "given_name": "Please enter your first name.",
        "family_name": "Your family name can be at most 100 characters long here.",
        "email": "Please enter an email address such as name@example.com.",
        "phone": "Please enter a phone number we can call, such as (217) 555-0142 or "
        "+44 20 7946 0958.",
        "date_of_birth": "Your date of birth cannot be in the future.",
    }
    assert not Patient.objects.exists()


def test_the_database_refuses_a_second_patient_with_the_same_email_in_any_case(
    db: None,
) -> None:
    make_patient(email="anna.smith@example.com")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_patient(email="Anna.Smith@Example.com")


def test_find_patient_ignores_case_like_the_constraint(db: None) -> None:
    patient = make_patient(email="Anna.Smith@example.com")
    assert find_patient(email="anna.smith@EXAMPLE.COM", date_of_birth=BORN) == patient
    assert find_patient(email="anna.smith@example.com", date_of_birth=date(1990, 4, 13)) is None
