"""A photo decoded, turned upright and written again without any metadata."""

import hashlib
import io

import pytest
from PIL import Image, ImageCms

from dermadesk.pdf import html_to_pdf
from dermadesk.photos import intake
from dermadesk.photos.imaging import CleanPhoto, PhotoRefused, clean_photo, thumbnail
from dermadesk.photos.tests import images

MB = intake.max_bytes(15)
PIXELS = intake.max_pixels(50)


def cleaned(data: bytes, *, max_pixels: int = PIXELS) -> CleanPhoto:
    return clean_photo(io.BytesIO(data), size=len(data), max_bytes=MB, max_pixels=max_pixels)


def refusal(data: bytes, *, max_pixels: int = PIXELS) -> intake.PhotoRefusal:
    with pytest.raises(PhotoRefused) as caught:
        cleaned(data, max_pixels=max_pixels)
    return caught.value.refusal


def test_a_jpeg_with_gps_is_kept_as_a_jpeg_with_no_exif_no_comment() -> None:
    data = images.jpeg_with_gps()
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(images.GPS_IFD)  # it had a position
    photo = cleaned(data)
    image, exif, info = images.metadata_of(photo.content)
    assert image.format == "JPEG" and photo.stored is intake.JPEG
    assert exif == {}
    assert not {"exif", "comment", "icc_profile", "xmp"} & set(info)
    assert (photo.width, photo.height) == (64, 48)


def test_the_exif_orientation_is_applied_before_it_is_removed() -> None:
    photo = cleaned(images.jpeg_with_gps(64, 48, orientation=6))  # "turn 90° clockwise"
    image, exif, _ = images.metadata_of(photo.content)
    assert (photo.width, photo.height) == (48, 64) == image.size
    assert exif == {}
    pixel = image.convert("RGB").getpixel((40, 5))  # the red quarter, now top right
    assert isinstance(pixel, tuple) and pixel[0] > 150 and pixel[1] < 100


def test_a_heic_photo_is_kept_as_a_jpeg_without_exif() -> None:
    photo = cleaned(images.heic_with_gps())
    image, exif, _ = images.metadata_of(photo.content)
    assert (photo.decoded_as, photo.stored, image.format) == ("HEIF", intake.JPEG, "JPEG")
    assert exif == {}


def test_a_png_stays_a_png_without_its_text_or_exif() -> None:
    photo = cleaned(images.png_with_text())
    image, exif, info = images.metadata_of(photo.content)
    assert (image.format, photo.stored.content_type) == ("PNG", "image/png")
    assert exif == {} and "Author" not in info and "exif" not in info


def test_a_colour_profile_is_applied_and_left_out() -> None:
    out = io.BytesIO()
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    images.picture().save(out, "JPEG", icc_profile=profile)
    _, _, info = images.metadata_of(cleaned(out.getvalue()).content)
    assert "icc_profile" not in info


def test_the_digest_is_of_the_stored_bytes() -> None:
    photo = cleaned(images.jpeg_with_gps())
    assert photo.sha256 == hashlib.sha256(photo.content).hexdigest()


def test_a_text_file_named_like_a_photo_is_not_a_photo() -> None:
    found = refusal(b"Dear clinic, this is not a photo.\n")
    assert found.kind is intake.PhotoRefusalKind.NOT_A_PHOTO


def test_a_gif_is_not_taken() -> None:
    assert refusal(images.gif()).kind is intake.PhotoRefusalKind.NOT_A_PHOTO


def test_a_photo_cut_short_is_unreadable() -> None:
    data = images.jpeg_with_gps(640, 480)
    assert refusal(data[: len(data) // 2]).kind is intake.PhotoRefusalKind.UNREADABLE


@pytest.mark.parametrize(
    ("width", "height"),
    [
        (8_000, 8_000),  # 64 million: over our 50, under Pillow's own warning
        (10_000, 10_000),  # 100 million: Pillow warns
        (60_000, 60_000),  # 3.6 billion: Pillow refuses
    ],
)
def test_a_decompression_bomb_is_refused_before_its_pixels_are_decoded(
    width: int, height: int
) -> None:
    data = images.png_claiming(width, height)
    assert len(data) < 2_000
    found = refusal(data)
    assert found.kind is intake.PhotoRefusalKind.TOO_MANY_PIXELS and found.status == 400


def test_the_pixel_limit_is_the_one_given() -> None:
    assert cleaned(images.jpeg_with_gps(100, 100), max_pixels=10_000).width == 100
    refused = refusal(images.jpeg_with_gps(101, 100), max_pixels=10_000)
    assert refused.kind is intake.PhotoRefusalKind.TOO_MANY_PIXELS


def test_a_file_over_the_size_limit_is_refused_before_it_is_read() -> None:
    data = images.jpeg_with_gps()
    with pytest.raises(PhotoRefused) as caught:
        clean_photo(io.BytesIO(data), size=len(data), max_bytes=len(data) - 1, max_pixels=PIXELS)
    assert caught.value.refusal.status == 413


def test_a_thumbnail_is_a_small_jpeg_of_the_stored_photo() -> None:
    stored = cleaned(images.jpeg_with_gps(1200, 900)).content
    small, exif, _ = images.metadata_of(thumbnail(io.BytesIO(stored), longest=320))
    assert (small.format, small.size, exif) == ("JPEG", (320, 240), {})


def test_a_photo_cut_short_is_refused_after_a_pdf_was_made_in_the_same_process() -> None:
    # Importing WeasyPrint turns on Pillow's LOAD_TRUNCATED_IMAGES for the whole process;
    # dermadesk.pdf turns it off again, so a half file is still refused.
    html_to_pdf("<!doctype html><title>x</title><p>A page.</p>")
    data = images.jpeg_with_gps(640, 480)
    assert refusal(data[: len(data) // 2]).kind is intake.PhotoRefusalKind.UNREADABLE
