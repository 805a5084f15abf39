"""`manage.py restore PATH [--force]`: the database as it was in a backup file, and the
private files (clinical photos) from ``PATH.photos.tar`` when it is beside it."""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from dermadesk.backups.errors import BackupError
from dermadesk.backups.files import archive_beside, files_check, files_restore
from dermadesk.backups.services import database_restore


class Command(BaseCommand):
    help = (
        "Restore a file made by `manage.py backup` into this database (the same kind: "
        "SQLite or PostgreSQL). Refuses a database that already holds data unless --force."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="The backup file to restore.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace the data this database holds now with the backup's.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        archive, folder = archive_beside(path), Path(settings.PRIVATE_MEDIA_ROOT)
        try:
            if archive.exists():  # checked before anything changes
                files_check(archive=archive, folder=folder, force=options["force"])
            done = database_restore(path=path, force=options["force"])
            files = files_restore(archive=archive, folder=folder) if archive.exists() else None
        except BackupError as error:
            raise CommandError(str(error)) from error
        lines = [
            f"Restored {done.path} into the {done.engine} database {done.database}: "
            f"{done.tables} tables, {done.rows:,} rows ({done.seconds:.1f} s)."
        ]
        if done.replaced:
            lines.append(
                f"It replaced the data the database held before ({sum(done.replaced.values()):,}"
                f" rows in {len(done.replaced)} tables)."
            )
        else:
            lines.append("The database held no data before.")
        if done.migrations_to_apply:
            lines.append(
                f"The backup is older than this code ({done.migrations_to_apply} migrations "
                "to apply): run manage.py migrate before starting the site."
            )
        if done.migrations_unknown:
            lines.append(
                "The backup comes from a newer dermadesk: it has migrations this code does not "
                f"know ({', '.join(done.migrations_unknown[:5])}). Run that version instead."
            )
        if files is not None:
            lines.append(f"Restored {files.files} private files (photos) into {folder}.")
        else:
            lines.append(
                f"No {archive.name} beside the backup: the private files (photos) in {folder} "
                "were left as they are."
            )
        self.stdout.write("\n".join(lines))
