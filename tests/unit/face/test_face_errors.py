"""Every face error carries the stable API code and a details dict the client can read."""

from __future__ import annotations

import pytest

from chalicelib.face import errors
from chalicelib.messages import MESSAGES


@pytest.mark.parametrize(
    ("cls", "code"),
    [
        (errors.UnsupportedImageError, "UNSUPPORTED_IMAGE"),
        (errors.NoFaceError, "NO_FACE"),
        (errors.MultipleFacesError, "MULTIPLE_FACES"),
        (errors.ReplayedPhotoError, "REPLAYED_PHOTO"),
        (errors.ModelUnavailableError, "UNAVAILABLE"),
    ],
)
def test_each_error_has_its_code_and_leaves_the_words_to_its_code(cls: type[errors.FaceError], code: str) -> None:
    error = cls(details={"k": 1})
    assert isinstance(error, errors.FaceError)
    assert error.code == code
    assert error.details == {"k": 1}
    assert error.message is None and str(error) == code  # the answer says MESSAGES[code]
    assert cls("Kata-kata sendiri.").message == "Kata-kata sendiri."


def test_low_quality_lists_its_reasons() -> None:
    error = errors.LowQualityError(("too_dark", "blurred"), details={"quality": {"brightness": 12.0}})
    assert error.code == "LOW_QUALITY"
    assert error.details["reasons"] == ["too_dark", "blurred"]
    assert error.details["quality"] == {"brightness": 12.0}


def test_low_quality_says_what_to_change_for_each_problem() -> None:
    # GIVEN a selfie refused in dim light and blurred
    error = errors.LowQualityError(("too_dark", "blurred"))
    # THEN the message names both problems with what to do, in the order found
    assert str(error).startswith("Kualitas foto kurang baik.")
    dark, blur = str(error).index("terlalu gelap"), str(error).index("buram")
    assert dark < blur and "tempat yang lebih terang" in str(error)
    # AND every problem the quality check can report has advice
    assert set(errors.QUALITY_ADVICE) == {"face_too_small", "too_dark", "too_bright", "blurred", "head_turned"}


def test_a_face_too_bright_is_told_to_step_out_of_the_light_falling_on_it() -> None:
    # GIVEN a face washed out by the sun or a lamp shining on it (a lamp behind the head darkens it instead)
    advice = str(errors.LowQualityError(("too_bright",)))
    # THEN the advice names the light on the face, not a light behind the head (the too-dark case)
    assert "menyorot wajah" in advice and "belakang kepala" not in advice


def test_low_quality_without_a_known_problem_leaves_the_words_to_its_code() -> None:
    assert errors.LowQualityError(()).message is None
    assert errors.LowQualityError(("something_new",)).message is None


def test_no_face_in_a_dark_photo_says_the_code_s_first_words_and_the_dark_advice() -> None:
    error = errors.NoFaceError.too_dark(9.04)
    assert (error.code, error.details) == ("NO_FACE", {"reason": "too_dark", "brightness": 9.0})
    # the same opening as the code's one text (chalicelib.messages, which this package may not import)
    first = MESSAGES["NO_FACE"].split(". ")[0] + "."
    assert error.message == f"{first} {errors.QUALITY_ADVICE['too_dark']}"
