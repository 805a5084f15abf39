import pytest

from dermadesk.notifications.phones import InvalidPhoneNumber, is_e164, normalize_phone


@pytest.mark.parametrize(
    ("text", "region", "expected"),
    [
        ("(217) 555-0142", "US", "+12175550142"),
        ("217.555.0142", "us", "+12175550142"),
        ("+44 20 7946 0958", "US", "+442079460958"),
        ("020 7946 0958", "GB", "+442079460958"),
    ],
)
def test_numbers_are_written_in_e164(text: str, region: str, expected: str) -> None:
    assert normalize_phone(text, region=region) == expected


@pytest.mark.parametrize("text", ["", "   ", "hello", "12", "(555) 010-0100", "+1 217"])
def test_what_is_not_a_phone_number_is_refused_with_a_reason(text: str) -> None:
    with pytest.raises(InvalidPhoneNumber) as error:
        normalize_phone(text, region="US")
    assert str(error.value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("+12175550142", True), ("12175550142", False), ("+1 217 555 0142", False), ("+1", False)],
)
def test_e164_means_exactly_that_form(text: str, expected: bool) -> None:
    assert is_e164(text) is expected
