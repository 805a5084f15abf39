"""The rules of what photo is kept: limits, formats, names."""

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dermadesk.photos import intake


def test_a_file_over_the_size_limit_is_refused_with_a_413_that_says_both_sizes() -> None:
    refusal = intake.size_refusal(16 * intake.MEGABYTE, limit=intake.max_bytes(15))
    assert refusal is not None
    assert refusal.status == 413
    assert "16 MB" in refusal.message and "15 MB" in refusal.message


def test_an_empty_file_is_refused_with_a_400() -> None:
    refusal = intake.size_refusal(0, limit=intake.max_bytes(15))
    assert refusal is not None and refusal.status == 400


@given(size=st.integers(min_value=1, max_value=50 * intake.MEGABYTE))
def test_sizes_up_to_the_limit_are_taken_and_above_refused(size: int) -> None:
    limit = intake.max_bytes(15)
    assert (intake.size_refusal(size, limit=limit) is None) == (size <= limit)


@given(width=st.integers(1, 20_000), height=st.integers(1, 20_000))
def test_pixels_up_to_the_limit_are_taken_and_above_refused(width: int, height: int) -> None:
    limit = intake.max_pixels(50)
    refusal = intake.pixel_refusal(width, height, limit=limit)
    assert (refusal is None) == (width * height <= limit)
    if refusal is not None:
        assert refusal.status == 400 and f"{width} × {height}" in refusal.message


def test_an_image_without_pixels_is_unreadable() -> None:
    refusal = intake.pixel_refusal(0, 10, limit=100)
    assert refusal is not None and refusal.kind is intake.PhotoRefusalKind.UNREADABLE


@pytest.mark.parametrize(
    ("decoded", "stored"),
    [("JPEG", intake.JPEG), ("MPO", intake.JPEG), ("PNG", intake.PNG), ("HEIF", intake.JPEG)],
)
def test_jpeg_png_and_heic_are_taken_heic_kept_as_jpeg(
    decoded: str, stored: intake.StoredFormat
) -> None:
    assert intake.stored_format(decoded) is stored


@pytest.mark.parametrize("decoded", ["GIF", "TIFF", "WEBP", "EPS", "PDF", "BMP", "", None])
def test_other_formats_are_not_taken(decoded: str | None) -> None:
    assert intake.stored_format(decoded) is None


@given(token=st.text(alphabet="0123456789abcdef", min_size=32, max_size=32))
def test_a_stored_name_is_the_token_under_the_month_and_nothing_else(token: str) -> None:
    name = intake.stored_name(token, intake.JPEG, year=2026, month=11)
    assert name == f"photos/2026/11/{token}.jpg"
    assert re.fullmatch(r"photos/\d{4}/\d{2}/[0-9a-f]{32}\.(jpg|png)", name)


@pytest.mark.parametrize("token", ["ada-lovelace", "../" + "a" * 29, "A" * 32, "a" * 31])
def test_a_stored_name_refuses_anything_but_a_random_token(token: str) -> None:
    with pytest.raises(ValueError, match="token"):
        intake.stored_name(token, intake.PNG, year=2026, month=11)
