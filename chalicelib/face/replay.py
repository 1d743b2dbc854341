"""Recognising a photo that was sent before (replay / gallery attack) and implausible EXIF times.

Without a liveness model the defence is the protocol: a check-in photo must be new. Four fingerprints
catch four kinds of re-sending: the same bytes (sha256), the same picture re-encoded or resized (a DCT
perceptual hash of the whole photo), the same picture rotated, mirrored, cropped or resized (the aligned
face: the detector's five landmarks undo rotation, scale and crop, and the comparison tries the mirror
image too), and the same picture filtered (the face embedding itself, which for a copy is far closer to
the original than two genuine selfies ever are to each other).

The history is not read whole for each check-in: `face_hash` (64 bits, mirror-invariant) of every earlier
photo is kept in a small index row, and only the few photos whose hash is `nearest` the probe's are read
in full and compared face to face (`face_similarity`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from functools import lru_cache

import numpy as np
import numpy.typing as npt
from PIL import Image, ImageFilter

from .align import DLIB_TEMPLATE_150, align_face
from .config import ReplayLimits
from .errors import ReplayedPhotoError
from .types import FaceAnalysis, PhotoFingerprint, Vector

_HASH_INPUT = 32
_HASH_BITS = 8
_LUMA = np.array([0.299, 0.587, 0.114], dtype=np.float64)


@lru_cache(maxsize=1)
def _dct_matrix(n: int) -> npt.NDArray[np.float64]:
    """Orthonormal DCT-II basis, rows = frequencies."""
    k = np.arange(n)[:, None]
    i = np.arange(n)[None, :]
    basis: npt.NDArray[np.float64] = np.cos(np.pi * (2 * i + 1) * k / (2 * n)) * np.sqrt(2.0 / n)
    basis[0] /= np.sqrt(2.0)
    return basis


def phash(rgb: npt.NDArray[np.uint8]) -> int:
    """64-bit perceptual hash: signs of the 8×8 lowest DCT frequencies of a 32×32 greyscale vs their median."""
    grey = Image.fromarray(rgb).convert("L").resize((_HASH_INPUT, _HASH_INPUT), Image.Resampling.BOX)
    pixels = np.asarray(grey, dtype=np.float64)
    basis = _dct_matrix(_HASH_INPUT)
    low = (basis @ pixels @ basis.T)[:_HASH_BITS, :_HASH_BITS].ravel()
    # The DC term is the mean brightness; it is left out of the median so brightness alone flips no bit.
    bits = low > np.median(low[1:])
    return int(sum(1 << i for i, bit in enumerate(bits) if bit))


def hamming(a: int, b: int) -> int:
    """Number of differing bits of two hashes."""
    return (a ^ b).bit_count()


# --- the aligned face --------------------------------------------------------------------------------

FACE_CHIP = 32
# Blur of the aligned chip (Gaussian σ, chip pixels): the landmarks of a rotated or resized copy land a
# pixel or two away from the original's, and without the blur that alone decorrelates fine detail.
FACE_BLUR = 1.5
_FACE_TEMPLATE = tuple((x * FACE_CHIP / 150.0, y * FACE_CHIP / 150.0) for x, y in DLIB_TEMPLATE_150)
_ROWS, _COLS = np.mgrid[0:FACE_CHIP, 0:FACE_CHIP]
# The ellipse inside the chip: the corners hold background, or the fill of a rotated copy.
_FACE_MASK = (
    ((_COLS - (FACE_CHIP - 1) / 2) / (FACE_CHIP / 2)) ** 2 + ((_ROWS - FACE_CHIP / 2) / (FACE_CHIP / 2)) ** 2
) <= 1


def face_chip(rgb: npt.NDArray[np.uint8], landmarks: Sequence[tuple[float, float]]) -> bytes:
    """The face aligned on its five landmarks (rotation, scale and shift undone) on dlib's template scaled to
    FACE_CHIP px, grey, blurred: FACE_CHIP² bytes."""
    points = tuple((float(x), float(y)) for x, y in landmarks)
    chip = Image.fromarray(align_face(rgb, points, _FACE_TEMPLATE, FACE_CHIP)).convert("L")
    return chip.filter(ImageFilter.GaussianBlur(FACE_BLUR)).tobytes()


def _chip_pixels(chip: bytes) -> npt.NDArray[np.float64]:
    return np.frombuffer(chip, dtype=np.uint8).reshape(FACE_CHIP, FACE_CHIP).astype(np.float64)


def face_hash(chip: bytes) -> int:
    """64-bit hash of the chip made symmetric (a mirrored copy has the same hash): signs of its 8×8 lowest
    DCT frequencies against their median, the DC term left out like `phash`."""
    pixels = _chip_pixels(chip)
    symmetric = (pixels + pixels[:, ::-1]) / 2
    basis = _dct_matrix(FACE_CHIP)
    low = (basis @ symmetric @ basis.T)[:_HASH_BITS, :_HASH_BITS].ravel()
    bits = low > np.median(low[1:])
    return int(sum(1 << i for i, bit in enumerate(bits) if bit))


def nearest(hashes: Sequence[int], probe: int, limit: int, max_distance: int) -> list[int]:
    """Indices of the at most `limit` hashes nearest to `probe` (Hamming distance ≤ `max_distance`), nearest
    first: the earlier photos worth comparing face to face."""
    distances = [hamming(h, probe) for h in hashes]
    ranked = sorted((d, i) for i, d in enumerate(distances) if d <= max_distance)
    return [i for _, i in ranked[:limit]]


def _standardised(pixels: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    centred: npt.NDArray[np.float64] = pixels - pixels.mean()
    spread = float(np.sqrt((centred**2).mean()))
    return centred / spread if spread > 0 else centred


def face_similarity(a: bytes, b: bytes) -> float:
    """Correlation of two aligned faces inside the face ellipse, the better of `b` as it is and mirrored."""
    x = _standardised(_chip_pixels(a)[_FACE_MASK])
    other = _chip_pixels(b)
    return max(float((x * _standardised(y[_FACE_MASK])).mean()) for y in (other, other[:, ::-1]))


def fingerprint(
    data: bytes,
    rgb: npt.NDArray[np.uint8],
    embeddings: Mapping[str, Vector],
    landmarks: Sequence[tuple[float, float]] | None = None,
) -> PhotoFingerprint:
    """What to store of a photo so that a later copy of it can be recognised (the aligned face when the
    landmarks are given, in `rgb`'s pixels)."""
    chip = face_chip(rgb, landmarks) if landmarks else b""
    return PhotoFingerprint(
        sha256=hashlib.sha256(data).hexdigest(),
        phash=phash(rgb),
        embeddings=dict(embeddings),
        face_chip=chip,
        face_hash=face_hash(chip) if chip else None,
    )


def replay_reason(
    probe: PhotoFingerprint, earlier: PhotoFingerprint, limits: ReplayLimits
) -> tuple[str, dict[str, object]] | None:
    """Why `probe` counts as a copy of `earlier` ("identical_bytes", "perceptual", "aligned_face", "embedding"),
    or None."""
    if probe.sha256 == earlier.sha256:
        return "identical_bytes", {}
    distance = hamming(probe.phash, earlier.phash)
    if distance <= limits.max_phash_distance:
        return "perceptual", {"distance": distance}
    if probe.face_chip and earlier.face_chip:
        similarity = face_similarity(probe.face_chip, earlier.face_chip)
        if similarity >= limits.min_face_similarity:
            return "aligned_face", {"similarity": round(similarity, 4)}
    for model_id, limit in limits.min_embedding_cosine.items():
        mine, theirs = probe.embeddings.get(model_id), earlier.embeddings.get(model_id)
        if mine is None or theirs is None:
            continue
        cosine = float(np.dot(mine, theirs))
        if cosine >= limit:
            return "embedding", {"model": model_id, "cosine": round(cosine, 4)}
    return None


def check_replay(probe: FaceAnalysis, history: Sequence[PhotoFingerprint], limits: ReplayLimits) -> None:
    """Raise ReplayedPhotoError if the probe is the same photo as any earlier one of that employee."""
    for index, earlier in enumerate(history):
        found = replay_reason(probe.fingerprint, earlier, limits)
        if found is not None:
            reason, details = found
            raise ReplayedPhotoError(details={"reason": reason, "history_index": index, **details})


def exif_warning(exif_dt: datetime | None, capture_time: datetime, max_skew: timedelta) -> bool:
    """True when the photo's EXIF time is further than `max_skew` from the capture time.

    A naive EXIF time (no offset written by the camera) is read as wall-clock time in `capture_time`'s
    zone, so pass `capture_time` in the regency's zone. No EXIF time gives no warning: many apps strip it.
    """
    if exif_dt is None:
        return False
    if exif_dt.tzinfo is None:
        exif_dt = exif_dt.replace(tzinfo=capture_time.tzinfo)
    if capture_time.tzinfo is None or exif_dt.tzinfo is None:
        return abs(exif_dt.replace(tzinfo=None) - capture_time.replace(tzinfo=None)) > max_skew
    return abs(exif_dt - capture_time) > max_skew
