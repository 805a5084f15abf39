"""Private storage for clinical photos: files under ``PRIVATE_MEDIA_ROOT``, with no address.

``PRIVATE_MEDIA_ROOT`` (default ``var/private``) lies outside ``MEDIA_ROOT`` and
``STATIC_ROOT`` (``settings`` refuses to start otherwise), so no web server configured for
those ever serves a photo; the files are readable by the app's own user only (0600, folders
0700). ``url()`` refuses: a photo is only ever sent by ``staff.photo_pages.photo``, which asks
the policy and writes the audit trail.
"""

import os
from typing import Any, NoReturn

from django.conf import settings
from django.core.files.storage import FileSystemStorage


class PrivatePhotoStorage(FileSystemStorage):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("file_permissions_mode", 0o600)
        kwargs.setdefault("directory_permissions_mode", 0o700)
        super().__init__(**kwargs)

    # Read at each use, not once: tests (and a restore) point the setting elsewhere.
    @property
    def base_location(self) -> str:
        return str(settings.PRIVATE_MEDIA_ROOT)

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)

    def url(self, name: str | None) -> NoReturn:
        raise ValueError("Clinical photos have no public address; the staff photo view sends them.")


def private_photo_storage() -> PrivatePhotoStorage:
    return PrivatePhotoStorage()
