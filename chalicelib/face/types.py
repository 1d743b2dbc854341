"""Plain data passed between the face pipeline's parts and its callers.

Kept in one module so that the pipeline (decode/detect/align/embed), the scoring (normalisation, fusion,
decision) and the application layer agree on one vocabulary without importing each other's internals.
Vectors are float32 numpy arrays, L2-normalised, keyed by model id (e.g. "dlib_resnet_v1").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

import numpy as np
import numpy.typing as npt

Vector = npt.NDArray[np.float32]
Decision = Literal["accept", "review", "reject"]


@dataclass(frozen=True)
class QualityReport:
    """Measured quality of the dominant face; `problems` lists reason codes (empty = good)."""

    face_width_px: float
    brightness: float
    sharpness: float
    yaw_ratio: float
    problems: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class PhotoFingerprint:
    """What must be remembered of an earlier photo to recognise it when it is sent again.

    `face_chip` is the aligned face (face/replay.py `face_chip`, grey uint8 bytes) and `face_hash` its
    mirror-invariant 64-bit hash, by which the history is searched; both empty for fingerprints stored
    before they existed.
    """

    sha256: str
    phash: int
    embeddings: Mapping[str, Vector] = field(default_factory=dict)
    face_chip: bytes = b""
    face_hash: int | None = None


@dataclass(frozen=True)
class FaceAnalysis:
    """Everything the pipeline learned from one photo with exactly one dominant face."""

    embeddings: Mapping[str, Vector]
    box: tuple[float, float, float, float]
    landmarks: tuple[tuple[float, float], ...]
    quality: QualityReport
    fingerprint: PhotoFingerprint
    width: int
    height: int
    exif_datetime: datetime | None = None
    # 1 − mean P(real face) of the anti-spoof models (face/antispoof.py); None when they did not run.
    spoof_score: float | None = None


@dataclass(frozen=True)
class Template:
    """One enrolled reference of an employee: one vector per model that made it."""

    template_id: str
    embeddings: Mapping[str, Vector]


@dataclass(frozen=True)
class Verdict:
    """Outcome of comparing a probe with an employee's templates."""

    score: float
    decision: Decision
    accept_threshold: float
    review_threshold: float
    raw_scores: Mapping[str, float] = field(default_factory=dict)
    normalised: bool = False
