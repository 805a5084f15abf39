"""The private files (clinical photos) go into an archive beside the database backup and
come back with the restore; nothing is changed when the archive cannot be restored."""

import io
import stat
import tarfile
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from dermadesk.patients.models import Patient
from dermadesk.patients.tests.factories import make_patient

pytestmark = pytest.mark.django_db(transaction=True)


def run(command: str, *args: str) -> str:
    out = StringIO()
    call_command(command, *args, stdout=out)
    return out.getvalue()


def photos_folder() -> Path:
    return Path(settings.PRIVATE_MEDIA_ROOT)


def put_photos() -> dict[str, bytes]:
    kept = {"photos/2026/11/" + "a" * 32 + ".jpg": b"\xff\xd8 one", "photos/2026/12/b.png": b"two"}
    for name, content in kept.items():
        path = photos_folder() / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    return kept


def files_now() -> dict[str, bytes]:
    return {
        p.relative_to(photos_folder()).as_posix(): p.read_bytes()
        for p in photos_folder().rglob("*")
        if p.is_file()
    }


def test_the_photos_come_back_with_the_database(tmp_path: Path) -> None:
    call_command("migrate", verbosity=0)
    make_patient()
    kept = put_photos()
    backup = tmp_path / "clinic.backup"
    said = run("backup", str(backup))
    archive = tmp_path / "clinic.backup.photos.tar"
    assert "and the private files (2 photos) to" in said
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600

    call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)
    for path in photos_folder().rglob("*.*"):
        path.unlink()
    (photos_folder() / "photos/2026/11/later.jpg").write_bytes(b"uploaded after the backup")
    said = run("restore", str(backup), "--force")
    assert files_now() == kept
    assert Patient.objects.count() == 1
    assert f"Restored 2 private files (photos) into {photos_folder()}." in said


def test_photos_present_are_not_replaced_without_force_and_nothing_changes(
    tmp_path: Path,
) -> None:
    call_command("migrate", verbosity=0)
    put_photos()
    backup = tmp_path / "clinic.backup"
    run("backup", str(backup))
    (photos_folder() / "photos/new.jpg").write_bytes(b"new")
    before = files_now()
    with pytest.raises(CommandError, match=r"holds 3 files already.*nothing was changed"):
        run("restore", str(backup))
    assert files_now() == before


def test_an_archive_reaching_outside_its_folder_is_refused(tmp_path: Path) -> None:
    call_command("migrate", verbosity=0)
    backup = tmp_path / "clinic.backup"
    run("backup", str(backup))
    archive = tmp_path / "clinic.backup.photos.tar"
    with tarfile.open(archive, "w") as tar:
        member = tarfile.TarInfo("../../etc/cron.d/evil")
        member.size = 4
        tar.addfile(member, io.BytesIO(b"evil"))
    with pytest.raises(CommandError, match="not a plain file"):
        run("restore", str(backup), "--force")
    assert not (tmp_path.parent / "etc").exists()


def test_a_backup_without_an_archive_leaves_the_photos_as_they_are(tmp_path: Path) -> None:
    call_command("migrate", verbosity=0)
    kept = put_photos()
    backup = tmp_path / "clinic.backup"
    run("backup", str(backup))
    (tmp_path / "clinic.backup.photos.tar").unlink()
    said = run("restore", str(backup), "--force")
    assert "the private files (photos) in" in said and "were left as they are" in said
    assert files_now() == kept


def test_an_existing_archive_is_kept_unless_told(tmp_path: Path) -> None:
    call_command("migrate", verbosity=0)
    archive = tmp_path / "clinic.backup.photos.tar"
    archive.write_text("an older archive")
    with pytest.raises(CommandError, match="exists already"):
        run("backup", str(tmp_path / "clinic.backup"))
    assert archive.read_text() == "an older archive"
    assert not (tmp_path / "clinic.backup").exists()
