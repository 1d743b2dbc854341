"""Quality measures and their refusal reasons, on synthetic faces with known properties."""

from __future__ import annotations

import numpy as np
import pytest

from chalicelib.face import QualityLimits
from chalicelib.face.detect import Detection
from chalicelib.face.quality import assess, laplacian_variance, sharpness_of, yaw_ratio

FRONTAL = ((70.0, 80.0), (130.0, 80.0), (100.0, 110.0), (75.0, 140.0), (125.0, 140.0))
LIMITS = QualityLimits()


def detection(width: float = 140.0, landmarks: tuple[tuple[float, float], ...] = FRONTAL) -> Detection:
    return Detection(box=(30.0, 30.0, 30.0 + width, 30.0 + width * 1.2), score=0.99, landmarks=landmarks)


def textured(mean: float, contrast: float = 40.0, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    noise = rng.normal(0.0, contrast, size=(240, 240, 1))
    return np.clip(np.repeat(mean + noise, 3, axis=2), 0, 255).astype(np.uint8)


def test_a_good_face_has_no_problems() -> None:
    report = assess(textured(120.0), detection(), LIMITS)
    assert report.ok and report.problems == ()


@pytest.mark.parametrize(
    ("image", "reason"),
    [
        (textured(10.0, 5.0), "too_dark"),
        (textured(250.0, 3.0), "too_bright"),
        (np.full((240, 240, 3), 120, np.uint8), "blurred"),
    ],
    ids=["dark", "bright", "flat"],
)
def test_bad_light_or_no_detail_is_reported(image: np.ndarray, reason: str) -> None:
    assert reason in assess(image, detection(), LIMITS).problems


def scaled(factor: float) -> tuple[tuple[float, float], ...]:
    return tuple((30 + (x - 30) * factor, 30 + (y - 30) * factor) for x, y in FRONTAL)


def test_a_small_face_is_reported() -> None:
    assert "face_too_small" in assess(textured(120.0), detection(25.0, scaled(0.18)), LIMITS, "verify").problems
    assert "face_too_small" in assess(textured(120.0), detection(25.0, scaled(0.18)), LIMITS, "enrol").problems


def test_a_check_in_face_too_small_to_enrol_is_still_scored() -> None:
    # GIVEN a 50-px face: under the enrolment floor (60), over the check-in floor (30)
    face = detection(50.0, scaled(50.0 / 140.0))
    # THEN it cannot become a template, but a check-in with it goes on to the score
    assert assess(textured(120.0), face, LIMITS, "enrol").problems == ("face_too_small",)
    assert assess(textured(120.0), face, LIMITS, "verify").ok
    # AND enrolment is the default, the stricter floor
    assert assess(textured(120.0), face, LIMITS).problems == ("face_too_small",)


def test_a_near_profile_is_reported() -> None:
    # The nose is well beyond the near side of the face.
    turned = ((70.0, 80.0), (130.0, 80.0), (50.0, 110.0), (75.0, 140.0), (125.0, 140.0))
    report = assess(textured(120.0), detection(landmarks=turned), LIMITS)
    assert report.problems == ("head_turned",)


def test_a_half_turned_head_is_not_refused() -> None:
    # A genuine selfie with the head half turned goes on to the score (and maybe to review).
    half = ((70.0, 80.0), (130.0, 80.0), (120.0, 110.0), (75.0, 140.0), (125.0, 140.0))
    assert assess(textured(120.0), detection(landmarks=half), LIMITS).ok


def test_yaw_ratio_goes_from_one_when_frontal_to_negative_beyond_the_side() -> None:
    assert yaw_ratio(FRONTAL) == pytest.approx(1.0)
    on_side = ((70.0, 80.0), (130.0, 80.0), (127.5, 110.0), (75.0, 140.0), (125.0, 140.0))
    assert yaw_ratio(on_side) == pytest.approx(0.0)
    beyond = ((70.0, 80.0), (130.0, 80.0), (140.0, 110.0), (75.0, 140.0), (125.0, 140.0))
    assert -1.0 <= yaw_ratio(beyond) < 0


def test_blur_lowers_laplacian_variance() -> None:
    sharp = textured(120.0)[:, :, 0].astype(np.float64)
    kernel = np.ones(5) / 5
    blurred = np.apply_along_axis(lambda r: np.convolve(r, kernel, "same"), 1, sharp)
    blurred = np.apply_along_axis(lambda c: np.convolve(c, kernel, "same"), 0, blurred)
    assert laplacian_variance(blurred) < laplacian_variance(sharp) / 10


def test_a_dim_face_is_not_called_blurred() -> None:
    # GIVEN the same texture at full and at a fifth of the light (a dim room)
    bright = textured(120.0, 40.0)[:, :, 0].astype(np.float64)
    dim = bright * 0.2
    # THEN its sharpness is the same: blur is about detail, not about light
    assert sharpness_of(dim) == pytest.approx(sharpness_of(bright), rel=0.05)
    assert not assess((np.repeat(dim[:, :, None], 3, axis=2)).astype(np.uint8), detection(), LIMITS).problems
