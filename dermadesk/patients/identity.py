"""How a patient's details are tidied and compared: phone numbers, emails, typed names.

Pure: no Django. Phone numbers are parsed with ``phonenumbers`` (the region is the caller's
choice, e.g. the clinic's country) and kept in E.164 form (+12175550142).
"""

import re
import unicodedata
from datetime import date

import phonenumbers

_JOINING = re.compile(r"['’.]")
_SEPARATING = re.compile(r"[^\w]+|_")


class InvalidPhone(ValueError):
    pass


def normalize_phone(raw: str, region: str) -> str:
    """``raw`` as E.164; an empty string stays empty. ``InvalidPhone`` when it is not a number.

    National numbers are read as numbers of ``region`` (a two-letter country code).
    """
    text = raw.strip()
    if not text:
        return ""
    try:
        number = phonenumbers.parse(text, region.upper())
    except phonenumbers.NumberParseException as error:
        raise InvalidPhone(
            "Please enter a phone number we can call, such as (217) 555-0142 or +44 20 7946 0958."
        ) from error
    if not phonenumbers.is_valid_number(number):
        raise InvalidPhone(
            "That phone number does not look complete. Please check it, and add the country "
            "code (such as +44) for a number from another country."
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalize_email(raw: str) -> str:
    """Spaces trimmed and the domain in lower case (the part before @ is kept as typed)."""
    text = raw.strip()
    local, at, domain = text.rpartition("@")
    return f"{local}{at}{domain.lower()}" if at else text


def name_tokens(name: str) -> list[str]:
    """The words of a name, compared without case, accents or punctuation.

    "Zoë O'Brien-Smith" → ["zoe", "obrien", "smith"].
    """
    decomposed = unicodedata.normalize("NFKD", name)
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return _SEPARATING.sub(" ", _JOINING.sub("", plain.casefold())).split()


def names_match(typed: str, *, given_name: str, family_name: str) -> bool:
    """Whether a typed full name is reasonably the patient's name.

    Case, spaces, accents and punctuation do not matter; the family name may come first
    ("Smith, Anna"), and middle names may be added between the given and family names.
    """
    words = name_tokens(typed)
    given = name_tokens(given_name)
    family = name_tokens(family_name)
    if not words or not given or not family:
        return False
    if words in (given + family, family + given):
        return True
    return (
        len(words) > len(given) + len(family)
        and words[: len(given)] == given
        and words[-len(family) :] == family
    )


def age_on(date_of_birth: date, day: date) -> int:
    """Whole years of age on ``day`` (someone born on 29 February turns a year older on 1 March)."""
    years = day.year - date_of_birth.year
    if (day.month, day.day) < (date_of_birth.month, date_of_birth.day):
        years -= 1
    return years
