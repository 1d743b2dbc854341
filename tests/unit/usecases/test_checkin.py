"""The check-in use case on the in-memory twins, with the real face engine on real photos (../shared/faces).

A request's answer is kept under its client request id: a retry gets it again, another body under the same
id is a conflict, a request still in flight answers 503, and an attempt that fails before recording releases
its claim so that the retry runs again. A judged check-in records its event, photo, fingerprint, mark and
answer together; a refusal is recorded with its photo; of two requests with one challenge one wins.
"""

from __future__ import annotations

import base64
import json
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest

from chalicelib import runtime
from chalicelib.attendance import challenges
from chalicelib.domain.attendance import Event
from chalicelib.domain.decisions import Decided
from chalicelib.domain.people import Employee, PhoneBinding, Principal
from chalicelib.errors import (
    AccountInactiveError,
    AlreadyRecordedError,
    ConflictError,
    DeviceMismatchError,
    UnavailableError,
)
from chalicelib.settings import Settings, build_settings
from chalicelib.store.base import iso
from chalicelib.store.events import CheckinWrite, StoredAnswer, new_event_id
from chalicelib.store.repositories import Repositories
from chalicelib.usecases import calendar, checkin, faces, me, zones
from chalicelib.usecases.schemas.attendance import CheckinBody
from chalicelib.usecases.schemas.calendar import ShiftsRequest
from chalicelib.usecases.schemas.zones import AssignmentRequest, CreateZoneRequest
from tests.conftest import faces_dir
from tests.functional.checkin_setup import CENTRE, OUTSIDE, selfie
from tests.liveness_frames import frames_b64

from .admin_fixtures import AuditTrail, audited

__all__ = ["audited"]  # the audit log has no in-memory twin yet: entries are kept by this fixture

NIP = "198501012010011001"
PHONE = "android-0001-aaaa"
NOW = datetime(2026, 12, 3, 0, 30, tzinfo=UTC)  # 07:30 in Jakarta
SETTINGS = build_settings({})
ACTION = "turn_left"  # the liveness movement the tests' challenges ask; real frames of img1's person show it
STALE_S = checkin.STALE_CLAIM_S


@pytest.fixture
def employee(repos: Repositories) -> Principal:
    """An active employee of U1 with a bound phone, as their token names them."""
    repos.people.put_employee(Employee(NIP, "Asep Saepudin", "U1"))
    repos.people.bind_device(NIP, PhoneBinding(PHONE, "password-hash"))
    return Principal(subject=NIP, role="employee", device_id=PHONE)


def request(request_id: str = "r-1", photo: bytes | None = None, **changes: Any) -> tuple[CheckinBody, bytes]:
    """An arrival at the office with a fresh challenge, a real photo and real frames showing the asked
    movement: the typed body and the raw request."""
    photo = photo or (faces_dir("dev") / "deepface" / "img2.jpg").read_bytes()
    challenge = challenges.issue(NIP, PHONE, NOW, SETTINGS.challenge_ttl_s, SETTINGS.token_secret, action=ACTION)
    body: dict[str, Any] = {
        "type": "in",
        "client_request_id": request_id,
        "challenge_id": challenge.challenge_id,
        "latitude": CENTRE[0],
        "longitude": CENTRE[1],
        "accuracy_m": 12.0,
        "photo": base64.b64encode(photo).decode(),
        "frames": frames_b64("deepface/img1.jpg", ACTION),
        **changes,
    }
    return CheckinBody.model_validate(body), json.dumps(body).encode()


def claim(repos: Repositories, raw: bytes, request_id: str = "r-1") -> StoredAnswer | str | None:
    """What claiming the request again says now: None when it was free (released or never claimed)."""
    return repos.events.claim_request(f"{NIP}#{request_id}", checkin.request_fingerprint(raw), NOW, STALE_S)


def answered(repos: Repositories, raw: bytes, answer: StoredAnswer, request_id: str = "r-1") -> None:
    """Record `answer` as the one a first attempt of the request gave."""
    assert claim(repos, raw, request_id) is None
    arrival = Event(new_event_id(NIP, NOW), NIP, "in", "accepted", iso(NOW), iso(NOW), "2026-12-03", "U1")
    key, fingerprint = f"{NIP}#{request_id}", checkin.request_fingerprint(raw)
    repos.events.write_checkin(CheckinWrite(arrival, key, fingerprint, answer, NOW, first_arrival=True))


FIRST_ANSWER = {
    "event_id": "e-1",
    "status": "accepted",
    "type": "in",
    "attendance_time": "2026-12-03T00:00:00+00:00",
    "zone": None,
    "face": None,
    "late_minutes": 0,
    "early_minutes": 0,
    "category": None,
    "warnings": [],
}


def rendered(answer: checkin.Answer) -> dict[str, Any]:
    """The answer's body as the client reads it."""
    return answer.body.model_dump(mode="json")


def test_a_retry_gets_the_first_answer_again(repos: Repositories, employee: Principal) -> None:
    # GIVEN a request answered by its first attempt
    body, raw = request()
    answered(repos, raw, StoredAnswer(201, FIRST_ANSWER))
    # WHEN the phone sends it again (even after the challenge expired)
    later = NOW + timedelta(hours=1)
    answer = checkin.check_in(employee, body, raw, SETTINGS, later)
    # THEN it gets the same answer, and nothing more is recorded
    assert answer.status_code == 201 and rendered(answer) == FIRST_ANSWER
    assert len(repos.events.events_between(NIP, NOW - timedelta(days=1), later)) == 1


def test_a_retry_serialised_again_with_other_key_order_and_spaces_gets_the_first_answer(
    repos: Repositories, employee: Principal
) -> None:
    # GIVEN a request answered by its first attempt
    body, raw = request()
    answered(repos, raw, StoredAnswer(201, FIRST_ANSWER))
    # WHEN a client serialises the same body again, its keys in another order and indented
    again = json.dumps(dict(reversed(json.loads(raw).items())), indent=2).encode()
    answer = checkin.check_in(employee, body, again, SETTINGS, NOW + timedelta(minutes=1))
    # THEN it is a retry: the first answer, nothing more recorded
    assert answer.status_code == 201 and rendered(answer) == FIRST_ANSWER
    assert len(repos.events.events_between(NIP, NOW - timedelta(days=1), NOW + timedelta(hours=1))) == 1


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


# --- judged check-ins: zone, face engine, photo store, recorded together ------------------------------

GENUINE = "deepface/img2.jpg"  # same person as the enrolment photo img1
GENUINE_2 = "deepface/img4.jpg"
RECORDED = {"accepted", "review"}


@pytest.fixture
def enrolled(repos: Repositories, employee: Principal, audited: AuditTrail) -> Settings:
    """GIVEN the employee's unit U1 with an office zone, and their face enrolled from a real photo; the
    settings, whose model directory holds the real face models."""
    if not (SETTINGS.model_dir / "dlib_resnet_v1.onnx").is_file():
        pytest.skip(f"face models not built in {SETTINGS.model_dir} (run: python -m models.build)")
    circle = {"circle": {"lat": CENTRE[0], "lon": CENTRE[1], "radius_m": 150}}
    zone = zones.create_zone(
        Principal("op", "super_admin"), CreateZoneRequest.model_validate({"name": "Sekolah", **circle}), SETTINGS
    )
    repos.people.upsert_unit("U1", "Dinas U1")
    repos.people.set_unit_zones("U1", {zone.zone_id})
    engine, _ = runtime.engine_and_policy(SETTINGS)
    photo = selfie("deepface/img1.jpg")
    faces.keep_enrolment("op", NIP, photo, engine.analyse(photo, purpose="enrol"), settings=SETTINGS, now=NOW)
    return SETTINGS


def recorded_events(repos: Repositories) -> list[Event]:
    return repos.events.events_between(NIP, NOW - timedelta(days=1), NOW + timedelta(days=1))


def test_a_machine_punch_of_the_date_does_not_refuse_the_app_s_arrival(
    repos: Repositories, employee: Principal, enrolled: Settings
) -> None:
    # GIVEN a machine punch at 07:05 today, imported with its calendar date's hint "in" (a nurse's punch that
    # ended last night's shift, or a teacher pressing the machine during the parallel run)
    punched = NOW - timedelta(minutes=25)
    punch = Event(new_event_id(NIP, punched), NIP, "in", "accepted", iso(punched), iso(NOW), "2026-12-03", "U1",
                  warnings=(), source="fingerprint")  # fmt: skip
    assert repos.events.put_punches([punch]) == [True]
    # WHEN the employee checks in with the app
    answer = checkin.check_in(employee, *request(photo=selfie(GENUINE)), enrolled, NOW)
    # THEN it is recorded (it was ALREADY_RECORDED naming the punch); the day counts the earlier of the two
    assert answer.status_code == 201, answer.body
    assert repos.events.has_arrival_mark(NIP, "2026-12-03")


def test_an_arrival_is_judged_and_recorded_with_its_photo(
    repos: Repositories, employee: Principal, enrolled: Settings
) -> None:
    # WHEN the employee checks in at the office with a new photo of their face
    body, raw = request(photo=selfie(GENUINE))
    answer = checkin.check_in(employee, body, raw, enrolled, NOW)
    # THEN it counts, in the office zone, with a face score
    assert answer.status_code == 201, answer.body
    assert rendered(answer)["status"] in ("accepted", "review") and rendered(answer)["zone"]["name"] == "Sekolah"
    assert rendered(answer)["face"]["score"] >= rendered(answer)["face"]["threshold"]
    # AND the event, the day's mark, the photo and its fingerprint are recorded with it
    [event] = recorded_events(repos)
    assert (event.event_id, event.status, event.answer) == (
        rendered(answer)["event_id"],
        rendered(answer)["status"],
        rendered(answer),
    )
    assert repos.events.has_arrival_mark(NIP, "2026-12-03")
    assert event.photo_key is not None and runtime.photos(enrolled).get(event.photo_key) == selfie(GENUINE)
    assert len(repos.events.fingerprints_of(NIP, NOW)) == 2  # the enrolment photo's and this one's
    # AND a retry of the request gets the same answer
    assert checkin.check_in(employee, body, raw, enrolled, NOW + timedelta(seconds=5)) == answer


def test_an_arrival_before_check_in_opens_is_kept_but_leaves_the_day_s_arrival_to_a_counted_one(
    repos: Repositories, employee: Principal, enrolled: Settings
) -> None:
    # GIVEN check-in opens at 06:00 for the 07:30 day; the employee checks in at 05:50
    early = NOW - timedelta(minutes=100)
    challenge = challenges.issue(NIP, PHONE, early, 180, SETTINGS.token_secret, action=ACTION)
    body, raw = request(photo=selfie(GENUINE), challenge_id=challenge.challenge_id)
    first = checkin.check_in(employee, body, raw, enrolled, early + timedelta(seconds=20))
    # THEN it is recorded, answered as not counted (TL4 with no minutes), and takes no arrival of the day
    assert first.status_code == 201 and (rendered(first)["category"], rendered(first)["late_minutes"]) == ("TL4", 0)
    assert not repos.events.has_arrival_mark(NIP, "2026-12-03")
    assert me.profile(employee, enrolled, early + timedelta(minutes=1)).today.check_in is None
    # AND at 07:20 the employee checks in again, which counts: the day's arrival, on time
    again, again_raw = request("r-2", photo=selfie(GENUINE_2))
    second = checkin.check_in(employee, again, again_raw, enrolled, NOW)
    assert second.status_code == 201 and rendered(second)["category"] is None, second.body
    assert repos.events.has_arrival_mark(NIP, "2026-12-03")
    shown = me.profile(employee, enrolled, NOW + timedelta(minutes=1)).today.check_in
    assert shown is not None and shown.event_id == rendered(second)["event_id"]


def test_a_challenge_banked_at_home_does_not_date_a_late_arrival(
    repos: Repositories, employee: Principal, enrolled: Settings
) -> None:
    # GIVEN a challenge asked at 07:30 sharp, the start of the day, by an employee still at home
    banked, banked_raw = request(photo=selfie(GENUINE))
    # WHEN the check-in arrives at 07:34 from the office, THEN the challenge no longer dates it: refused, and
    # nothing counts at 07:30
    answer = checkin.check_in(employee, banked, banked_raw, enrolled, NOW + timedelta(minutes=4))
    assert answer.status_code == 422 and rendered(answer)["error"]["code"] == "CHALLENGE_INVALID"
    assert not repos.events.has_arrival_mark(NIP, "2026-12-03")
    # AND a slow upload (the app's own upload gives up after a minute) still counts at the challenge's time
    slow, slow_raw = request("r-2", photo=selfie(GENUINE))
    answer = checkin.check_in(employee, slow, slow_raw, enrolled, NOW + timedelta(seconds=150))
    assert answer.status_code == 201 and rendered(answer)["attendance_time"] == "2026-12-03T00:30:00+00:00"


def test_an_arrival_taken_out_by_an_admin_lets_the_employee_check_in_again(
    repos: Repositories, employee: Principal, enrolled: Settings
) -> None:
    # GIVEN the day's arrival, recorded, then voided the same morning by the unit's admin (a review rejected,
    # or an accepted correction revoked)
    body, raw = request(photo=selfie(GENUINE))
    first = rendered(checkin.check_in(employee, body, raw, enrolled, NOW))
    if first["status"] == "review":
        repos.events.decide_review(first["event_id"], "reject", Decided("budi", "Foto gelap", NOW))
    else:
        repos.events.revoke_accepted(first["event_id"], Decided("budi", "Tanpa bukti", NOW))
    # WHEN the employee checks in again with another photo
    again, again_raw = request("r-2", photo=selfie(GENUINE_2))
    answer = checkin.check_in(employee, again, again_raw, enrolled, NOW + timedelta(seconds=40))
    # THEN it is recorded as the day's arrival, holding the day's mark
    assert answer.status_code == 201, answer.body
    assert rendered(answer)["status"] in RECORDED and rendered(answer)["event_id"] != first["event_id"]
    assert repos.events.has_arrival_mark(NIP, "2026-12-03")


def recorded_meanwhile(
    monkeypatch: pytest.MonkeyPatch, employee: Principal, settings: Settings, other: tuple[CheckinBody, bytes]
) -> list[dict[str, Any]]:
    """Two requests sent at once: while the face of request r-1 is checked, `other` is checked in and recorded
    (its answer appended to the list returned)."""
    answers: list[dict[str, Any]] = []
    check_face = checkin._check_face

    def while_checking(attempt: checkin.Attempt, judged: Settings) -> None:
        check_face(attempt, judged)
        if attempt.claim_key.endswith("#r-1"):
            answers.append(rendered(checkin.check_in(employee, *other, settings, NOW)))

    monkeypatch.setattr(checkin, "_check_face", while_checking)
    return answers


def test_of_two_arrivals_sent_at_once_the_one_that_loses_is_shown_the_first(
    repos: Repositories, employee: Principal, enrolled: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN an arrival whose face is being checked while another arrival of the employee is recorded (two sent
    # at once: the day's mark in the transaction decides)
    body, raw = request(photo=selfie(GENUINE))
    winner = recorded_meanwhile(monkeypatch, employee, enrolled, request("r-2", photo=selfie(GENUINE_2)))
    # WHEN the first one is written, THEN it is refused naming the arrival that won, as one sent later would be
    with pytest.raises(AlreadyRecordedError) as refused:
        checkin.check_in(employee, body, raw, enrolled, NOW)
    assert winner[0]["status"] in RECORDED
    assert refused.value.details["first_event"]["event_id"] == winner[0]["event_id"]
    assert claim(repos, raw) is None


def test_one_photo_sent_at_once_as_captures_of_two_days_is_recorded_once(
    repos: Repositories, employee: Principal, enrolled: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN one selfie sent as two offline arrivals dated on two days, at once: each passes the replay check
    # before the other is written
    def capture(request_id: str, days_ago: int) -> tuple[CheckinBody, bytes]:
        at = iso(NOW - timedelta(days=days_ago))
        return request(request_id, photo=selfie(GENUINE), offline=True, challenge_id=None, frames=None, captured_at=at)

    first, first_raw = capture("r-1", 1)
    recorded = recorded_meanwhile(monkeypatch, employee, enrolled, capture("r-2", 2))
    answer = checkin.check_in(employee, first, first_raw, enrolled, NOW)
    # THEN one is recorded, and the other is refused as a replay and kept for audit, as one sent later would be
    assert recorded[0]["status"] == "review"
    assert answer.status_code == 422 and rendered(answer)["error"]["code"] == "REPLAYED_PHOTO"
    refused = repos.events.get_event(rendered(answer)["event_id"])
    assert refused is not None and refused.status == "refused" and refused.reasons == ("REPLAYED_PHOTO",)


def test_an_offline_capture_dated_by_a_phone_a_month_wrong_is_recorded_with_its_correction(
    repos: Repositories, employee: Principal, enrolled: Settings
) -> None:
    # GIVEN a phone whose date was set a month wrong by hand: the app dated its offline capture by SMART's clock,
    # measured on an earlier answer, and says how far it moved it
    month = 30 * 86400
    at = iso(NOW - timedelta(hours=2))
    body, raw = request(photo=selfie(GENUINE), offline=True, challenge_id=None, frames=None, captured_at=at,
                        clock_correction_s=month)  # fmt: skip
    # WHEN it is sent, THEN it is recorded (for review, as any offline capture), the correction kept for the reviewer
    answer = checkin.check_in(employee, body, raw, enrolled, NOW)
    assert answer.status_code == 201, rendered(answer)
    stored = repos.events.get_event(rendered(answer)["event_id"])
    assert stored is not None and stored.clock_correction_s == month


def test_the_same_photo_again_is_a_recorded_replay_refusal(
    repos: Repositories, employee: Principal, enrolled: Settings
) -> None:
    # GIVEN a check-out recorded with a photo
    body, raw = request(photo=selfie(GENUINE), type="out")
    assert checkin.check_in(employee, body, raw, enrolled, NOW).status_code == 201
    # WHEN the same photo is sent again by another request
    again, again_raw = request("r-2", photo=selfie(GENUINE), type="out")
    answer = checkin.check_in(employee, again, again_raw, enrolled, NOW)
    # THEN it is refused as a replay and kept for audit, counting nothing
    assert answer.status_code == 422 and rendered(answer)["error"]["code"] == "REPLAYED_PHOTO"
    refused = repos.events.get_event(rendered(answer)["event_id"])
    assert refused is not None and refused.status == "refused" and refused.reasons == ("REPLAYED_PHOTO",)


def test_outside_the_zone_is_refused_and_recorded(repos: Repositories, employee: Principal, enrolled: Settings) -> None:
    body, raw = request(photo=selfie(GENUINE), latitude=OUTSIDE[0], longitude=OUTSIDE[1])
    answer = checkin.check_in(employee, body, raw, enrolled, NOW)
    assert answer.status_code == 422 and rendered(answer)["error"]["code"] == "OUTSIDE_ZONE"
    [event] = recorded_events(repos)
    assert event.status == "refused" and event.photo_key is not None
    assert not repos.events.has_arrival_mark(NIP, "2026-12-03")


def test_a_letter_s_area_attached_to_the_unit_before_it_was_refused_is_no_work_zone(
    repos: Repositories, employee: Principal, enrolled: Settings
) -> None:
    # GIVEN a field-duty letter of a colleague, years ago, whose area is around OUTSIDE, attached to U1 as one
    # of its zones before such attachments were refused (decision 168)
    body = {"nips": [NIP], "start_date": "2020-01-06", "end_date": "2020-01-06", "letter_no": "800/1", "reason": "x",
            "circle": {"lat": OUTSIDE[0], "lon": OUTSIDE[1], "radius_m": 100}}  # fmt: skip
    letter = zones.create_assignment(
        Principal("op", "super_admin"), AssignmentRequest.model_validate(body), enrolled, NOW
    )
    unit = repos.people.get_unit("U1")
    assert unit is not None
    repos.people.set_unit_zones("U1", {*unit.zone_ids, letter.zone_id})
    # WHEN the employee checks in from there today, THEN it is outside every work zone
    refused, raw = request(photo=selfie(GENUINE), latitude=OUTSIDE[0], longitude=OUTSIDE[1])
    answer = checkin.check_in(employee, refused, raw, enrolled, NOW)
    assert answer.status_code == 422 and rendered(answer)["error"]["code"] == "OUTSIDE_ZONE"
    # AND the app is not shown that area as one of the unit's zones
    assert [z.name for z in me.profile(employee, enrolled, NOW).zones] == ["Sekolah"]


def test_of_two_requests_with_one_challenge_the_second_is_a_recorded_refusal(
    repos: Repositories, employee: Principal, enrolled: Settings
) -> None:
    # GIVEN a check-out recorded with a challenge
    first, first_raw = request(photo=selfie(GENUINE), type="out")
    assert checkin.check_in(employee, first, first_raw, enrolled, NOW).status_code == 201
    # WHEN another request uses the same challenge with another genuine photo
    second, second_raw = request("r-2", photo=selfie(GENUINE_2), type="out", challenge_id=first.challenge_id)
    answer = checkin.check_in(employee, second, second_raw, enrolled, NOW)
    # THEN it loses the challenge and is kept as a CHALLENGE_INVALID refusal under the id its answer gives
    assert answer.status_code == 422 and rendered(answer)["error"]["code"] == "CHALLENGE_INVALID"
    refused = repos.events.get_event(rendered(answer)["event_id"])
    assert refused is not None and refused.reasons == ("CHALLENGE_INVALID",)
    # AND the first request's check-out is the only one that counts
    statuses = sorted(str(e.status) for e in recorded_events(repos))
    assert len(statuses) == 2 and statuses.count("refused") == 1 and set(statuses) - {"refused"} <= RECORDED


# --- offline captures after a refusal (the fraud audit: a phone clock set back, or refused online first) -------

LOCAL_0725 = NOW - timedelta(minutes=5)  # 07:25 in Jakarta, what a clock set back stamps on the capture


def refused_online(
    employee: Principal, settings: Settings, at: datetime, kind: str = "in", home: tuple[float, float] = OUTSIDE
) -> None:
    """GIVEN the employee refused `kind` at `at` (challenge asked then): checking in from home, outside the zone."""
    challenge = challenges.issue(NIP, PHONE, at, SETTINGS.challenge_ttl_s, SETTINGS.token_secret, action=ACTION)
    body, raw = request(f"home-{iso(at)}-{kind}", photo=selfie(GENUINE), type=kind,
                        challenge_id=challenge.challenge_id, latitude=home[0], longitude=home[1])  # fmt: skip
    answer = checkin.check_in(employee, body, raw, settings, at + timedelta(seconds=20))
    assert answer.status_code == 422 and rendered(answer)["error"]["code"] == "OUTSIDE_ZONE"


def offline_capture(employee: Principal, settings: Settings, captured: datetime, sent: datetime) -> dict[str, Any]:
    """An offline arrival at the office stamped `captured` by the phone's clock and received at `sent`."""
    body, raw = request(
        "capture", photo=selfie(GENUINE_2), offline=True, challenge_id=None, frames=None, captured_at=iso(captured)
    )
    answer = checkin.check_in(employee, body, raw, settings, sent)
    assert answer.status_code == 201, answer.body
    return rendered(answer)


def test_an_arrival_in_the_zone_a_minute_after_a_refusal_far_away_goes_to_review(
    repos: Repositories, employee: Principal, enrolled: Settings
) -> None:
    # GIVEN an arrival refused at 07:30 from home, 27 km from the office
    refused_online(employee, enrolled, NOW, home=(-6.60, 107.4857))
    # WHEN a minute later an arrival comes from inside the zone (fake GPS switched on after the refusal)
    asked = NOW + timedelta(minutes=1)
    challenge = challenges.issue(NIP, PHONE, asked, SETTINGS.challenge_ttl_s, SETTINGS.token_secret, action=ACTION)
    body, raw = request("r-office", photo=selfie(GENUINE_2), challenge_id=challenge.challenge_id)
    answer = checkin.check_in(employee, body, raw, enrolled, NOW + timedelta(minutes=1, seconds=20))
    # THEN it is recorded, not refused (the refused fix may have been a GPS glitch), but waits for an admin
    assert answer.status_code == 201 and rendered(answer)["status"] == "review"
    assert "TRAVEL_AFTER_REFUSAL" in rendered(answer)["warnings"]


FAR_AWAY = (-6.60, 107.4857)  # 27 km from the office


@pytest.mark.parametrize(
    "position",
    [
        pytest.param({}, id="a glitched fix"),
        pytest.param({"mock_location": True}, id="a faked position"),
        pytest.param({"accuracy_m": 5000.0}, id="a fix too vague to judge"),
    ],
)
def test_a_position_sent_with_an_invalid_challenge_is_no_evidence_of_travel(
    repos: Repositories, employee: Principal, enrolled: Settings, position: dict[str, Any]
) -> None:
    # GIVEN an arrival refused CHALLENGE_INVALID at 07:30 (a screen left open past the challenge's lifetime, or an
    # insider with the session sending any id), carrying a position 27 km away that was never judged: SMART
    # refuses before it looks at the position, its mock flag or its accuracy
    body, raw = request("stale", photo=selfie(GENUINE), challenge_id="x" * 40,
                        latitude=FAR_AWAY[0], longitude=FAR_AWAY[1], **position)  # fmt: skip
    refusal = checkin.check_in(employee, body, raw, enrolled, NOW)
    assert refusal.status_code == 422 and rendered(refusal)["error"]["code"] == "CHALLENGE_INVALID"
    # WHEN a minute later the employee checks in from the office with a fresh challenge
    asked = NOW + timedelta(minutes=1)
    challenge = challenges.issue(NIP, PHONE, asked, SETTINGS.challenge_ttl_s, SETTINGS.token_secret, action=ACTION)
    body, raw = request("r-office", photo=selfie(GENUINE_2), challenge_id=challenge.challenge_id)
    answer = checkin.check_in(employee, body, raw, enrolled, asked + timedelta(seconds=20))
    # THEN the arrival is accepted: the unjudged position is no jump the employee made
    assert answer.status_code == 201 and rendered(answer)["status"] == "accepted", rendered(answer)
    # AND the refused attempt is still kept for audit, with its position and its photo
    [kept] = [e for e in recorded_events(repos) if e.status == "refused"]
    assert kept.reasons == ("CHALLENGE_INVALID",) and kept.photo_key is not None
    assert (float(kept.latitude or 0), float(kept.longitude or 0)) == FAR_AWAY


def test_an_offline_capture_sent_after_a_refusal_that_day_is_flagged_for_the_reviewer(
    repos: Repositories, employee: Principal, enrolled: Settings
) -> None:
    # GIVEN an arrival refused at 07:30 from home (outside the zone)
    refused_online(employee, enrolled, NOW)
    # WHEN an hour later the same arrival comes as an offline capture stamped 07:25 by the phone's clock
    answer = offline_capture(employee, enrolled, LOCAL_0725, NOW + timedelta(hours=1))
    # THEN it goes to review as every offline capture does, with the refusal named beside it
    assert answer["status"] == "review"
    assert {checkin.OFFLINE_CAPTURE, checkin.OFFLINE_AFTER_REFUSAL} <= set(answer["warnings"])
    stored = repos.events.get_event(answer["event_id"])
    assert stored is not None and checkin.OFFLINE_AFTER_REFUSAL in (stored.warnings or ())
    assert stored.received_at == iso(NOW + timedelta(hours=1)) and stored.attendance_time == iso(LOCAL_0725)


@pytest.mark.parametrize(
    ("refusal", "kind"),
    [
        (None, "in"),  # no refusal at all: an honest teacher's capture
        (NOW - timedelta(days=1), "in"),  # refused the day before
        (NOW, "out"),  # a check-out refused the same day: another type
    ],
    ids=["no-refusal", "refused-the-day-before", "refused-a-check-out"],
)
def test_an_offline_capture_without_a_refusal_of_its_day_and_type_is_not_flagged(
    employee: Principal, enrolled: Settings, refusal: datetime | None, kind: str
) -> None:
    # GIVEN no refusal, or one of another day or type
    if refusal is not None:
        refused_online(employee, enrolled, refusal, kind)
    # WHEN an offline arrival stamped 07:25 arrives an hour later
    answer = offline_capture(employee, enrolled, LOCAL_0725, NOW + timedelta(hours=1))
    # THEN it is an ordinary offline capture in review
    assert answer["status"] == "review" and checkin.OFFLINE_CAPTURE in answer["warnings"]
    assert checkin.OFFLINE_AFTER_REFUSAL not in answer["warnings"]


def test_a_capture_dated_the_day_before_a_refusal_is_not_flagged(employee: Principal, enrolled: Settings) -> None:
    # GIVEN an arrival refused this morning
    refused_online(employee, enrolled, NOW)
    # WHEN a capture taken yesterday at 16:00 without signal arrives now, THEN it is yesterday's, not flagged
    answer = offline_capture(employee, enrolled, NOW - timedelta(hours=15, minutes=30), NOW + timedelta(minutes=5))
    assert checkin.OFFLINE_CAPTURE in answer["warnings"] and checkin.OFFLINE_AFTER_REFUSAL not in answer["warnings"]


# --- shifts around midnight (rosters of health and disaster staff): an arrival is its shift's ------------------

GENUINE_3 = "deepface/img5.jpg"
DEC_2, DEC_3, DEC_4 = date(2026, 12, 2), date(2026, 12, 3), date(2026, 12, 4)


def local(day: date, hh: int, mm: int = 0) -> datetime:
    return datetime.combine(day, time(hh, mm), tzinfo=SETTINGS.tz).astimezone(UTC)


def on_roster(settings: Settings, start: str, end: str, first: date, days: int) -> None:
    """GIVEN the employee on a roster of `start`-`end` shifts for `days` dates from `first`."""
    dates = [(first + timedelta(days=d)).isoformat() for d in range(days)]
    roster = ShiftsRequest.model_validate({"shifts": {d: {"start": start, "end": end} for d in dates}})
    calendar.set_shifts(Principal("op", "super_admin"), NIP, roster, settings, NOW)


def checked(
    employee: Principal, settings: Settings, kind: str, at: datetime, *, photo: str, **changes: Any
) -> checkin.Answer:
    """A check-in of `kind` at the office (or as `changes` say) with a challenge asked at `at` (its attendance
    time), sent 20 s later."""
    challenge = challenges.issue(NIP, PHONE, at, SETTINGS.challenge_ttl_s, SETTINGS.token_secret, action=ACTION)
    body, raw = request(
        f"{kind}-{iso(at)}", photo=selfie(photo), type=kind, challenge_id=challenge.challenge_id, **changes
    )
    return checkin.check_in(employee, body, raw, settings, at + timedelta(seconds=20))


def assert_on_time(answer: checkin.Answer) -> None:
    """The check-in was recorded, neither late nor early."""
    assert answer.status_code == 201, answer.body
    assert (rendered(answer)["late_minutes"], rendered(answer)["category"]) == (0, None)


def assert_second_arrival(
    employee: Principal, settings: Settings, at: datetime, photo: str, *, first: checkin.Answer
) -> None:
    """A check-in at `at` is refused as a second arrival of the shift `first` arrived for, naming it."""
    with pytest.raises(AlreadyRecordedError) as refused:
        checked(employee, settings, "in", at, photo=photo)
    assert refused.value.details["first_event"]["event_id"] == rendered(first)["event_id"]


def test_an_arrival_before_midnight_for_a_shift_from_midnight_is_that_shift_s_arrival(
    repos: Repositories, employee: Principal, enrolled: Settings
) -> None:
    # GIVEN 00:00-08:00 shifts from 3 to 5 December: the nurse checked in at 00:05 on the 3rd (5 minutes late)
    # and out at 08:00
    on_roster(enrolled, "00:00", "08:00", DEC_3, 3)
    first = checked(employee, enrolled, "in", local(DEC_3, 0, 5), photo=GENUINE)
    assert first.status_code == 201 and rendered(first)["category"] == "TL1", first.body
    assert checked(employee, enrolled, "out", local(DEC_3, 8), photo=GENUINE_2).status_code == 201
    # WHEN she checks in at 23:45 on the 3rd for the shift of the 4th
    answer = checked(employee, enrolled, "in", local(DEC_3, 23, 45), photo=GENUINE_3)
    # THEN it is recorded, on time, as the 4th's arrival (kept on the 3rd, the date it was made)
    assert_on_time(answer)
    stored = repos.events.get_event(rendered(answer)["event_id"])
    assert stored is not None and (stored.local_date, stored.working_day) == ("2026-12-03", "2026-12-04")
    assert repos.events.has_arrival_mark(NIP, "2026-12-04") and repos.events.has_arrival_mark(NIP, "2026-12-03")
    # AND another arrival for the 4th's shift is a second one, shown with it
    assert_second_arrival(employee, enrolled, local(DEC_4, 0, 10), GENUINE, first=answer)


def test_a_field_duty_letter_for_a_night_shift_s_day_covers_its_check_out_after_midnight(
    repos: Repositories, employee: Principal, enrolled: Settings
) -> None:
    # GIVEN 19:00-07:00 shifts, and a field-duty letter for the 3rd only, at a site away from the office
    on_roster(enrolled, "19:00", "07:00", DEC_2, 3)
    area = {"lat": OUTSIDE[0], "lon": OUTSIDE[1], "radius_m": 150}
    letter = {"nips": [NIP], "start_date": DEC_3.isoformat(), "end_date": DEC_3.isoformat(), "letter_no": "800/9",
              "reason": "jaga malam di RS rujukan", "circle": area}  # fmt: skip
    zones.create_assignment(Principal("op", "super_admin"), AssignmentRequest.model_validate(letter), enrolled, NOW)
    site = {"latitude": OUTSIDE[0], "longitude": OUTSIDE[1]}
    # WHEN the nurse checks in there at 18:55 on the 3rd and out there at 07:00 on the 4th
    arrival = checked(employee, enrolled, "in", local(DEC_3, 18, 55), photo=GENUINE, **site)
    departure = checked(employee, enrolled, "out", local(DEC_4, 7), photo=GENUINE_2, **site)
    # THEN both are recorded in the letter's area: the check-out counts for the 3rd's shift, which the letter
    # covers (it was refused OUTSIDE_ZONE, judged by the 4th's letters)
    for answer in (arrival, departure):
        assert answer.status_code == 201, answer.body
        assert rendered(answer)["zone"]["name"].startswith("Dinas luar")
    # AND the next night's check-out, for a shift the letter does not cover, is still refused there
    checked(employee, enrolled, "in", local(DEC_4, 18, 55), photo=GENUINE_3)
    refused = checked(employee, enrolled, "out", local(DEC_4 + timedelta(days=1), 7), photo=GENUINE, **site)
    assert refused.status_code == 422 and rendered(refused)["error"]["code"] == "OUTSIDE_ZONE"


def test_a_late_arrival_after_midnight_leaves_the_next_evening_s_arrival_free(
    repos: Repositories, employee: Principal, enrolled: Settings
) -> None:
    # GIVEN 23:00-07:00 shifts from 2 to 4 December, and an arrival at 00:15 on the 4th: 75 minutes late for
    # the shift begun on the evening of the 3rd
    on_roster(enrolled, "23:00", "07:00", DEC_2, 3)
    late = checked(employee, enrolled, "in", local(DEC_4, 0, 15), photo=GENUINE)
    assert late.status_code == 201 and rendered(late)["late_minutes"] == 75, late.body
    # WHEN the nurse checks in at 22:50 on the 4th for that evening's shift
    answer = checked(employee, enrolled, "in", local(DEC_4, 22, 50), photo=GENUINE_2)
    # THEN it is that shift's arrival, on time: each shift holds its own first arrival
    assert_on_time(answer)
    assert repos.events.has_arrival_mark(NIP, "2026-12-03") and repos.events.has_arrival_mark(NIP, "2026-12-04")
    # AND an arrival a minute after the late one is still a second one for the shift begun on the 3rd
    assert_second_arrival(employee, enrolled, local(DEC_4, 0, 16), GENUINE_3, first=late)


def test_a_vague_fix_refused_as_a_jump_is_no_evidence_of_travel_either(
    repos: Repositories, employee: Principal, enrolled: Settings
) -> None:
    # GIVEN an arrival recorded at the office at 07:30
    assert checked(employee, enrolled, "in", NOW, photo=GENUINE).status_code == 201
    # AND at 07:32 a check-out refused IMPOSSIBLE_TRAVEL: the phone's first fix after waking, 27 km away and vague to
    # 5 km (the jump outranks the vague fix among the refusals, so the attempt is kept under IMPOSSIBLE_TRAVEL)
    asked = NOW + timedelta(minutes=2)
    challenge = challenges.issue(NIP, PHONE, asked, SETTINGS.challenge_ttl_s, SETTINGS.token_secret, action=ACTION)
    body, raw = request("glitch", photo=selfie(GENUINE_2), type="out", challenge_id=challenge.challenge_id,
                        latitude=FAR_AWAY[0], longitude=FAR_AWAY[1], accuracy_m=5000.0)  # fmt: skip
    refusal = checkin.check_in(employee, body, raw, enrolled, asked + timedelta(seconds=20))
    assert refusal.status_code == 422 and rendered(refusal)["error"]["code"] == "IMPOSSIBLE_TRAVEL"
    # WHEN a minute later the employee checks out again, with a sharp fix at the office
    answer = checked(employee, enrolled, "out", NOW + timedelta(minutes=3), photo=GENUINE_3)
    # THEN the check-out is accepted: a fix too vague to judge says nothing of where the phone was
    assert answer.status_code == 201 and rendered(answer)["status"] == "accepted", rendered(answer)
