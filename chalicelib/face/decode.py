"""Turning uploaded bytes into an RGB array, refusing anything that is not a sane JPEG/PNG photo.

The upload comes from the internet, so every check that can be made on the header is made before a single
pixel is decoded: a 20000×20000 PNG must cost nothing. Whatever goes wrong inside the image library
(truncated data, hostile chunks, odd modes) surfaces as UnsupportedImageError and nothing else.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import numpy as np
import numpy.typing as npt
from PIL import Image, ImageOps

from .config import DecodeLimits
from .errors import UnsupportedImageError

_JPEG_MAGIC = b"\xff\xd8\xff"
_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
_EXIF_IFD = 0x8769
_TAG_DATETIME_ORIGINAL = 0x9003
_TAG_OFFSET_TIME_ORIGINAL = 0x9011

RGBImage = npt.NDArray[np.uint8]


@dataclass(frozen=True)
class DecodedImage:
    """A decoded photo, upright, possibly shrunk to the working size (`scale` = working / original)."""

    rgb: RGBImage
    original_width: int
    original_height: int
    scale: float
    exif_datetime: datetime | None


def sniff_format(data: bytes) -> str:
    """Return "JPEG" or "PNG" from the magic bytes, else raise UnsupportedImageError."""
    if data.startswith(_JPEG_MAGIC):
        return "JPEG"
    if data.startswith(_PNG_MAGIC):
        return "PNG"
    raise UnsupportedImageError(details={"reason": "not_jpeg_or_png"})


def decode_image(data: bytes, limits: DecodeLimits) -> DecodedImage:
    """Decode a JPEG/PNG upload into an upright RGB uint8 array no larger than the working size."""
    if len(data) > limits.max_bytes:
        raise UnsupportedImageError(details={"reason": "too_many_bytes", "max_bytes": limits.max_bytes})
    expected = sniff_format(data)
    try:
        with warnings.catch_warnings():
            # Pillow only warns about a moderately large header; it must refuse, not go on decoding.
            # Its other warnings (odd EXIF, unusual chunks) are harmless for a photo: silenced.
            warnings.simplefilter("ignore")
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            return _decode(data, expected, limits)
    except UnsupportedImageError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        # Pillow's own bomb guard fires inside Image.open, before our header check can run.
        raise UnsupportedImageError(details={"reason": "too_many_pixels"}) from exc
    except Exception as exc:  # the image library raises many types on hostile input
        raise UnsupportedImageError(details={"reason": "undecodable"}) from exc


def _decode(data: bytes, expected: str, limits: DecodeLimits) -> DecodedImage:
    with Image.open(io.BytesIO(data), formats=[expected]) as img:
        _check_header(img.size, limits, expected)
        original = _upright_size(img)
        exif_dt = _exif_datetime(img)
        work_scale = _work_scale(img.size, limits.work_max_side)
        if expected == "JPEG" and work_scale < 1.0:
            # Let libjpeg decode at 1/2, 1/4 or 1/8 size directly: faster and far less memory.
            img.draft("RGB", (round(img.size[0] * work_scale), round(img.size[1] * work_scale)))
        img.load()
        rgb = _shrink(_to_rgb(ImageOps.exif_transpose(img)), limits.work_max_side)
    array = np.asarray(rgb, dtype=np.uint8)
    if array.ndim != 3 or array.shape[2] != 3:
        raise UnsupportedImageError(details={"reason": "undecodable"})
    return DecodedImage(array, original[0], original[1], array.shape[1] / original[0], exif_dt)


def _check_header(size: tuple[int, int], limits: DecodeLimits, fmt: str) -> None:
    width, height = size
    # A PNG cannot be decoded at reduced size the way a JPEG can, so it gets a tighter pixel budget.
    max_pixels = limits.max_png_pixels if fmt == "PNG" else limits.max_pixels
    if width > limits.max_side or height > limits.max_side or width * height > max_pixels:
        raise UnsupportedImageError(details={"reason": "too_many_pixels", "width": width, "height": height})
    if min(width, height) < limits.min_side:
        raise UnsupportedImageError(details={"reason": "too_small", "width": width, "height": height})


def _upright_size(img: Image.Image) -> tuple[int, int]:
    width, height = img.size
    # EXIF orientations 5-8 swap width and height.
    return (height, width) if img.getexif().get(0x0112, 1) in (5, 6, 7, 8) else (width, height)


def _work_scale(size: tuple[int, int], work_max_side: int) -> float:
    return min(1.0, work_max_side / max(size))


def _to_rgb(img: Image.Image) -> Image.Image:
    if img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info):
        # Transparent pixels are composed over white, as a viewer would show them.
        rgba = img.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(background, rgba).convert("RGB")
    if img.mode.startswith("I;16") or img.mode == "I":
        scaled = np.asarray(img, dtype=np.float64) / 257.0
        return Image.fromarray(np.clip(scaled, 0, 255).astype(np.uint8)).convert("RGB")
    return img if img.mode == "RGB" else img.convert("RGB")


def _shrink(img: Image.Image, work_max_side: int) -> Image.Image:
    scale = _work_scale(img.size, work_max_side)
    if scale >= 1.0:
        return img
    size = (max(1, round(img.size[0] * scale)), max(1, round(img.size[1] * scale)))
    return img.resize(size, Image.Resampling.BILINEAR, reducing_gap=2.0)


def _exif_datetime(img: Image.Image) -> datetime | None:
    """DateTimeOriginal (with its offset when the camera wrote one), or None when absent or malformed."""
    try:
        ifd = img.getexif().get_ifd(_EXIF_IFD)
        raw = ifd.get(_TAG_DATETIME_ORIGINAL)
        if not isinstance(raw, str):
            return None
        parsed = datetime.strptime(raw.strip("\x00 "), "%Y:%m:%d %H:%M:%S")
        offset = ifd.get(_TAG_OFFSET_TIME_ORIGINAL)
        return parsed.replace(tzinfo=_parse_offset(offset)) if isinstance(offset, str) else parsed
    except (ValueError, KeyError, TypeError, SyntaxError):
        return None


def _parse_offset(text: str) -> timezone | None:
    text = text.strip("\x00 ")
    if len(text) != 6 or text[0] not in "+-" or text[3] != ":":
        return None
    sign = 1 if text[0] == "+" else -1
    return timezone(sign * timedelta(hours=int(text[1:3]), minutes=int(text[4:6])))


def shrink_array(rgb: RGBImage, work_max_side: int) -> tuple[RGBImage, float]:
    """An already decoded RGB array shrunk to the working size, with the scale applied."""
    if max(rgb.shape[:2]) <= work_max_side:
        return rgb, 1.0
    shrunk = np.asarray(_shrink(Image.fromarray(rgb), work_max_side), dtype=np.uint8)
    return shrunk, shrunk.shape[1] / rgb.shape[1]
