"""Face pipeline: decode → detect → quality → align → embed, plus replay checks.

Pure numpy/pillow/onnxruntime; imports nothing from the rest of SMART. Callers build one `FaceEngine`
per process from a `FaceConfig` and call `analyse(photo_bytes, purpose=...)`.
"""

from .config import DecodeLimits, DetectLimits, FaceConfig, Purpose, QualityLimits, ReplayLimits
from .decode import DecodedImage, decode_image
from .detect import Detection
from .engine import FaceEngine
from .errors import (
    DuplicateFaceError,
    FaceError,
    LowQualityError,
    ModelUnavailableError,
    MultipleFacesError,
    NoFaceError,
    ReplayedPhotoError,
    UnsupportedImageError,
)
from .replay import check_replay, exif_warning, fingerprint, hamming, phash
from .types import Decision, FaceAnalysis, PhotoFingerprint, QualityReport, Template, Vector, Verdict

__all__ = [
    "Decision",
    "DecodeLimits",
    "DecodedImage",
    "DetectLimits",
    "Detection",
    "DuplicateFaceError",
    "FaceAnalysis",
    "FaceConfig",
    "FaceEngine",
    "FaceError",
    "LowQualityError",
    "ModelUnavailableError",
    "MultipleFacesError",
    "NoFaceError",
    "PhotoFingerprint",
    "Purpose",
    "QualityLimits",
    "QualityReport",
    "ReplayLimits",
    "ReplayedPhotoError",
    "Template",
    "UnsupportedImageError",
    "Vector",
    "Verdict",
    "check_replay",
    "decode_image",
    "exif_warning",
    "fingerprint",
    "hamming",
    "phash",
]
