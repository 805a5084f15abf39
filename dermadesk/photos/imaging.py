"""A photo as it is kept: decoded, turned upright, every piece of metadata gone.

No Django, no clock, no settings: the bytes and the limits come in, a clean image (or the
reason it is refused) comes out. The rules (formats, limits, names) are ``intake``'s.

What is done, in order:

1. The decoder (Pillow, with pillow-heif for HEIC) is asked which format the bytes are,
   among JPEG (and MPO), PNG and HEIF only: no other of Pillow's readers ever sees an upload.
2. Its size in pixels, read from the header, is checked before any pixel is decoded
   (a small file may claim a huge image).
3. The pixels are decoded; the EXIF orientation is applied, so the photo is upright without
   it; a colour profile, when there is one, is applied (the pixels converted to sRGB).
4. The pixels are copied into a new image, which carries nothing else: no EXIF (GPS
   position, time, camera, owner's name), no XMP, no IPTC, no comments, no colour profile,
   no thumbnails. That image is encoded again (HEIC as JPEG).
"""

import hashlib
import io
import warnings
from dataclasses import dataclass
from typing import IO

import pillow_heif
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

from dermadesk.photos import intake

pillow_heif.register_heif_opener(thumbnails=False)
Image.init()  # every reader registered, so the three named below are found

# JPEG's reader also opens MPO files (phones' JPEGs with extra frames).
DECODERS = ("JPEG", "PNG", "HEIF")
JPEG_QUALITY = 92
# Modes kept as they are (after a colour profile is applied); anything else (palettes,
# CMYK, 16-bit) is converted to RGB, or RGBA when it has transparency and stays PNG.
PNG_MODES = frozenset({"RGB", "RGBA", "L", "LA"})
JPEG_MODES = frozenset({"RGB", "L"})


class PhotoRefused(Exception):
    """The file is not kept; ``refusal`` says why, in words for the staff member."""

    def __init__(self, refusal: intake.PhotoRefusal) -> None:
        super().__init__(refusal.message)
        self.refusal = refusal


@dataclass(frozen=True, slots=True)
class CleanPhoto:
    content: bytes
    stored: intake.StoredFormat
    width: int
    height: int
    sha256: str
    decoded_as: str
    """What the decoder recognised: JPEG, MPO, PNG or HEIF."""


def clean_photo(source: IO[bytes], *, size: int, max_bytes: int, max_pixels: int) -> CleanPhoto:
    """Decode ``source`` (``size`` bytes long) and return it upright, without metadata.

    ``PhotoRefused`` when it is empty or too large, not a JPEG/PNG/HEIC image, claims more
    than ``max_pixels`` pixels, or cannot be decoded whole.
    """
    refusal = intake.size_refusal(size, limit=max_bytes)
    if refusal is not None:
        raise PhotoRefused(refusal)
    with warnings.catch_warnings():
        # Pillow warns past its own limit; ours is checked below, so that is a refusal too.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        image = _open(source)
        with image:
            stored = intake.stored_format(image.format)
            if stored is None:
                raise PhotoRefused(intake.not_a_photo())
            refusal = intake.pixel_refusal(image.width, image.height, limit=max_pixels)
            if refusal is not None:
                raise PhotoRefused(refusal)
            decoded_as = str(image.format)
            pixels = _decoded(image)
    pixels = _upright_srgb(pixels, stored)
    clean = Image.new(pixels.mode, pixels.size)
    clean.paste(pixels)
    content = _encoded(clean, stored)
    return CleanPhoto(
        content=content,
        stored=stored,
        width=clean.width,
        height=clean.height,
        sha256=hashlib.sha256(content).hexdigest(),
        decoded_as=decoded_as,
    )


def _open(source: IO[bytes]) -> Image.Image:
    try:
        return Image.open(source, formats=DECODERS)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise PhotoRefused(
            intake.PhotoRefusal(
                intake.PhotoRefusalKind.TOO_MANY_PIXELS,
                "The image claims far more pixels than a photo has. It was not kept.",
            )
        ) from None
    except UnidentifiedImageError:
        raise PhotoRefused(intake.not_a_photo()) from None
    except (OSError, SyntaxError, ValueError, EOFError):
        raise PhotoRefused(intake.unreadable()) from None


def _decoded(image: Image.Image) -> Image.Image:
    """The first frame's pixels, decoded whole (a cut-short file is refused, not padded)."""
    try:
        image.seek(0)
        image.load()
        upright = ImageOps.exif_transpose(image)
        # exif_transpose returns the image itself when there was nothing to turn.
        return upright.copy() if upright is image else upright
    except (OSError, SyntaxError, ValueError, EOFError, Image.DecompressionBombError):
        raise PhotoRefused(intake.unreadable()) from None


def _upright_srgb(image: Image.Image, stored: intake.StoredFormat) -> Image.Image:
    has_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    kept = PNG_MODES if stored is intake.PNG else JPEG_MODES
    if image.mode not in kept:
        image = image.convert("RGBA" if has_alpha and stored is intake.PNG else "RGB")
    profile = image.info.get("icc_profile")
    if profile and image.mode in ("RGB", "RGBA"):
        image = _to_srgb(image, profile)
    return image


def _to_srgb(image: Image.Image, profile: bytes) -> Image.Image:
    """The pixels as sRGB, which is what a browser assumes once the profile is gone."""
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
        converted = ImageCms.profileToProfile(
            image, source, ImageCms.createProfile("sRGB"), outputMode=image.mode
        )
    except (ImageCms.PyCMSError, OSError, ValueError):
        return image  # a broken profile: keep the pixels as they are
    return converted if converted is not None else image


def _encoded(image: Image.Image, stored: intake.StoredFormat) -> bytes:
    out = io.BytesIO()
    if stored is intake.JPEG:
        image.save(out, format="JPEG", quality=JPEG_QUALITY)
    else:
        image.save(out, format="PNG", compress_level=6)
    return out.getvalue()


THUMBNAIL_QUALITY = 80


def thumbnail(source: IO[bytes], *, longest: int) -> bytes:
    """A small JPEG of a stored photo, its longest side ``longest`` pixels at most.

    Stored photos were cleaned on upload, so this reads only what ``clean_photo`` wrote; a
    JPEG is decoded at a reduced scale straight away (``draft``), which is fast.
    """
    with Image.open(source, formats=("JPEG", "PNG")) as image:
        image.draft("RGB", (longest, longest))
        small = image.convert("RGB")
    small.thumbnail((longest, longest))
    out = io.BytesIO()
    small.save(out, format="JPEG", quality=THUMBNAIL_QUALITY)
    return out.getvalue()
