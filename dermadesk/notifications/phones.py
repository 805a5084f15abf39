"""Phone numbers for text messages, in E.164 (+12175550142). Pure: no Django."""

import phonenumbers


class InvalidPhoneNumber(ValueError):
    """The text is not a phone number that can receive a message; the message says why."""


def normalize_phone(text: str, *, region: str) -> str:
    """``text`` as an E.164 number; a number without a country code belongs to ``region``."""
    cleaned = text.strip()
    if not cleaned:
        raise InvalidPhoneNumber("Please enter a phone number.")
    try:
        number = phonenumbers.parse(cleaned, region.upper())
    except phonenumbers.NumberParseException as error:
        raise InvalidPhoneNumber(
            "Please enter a phone number we can call, such as (217) 555-0142."
        ) from error
    if not phonenumbers.is_valid_number(number):
        raise InvalidPhoneNumber(
            "That phone number does not look complete. Please check it and include the area code."
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def is_e164(text: str) -> bool:
    """True for a valid number written exactly in E.164."""
    if not text.startswith("+"):
        return False
    try:
        number = phonenumbers.parse(text, None)
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.is_valid_number(number) and (
        phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164) == text
    )
