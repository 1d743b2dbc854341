"""Typed boundaries: use cases know nothing of HTTP, and the HTTP layer names fields as the API promises."""

from __future__ import annotations

import re
from pathlib import Path

import pydantic
import pytest

from chalicelib.api.binding import parse
from chalicelib.errors import ValidationError
from chalicelib.usecases.schemas.calendar import LeaveRequest
from chalicelib.usecases.schemas.zones import AssignmentRequest, CreateZoneRequest

USECASES = Path(__file__).resolve().parents[3] / "chalicelib" / "usecases"
HTTP_IMPORT = re.compile(r"^\s*(from|import)\s+chalicelib\.api\b|^\s*from\s+chalicelib\s+import\s+.*\bapi\b", re.M)


def test_no_use_case_module_imports_the_http_layer() -> None:
    modules = sorted(USECASES.rglob("*.py"))
    offenders = [str(p.relative_to(USECASES)) for p in modules if HTTP_IMPORT.search(p.read_text())]
    assert offenders == [], "use cases must not import chalicelib.api (typed requests come in as models)"


def parse_error(model: type[pydantic.BaseModel], data: dict[str, object]) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        parse(model, data)
    return caught.value


def details_of(model: type[pydantic.BaseModel], data: dict[str, object]) -> dict[str, object]:
    return parse_error(model, data).details


def test_nested_fields_are_dotted_and_list_positions_left_out() -> None:
    zone = details_of(CreateZoneRequest, {"name": "x", "circle": {"lat": 1, "lon": 2, "radius_m": "9"}})
    assert list(zone) == ["circle.radius_m"]
    duty = {
        "nips": ["1" * 18, "12"],
        "start_date": "2026-01-01",
        "end_date": "2026-01-02",
        "letter_no": "1",
        "reason": "r",
        "circle": {"lat": 1, "lon": 2, "radius_m": 9},
    }
    assert details_of(AssignmentRequest, duty) == {"nips": "must be 18 digits"}


def test_first_problem_gives_the_message_and_missing_fields_say_required() -> None:
    error = parse_error(LeaveRequest, {"nip": "1" * 18, "type": "CUTI", "start_date": "2026-01-01", "reason": 5})
    assert error.details == {"end_date": "must be a date YYYY-MM-DD", "reason": "must be a non-empty string"}
    assert error.message == "Kolom 'end_date' tidak valid."  # a missing date is answered as a wrong one, as before
    plain = parse_error(CreateZoneRequest, {"circle": {"lat": 1, "lon": 2, "radius_m": 3}})
    assert (plain.details, plain.message) == ({"name": "required"}, "Kolom 'name' wajib diisi.")
    nip = parse_error(LeaveRequest, {"type": "CUTI", "start_date": "2026-01-01", "end_date": "2026-01-02"})
    assert (nip.details, nip.message) == ({"nip": "must be 18 digits"}, "NIP harus 18 digit angka.")


def test_problems_keep_the_words_of_the_hand_written_checks() -> None:
    base = {"nip": "1" * 18, "type": "CUTI", "start_date": "2026-01-01", "end_date": "2026-01-02"}
    assert parse_error(LeaveRequest, {**base, "reason": "x" * 501}).details == {"reason": "at most 500 characters"}
    assert parse_error(LeaveRequest, {**base, "type": "X"}).details == {"type": "must be one of CUTI, IZIN, SAKIT"}
    zone = {"name": "x", "polygon": "nope"}
    assert parse_error(CreateZoneRequest, zone).details == {"polygon": "bad_format"}


def test_strict_types() -> None:
    base = {"nip": "1" * 18, "type": "CUTI", "start_date": "2026-01-01", "end_date": "2026-01-02"}
    assert LeaveRequest.model_validate(base).reason is None
    assert list(details_of(LeaveRequest, {**base, "reason": 5})) == ["reason"]
    assert list(details_of(LeaveRequest, {**base, "nip": 198501012010011001})) == ["nip"]
    assert LeaveRequest.model_validate({**base, "reason": "  cuti  "}).reason == "cuti"
