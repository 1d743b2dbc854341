"""The one error table: every error class of every capability answers a documented status, never a 500 by
accident (STATIC_FIX once had no row, so a stage refusing static fixes answered 500)."""

from __future__ import annotations

import json

import pytest

import app  # noqa: F401  - imports every module, so every error class is defined
from chalicelib.api.errors import CHANGED_MEANWHILE, ERROR_BASES, STATUS_BY_CODE, exception_response
from chalicelib.errors import CheckinRefusedError, SmartError
from chalicelib.face.errors import LowQualityError
from chalicelib.geo.errors import StaticFixError, StoredCellsError
from chalicelib.messages import MESSAGES, REFUSAL_CODES
from chalicelib.store.base import ConditionFailed


def _tree(base: type[BaseException]) -> list[type[BaseException]]:
    found = [base]
    for sub in base.__subclasses__():
        found += _tree(sub)
    return found


ALL_ERRORS = sorted({cls for base in ERROR_BASES for cls in _tree(base)}, key=lambda c: c.__qualname__)


@pytest.mark.parametrize("cls", ALL_ERRORS, ids=lambda c: c.__qualname__)
def test_every_error_class_maps_to_a_status(cls: type[BaseException]) -> None:
    codes = REFUSAL_CODES if cls is CheckinRefusedError else (str(cls.code),)
    for code in codes:
        assert code in STATUS_BY_CODE, f"{cls.__qualname__}: code {code} has no row in STATUS_BY_CODE"


def test_walk_covers_every_tree() -> None:
    names = {cls.__name__ for cls in ALL_ERRORS}
    assert {"ValidationError", "ScheduleError", "NoFaceError", "StaticFixError", "SimpegConflictError"} <= names


def test_every_code_has_an_indonesian_message() -> None:
    assert set(STATUS_BY_CODE) <= set(MESSAGES)


def test_a_refused_static_fix_answers_422_with_its_code() -> None:
    response = exception_response(StaticFixError())
    body = json.loads(response.body)
    assert (response.status_code, body["error"]["code"]) == (422, "STATIC_FIX")
    assert body["error"]["message"]


def test_a_server_fault_answers_500_without_its_details() -> None:
    response = exception_response(StoredCellsError("sel rusak", {"zone_id": "z-1", "secret": "x"}))
    body = json.loads(response.body)
    assert (response.status_code, body["error"]["code"], body["error"]["details"]) == (500, "INTERNAL", {})


def test_a_conditional_write_no_use_case_answered_is_a_503_to_retry_never_500_or_409() -> None:
    # GIVEN a store's ConditionFailed that escaped its use case (a change made meanwhile that it did not expect)
    # WHEN it is answered, THEN it is 503 with Retry-After: asked again, the request reads the change and gets its
    # own answer (never 409, on which a phone settles a waiting capture as recorded)
    response = exception_response(ConditionFailed("dynamodb"))
    body = json.loads(response.body)
    assert (response.status_code, body["error"]["code"], response.headers["Retry-After"]) == (503, "UNAVAILABLE", "5")
    assert body["error"]["message"] == CHANGED_MEANWHILE and "coba lagi" in body["error"]["message"]


def test_an_application_error_keeps_its_message_and_details() -> None:
    response = exception_response(SmartError("x"))
    assert response.status_code == 500
    refused = exception_response(CheckinRefusedError("FACE_MISMATCH", details={"score": 0.1}))
    body = json.loads(refused.body)
    assert (refused.status_code, body["error"]["details"]) == (422, {"score": 0.1})


@pytest.mark.parametrize(
    "cls",
    [cls for cls in ALL_ERRORS if getattr(cls, "code", None) in REFUSAL_CODES and cls.__module__.endswith(".errors")],
    ids=lambda c: c.__qualname__,
)
def test_a_refusal_has_one_text_the_codes_in_messages(cls: type[BaseException]) -> None:
    """The face and geo packages cannot import chalicelib.messages: their refusals carry no words of their own
    (two copies drifted apart once), and the answer says the code's one text, the one the employee guide
    quotes. LOW_QUALITY without a known problem is the same; with one it gives advice (test_face_errors)."""
    assert getattr(cls, "default_message", "") is None
    error = LowQualityError(()) if cls is LowQualityError else cls()
    body = json.loads(exception_response(error).body)
    assert body["error"]["message"] == MESSAGES[str(getattr(cls, "code", ""))]
