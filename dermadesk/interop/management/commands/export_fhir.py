"""`manage.py export_fhir PATIENT_ID [--output FILE]`: one patient's record as FHIR R4 JSON.

A Bundle (type collection) to standard output, or to a new file readable by its owner only
(it holds health information). The export is written into the audit trail as done from
the command line.
"""

import json
import os
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from dermadesk.interop.export import patient_export


class Command(BaseCommand):
    help = "Export one patient's record as a FHIR R4 Bundle (JSON); the export is audited."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("patient_id", type=int, help="The patient's number in dermadesk.")
        parser.add_argument(
            "--output", type=Path, default=None,
            help="Write to this new file (owner-only permissions) instead of standard output.",
        )  # fmt: skip

    def handle(self, *args: Any, **options: Any) -> None:
        patient_id: int = options["patient_id"]
        output: Path | None = options["output"]
        # The file is made first, so an export is only audited once it has somewhere to go.
        descriptor = self._new_file(output) if output is not None else None
        bundle = patient_export(
            patient_id=patient_id, actor=None, roles=(), address=None,
            detail="command line", now=timezone.now(),
        )  # fmt: skip
        if bundle is None:
            if output is not None and descriptor is not None:
                os.close(descriptor)
                output.unlink()
            raise CommandError(f"No patient has the number {patient_id}.")
        text = json.dumps(bundle, indent=2, ensure_ascii=False) + "\n"
        if descriptor is None:
            self.stdout.write(text, ending="")
            return
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            file.write(text)
        self.stderr.write(f"Wrote the record of patient {patient_id} to {output}.")

    @staticmethod
    def _new_file(path: Path) -> int:
        try:
            return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            raise CommandError(f"{path} exists already; choose a new file name.") from None
        except OSError as error:
            raise CommandError(f"Cannot write {path}: {error.strerror}.") from error
