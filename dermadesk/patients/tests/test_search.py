"""Finding a patient by what staff type: name, email, phone number, date of birth."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dermadesk.patients.identity import SearchTerms, search_terms
from dermadesk.patients.models import Patient
from dermadesk.patients.queries import patients_matching
from dermadesk.patients.tests.factories import make_patient


def test_a_phone_number_is_read_as_its_digits_however_it_is_written() -> None:
    for typed in ("(217) 555-0142", "217 555 0142", "+1 217-555-0142", "2175550142"):
        assert search_terms(typed, "US").phone_digits.endswith("2175550142")


def test_a_date_of_birth_in_the_clinics_way_of_writing() -> None:
    assert search_terms("1990-04-12", "US").dates == (date(1990, 4, 12),)
    assert search_terms("4/12/1990", "US").dates == (date(1990, 4, 12),)
    assert search_terms("12/4/1990", "GB").dates == (date(1990, 4, 12),)


def test_words_an_email_and_a_date_together() -> None:
    assert search_terms("Anna smith@EXAMPLE.com 1990-04-12", "US") == SearchTerms(
        names=("Anna",), emails=("smith@example.com",), dates=(date(1990, 4, 12),)
    )


@given(st.text(max_size=300))
def test_any_text_is_read_without_error(text: str) -> None:
    terms = search_terms(text, "US")
    assert all(name.strip() for name in terms.names)


@pytest.fixture
def patients(db: None) -> list[Patient]:
    return [
        make_patient(),
        make_patient(given_name="Anna", family_name="Jones", email="anna.j@example.com",
                     phone="+12175550199", date_of_birth=date(1985, 1, 2)),
        make_patient(given_name="Bo", family_name="Smithson", email="bo@example.com",
                     phone="", date_of_birth=date(1990, 4, 12)),
    ]  # fmt: skip


def _names(text: str) -> list[str]:
    return [patient.full_name for patient in patients_matching(text)]


def test_every_word_of_a_name_must_match(patients: list[Patient]) -> None:
    assert _names("anna") == ["Anna Jones", "Anna Smith"]
    assert _names("Anna smith") == ["Anna Smith"]
    assert _names("smith") == ["Anna Smith", "Bo Smithson"]


def test_found_by_phone_email_or_date_of_birth(patients: list[Patient]) -> None:
    assert _names("(217) 555-0199") == ["Anna Jones"]
    assert _names("BO@example.com") == ["Bo Smithson"]
    assert _names("4/12/1990") == ["Anna Smith", "Bo Smithson"]
    assert _names("smith 1990-04-12") == ["Anna Smith", "Bo Smithson"]


def test_nothing_typed_finds_nobody(patients: list[Patient]) -> None:
    assert patients_matching("   ") == []
