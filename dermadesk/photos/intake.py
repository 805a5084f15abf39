"""What a clinical photo must be to be kept: the formats taken, the limits, the stored name.

Pure: no Django, no Pillow, no clock. ``imaging`` asks this module what to accept and how to
store what it decoded; the limits come in as arguments (the settings ``PHOTO_MAX_MEGABYTES``
and ``PHOTO_MAX_MEGAPIXELS``).

The format is the one the decoder recognised in the file's bytes, never the file's name or
the content type the browser sent. HEIC (what iPhones take by default) is kept as JPEG,
which every browser shows; JPEG stays JPEG and PNG stays PNG (lossless screenshots,
dermatoscope exports).
"""

import re
from dataclasses import dataclass
from enum import StrEnum


class PhotoRefusalKind(StrEnum):
    TOO_LARGE = "too_large"
    TOO_MANY_PIXELS = "too_many_pixels"
    NOT_A_PHOTO = "not_a_photo"
    UNREADABLE = "unreadable"
    EMPTY = "empty"


@dataclass(frozen=True, slots=True)
class PhotoRefusal:
    """Why a file is not kept: for the staff member who chose it, and the status to answer."""

    kind: PhotoRefusalKind
    message: str

    @property
    def status(self) -> int:
        return 413 if self.kind is PhotoRefusalKind.TOO_LARGE else 400


@dataclass(frozen=True, slots=True)
class StoredFormat:
    """How a photo is written back after its metadata is removed."""

    encoder: str
    """Pillow's format name to save with."""
    content_type: str
    extension: str


JPEG = StoredFormat("JPEG", "image/jpeg", ".jpg")
PNG = StoredFormat("PNG", "image/png", ".png")

# The decoder's name of what it found → how it is stored. MPO is a JPEG with extra frames
# (depth maps, previews) that many phones write: its first frame is the photo.
ACCEPTED: dict[str, StoredFormat] = {"JPEG": JPEG, "MPO": JPEG, "PNG": PNG, "HEIF": JPEG}
FORMATS_IN_WORDS = "JPEG, PNG or HEIC"
CONTENT_TYPES = frozenset(stored.content_type for stored in ACCEPTED.values())

MEGABYTE = 1024 * 1024
MEGAPIXEL = 1_000_000
TOKEN = re.compile(r"[0-9a-f]{32}")


def max_bytes(megabytes: int) -> int:
    return megabytes * MEGABYTE


def max_pixels(megapixels: int) -> int:
    return megapixels * MEGAPIXEL


def size_refusal(size: int, *, limit: int) -> PhotoRefusal | None:
    """Refused when the file is empty or larger than ``limit`` bytes."""
    if size <= 0:
        return PhotoRefusal(
            PhotoRefusalKind.EMPTY, "The file is empty. Please choose the photo again."
        )
    if size > limit:
        return PhotoRefusal(
            PhotoRefusalKind.TOO_LARGE,
            f"The file is {_megabytes(size)} MB; photos of up to {_megabytes(limit)} MB are "
            "kept. Please take it again at a lower resolution, or send a smaller copy.",
        )
    return None


def pixel_refusal(width: int, height: int, *, limit: int) -> PhotoRefusal | None:
    """Refused when the image says it has more than ``limit`` pixels (or none).

    Asked before the pixels are decoded: a small file can claim a huge image (a
    "decompression bomb") that would take all the server's memory to open.
    """
    if width <= 0 or height <= 0:
        return unreadable()
    if width * height > limit:
        return PhotoRefusal(
            PhotoRefusalKind.TOO_MANY_PIXELS,
            f"The image is {width} × {height} pixels, more than the {limit // MEGAPIXEL} "
            "megapixels kept. Please take it again at a lower resolution.",
        )
    return None


def stored_format(decoder_format: str | None) -> StoredFormat | None:
    """How a file the decoder recognised as ``decoder_format`` is kept (None: not taken)."""
    if decoder_format is None:
        return None
    return ACCEPTED.get(decoder_format.upper())


def not_a_photo() -> PhotoRefusal:
    return PhotoRefusal(
        PhotoRefusalKind.NOT_A_PHOTO,
        f"This file is not a photo we can keep: please choose a {FORMATS_IN_WORDS} image.",
    )


def unreadable() -> PhotoRefusal:
    return PhotoRefusal(
        PhotoRefusalKind.UNREADABLE,
        "This image could not be read: it may be damaged or cut short. Please take it again.",
    )


def stored_name(token: str, stored: StoredFormat, *, year: int, month: int) -> str:
    """The file's name in private storage: a random token, never anything of the patient.

    ``token`` is 32 lower-case hex digits (128 random bits, made by the caller); the year
    and month of the upload keep folders small.
    """
    if not TOKEN.fullmatch(token):
        raise ValueError("A stored photo's token is 32 lower-case hexadecimal digits.")
    if not 1 <= month <= 12 or not 1 <= year <= 9999:
        raise ValueError("A stored photo's folder needs a real year and month.")
    return f"photos/{year:04d}/{month:02d}/{token}{stored.extension}"


def _megabytes(size: int) -> str:
    value = size / MEGABYTE
    return f"{value:.1f}".removesuffix(".0")
