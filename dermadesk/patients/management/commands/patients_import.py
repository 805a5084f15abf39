"""`manage.py patients_import FILE [--dry-run]`: patients from a CSV file (columns in
``patients/csv_exchange.py``), each row checked as the booking form checks it."""

import io
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from dermadesk.patients.csv_exchange import (
    COLUMNS,
    ImportPlan,
    UnreadableFile,
    counted,
    patients_import,
    patients_import_plan,
)


class Command(BaseCommand):
    help = (
        f"Add patients from a CSV file with the columns {', '.join(COLUMNS)} (skin_type may "
        "be left out; dates as YYYY-MM-DD). Rows with errors, and patients already known "
        "(same email and date of birth), are reported by row number and not imported."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="The CSV file (UTF-8), or - to read standard input.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Check every row and report; write nothing."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        today = timezone.localdate()
        try:
            if options["file"] == "-":
                lines = io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8-sig", newline="")
                plan = patients_import_plan(lines, today=today)
            else:
                path = Path(options["file"])
                if not path.is_file():
                    raise CommandError(f"There is no file at {path}.")
                with path.open(encoding="utf-8-sig", newline="") as text:
                    plan = patients_import_plan(text, today=today)
        except UnreadableFile as error:
            raise CommandError(f"Nothing was imported. {error}") from error
        self._report(plan)
        if options["dry_run"]:
            self.stdout.write(
                f"Dry run: nothing was written. {counted(len(plan.new), 'new patient')} "
                "would be added."
            )
            return
        added = patients_import(plan, today=today)
        said = f"Added {counted(added, 'new patient')}."
        if added < len(plan.new):
            said += f" {len(plan.new) - added} of them had been added meanwhile (by a booking)."
        self.stdout.write(said)

    def _report(self, plan: ImportPlan) -> None:
        self.stdout.write(
            f"Read {counted(plan.rows, 'row')}: {len(plan.new)} new, "
            f"{len(plan.known)} known already, {len(plan.refused)} refused."
        )
        for row, why in plan.known:
            self.stdout.write(f"Row {row}: not imported, {why}.")
        for row, problems in plan.refused:
            self.stdout.write(f"Row {row}: refused. " + " ".join(problems))
