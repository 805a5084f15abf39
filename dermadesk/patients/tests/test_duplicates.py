"""Which records are likely one person: the same name and birth date, phone, or email with
another birth date; the answer does not depend on which record asks."""

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from dermadesk.patients.duplicates import (
    SAME_EMAIL,
    SAME_NAME_AND_BIRTH,
    SAME_PHONE,
    Person,
    duplicate_reasons,
)

ADA = Person("Ada", "Lovelace", "ada@example.com", "+12175550101", date(1985, 12, 10))


def test_the_same_name_and_birth_date_under_a_new_email_is_likely_the_same_person() -> None:
    other = Person("ADA", "lovelace", "ada.l@example.org", "", date(1985, 12, 10))
    assert duplicate_reasons(ADA, other) == (SAME_NAME_AND_BIRTH,)


def test_names_are_read_without_accents_punctuation_or_order() -> None:
    one = Person("Zoë", "O'Brien", "zoe@example.com", "", date(1990, 1, 2))
    other = Person("OBrien", "Zoe", "z@example.com", "", date(1990, 1, 2))
    assert duplicate_reasons(one, other) == (SAME_NAME_AND_BIRTH,)


def test_the_same_phone_is_a_reason_an_empty_phone_is_not() -> None:
    other = Person("Augusta", "King", "augusta@example.com", "+12175550101", date(1985, 12, 11))
    assert duplicate_reasons(ADA, other) == (SAME_PHONE,)
    no_phone = Person("Augusta", "King", "augusta@example.com", "", date(1985, 12, 11))
    stranger = Person("Bea", "Cole", "bea@example.com", "", date(2000, 1, 1))
    assert duplicate_reasons(stranger, no_phone) == ()


def test_the_same_email_with_another_birth_date_is_a_typing_slip_to_check() -> None:
    other = Person("Ada", "King", "ADA@example.com", "", date(1985, 10, 12))
    assert duplicate_reasons(ADA, other) == (SAME_EMAIL,)


def test_the_same_name_with_another_birth_date_is_two_people() -> None:
    other = Person("Ada", "Lovelace", "other@example.com", "", date(1990, 1, 1))
    assert duplicate_reasons(ADA, other) == ()


names = st.sampled_from(["Ada", "ada", "Zoë", "Zoe", "O'Brien", "Lovelace", ""])
people = st.builds(
    Person,
    given_name=names,
    family_name=names,
    email=st.sampled_from(["a@example.com", "A@example.com", "b@example.com"]),
    phone=st.sampled_from(["", "+12175550101", "+12175550102"]),
    date_of_birth=st.sampled_from([date(1985, 12, 10), date(1990, 1, 1)]),
)


@given(people, people)
def test_the_reasons_are_the_same_whichever_record_asks(one: Person, other: Person) -> None:
    assert duplicate_reasons(one, other) == duplicate_reasons(other, one)


@given(people, people)
def test_each_reason_holds_exactly_when_its_facts_do(one: Person, other: Person) -> None:
    reasons = duplicate_reasons(one, other)
    same_birth = one.date_of_birth == other.date_of_birth
    assert (SAME_PHONE in reasons) == (bool(one.phone) and one.phone == other.phone)
    assert (SAME_EMAIL in reasons) == (one.email.lower() == other.email.lower() and not same_birth)
    if SAME_NAME_AND_BIRTH in reasons:
        assert same_birth
