"""The private files (clinical photos, under ``PRIVATE_MEDIA_ROOT``) into one tar archive
beside the database's backup, and back.

The database is backed up first and the files after: the app writes a photo's file before
its row, and never deletes one, so every photo the database backup names is in the archive
(a photo uploaded in between is in the archive without a row, which is harmless). The
archive is plain tar (the photos are JPEG and PNG, compressed already), readable by its
owner only, written under a temporary name and renamed when complete. A restore reads only
regular files and folders, inside the archive's own root (``tarfile``'s "data" filter).
"""

import os
import shutil
import tarfile
from dataclasses import dataclass
from pathlib import Path

from dermadesk.backups.errors import BackupError

SUFFIX = ".photos.tar"


def archive_beside(backup: Path) -> Path:
    """The private files' archive that goes with the database backup ``backup``."""
    return backup.with_name(backup.name + SUFFIX)


@dataclass(frozen=True)
class FilesDone:
    path: Path
    files: int
    size_bytes: int


def _files_in(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def files_backup(*, folder: Path, path: Path, replace: bool = False) -> FilesDone:
    """Every file under ``folder`` into the tar archive ``path`` (an empty archive when
    there is none). An existing archive is kept unless ``replace``."""
    if path.exists() and not replace:
        raise BackupError(f"{path} exists already. Choose another name, or add --force.")
    partial = path.with_name(f".{path.name}.partial-{os.getpid()}")
    partial.unlink(missing_ok=True)
    os.close(os.open(partial, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    files = _files_in(folder)
    try:
        with tarfile.open(partial, "w") as archive:
            for file in files:
                archive.add(file, arcname=file.relative_to(folder).as_posix(), recursive=False)
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
    return FilesDone(path=path, files=len(files), size_bytes=path.stat().st_size)


def files_check(*, archive: Path, folder: Path, force: bool) -> int:
    """Whether ``archive`` can be restored into ``folder``; how many files it holds.

    ``BackupError`` when it is not a readable tar archive of plain files, or when
    ``folder`` holds files already and ``force`` is not given. Changes nothing.
    """
    try:
        with tarfile.open(archive, "r:") as opened:
            members = opened.getmembers()
    except (tarfile.TarError, OSError) as error:
        raise BackupError(f"{archive} is not an archive of private files: {error}") from error
    for member in members:
        name = Path(member.name)
        if not (member.isfile() or member.isdir()) or name.is_absolute() or ".." in name.parts:
            raise BackupError(f"{archive} holds {member.name!r}, which is not a plain file.")
    present = _files_in(folder)
    if present and not force:
        raise BackupError(
            f"The private files folder {folder} holds {len(present)} files already. "
            "Restoring would replace them; nothing was changed. Add --force to replace them."
        )
    return sum(1 for member in members if member.isfile())


def files_restore(*, archive: Path, folder: Path) -> FilesDone:
    """Replace what ``folder`` holds with the files of ``archive`` (check it first with
    ``files_check``). The new files are unpacked beside it, then swapped in."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    fresh = folder.with_name(f".{folder.name}.restoring-{os.getpid()}")
    old = folder.with_name(f".{folder.name}.replaced-{os.getpid()}")
    shutil.rmtree(fresh, ignore_errors=True)
    fresh.mkdir(mode=0o700)
    try:
        with tarfile.open(archive, "r:") as opened:
            opened.extractall(fresh, filter="data")
        if folder.exists():
            folder.rename(old)
        fresh.rename(folder)
    finally:
        shutil.rmtree(fresh, ignore_errors=True)
        shutil.rmtree(old, ignore_errors=True)
    files = _files_in(folder)
    return FilesDone(
        path=archive, files=len(files), size_bytes=sum(f.stat().st_size for f in files)
    )
