"""Every face error carries the stable API code and a details dict the client can read."""

from __future__ import annotations

import pytest

from chalicelib.face import errors


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
def test_each_error_has_its_code_and_an_indonesian_message(cls: type[errors.FaceError], code: str) -> None:
    error = cls(details={"k": 1})
    assert isinstance(error, errors.FaceError)
    assert error.code == code
    assert error.details == {"k": 1}
    assert str(error) == cls.default_message


def test_low_quality_lists_its_reasons() -> None:
    error = errors.LowQualityError(("too_dark", "blurred"), details={"quality": {"brightness": 12.0}})
    assert error.code == "LOW_QUALITY"
    assert error.details["reasons"] == ["too_dark", "blurred"]
    assert error.details["quality"] == {"brightness": 12.0}
