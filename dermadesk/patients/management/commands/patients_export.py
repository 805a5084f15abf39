"""`manage.py patients_export FILE`: every patient into a CSV file ``patients_import`` reads."""

import os
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dermadesk.patients.csv_exchange import COLUMNS, counted, patients_export


class Command(BaseCommand):
    help = (
        f"Write every patient to a CSV file (UTF-8) with the columns {', '.join(COLUMNS)}, "
        "readable by its owner only. It holds patient data: keep it encrypted, delete it "
        "when done. Use - to write to standard output (e.g. into an encryption program)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="The CSV file to write, or - for standard output.")
        parser.add_argument("--force", action="store_true", help="Replace an existing file.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["file"] == "-":
            count = patients_export(sys.stdout)
            self.stderr.write(f"Wrote {counted(count, 'patient')}.")
            return
        path = Path(options["file"])
        if path.exists() and not options["force"]:
            raise CommandError(f"{path} exists already. Choose another name, or add --force.")
        if not path.parent.is_dir():
            raise CommandError(f"The folder {path.parent} does not exist.")
        # Patient data: readable by its owner only, from the moment it exists.
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.fchmod(descriptor, 0o600)  # also when an existing file is replaced
        with os.fdopen(descriptor, "w", encoding="utf-8-sig", newline="") as out:
            count = patients_export(out)
        self.stdout.write(f"Wrote {counted(count, 'patient')} to {path}.")
