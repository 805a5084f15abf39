"""`manage.py backup PATH`: the whole database into one file, while the site runs, and the
private files (clinical photos) into ``PATH.photos.tar`` beside it."""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from dermadesk.backups.errors import BackupError
from dermadesk.backups.files import archive_beside, files_backup
from dermadesk.backups.services import database_backup


class Command(BaseCommand):
    help = (
        "Back up the whole database into one file: SQLite through its online backup API, "
        "PostgreSQL with pg_dump (custom format). Safe while the site runs. The file holds "
        "every patient's record: store it encrypted, off this machine (see README). The "
        "private files (clinical photos, PRIVATE_MEDIA_ROOT) go into PATH.photos.tar beside it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="The backup file to write.")
        parser.add_argument(
            "--force", action="store_true", help="Replace the file if it exists already."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        archive = archive_beside(path)
        try:
            if archive.exists() and not options["force"]:
                raise BackupError(f"{archive} exists already. Choose another name, or add --force.")
            done = database_backup(path=path, replace=options["force"])
            # After the database: every photo it names has its file by then.
            files = files_backup(
                folder=Path(settings.PRIVATE_MEDIA_ROOT), path=archive, replace=options["force"]
            )
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Backed up the {done.engine} database {done.database} to {done.path} "
            f"({_size(done.size_bytes)}, {done.seconds:.1f} s), and the private files "
            f"({files.files} photos) to {files.path} ({_size(files.size_bytes)})."
        )


def _size(size: int) -> str:
    """1234567 → "1.2 MB"."""
    value, unit = float(size), "bytes"
    for larger in ("KB", "MB", "GB"):
        if value < 1000:
            break
        value, unit = value / 1000, larger
    return f"{size} bytes" if unit == "bytes" else f"{value:.1f} {unit}"
