"""Recognising a photo that was sent before (replay / gallery attack) and implausible EXIF times.

Without a liveness model the defence is the protocol: a check-in photo must be new. Three fingerprints
catch three kinds of re-sending: the same bytes (sha256), the same picture re-encoded or resized (a DCT
perceptual hash), and the same picture cropped or filtered (the face embedding itself, which for a copy
is far closer to the original than two genuine selfies ever are to each other).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from functools import lru_cache

import numpy as np
import numpy.typing as npt
from PIL import Image

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


def fingerprint(data: bytes, rgb: npt.NDArray[np.uint8], embeddings: Mapping[str, Vector]) -> PhotoFingerprint:
    """What to store of a photo so that a later copy of it can be recognised."""
    return PhotoFingerprint(sha256=hashlib.sha256(data).hexdigest(), phash=phash(rgb), embeddings=dict(embeddings))


def replay_reason(
    probe: PhotoFingerprint, earlier: PhotoFingerprint, limits: ReplayLimits
) -> tuple[str, dict[str, object]] | None:
    """Why `probe` counts as a copy of `earlier` ("identical_bytes", "perceptual", "embedding"), or None."""
    if probe.sha256 == earlier.sha256:
        return "identical_bytes", {}
    distance = hamming(probe.phash, earlier.phash)
    if distance <= limits.max_phash_distance:
        return "perceptual", {"distance": distance}
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
