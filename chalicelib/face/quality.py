"""Is the detected face good enough to compare? Measured on the face region only.

The limits are deliberately loose: a genuine selfie in a dim classroom must still be scored (and go to
review if its score is borderline), so only faces that cannot be compared meaningfully are refused here.
Sharpness is measured on the face resized to a fixed size, relative to its contrast, so that it depends
neither on the photo's size nor on its brightness.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from PIL import Image

from .config import Purpose, QualityLimits
from .detect import Detection
from .types import QualityReport

_SHARPNESS_SIZE = 112
# Rec. 601 luma weights.
_LUMA = np.array([0.299, 0.587, 0.114], dtype=np.float64)


def assess(
    rgb: npt.NDArray[np.uint8], face: Detection, limits: QualityLimits, purpose: Purpose = "enrol"
) -> QualityReport:
    """Measure the face and list the reasons (if any) for refusing it for this purpose.

    Only the face-size floor depends on the purpose; the default is the stricter enrolment one.
    """
    grey = _face_grey(rgb, face)
    width = face.width
    brightness = float(grey.mean()) if grey.size else 0.0
    sharpness = sharpness_of(_resized(grey, _SHARPNESS_SIZE)) if grey.size else 0.0
    yaw = yaw_ratio(face.landmarks)
    problems: list[str] = []
    if width < limits.min_face_px(purpose):
        problems.append("face_too_small")
    if brightness < limits.min_brightness:
        problems.append("too_dark")
    if brightness > limits.max_brightness:
        problems.append("too_bright")
    if sharpness < limits.min_sharpness:
        problems.append("blurred")
    if yaw < limits.min_yaw_ratio:
        problems.append("head_turned")
    return QualityReport(
        face_width_px=width, brightness=brightness, sharpness=sharpness, yaw_ratio=yaw, problems=tuple(problems)
    )


def photo_brightness(rgb: npt.NDArray[np.uint8]) -> float:
    """Mean grey level (Rec. 601 luma) of the whole photo: why no face was found when it is very low."""
    return float((rgb.astype(np.float64) @ _LUMA).mean()) if rgb.size else 0.0


def _face_grey(rgb: npt.NDArray[np.uint8], face: Detection) -> npt.NDArray[np.float64]:
    """Greyscale of the central part of the face box (hair and background left out)."""
    x1, y1, x2, y2 = face.box
    margin_x, margin_y = 0.15 * (x2 - x1), 0.1 * (y2 - y1)
    h, w = rgb.shape[:2]
    left, right = max(0, int(x1 + margin_x)), min(w, int(x2 - margin_x))
    top, bottom = max(0, int(y1 + margin_y)), min(h, int(y2 - margin_y))
    if right <= left or bottom <= top:
        return np.zeros((0, 0), dtype=np.float64)
    return rgb[top:bottom, left:right].astype(np.float64) @ _LUMA


def _resized(grey: npt.NDArray[np.float64], size: int) -> npt.NDArray[np.float64]:
    img = Image.fromarray(grey.astype(np.float32), mode="F")
    return np.asarray(img.resize((size, size), Image.Resampling.BILINEAR), dtype=np.float64)


def laplacian_variance(grey: npt.NDArray[np.float64]) -> float:
    """Variance of the 4-neighbour Laplacian: low when the image has no fine detail (blur)."""
    if grey.shape[0] < 3 or grey.shape[1] < 3:
        return 0.0
    lap = grey[:-2, 1:-1] + grey[2:, 1:-1] + grey[1:-1, :-2] + grey[1:-1, 2:] - 4.0 * grey[1:-1, 1:-1]
    return float(lap.var())


def sharpness_of(grey: npt.NDArray[np.float64]) -> float:
    """Laplacian variance relative to the image's own contrast (×1000).

    Dividing by the grey-level variance makes a dim but sharp face score like a bright one: a dark
    selfie must not be called blurred just because all its differences are small.
    """
    return 1000.0 * laplacian_variance(grey) / max(float(grey.var()), 1.0)


def yaw_ratio(landmarks: tuple[tuple[float, float], ...]) -> float:
    """How centred the nose is between the two sides of the face: 1 = frontal, 0 = nose on one side.

    Each side is the mean x of that side's eye and mouth corner; the ratio is the smaller nose-to-side
    distance over the larger. It goes negative (down to -1) when the nose is beyond the far side, as in a
    near-profile view.
    """
    (lex, _), (rex, _), (nx, _), (lmx, _), (rmx, _) = landmarks
    left = nx - (lex + lmx) / 2
    right = (rex + rmx) / 2 - nx
    largest = max(left, right)
    if largest <= 0:
        return -1.0
    return max(-1.0, min(left, right) / largest)
