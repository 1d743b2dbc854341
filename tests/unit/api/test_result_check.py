"""The functional tests' check of every answer against the result model its route declares."""

from __future__ import annotations

import pydantic
import pytest

from chalicelib.api import binding
from chalicelib.usecases.schemas.attendance import FaceDeleted, FaceQuality
from chalicelib.usecases.schemas.reports import RecapRun
from chalicelib.usecases.schemas.simpeg import RowError
from chalicelib.usecases.schemas.zones import Geometry


@pytest.fixture(autouse=True)
def checking(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(binding, "CHECK_RESULTS", True)


def test_an_answer_of_its_declared_model_passes() -> None:
    binding.check_result(FaceDeleted, FaceDeleted(template_id="t1", deleted=True))


def test_an_answer_with_a_key_its_model_does_not_declare_fails() -> None:
    class Wider(FaceDeleted):
        extra: int = 1

    with pytest.raises(AssertionError, match="FaceDeleted does not render"):
        binding.check_result(FaceDeleted, Wider(template_id="t1", deleted=True))


def test_an_answer_lacking_a_required_key_of_its_model_fails() -> None:
    with pytest.raises(pydantic.ValidationError):
        binding.check_result(RecapRun, FaceDeleted(template_id="t1", deleted=True))


def test_fields_absent_when_none_are_left_out_and_still_fit() -> None:
    assert binding.render(RowError(row=3, code="INVALID_NIP", message="x")) == {
        "row": 3,
        "code": "INVALID_NIP",
        "message": "x",
    }
    assert binding.render(FaceQuality()) == {}
    binding.check_result(RowError, RowError(row=3, code="INVALID_NIP", message="x", nip="1" * 18))
    binding.check_result(FaceQuality, FaceQuality(brightness=0.5))


@pytest.mark.parametrize(
    "stored",
    [
        {"circle": {"lat": -6.2, "lon": 106.8, "radius_m": 150.0}},
        {"polygon": [[-6.2, 106.8], [-6.21, 106.8], [-6.21, 106.81]]},
        {
            "polygon": [[-6.2, 106.8], [-6.21, 106.8], [-6.21, 106.81]],
            "holes": [[[-6.201, 106.801], [-6.202, 106.801], [-6.202, 106.802]]],
        },
    ],
)
def test_a_stored_zone_geometry_is_answered_as_stored(stored: dict[str, object]) -> None:
    assert binding.render(Geometry.model_validate(stored)) == stored
