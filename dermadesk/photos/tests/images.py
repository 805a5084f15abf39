"""Photos for tests, made in memory: with GPS EXIF, turned by EXIF, HEIC, bombs, fakes."""

import io
import struct
import zlib
from typing import Any

import pillow_heif
from PIL import Image, PngImagePlugin

pillow_heif.register_heif_opener()

ORIENTATION = 0x0112
MAKE = 0x010F
GPS_IFD = 0x8825
# 51° 30' N, 0° 7' W: a position no stored photo may still carry.
GPS = {1: "N", 2: (51.0, 30.0, 0.0), 3: "W", 4: (0.0, 7.0, 0.0)}


def camera_exif(orientation: int = 1) -> Image.Exif:
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    exif[MAKE] = "Test phone"
    exif[GPS_IFD] = GPS
    return exif


def picture(width: int = 64, height: int = 48) -> Image.Image:
    """A picture whose top-left quarter is red, so a turn shows."""
    image = Image.new("RGB", (width, height), (40, 120, 200))
    image.paste((220, 30, 30), (0, 0, width // 2, height // 2))
    return image


def jpeg_with_gps(width: int = 64, height: int = 48, orientation: int = 1) -> bytes:
    out = io.BytesIO()
    picture(width, height).save(
        out, "JPEG", exif=camera_exif(orientation).tobytes(), comment=b"Ada Lovelace"
    )
    return out.getvalue()


def heic_with_gps(width: int = 64, height: int = 48) -> bytes:
    out = io.BytesIO()
    picture(width, height).save(out, "HEIF", exif=camera_exif().tobytes(), quality=80)
    return out.getvalue()


def png_with_text(width: int = 64, height: int = 48) -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Ada Lovelace")
    out = io.BytesIO()
    picture(width, height).save(out, "PNG", pnginfo=info, exif=camera_exif().tobytes())
    return out.getvalue()


def gif() -> bytes:
    out = io.BytesIO()
    picture().save(out, "GIF")
    return out.getvalue()


def png_claiming(width: int, height: int) -> bytes:
    """A few hundred bytes whose header claims ``width`` × ``height`` pixels."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    rows = zlib.compress(b"\x00" * 1024)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")
    )


def metadata_of(content: bytes) -> tuple[Image.Image, dict[int, object], dict[Any, Any]]:
    """The stored image, its EXIF tags and its info (what Pillow read beside the pixels)."""
    image = Image.open(io.BytesIO(content))
    info: dict[Any, Any] = image.info
    return image, dict(image.getexif()), info
