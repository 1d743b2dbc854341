"""Errors of the face pipeline.

Every error that can reach a client carries a stable `code` (see API.md) and a `details` dict; the HTTP
mapping is done once, elsewhere, from `code`. What the employee reads is the code's text in chalicelib.messages
(this package may not import it); an error raised with words of its own (LOW_QUALITY's advice) says those.

    FaceError
    ├── UnsupportedImageError   UNSUPPORTED_IMAGE  not a JPEG/PNG, too big, truncated or hostile
    ├── NoFaceError             NO_FACE            details["reason"] too_dark when the photo is very dark
    ├── MultipleFacesError      MULTIPLE_FACES     two or more faces of similar size
    ├── LowQualityError         LOW_QUALITY        details["reasons"]: face_too_small, too_dark, ...
    ├── ReplayedPhotoError      REPLAYED_PHOTO     same photo (or a copy of it) sent before
    ├── DuplicateFaceError      DUPLICATE_FACE     the face is another employee's (never named)
    └── ModelUnavailableError   UNAVAILABLE        model files missing or corrupt
"""

from __future__ import annotations

from collections.abc import Mapping

from chalicelib.errors import CodedError


class FaceError(CodedError):
    """Base class of every face pipeline error."""


class UnsupportedImageError(FaceError, code="UNSUPPORTED_IMAGE"):
    """The upload is not a JPEG/PNG image the pipeline accepts."""


class NoFaceError(FaceError, code="NO_FACE"):
    """No face was found in the photo."""

    @classmethod
    def too_dark(cls, brightness: float) -> NoFaceError:
        """No face found in a photo this dark: the detector's usual miss in a dim room, so the employee is told
        to find light (the code's own text only asks to show the face, which they did)."""
        message = f"Wajah tidak terdeteksi. {QUALITY_ADVICE['too_dark']}"
        return cls(message, {"reason": "too_dark", "brightness": round(brightness, 1)})


class MultipleFacesError(FaceError, code="MULTIPLE_FACES"):
    """More than one face of similar size is in the photo."""


# What to do about each problem of chalicelib.face.quality (dim light is the usual one at a rural school).
QUALITY_ADVICE = {
    "too_dark": "Foto terlalu gelap: hadapkan wajah ke arah cahaya atau pindah ke tempat yang lebih terang.",
    "too_bright": "Foto terlalu terang: hindari cahaya matahari atau lampu yang langsung menyorot wajah, misalnya"
    " dengan pindah ke tempat teduh.",
    "blurred": "Foto buram: tahan ponsel tetap diam dan bersihkan lensa kamera.",
    "face_too_small": "Wajah terlalu kecil: dekatkan ponsel ke wajah.",
    "head_turned": "Wajah tidak menghadap kamera: lihat lurus ke kamera.",
}


def quality_advice(reasons: tuple[str, ...]) -> str | None:
    """The message of a LOW_QUALITY refusal that says what to change; None (the default) for no known problem."""
    advice = [QUALITY_ADVICE[r] for r in reasons if r in QUALITY_ADVICE]
    return " ".join(["Kualitas foto kurang baik.", *advice, "Lalu coba lagi."]) if advice else None


class LowQualityError(FaceError, code="LOW_QUALITY"):
    """The face is too small, too dark/bright, blurred or turned away."""

    def __init__(self, reasons: tuple[str, ...], details: Mapping[str, object] | None = None) -> None:
        merged: dict[str, object] = {"reasons": list(reasons), **(details or {})}
        super().__init__(quality_advice(reasons), merged)
        self.reasons = reasons


class ReplayedPhotoError(FaceError, code="REPLAYED_PHOTO"):
    """The photo (or a resized/recompressed copy of it) was already sent before."""


class DuplicateFaceError(FaceError, code="DUPLICATE_FACE"):
    """The face matches another active employee's approved template; details never name them."""


class ModelUnavailableError(FaceError, code="UNAVAILABLE"):
    """A face model file is missing or cannot be loaded."""
