"""Which patient records are likely the same person, and why (for staff to judge and merge).

Pure: no Django. Two records are likely one person when they have the same name and date of
birth (someone who gave a new email address), the same phone number, or the same email
address with another date of birth (a date typed wrong once: the same email and the same
date cannot make two records). Names are compared as ``identity.name_tokens`` reads them:
without case, accents or punctuation, given and family name in either order.
"""

from dataclasses import dataclass
from datetime import date

from dermadesk.patients.identity import name_tokens

SAME_NAME_AND_BIRTH = "the same name and date of birth"
SAME_PHONE = "the same phone number"
SAME_EMAIL = "the same email address with another date of birth"


@dataclass(frozen=True)
class Person:
    """What a record says about who someone is."""

    given_name: str
    family_name: str
    email: str
    phone: str
    date_of_birth: date


def _name(person: Person) -> frozenset[tuple[str, ...]]:
    given = tuple(name_tokens(person.given_name))
    family = tuple(name_tokens(person.family_name))
    return frozenset({given + family, family + given})


def same_name(one: Person, other: Person) -> bool:
    """The same name, read without case, accents or punctuation, in either order."""
    return bool(name_tokens(one.given_name + one.family_name)) and bool(_name(one) & _name(other))


def duplicate_reasons(one: Person, other: Person) -> tuple[str, ...]:
    """Why ``one`` and ``other`` may be the same person (empty: no reason to think so).

    Symmetric: the reasons do not depend on which record is asked about."""
    reasons: list[str] = []
    if one.date_of_birth == other.date_of_birth and same_name(one, other):
        reasons.append(SAME_NAME_AND_BIRTH)
    if one.phone and one.phone == other.phone:
        reasons.append(SAME_PHONE)
    if one.email.casefold() == other.email.casefold() and one.date_of_birth != other.date_of_birth:
        reasons.append(SAME_EMAIL)
    return tuple(reasons)
