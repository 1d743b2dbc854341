"""Configuration of the face pipeline, passed in by the caller (the pipeline never reads the environment).

Defaults are the values measured on the development photos (see bench/face_RESULTS.md); a deployment
overrides them from its settings object.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Literal

Purpose = Literal["enrol", "verify"]


@dataclass(frozen=True)
class DecodeLimits:
    """Limits checked on the upload before (bytes, header) and after decoding."""

    max_bytes: int = 6 * 1024 * 1024
    # 24 MP covers phone cameras in their default mode; a larger header is refused before decoding.
    max_pixels: int = 24_000_000
    # A PNG is decoded at full size (no DCT scaling): 12 MP keeps the peak near 200 MB.
    max_png_pixels: int = 12_000_000
    max_side: int = 10_000
    min_side: int = 64
    # The decoded photo is shrunk so that its long side is at most this: the detector and the 150-px
    # embedding chip need no more, and memory stays bounded.
    work_max_side: int = 1280


@dataclass(frozen=True)
class DetectLimits:
    """MTCNN parameters (facenet-pytorch defaults) and the dominant-face rule."""

    thresholds: tuple[float, float, float] = (0.6, 0.7, 0.7)
    pyramid_factor: float = 0.709
    # Smallest face searched, as a fraction of the photo's short side, per purpose.
    min_face_ratio_verify: float = 1 / 5
    min_face_ratio_enrol: float = 1 / 8
    # Smallest face ever searched, in pixels of the working image (MTCNN's own floor is 12).
    min_face_px: int = 20
    # A second face is tolerated if the visible part of its box is under this fraction of the main face's
    # width, or if the detector is unsure it is a face at all (blurred passers-by behind the subject
    # score 0.72-0.85 on the dev photos; real second people ≥ 0.99).
    dominant_width_ratio: float = 0.7
    rival_min_score: float = 0.95
    # False only for evaluation on news/crowd photos (dev-asia): take the largest face, refuse none.
    refuse_multiple: bool = True


@dataclass(frozen=True)
class QualityLimits:
    """Limits under which a face is refused as LOW_QUALITY (measured on the face region)."""

    # Face width in pixels of the working image, per purpose. An enrolment photo is taken with care and
    # becomes the reference for years, so it must show the face large. A check-in from a cheap phone on a
    # weak connection may show it small: refusing it is a false reject, while scoring it lets an uncertain
    # match go to review. Measured (bench/face_degraded.py, bench/face_RESULTS.md): dev probes shrunk to
    # 320 px have faces down to 30.5 px, and those under 60 px matched (55 genuine pairs accepted, 2 to
    # review, 0 of 1,083 impostor pairs accepted); a 40-px floor still refused 4 of them (dev EER over all
    # probes 5.1 %, 0.32 % at 30).
    min_face_px_enrol: float = 60.0
    min_face_px_verify: float = 30.0
    # Mean grey level of the face. Measured: a dev photo darkened to 10 still matched at cosine 0.95
    # (0.97 undarkened), so only an almost black face is refused; a dim one goes to the score.
    min_brightness: float = 12.0
    max_brightness: float = 240.0
    # Mean grey level of the whole photo under which a photo where no face is found is called too dark (NO_FACE
    # then says to find light, not only to show the face). Measured (dev-asia, 106 photos scaled to 6-50 % of
    # their light): every one the detector missed was under 19, undarkened photos are 38-165 (one under 40).
    # Real dim selfies are noisier than scaled ones and lose their face sooner, hence the margin.
    min_photo_brightness: float = 40.0
    # quality.sharpness_of on the face at 112×112 (dev photos ≥ 9.1; a 320-px face blurred with
    # σ = 8 px gives 1.5 and still matched at 0.95, σ = 12 px gives 0.6 and 0.935).
    min_sharpness: float = 1.0
    # Smaller/larger nose-to-side distance (quality.yaw_ratio): 1 frontal, 0 nose on one side, < 0 beyond
    # it. Only near-profiles are refused: a turned genuine selfie should reach the score (dev photos: ≥ -0.05).
    min_yaw_ratio: float = -0.2

    def min_face_px(self, purpose: Purpose) -> float:
        """Smallest face width accepted for this purpose."""
        return self.min_face_px_enrol if purpose == "enrol" else self.min_face_px_verify


@dataclass(frozen=True)
class ReplayLimits:
    """How close a photo must be to an earlier one to count as the same photo sent again.

    Calibrated with bench/face_calibration.py (figures in bench/face_RESULTS.md): resized, recompressed,
    brightened or cropped copies vs different genuine photos of one person, on dev and dev-asia.
    """

    # Hamming distance of 64-bit DCT perceptual hashes. Copies: ≤ 4 (resize/recompress), ≤ 10
    # (brightened); different genuine photos: ≥ 16. Kept low because daily selfies taken at the same
    # spot share their background, which the whole-photo hash mostly sees.
    max_phash_distance: int = 6
    # face_similarity of the aligned faces (replay.face_chip): copies rotated, mirrored, cropped, resized and
    # recompressed vs different genuine photos of one person (bench/replay_RESULTS.md).
    min_face_similarity: float = 0.95
    # How many earlier photos, nearest by face hash (Hamming distance at most this), are compared face to face.
    candidates: int = 16
    max_face_hash_distance: int = 16
    # Cosine of L2-normalised embeddings, per model. Different genuine photos reached 0.988 (dlib) and
    # 0.901 (MobileFaceNet); copies (incl. 80 % crops) were ≥ 0.992 / 0.985 in 92-100 % of cases.
    min_embedding_cosine: dict[str, float] = field(
        default_factory=lambda: {"dlib_resnet_v1": 0.992, "mobilefacenet_fp": 0.985}
    )
    exif_max_skew: timedelta = timedelta(minutes=10)


@dataclass(frozen=True)
class FaceConfig:
    """Everything the face engine needs; `model_dir` holds the ONNX files built by `models/`."""

    model_dir: Path
    intra_op_threads: int = 1
    embedders: tuple[str, ...] = ("dlib_resnet_v1",)
    flip_average: bool = False
    # Models to run with onnxruntime's graph optimisations off. Measured here (bench/face_RESULTS.md):
    # on is faster for both embedders (MobileFaceNet 17.5 vs 22.5 ms CPU, dlib 9.3 vs 14 ms), so none.
    disable_graph_optimisation: tuple[str, ...] = ()
    # Score check-in selfies with the passive anti-spoof models (face/antispoof.py); off: no score, no cost.
    antispoof: bool = False
    decode: DecodeLimits = field(default_factory=DecodeLimits)
    detect: DetectLimits = field(default_factory=DetectLimits)
    quality: QualityLimits = field(default_factory=QualityLimits)
    replay: ReplayLimits = field(default_factory=ReplayLimits)

    def min_face_ratio(self, purpose: Purpose) -> float:
        """Smallest face searched for this purpose, as a fraction of the short side."""
        return self.detect.min_face_ratio_enrol if purpose == "enrol" else self.detect.min_face_ratio_verify
