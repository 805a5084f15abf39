"""Patients brought in from a CSV file, and written out to one."""

import io
import stat
from datetime import date
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError

from dermadesk.patients.csv_exchange import patients_import, patients_import_plan
from dermadesk.patients.models import Patient, SkinType

TODAY = date(2026, 11, 25)
HEADER = "given_name,family_name,email,phone,date_of_birth,skin_type\n"
ROWS = {
    2: "Ada,Lovelace,ada@example.com,(217) 555-0199,1991-03-02,II",
    3: "Grace,Hopper,grace@example.com,+44 20 7946 0958,1985-12-09,",
    4: "Alan,Turing,not-an-email,(217) 555-0101,1980-06-23,",
    5: "Rosalind,Franklin,rosalind@example.com,,1970-07-25,",
    6: "Emmy,Noether,emmy@example.com,(217) 555-0102,25/03/1982,",
    7: "Young,Person,young@example.com,(217) 555-0103,2010-01-01,",
    8: "Ada,Lovelace,ADA@example.com,(217) 555-0199,1991-03-02,",  # row 2 again
    9: "Known,Already,Known@Example.com,(217) 555-0104,1975-05-05,",  # in the database
    10: "Marie,Curie,marie@example.com,(217) 555-0105,1967-11-07,VII",
    11: "Lise,Meitner,lise@example.com,12,1978-11-07,",
    12: ",,,,,",
    13: "Dorothy,Hodgkin,dorothy@example.com,(217) 555-0106,1910-05-12,V,extra",
    14: "'=Hedy,Lamarr,hedy@example.com,(217) 555-0107,1974-11-09,VI",
    15: "Ida\x00,Noddack,ida@example.com,(217) 555-0108,1976-02-25,",
}
# Everything the other rows hold that a report must never print.
PATIENT_DATA = ["Lovelace", "Hopper", "Turing", "not-an-email", "Franklin", "Noether",
                "25/03/1982", "young@", "Known@", "Curie", "VII", "Meitner", "Hodgkin",
                "extra", "Lamarr", "555-01", "1991-03-02", "Noddack"]  # fmt: skip


@pytest.fixture
def known_patient(db: None) -> Patient:
    return Patient.objects.create(
        given_name="Known", family_name="Already", email="known@example.com",
        phone="+12175550104", date_of_birth=date(1975, 5, 5),
    )  # fmt: skip


@pytest.fixture
def clinic_list(tmp_path: Path) -> Path:
    path = tmp_path / "old-system.csv"
    path.write_text(HEADER + "\n".join(ROWS.values()) + "\n", encoding="utf-8-sig")
    return path


def run(command: str, *args: str) -> str:
    out = io.StringIO()
    with time_machine.travel(TODAY):
        call_command(command, *args, stdout=out)
    return out.getvalue()


def test_valid_rows_become_patients_with_e164_phones_and_their_skin_type(
    known_patient: Patient, clinic_list: Path
) -> None:
    said = run("patients_import", str(clinic_list))
    assert "Read 14 rows: 3 new, 2 known already, 9 refused." in said
    assert "Added 3 new patients." in said
    added = Patient.objects.exclude(pk=known_patient.pk).order_by("email")
    assert [(p.given_name, p.family_name, p.email, p.phone, p.skin_type) for p in added] == [
        ("Ada", "Lovelace", "ada@example.com", "+12175550199", SkinType.II),
        ("Grace", "Hopper", "grace@example.com", "+442079460958", None),
        ("=Hedy", "Lamarr", "hedy@example.com", "+12175550107", SkinType.VI),
    ]


def test_each_refused_row_is_named_with_its_reasons_and_none_of_its_data(
    known_patient: Patient, clinic_list: Path
) -> None:
    lines = run("patients_import", str(clinic_list), "--dry-run").splitlines()
    report = {line.split(":", 1)[0]: line for line in lines if line.startswith("Row ")}
    assert set(report) == {f"Row {row}" for row in (4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 15)}
    assert "email: Please enter an email address" in report["Row 4"]
    assert "phone: A phone number is needed" in report["Row 5"]
    assert "date of birth: Write the date of birth as YYYY-MM-DD" in report["Row 6"]
    assert "date of birth: Our patients are adults" in report["Row 7"]
    assert "same email and date of birth as row 2" in report["Row 8"]
    assert f"already a patient (record {known_patient.pk})" in report["Row 9"]
    assert "skin type: Write the skin type as I, II" in report["Row 10"]
    assert "phone:" in report["Row 11"]
    assert all(f"{field}:" in report["Row 12"] for field in ("first name", "family name"))
    assert "more cells than there are columns" in report["Row 13"]
    assert "first name: holds an invisible “null” character" in report["Row 15"]
    printed = "\n".join(lines)
    for data in PATIENT_DATA:
        assert data not in printed


def test_a_dry_run_reports_the_same_and_writes_nothing(
    known_patient: Patient, clinic_list: Path
) -> None:
    said = run("patients_import", str(clinic_list), "--dry-run")
    assert "Read 14 rows: 3 new, 2 known already, 9 refused." in said
    assert "Dry run: nothing was written. 3 new patients would be added." in said
    assert list(Patient.objects.values_list("pk", flat=True)) == [known_patient.pk]


def test_a_patient_booked_between_the_check_and_the_import_is_not_doubled(db: None) -> None:
    lines = io.StringIO(HEADER + ROWS[2] + "\n" + ROWS[3] + "\n")
    plan = patients_import_plan(lines, today=TODAY)
    Patient.objects.create(
        given_name="Ada", family_name="Lovelace", email="Ada@example.com",
        phone="+12175550199", date_of_birth=date(1991, 3, 2),
    )  # fmt: skip
    assert patients_import(plan, today=TODAY) == 1
    assert Patient.objects.count() == 2


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("given_name,family_name,email,date_of_birth\nA,B,a@example.com,1990-01-01\n",
         "missing column\\(s\\): phone"),
        (HEADER.replace("skin_type", "notes") + "A,B,a@example.com,+12175550101,1990-01-01,x\n",
         "unknown column\\(s\\): notes"),
        (HEADER + "A," + "B" * 200_000 + ",a@example.com,+12175550101,1990-01-01,\n",
         "not a readable CSV file"),
    ],
)  # fmt: skip
def test_a_file_that_cannot_be_read_imports_nothing_and_says_why(
    db: None, tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "list.csv"
    path.write_text(content)
    with pytest.raises(CommandError, match=f"Nothing was imported. .*{message}"):
        run("patients_import", str(path))
    assert not Patient.objects.exists()


def test_a_file_that_is_not_utf8_is_refused(db: None, tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_bytes(
        (HEADER + "Zoë,Brown,zoe@example.com,+12175550101,1990-01-01,\n").encode("cp1252")
    )
    with pytest.raises(CommandError, match="not UTF-8 text"):
        run("patients_import", str(path))


def test_an_export_imports_back_into_the_same_patients(
    known_patient: Patient, clinic_list: Path, tmp_path: Path
) -> None:
    run("patients_import", str(clinic_list))
    fields = ("given_name", "family_name", "email", "phone", "date_of_birth", "skin_type")
    before = sorted(Patient.objects.values_list(*fields))
    exported = tmp_path / "export.csv"

    assert run("patients_export", str(exported)) == f"Wrote 4 patients to {exported}.\n"
    assert stat.S_IMODE(exported.stat().st_mode) == 0o600
    text = exported.read_text(encoding="utf-8-sig")
    assert text.splitlines()[0] == HEADER.strip()
    assert "'=Hedy" in text  # a spreadsheet shows the name, never runs it as a formula
    Patient.objects.all().delete()
    assert "Added 4 new patients." in run("patients_import", str(exported))
    assert sorted(Patient.objects.values_list(*fields)) == before


def test_an_export_does_not_overwrite_a_file_unless_told(
    known_patient: Patient, tmp_path: Path
) -> None:
    kept = tmp_path / "kept.csv"
    kept.write_text("an earlier list")
    with pytest.raises(CommandError, match="exists already"):
        run("patients_export", str(kept))
    assert kept.read_text() == "an earlier list"
    run("patients_export", str(kept), "--force")
    assert "Known,Already,known@example.com,+12175550104,1975-05-05," in kept.read_text()
