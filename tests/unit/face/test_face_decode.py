"""Upload guards: only sane JPEG/PNG photos get decoded; everything else is UNSUPPORTED_IMAGE."""

from __future__ import annotations

import io
import struct
import tracemalloc
import zlib
from datetime import datetime, timedelta, timezone

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from chalicelib.face import DecodeLimits, UnsupportedImageError, decode_image

LIMITS = DecodeLimits()


def encode(img: Image.Image, fmt: str, **kwargs: object) -> bytes:
    buffer = io.BytesIO()
    img.save(buffer, format=fmt, **kwargs)
    return buffer.getvalue()


def gradient(width: int = 320, height: int = 240) -> Image.Image:
    x = np.linspace(0, 255, width, dtype=np.float64)[None, :, None]
    y = np.linspace(0, 255, height, dtype=np.float64)[:, None, None]
    pixels = np.concatenate(
        [
            np.broadcast_to(x, (height, width, 1)),
            np.broadcast_to(y, (height, width, 1)),
            np.full((height, width, 1), 90.0),
        ],
        axis=2,
    )
    return Image.fromarray(pixels.astype(np.uint8))


def png_chunk(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))


def test_jpeg_decodes_to_rgb_uint8() -> None:
    decoded = decode_image(encode(gradient(), "JPEG", quality=90), LIMITS)
    assert decoded.rgb.dtype == np.uint8
    assert decoded.rgb.shape == (240, 320, 3)
    assert (decoded.original_width, decoded.original_height, decoded.scale) == (320, 240, 1.0)
    assert decoded.exif_datetime is None


def test_transparent_png_is_composed_over_white() -> None:
    # GIVEN a fully transparent RGBA PNG (black colour channels)
    img = Image.new("RGBA", (100, 80), (0, 0, 0, 0))
    # WHEN decoded THEN it looks like a viewer shows it: white
    decoded = decode_image(encode(img, "PNG"), LIMITS)
    assert decoded.rgb.shape == (80, 100, 3)
    assert int(decoded.rgb.min()) == 255


def test_truncated_jpeg_is_refused() -> None:
    data = encode(gradient(), "JPEG", quality=90)
    with pytest.raises(UnsupportedImageError) as caught:
        decode_image(data[: len(data) // 2], LIMITS)
    assert caught.value.details["reason"] == "undecodable"


@pytest.mark.parametrize(("width", "height"), [(20000, 20000), (6000, 5000), (12000, 100), (4000, 3500)])
def test_huge_png_header_is_refused_without_decoding(width: int, height: int) -> None:
    # GIVEN a tiny file whose header claims far more pixels than a selfie has (a decompression bomb)
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    data = b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header) + png_chunk(b"IDAT", zlib.compress(b"\x00" * 1000))
    data += png_chunk(b"IEND", b"")
    # WHEN decoded THEN it is refused from the header, allocating nothing near the claimed size
    tracemalloc.start()
    try:
        with pytest.raises(UnsupportedImageError) as caught:
            decode_image(data, LIMITS)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert caught.value.details["reason"] == "too_many_pixels"
    assert peak < 5_000_000


@pytest.mark.parametrize(
    "data",
    [b"", b"hello, this is not an image", b"%PDF-1.4\n...", b"\xff\xd8\xff" + b"\x00" * 64],
    ids=["empty", "text", "pdf", "jpeg-magic-garbage"],
)
def test_non_image_bytes_are_refused(data: bytes) -> None:
    with pytest.raises(UnsupportedImageError):
        decode_image(data, LIMITS)


def test_gif_is_refused_even_though_pillow_reads_it() -> None:
    with pytest.raises(UnsupportedImageError) as caught:
        decode_image(encode(gradient(), "GIF"), LIMITS)
    assert caught.value.details["reason"] == "not_jpeg_or_png"


def test_png_renamed_as_jpeg_content_mismatch_is_refused() -> None:
    # A JPEG magic followed by a PNG body must not be decoded by "whatever Pillow recognises".
    png = encode(gradient(), "PNG")
    with pytest.raises(UnsupportedImageError):
        decode_image(b"\xff\xd8\xff" + png, LIMITS)


def test_oversized_upload_is_refused_before_parsing() -> None:
    with pytest.raises(UnsupportedImageError) as caught:
        decode_image(b"\xff\xd8\xff" + b"\x00" * 200, DecodeLimits(max_bytes=100))
    assert caught.value.details["reason"] == "too_many_bytes"


def test_exif_orientation_is_applied() -> None:
    # GIVEN a 200×100 stored image, left half red, tagged "rotate 90° clockwise to display" (6)
    pixels = np.zeros((100, 200, 3), dtype=np.uint8)
    pixels[:, :100] = (255, 0, 0)
    exif = Image.Exif()
    exif[0x0112] = 6
    data = encode(Image.fromarray(pixels), "JPEG", quality=95, exif=exif.tobytes())
    # WHEN decoded
    decoded = decode_image(data, LIMITS)
    # THEN it is upright: 100 wide, 200 tall, and the stored left half is now the top half
    assert decoded.rgb.shape == (200, 100, 3)
    assert (decoded.original_width, decoded.original_height) == (100, 200)
    assert decoded.rgb[:90, :, 0].mean() > 200 and decoded.rgb[:90, :, 1].mean() < 50
    assert decoded.rgb[110:, :, 0].mean() < 50


def test_exif_datetime_original_is_parsed_with_its_offset() -> None:
    exif = Image.Exif()
    exif.get_ifd(0x8769)[0x9003] = "2026:11:27 07:31:05"
    exif.get_ifd(0x8769)[0x9011] = "+07:00"
    decoded = decode_image(encode(gradient(), "JPEG", exif=exif.tobytes()), LIMITS)
    assert decoded.exif_datetime == datetime(2026, 11, 27, 7, 31, 5, tzinfo=timezone(timedelta(hours=7)))


def test_malformed_exif_datetime_is_ignored() -> None:
    exif = Image.Exif()
    exif.get_ifd(0x8769)[0x9003] = "yesterday at noon"
    decoded = decode_image(encode(gradient(), "JPEG", exif=exif.tobytes()), LIMITS)
    assert decoded.exif_datetime is None


def test_large_photo_is_shrunk_to_the_working_size() -> None:
    decoded = decode_image(encode(gradient(3000, 2000), "JPEG", quality=80), DecodeLimits(work_max_side=1000))
    assert max(decoded.rgb.shape[:2]) == 1000
    assert (decoded.original_width, decoded.original_height) == (3000, 2000)
    assert decoded.scale == pytest.approx(1000 / 3000, rel=1e-3)


def test_tiny_image_is_refused() -> None:
    with pytest.raises(UnsupportedImageError) as caught:
        decode_image(encode(gradient(20, 20), "PNG"), LIMITS)
    assert caught.value.details["reason"] == "too_small"


_VALID_JPEG = encode(gradient(96, 96), "JPEG", quality=80)
_VALID_PNG = encode(gradient(96, 96), "PNG")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    source=st.sampled_from([_VALID_JPEG, _VALID_PNG]),
    edits=st.lists(st.tuples(st.integers(min_value=0, max_value=10_000), st.integers(0, 255)), max_size=12),
    cut=st.integers(min_value=1, max_value=10_000),
)
def test_corrupted_files_only_ever_raise_unsupported_image(
    source: bytes, edits: list[tuple[int, int]], cut: int
) -> None:
    # GIVEN a valid photo with random bytes overwritten and possibly truncated
    data = bytearray(source)
    for position, value in edits:
        data[position % len(data)] = value
    mangled = bytes(data[: max(1, cut % (len(data) + 1))])
    # WHEN decoded THEN it either decodes to RGB or is refused as UNSUPPORTED_IMAGE, never anything else
    try:
        decoded = decode_image(mangled, LIMITS)
    except UnsupportedImageError:
        return
    assert decoded.rgb.dtype == np.uint8 and decoded.rgb.ndim == 3


def test_large_rotated_jpeg_is_upright_and_shrunk() -> None:
    # GIVEN a 2400×1600 stored photo tagged "rotate 90° clockwise" (a phone held upright)
    exif = Image.Exif()
    exif[0x0112] = 6
    data = encode(gradient(2400, 1600), "JPEG", quality=80, exif=exif.tobytes())
    # WHEN decoded THEN it is portrait, within the working size, with the upright original size reported
    decoded = decode_image(data, DecodeLimits(work_max_side=1200))
    assert decoded.rgb.shape == (1200, 800, 3)
    assert (decoded.original_width, decoded.original_height) == (1600, 2400)
    assert decoded.scale == pytest.approx(0.5, rel=1e-3)


def test_a_photo_with_corrupt_exif_is_still_decoded() -> None:
    # GIVEN a valid JPEG whose EXIF block is garbage (some phone apps write such)
    good = encode(gradient(), "JPEG", quality=90)
    app1 = b"Exif\x00\x00" + b"MM\x00\x2a\x00\x00\x00\x08" + b"\xff" * 40
    data = good[:2] + b"\xff\xe1" + struct.pack(">H", len(app1) + 2) + app1 + good[2:]
    # WHEN decoded THEN the pixels are used and the EXIF time is simply unknown
    decoded = decode_image(data, LIMITS)
    assert decoded.rgb.shape == (240, 320, 3)
    assert decoded.exif_datetime is None
