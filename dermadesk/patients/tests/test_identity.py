from datetime import date

import pytest

from dermadesk.patients.identity import (
    InvalidPhone,
    age_on,
    name_tokens,
    names_match,
    normalize_email,
    normalize_phone,
)


@pytest.mark.parametrize(
    "typed",
    ["Anna Smith", "  anna   SMITH ", "Smith, Anna", "Anna Maria Smith", "ANNA smith."],
)
def test_a_typed_name_matches_whatever_the_case_spaces_or_order(typed: str) -> None:
    assert names_match(typed, given_name="Anna", family_name="Smith")


@pytest.mark.parametrize("typed", ["Anna", "Anna Smyth", "Hanna Smith", "Smith", "", "A. Smith"])
def test_a_different_or_partial_name_does_not_match(typed: str) -> None:
    assert not names_match(typed, given_name="Anna", family_name="Smith")


def test_accents_and_punctuation_do_not_matter() -> None:
    assert names_match("Zoe OBrien-Smith", given_name="Zoë", family_name="O'Brien Smith")
    assert name_tokens("Zoë O’Brien-Smith") == ["zoe", "obrien", "smith"]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("(217) 555-0142", "+12175550142"),
        ("217.555.0142", "+12175550142"),
        ("+44 20 7946 0958", "+442079460958"),
        ("", ""),
    ],
)
def test_phone_numbers_are_kept_in_e164(raw: str, expected: str) -> None:
    assert normalize_phone(raw, "US") == expected


@pytest.mark.parametrize("raw", ["call me", "555", "+1 217 555"])
def test_an_unusable_phone_number_is_refused(raw: str) -> None:
    with pytest.raises(InvalidPhone):
        normalize_phone(raw, "US")


def test_an_email_keeps_its_local_part_and_lowers_its_domain() -> None:
    assert normalize_email("  Anna.Smith@Example.COM ") == "Anna.Smith@example.com"


def test_someone_born_on_29_february_turns_18_on_1_march() -> None:
    assert age_on(date(2008, 2, 29), date(2026, 2, 28)) == 17
    assert age_on(date(2008, 2, 29), date(2026, 3, 1)) == 18
