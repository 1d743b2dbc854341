"""What a refused check-in keeps of its photo, on the in-memory twins with the real face engine and real photos.

The photo bucket is locked (Object Lock: nobody can delete an object before the retention ends). API.md keeps
a refused attempt with its photo for audit, so a refusal keeps the photo when it is one (an image that decodes),
whatever the code; an upload that is no image is kept as no photo, and at most `REFUSED_PHOTOS_PER_DAY` photos of
one employee's refusals are kept per day. Every refusal is still recorded, with the code API.md names.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from chalicelib import runtime
from chalicelib.attendance import challenges
from chalicelib.domain.people import Principal
from chalicelib.settings import Settings
from chalicelib.store.memory.photos import InMemoryPhotoStore
from chalicelib.store.repositories import Repositories
from chalicelib.usecases import checkin, me
from chalicelib.usecases.schemas.attendance import MyEventsQuery
from tests.functional.checkin_setup import OUTSIDE, picture, selfie

from .admin_fixtures import audited
from .test_checkin import (
    ACTION,
    GENUINE,
    NIP,
    NOW,
    PHONE,
    SETTINGS,
    employee,
    enrolled,
    recorded_events,
    rendered,
    request,
)

__all__ = ["audited", "employee", "enrolled"]  # fixtures of test_checkin this module uses

IMPOSTOR = "deepface/img13.jpg"  # another person than the enrolled one
CHECKIN_PHOTOS = "photos/checkin/"


def junk(i: int) -> bytes:
    """Bytes that are no image, different each time (an insider filling the bucket)."""
    return b"\x00not a photo " * 500 + str(i).encode()


def stored_checkin_photos(settings: Settings) -> list[str]:
    store = runtime.photos(settings)
    assert isinstance(store, InMemoryPhotoStore)
    return store.keys(CHECKIN_PHOTOS)


def expired_challenge() -> str:
    """A challenge asked an hour ago: long expired."""
    asked = NOW - timedelta(hours=1)
    return challenges.issue(
        NIP, PHONE, asked, SETTINGS.challenge_ttl_s, SETTINGS.token_secret, action=ACTION
    ).challenge_id


NO_FRAUD_SAID = [
    pytest.param({"challenge_id": "expired"}, "CHALLENGE_INVALID", id="expired challenge"),
    pytest.param({"challenge_id": "x" * 40}, "CHALLENGE_INVALID", id="malformed challenge"),
    pytest.param({"accuracy_m": 900.0}, "GPS_INACCURATE", id="position too vague"),
    pytest.param({"frames": None}, "LIVENESS_REQUIRED", id="no liveness frames"),
]
FRAUD_SAID = [
    pytest.param({"latitude": OUTSIDE[0], "longitude": OUTSIDE[1]}, "OUTSIDE_ZONE", id="outside the zone"),
    pytest.param({"mock_location": True}, "MOCK_LOCATION", id="fake GPS"),
]


def refused(employee: Principal, settings: Settings, request_id: str, photo: bytes, **changes: Any) -> str:
    """Send one check-in that is refused; its code."""
    if changes.get("challenge_id") == "expired":
        changes["challenge_id"] = expired_challenge()
    body, raw = request(request_id, photo=photo, **changes)
    answer = checkin.check_in(employee, body, raw, settings, NOW)
    assert answer.status_code == 422, answer.body
    return str(rendered(answer)["error"]["code"])


@pytest.mark.parametrize(("changes", "code"), [*NO_FRAUD_SAID, *FRAUD_SAID])
def test_junk_bytes_refused_fifty_times_leave_nothing_in_the_locked_bucket(
    repos: Repositories, employee: Principal, enrolled: Settings, changes: dict[str, Any], code: str
) -> None:
    # GIVEN an insider with a session of an enrolled employee
    # WHEN they send 50 check-ins that are refused, each with other bytes that are no image
    codes = {refused(employee, enrolled, f"junk-{i}", junk(i), **changes) for i in range(50)}
    # THEN each is refused with the code API.md names, and recorded as an attempt
    assert codes == {code}
    events = recorded_events(repos)
    assert len(events) == 50 and {(e.status, e.reasons) for e in events} == {("refused", (code,))}
    # AND not one of the uploads is stored in the photo bucket, where nobody could delete it
    assert stored_checkin_photos(enrolled) == []
    assert {e.photo_key for e in events} == {None}


@pytest.mark.parametrize(("changes", "code"), NO_FRAUD_SAID)
def test_a_real_selfie_refused_before_its_face_was_judged_is_still_kept_for_audit(
    repos: Repositories, employee: Principal, enrolled: Settings, changes: dict[str, Any], code: str
) -> None:
    # GIVEN an employee whose check-in is refused for a malformed or expired challenge, a vague position or missing
    # frames: their photo was never judged, but it is a photo (a challenge lost to a request sent at once with it
    # is how a parallel attack shows)
    sent = selfie(GENUINE)
    assert refused(employee, enrolled, "r-1", sent, **changes) == code
    # THEN the attempt is recorded with it, as API.md says
    [event] = recorded_events(repos)
    assert event.status == "refused" and event.photo_key is not None
    assert runtime.photos(enrolled).get(event.photo_key) == sent


@pytest.mark.parametrize(
    "case",
    [
        pytest.param((IMPOSTOR, {}, "FACE_MISMATCH"), id="another person's face"),
        pytest.param((GENUINE, {"latitude": OUTSIDE[0], "longitude": OUTSIDE[1]}, "OUTSIDE_ZONE"), id="from home"),
        pytest.param((GENUINE, {"mock_location": True}, "MOCK_LOCATION"), id="fake GPS"),
    ],
)
def test_a_photo_refused_for_a_fraud_reason_is_kept_as_evidence(
    repos: Repositories, employee: Principal, enrolled: Settings, case: tuple[str, dict[str, Any], str]
) -> None:
    # GIVEN a real photo refused for what it or its position says of the person
    photo, changes, code = case
    sent = selfie(photo)
    assert refused(employee, enrolled, "r-1", sent, **changes) == code
    # THEN it is kept with the attempt, for the admins of Percobaan Ditolak
    [event] = recorded_events(repos)
    assert event.photo_key is not None and runtime.photos(enrolled).get(event.photo_key) == sent


def test_photos_of_one_employee_s_refusals_are_capped_per_day(
    repos: Repositories, employee: Principal, enrolled: Settings
) -> None:
    # GIVEN an insider sending 50 check-ins from outside the zone, each with another picture that decodes
    away = {"latitude": OUTSIDE[0], "longitude": OUTSIDE[1]}
    codes = {refused(employee, enrolled, f"pic-{i}", picture(i), **away) for i in range(50)}
    # THEN every one is refused as OUTSIDE_ZONE and recorded as an attempt
    assert codes == {"OUTSIDE_ZONE"}
    events = recorded_events(repos)
    assert len(events) == 50 and {e.reasons for e in events} == {("OUTSIDE_ZONE",)}
    # AND only the day's first REFUSED_PHOTOS_PER_DAY photos are stored; the later attempts are kept without one
    cap = checkin.REFUSED_PHOTOS_PER_DAY
    assert len(stored_checkin_photos(enrolled)) == cap
    assert len([e for e in events if e.photo_key is not None]) == cap
    # AND the next day the employee's refusals keep their photos again
    tomorrow = NOW + timedelta(days=1)
    asked = challenges.issue(NIP, PHONE, tomorrow, SETTINGS.challenge_ttl_s, SETTINGS.token_secret, action=ACTION)
    body, raw = request("next-day", photo=picture(99), challenge_id=asked.challenge_id, **away)
    answer = checkin.check_in(employee, body, raw, enrolled, tomorrow)
    assert answer.status_code == 422 and rendered(answer)["error"]["code"] == "OUTSIDE_ZONE"
    assert len(stored_checkin_photos(enrolled)) == cap + 1


def impostor_kept_with_photo(repos: Repositories, employee: Principal, settings: Settings) -> None:
    """A colleague's face tried on the employee's account is refused FACE_MISMATCH and recorded with its photo:
    the evidence of who stood in front of the camera."""
    assert refused(employee, settings, "impostor", selfie(IMPOSTOR)) == "FACE_MISMATCH"
    [mismatch] = [e for e in recorded_events(repos) if e.reasons == ("FACE_MISMATCH",)]
    assert mismatch.photo_key is not None and runtime.photos(settings).get(mismatch.photo_key) == selfie(IMPOSTOR)


def test_pictures_spent_on_the_cap_do_not_hide_a_face_refused_later_that_day(
    repos: Repositories, employee: Principal, enrolled: Settings
) -> None:
    # GIVEN an insider who first spends the day's cap on pictures without a face, sent from outside the zone
    away = {"latitude": OUTSIDE[0], "longitude": OUTSIDE[1]}
    for i in range(checkin.REFUSED_PHOTOS_PER_DAY):
        assert refused(employee, enrolled, f"pic-{i}", picture(i), **away) == "OUTSIDE_ZONE"
    # WHEN a colleague's face is then tried on the employee's account, THEN that attempt still keeps its photo
    impostor_kept_with_photo(repos, employee, enrolled)


def test_the_employee_s_own_list_tells_no_score_of_a_face_refused(
    repos: Repositories, employee: Principal, enrolled: Settings
) -> None:
    # GIVEN an insider with the employee's session trying a colleague's photo: the refusal tells no score (decision
    # 349), so that the photo cannot be stepped towards the threshold
    assert refused(employee, enrolled, "impostor", selfie(IMPOSTOR)) == "FACE_MISMATCH"
    # WHEN they read the employee's own events
    [item] = me.my_events(employee, MyEventsQuery(), enrolled, NOW).items
    # THEN the refusal is listed, without its score either
    assert item.status == "refused" and item.reasons == ["FACE_MISMATCH"]
    assert item.face is None
    # AND the admins still see it on the stored attempt
    [event] = recorded_events(repos)
    assert event.face_score is not None and event.face_threshold is not None


def test_refused_attempts_of_one_employee_are_kept_up_to_a_daily_cap(
    repos: Repositories, employee: Principal, enrolled: Settings
) -> None:
    # GIVEN an insider with an employee's session sending a flood of cheap check-ins refused before anything is
    # judged (any challenge id, bytes that are no photo): each would be a row nobody may delete, read again by the
    # unit's day (monitor, recap, Percobaan Ditolak) and by every check-in of the employee for 30 days
    cap = checkin.REFUSED_ATTEMPTS_PER_DAY
    sent = [request(f"flood-{i}", photo=junk(i), challenge_id="x" * 40) for i in range(cap + 10)]
    answers = [checkin.check_in(employee, body, raw, enrolled, NOW) for body, raw in sent]
    # THEN every one is still answered with its refusal code, as API.md names it
    assert {(a.status_code, rendered(a)["error"]["code"]) for a in answers} == {(422, "CHALLENGE_INVALID")}
    # AND only the day's first REFUSED_ATTEMPTS_PER_DAY are recorded as attempts
    events = recorded_events(repos)
    assert len(events) == cap and {e.reasons for e in events} == {("CHALLENGE_INVALID",)}
    # AND a retry of a refusal beyond the cap gets its first answer again, and records nothing
    body, raw = sent[-1]
    again = checkin.check_in(employee, body, raw, enrolled, NOW + timedelta(seconds=5))
    assert rendered(again) == rendered(answers[-1])
    assert len(recorded_events(repos)) == cap


def test_a_flood_of_cheap_refusals_does_not_hide_a_face_refused_later_that_day(
    repos: Repositories, employee: Principal, enrolled: Settings
) -> None:
    # GIVEN an insider who first spends the day's cap of attempts on check-ins refused before a face was judged
    for i in range(checkin.REFUSED_ATTEMPTS_PER_DAY + 1):
        assert refused(employee, enrolled, f"flood-{i}", junk(i), challenge_id="x" * 40) == "CHALLENGE_INVALID"
    # WHEN a colleague's face is then tried on the employee's account, THEN that attempt is still recorded
    impostor_kept_with_photo(repos, employee, enrolled)


def test_a_flood_of_cheap_refusals_does_not_hide_a_position_refused_later_that_day(
    repos: Repositories, employee: Principal, enrolled: Settings
) -> None:
    # GIVEN an insider who first spends the day's cap of attempts on check-outs refused before anything was judged
    for i in range(checkin.REFUSED_ATTEMPTS_PER_DAY + 1):
        assert refused(employee, enrolled, f"flood-{i}", junk(i), challenge_id="x" * 40, type="out") == (
            "CHALLENGE_INVALID"
        )
    # WHEN the employee then checks in from home, with a challenge SMART issued
    away = {"latitude": OUTSIDE[0], "longitude": OUTSIDE[1]}
    assert refused(employee, enrolled, "from-home", selfie(GENUINE), **away) == "OUTSIDE_ZONE"
    # THEN that refusal is still recorded (it flags an offline capture of the day sent after it, and is travel
    # evidence), with its photo
    [outside] = [e for e in recorded_events(repos) if e.reasons == ("OUTSIDE_ZONE",)]
    assert outside.photo_key is not None
