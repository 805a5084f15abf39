"""How a patient's details are tidied and compared: phone numbers, emails, typed names.

Pure: no Django. Phone numbers are parsed with ``phonenumbers`` (the region is the caller's
choice, e.g. the clinic's country) and kept in E.164 form (+12175550142).
"""

import re
import unicodedata
from dataclasses import dataclass
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


_PHONE_LIKE = re.compile(r"^\+?[\d\s().-]+$")
_US_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


@dataclass(frozen=True)
class SearchTerms:
    """What staff typed to find a patient, read as names, emails, a phone number or dates."""

    names: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()
    phone_digits: str = ""
    dates: tuple[date, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.names or self.emails or self.phone_digits or self.dates)


def _as_date(word: str, region: str) -> date | None:
    """A date of birth as staff type it: 1985-12-10, or 12/10/1985 (10/12/1985 outside the
    US, where the day comes first)."""
    try:
        return date.fromisoformat(word)
    except ValueError:
        pass
    found = _US_DATE.match(word)
    if found is None:
        return None
    first, second, year = (int(part) for part in found.groups())
    month, day = (first, second) if region.upper() == "US" else (second, first)
    try:
        return date(year, month, day)
    except ValueError:
        return None


def search_terms(text: str, region: str) -> SearchTerms:
    """Read a search for a patient: a phone number (digits, spaces, brackets, dashes, at
    least four digits), or words, each an email (with @), a date of birth or part of a name.
    Every term must match for a patient to be found."""
    text = " ".join(text.split())[:200]
    if _PHONE_LIKE.match(text) and _as_date(text, region) is None:
        digits = "".join(char for char in text if char.isdigit())
        if len(digits) >= 4:
            return SearchTerms(phone_digits=digits)
    names: list[str] = []
    emails: list[str] = []
    dates: list[date] = []
    for word in text.split():
        if "@" in word:
            emails.append(word.casefold())
        elif (day := _as_date(word, region)) is not None:
            dates.append(day)
        else:
            names.append(word.strip(",;"))
    return SearchTerms(
        names=tuple(name for name in names if name),
        emails=tuple(emails),
        dates=tuple(dates),
    )
