"""Patients from and to CSV files: bringing a clinic's list from its old system, and out.

The columns (a header row, in any order; UTF-8, with or without a byte-order mark)::

    given_name, family_name, email, phone, date_of_birth[, skin_type]

``date_of_birth`` is written YYYY-MM-DD; ``phone`` in any form a patient would type it (a
number without a country code belongs to ``PHONE_DEFAULT_REGION``); ``skin_type`` is the
Fitzpatrick type I to VI, or empty. Each row is checked as the booking form checks a
patient's details: both names, an email address, a phone number (kept in E.164), a date of
birth in the past, an adult (18 or over today). A row with the email (any case) and date of
birth of a patient already known, or of an earlier row, is reported and not imported again.

The report names rows by their number as a spreadsheet shows them (the header is row 1)
and says what is wrong with each field, never what the field holds: it may be read by
someone who should not see the other rows.

An export starts any name or email that a spreadsheet would take for a formula (``=``,
``+``, ``-``, ``@``) with an apostrophe, as spreadsheets themselves do; an import takes that
apostrophe away again. Phone numbers (E.164, ``+`` and digits only) are left as they are.
"""

import csv
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import IO

from django.conf import settings
from django.db import transaction

from dermadesk.patients.identity import InvalidPhone, age_on, normalize_phone
from dermadesk.patients.models import Patient, SkinType
from dermadesk.patients.queries import find_patient
from dermadesk.patients.services import (
    InvalidPatientDetails,
    patient_details_clean,
    patient_find_or_create,
)
from dermadesk.spreadsheet import safe_cell, without_formula_mark

REQUIRED = ("given_name", "family_name", "email", "phone", "date_of_birth")
COLUMNS = (*REQUIRED, "skin_type")
ADULT_AGE = 18
LABELS = {
    "given_name": "first name",
    "family_name": "family name",
    "email": "email",
    "phone": "phone",
    "date_of_birth": "date of birth",
    "skin_type": "skin type",
}
SKIN_TYPES = {skin_type.label: skin_type.value for skin_type in SkinType}


class UnreadableFile(ValueError):
    """The file as a whole cannot be read as the patients' CSV; the message says why."""


@dataclass(frozen=True)
class PatientRow:
    """A row that passed every check, tidied as the record will hold it."""

    row: int
    given_name: str
    family_name: str
    email: str
    phone: str
    date_of_birth: date
    skin_type: int | None


@dataclass
class ImportPlan:
    """What an import would do: rows to add, rows known already, rows refused and why."""

    new: list[PatientRow] = field(default_factory=list)
    known: list[tuple[int, str]] = field(default_factory=list)
    """(row, why it is not imported again)."""
    refused: list[tuple[int, list[str]]] = field(default_factory=list)
    """(row, what is wrong, field by field)."""

    @property
    def rows(self) -> int:
        return len(self.new) + len(self.known) + len(self.refused)


def counted(number: int, noun: str) -> str:
    """``counted(1, "row")`` → "1 row"; ``counted(3, "row")`` → "3 rows"."""
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def _header(names: Iterable[str] | None) -> dict[str, str]:
    """The file's column names by ours; ``UnreadableFile`` when one is missing or unknown."""
    found = {name.strip().lower(): name for name in names or ()}
    missing = [name for name in REQUIRED if name not in found]
    unknown = sorted(name for name in found if name not in COLUMNS)
    problems = []
    if missing:
        problems.append(f"missing column(s): {', '.join(missing)}")
    if unknown:
        problems.append(f"unknown column(s): {', '.join(unknown)}")
    if problems:
        raise UnreadableFile(
            f"The first row must name the columns {', '.join(COLUMNS)} (skin_type may be "
            f"left out); {'; '.join(problems)}."
        )
    return {ours: found[ours] for ours in COLUMNS if ours in found}


def _check_row(row: int, values: dict[str, str], today: date) -> PatientRow | list[str]:
    """The tidied row, or what is wrong with it, field by field (never the values)."""
    unstorable = [name for name, value in values.items() if "\x00" in value]
    if unstorable:  # PostgreSQL cannot store it, and no name or date has a use for it
        return [f"{LABELS[name]}: holds an invisible “null” character." for name in unstorable]
    errors: dict[str, str] = {}
    born: date | None = None
    try:
        born = date.fromisoformat(values["date_of_birth"])
    except ValueError:
        errors["date_of_birth"] = "Write the date of birth as YYYY-MM-DD, e.g. 1990-04-21."
    if not values["phone"]:
        errors["phone"] = "A phone number is needed, as the booking form asks for one."
    else:
        try:
            normalize_phone(values["phone"], settings.PHONE_DEFAULT_REGION)
        except InvalidPhone as error:
            errors["phone"] = str(error)
    skin_type = None
    if values.get("skin_type"):
        skin_type = SKIN_TYPES.get(values["skin_type"].upper())
        if skin_type is None:
            errors["skin_type"] = (
                "Write the skin type as I, II, III, IV, V or VI, or leave it empty."
            )
    cleaned: dict[str, str] = {}
    try:
        cleaned = patient_details_clean(
            given_name=values["given_name"], family_name=values["family_name"],
            email=values["email"], phone=values["phone"], date_of_birth=born or today,
            today=today,
        )  # fmt: skip
    except InvalidPatientDetails as invalid:
        errors = invalid.errors | errors
    if born is not None and "date_of_birth" not in errors and age_on(born, today) < ADULT_AGE:
        errors["date_of_birth"] = f"Our patients are adults: this person is under {ADULT_AGE}."
    if errors or born is None:  # no date of birth is always an error already
        return [f"{LABELS[name]}: {message}" for name, message in sorted(errors.items())]
    return PatientRow(
        row=row, given_name=cleaned["given_name"], family_name=cleaned["family_name"],
        email=cleaned["email"], phone=cleaned["phone"], date_of_birth=born,
        skin_type=skin_type,
    )  # fmt: skip


def patients_import_plan(lines: Iterable[str], *, today: date) -> ImportPlan:
    """Read and check every row (nothing is written); ``UnreadableFile`` for a bad file."""
    plan = ImportPlan()
    seen: dict[tuple[str, date], int] = {}
    try:
        reader = csv.DictReader(lines, restval="")
        columns = _header(reader.fieldnames)
        for number, raw in enumerate(reader, start=2):
            if None in raw:  # more cells than the header has columns
                plan.refused.append((number, ["the row has more cells than there are columns"]))
                continue
            values = {ours: without_formula_mark(raw[theirs].strip())
                      for ours, theirs in columns.items()}  # fmt: skip
            checked = _check_row(number, values, today)
            if isinstance(checked, list):
                plan.refused.append((number, checked))
                continue
            key = (checked.email.lower(), checked.date_of_birth)
            if key in seen:
                why = f"same email and date of birth as row {seen[key]}; imported once"
                plan.known.append((number, why))
            elif (known := find_patient(email=checked.email, date_of_birth=key[1])) is not None:
                plan.known.append((number, f"already a patient (record {known.pk})"))
            else:
                plan.new.append(checked)
            seen.setdefault(key, number)
    except csv.Error as error:
        raise UnreadableFile(f"The file is not a readable CSV file ({error}).") from error
    except UnicodeDecodeError as error:
        raise UnreadableFile("The file is not UTF-8 text; save it as “CSV UTF-8”.") from error
    return plan


def patients_import(plan: ImportPlan, *, today: date) -> int:
    """Add the plan's new patients, all in one transaction; how many were added.

    A patient added by a booking since the plan was made is found, not doubled.
    """
    added = 0
    with transaction.atomic(durable=True):
        for row in plan.new:
            patient, created = patient_find_or_create(
                given_name=row.given_name, family_name=row.family_name, email=row.email,
                phone=row.phone, date_of_birth=row.date_of_birth, today=today,
            )  # fmt: skip
            if created and row.skin_type is not None:
                patient.skin_type = row.skin_type
                patient.save(update_fields=["skin_type", "updated_at"])
            added += created
    return added


def patients_export(output: IO[str]) -> int:
    """Every patient as a CSV row in the import's columns, oldest record first; how many."""
    writer = csv.writer(output)
    writer.writerow(COLUMNS)
    count = 0
    for patient in Patient.objects.order_by("pk").iterator():
        writer.writerow([
            safe_cell(patient.given_name),
            safe_cell(patient.family_name),
            safe_cell(patient.email),
            patient.phone,
            patient.date_of_birth.isoformat(),
            SkinType(patient.skin_type).label if patient.skin_type else "",
        ])  # fmt: skip
        count += 1
    return count
