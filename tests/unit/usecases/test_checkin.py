"""The check-in use case on the in-memory twins: its idempotency and the refusals before anything is judged.

A request's answer is kept under its client request id: a retry gets it again, another body under the same
id is a conflict, a request still in flight answers 503, and an attempt that fails before recording releases
its claim so that the retry runs again. The photo is a real one from ../shared/faces (only decoded here: the
refusals below come before the face is analysed).
"""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from chalicelib.attendance import challenges
from chalicelib.domain.attendance import Event
from chalicelib.domain.people import Employee, Principal
from chalicelib.errors import (
    AccountInactiveError,
    AlreadyRecordedError,
    ConflictError,
    DeviceMismatchError,
    UnavailableError,
)
from chalicelib.settings import build_settings
from chalicelib.store.base import iso
from chalicelib.store.events import CheckinWrite, StoredAnswer, new_event_id
from chalicelib.store.repositories import Repositories
from chalicelib.usecases import checkin
from chalicelib.usecases.schemas.attendance import CheckinBody
from tests.conftest import faces_dir

NIP = "198501012010011001"
PHONE = "android-0001-aaaa"
NOW = datetime(2026, 12, 3, 0, 30, tzinfo=UTC)  # 07:30 in Jakarta
SETTINGS = build_settings({})
STALE_S = checkin.STALE_CLAIM_S


@pytest.fixture
def employee(repos: Repositories) -> Principal:
    """An active employee of U1 with a bound phone, as their token names them."""
    repos.people.put_employee(Employee(NIP, "Asep Saepudin", "U1"))
    repos.people.bind_device(NIP, PHONE, "password-hash")
    return Principal(subject=NIP, role="employee", device_id=PHONE)


def request(request_id: str = "r-1", **changes: Any) -> tuple[CheckinBody, bytes]:
    """An arrival with a fresh challenge and a real photo: the typed body and the raw request."""
    photo = (faces_dir("dev") / "deepface" / "img2.jpg").read_bytes()
    challenge = challenges.issue(NIP, PHONE, NOW, SETTINGS.challenge_ttl_s, SETTINGS.token_secret)
    body: dict[str, Any] = {
        "type": "in",
        "client_request_id": request_id,
        "challenge_id": challenge.challenge_id,
        "latitude": -6.8468,
        "longitude": 107.4857,
        "accuracy_m": 12.0,
        "photo": base64.b64encode(photo).decode(),
        **changes,
    }
    return CheckinBody.model_validate(body), json.dumps(body).encode()


def claim(repos: Repositories, raw: bytes, request_id: str = "r-1") -> StoredAnswer | str | None:
    """What claiming the request again says now: None when it was free (released or never claimed)."""
    return repos.events.claim_request(f"{NIP}#{request_id}", hashlib.sha256(raw).hexdigest(), NOW, STALE_S)


def answered(repos: Repositories, raw: bytes, answer: StoredAnswer, request_id: str = "r-1") -> None:
    """Record `answer` as the one a first attempt of the request gave."""
    assert claim(repos, raw, request_id) is None
    arrival = Event(new_event_id(NIP, NOW), NIP, "in", "accepted", iso(NOW), iso(NOW), "2026-12-03", "U1")
    key, fingerprint = f"{NIP}#{request_id}", hashlib.sha256(raw).hexdigest()
    repos.events.write_checkin(CheckinWrite(arrival, key, fingerprint, answer, NOW, first_arrival=True))


def test_a_retry_gets_the_first_answer_again(repos: Repositories, employee: Principal) -> None:
    # GIVEN a request answered by its first attempt
    body, raw = request()
    answered(repos, raw, StoredAnswer(201, {"event_id": "e-1", "status": "accepted"}))
    # WHEN the phone sends it again (even after the challenge expired)
    later = NOW + timedelta(hours=1)
    answer = checkin.check_in(employee, body, raw, SETTINGS, later)
    # THEN it gets the same answer, and nothing more is recorded
    assert answer == checkin.Answer(201, {"event_id": "e-1", "status": "accepted"})
    assert len(repos.events.events_between(NIP, NOW - timedelta(days=1), later)) == 1


def test_another_body_under_a_used_request_id_is_a_conflict(repos: Repositories, employee: Principal) -> None:
    # GIVEN a request answered by its first attempt
    _, raw = request()
    answered(repos, raw, StoredAnswer(201, {"event_id": "e-1"}))
    # WHEN another check-in is sent under the same client request id, THEN it is refused as a conflict
    body, other = request(latitude=-6.9)
    with pytest.raises(ConflictError):
        checkin.check_in(employee, body, other, SETTINGS, NOW)


def test_a_request_still_in_flight_answers_unavailable(
    repos: Repositories, employee: Principal, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN an attempt of the request in progress (claimed, not answered)
    body, raw = request()
    assert claim(repos, raw) is None
    monkeypatch.setattr(checkin, "IN_FLIGHT_WAIT_S", 0.5)
    # WHEN the same request comes again and no answer arrives while it waits, THEN the phone retries later
    with pytest.raises(UnavailableError) as refused:
        checkin.check_in(employee, body, raw, SETTINGS, NOW)
    assert refused.value.details == {"in_flight": True}
    assert claim(repos, raw) == "in_progress"


def test_a_phone_other_than_the_bound_one_is_refused_and_the_claim_released(
    repos: Repositories, employee: Principal
) -> None:
    # GIVEN a token naming another phone than the bound one
    body, raw = request()
    stranger = Principal(subject=NIP, role="employee", device_id="android-9999-zzzz")
    # WHEN it checks in, THEN it is refused, nothing is recorded and the request id is free again
    with pytest.raises(DeviceMismatchError):
        checkin.check_in(stranger, body, raw, SETTINGS, NOW)
    assert repos.events.events_between(NIP, NOW - timedelta(days=1), NOW + timedelta(days=1)) == []
    assert claim(repos, raw) is None


def test_an_inactive_employee_is_refused(repos: Repositories, employee: Principal) -> None:
    # GIVEN an employee made inactive by the HR import
    repos.people.put_employee(Employee(NIP, "Asep Saepudin", "U1", active=False))
    body, raw = request()
    # WHEN they check in, THEN the account is refused and the request id is free again
    with pytest.raises(AccountInactiveError):
        checkin.check_in(employee, body, raw, SETTINGS, NOW)
    assert claim(repos, raw) is None


def test_a_second_arrival_of_the_day_shows_the_first(repos: Repositories, employee: Principal) -> None:
    # GIVEN the day's arrival recorded an hour ago by another request
    earlier = NOW - timedelta(hours=1)
    first = Event(new_event_id(NIP, earlier), NIP, "in", "accepted", iso(earlier), iso(earlier), "2026-12-03", "U1",
                  warnings=(), answer={"late_minutes": 0, "category": None})  # fmt: skip
    repos.events.write_checkin(
        CheckinWrite(first, f"{NIP}#r-0", "body-0", StoredAnswer(201, {}), earlier, first_arrival=True)
    )
    body, raw = request()
    # WHEN another arrival comes with a valid challenge
    with pytest.raises(AlreadyRecordedError) as refused:
        checkin.check_in(employee, body, raw, SETTINGS, NOW)
    # THEN it is refused with the first arrival, nothing more is recorded, and its request id is free again
    assert refused.value.details["first_event"]["event_id"] == first.event_id
    assert repos.events.events_between(NIP, earlier, NOW + timedelta(days=1)) == [first]
    assert claim(repos, raw) is None
