"""Check-in and check-out end to end with real photos: answers, refusals, idempotency, concurrency, faults."""

from __future__ import annotations

import base64
import io
import threading
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from botocore.exceptions import EndpointConnectionError
from PIL import Image

from chalicelib import runtime
from chalicelib.attendance import challenges
from chalicelib.face.errors import QUALITY_ADVICE
from chalicelib.messages import MESSAGES
from chalicelib.settings import load_settings
from chalicelib.store.models import (
    NO_FIELD_DUTY,
    NO_OWN_PLAN,
    ChallengeModel,
    EmployeeModel,
    EventModel,
    shared_connection,
)
from chalicelib.store.people import DynamoPeopleRepository
from chalicelib.usecases import checkin
from tests.functional.checkin_setup import OUTSIDE, Employee, enrolled_employee, picture, selfie
from tests.functional.conftest import Api
from tests.functional.dynamo_reads import refusing_empty_keys

PEOPLE = DynamoPeopleRepository()

GENUINE = "deepface/img2.jpg"  # same person as the enrolment photo img1
GENUINE_2 = "deepface/img4.jpg"
IMPOSTOR = "deepface/img13.jpg"  # another person


def stored_events(nip: str) -> list[EventModel]:
    return [e for e in EventModel.query(nip) if e.key.startswith("E#")]


@pytest.fixture()
def employee(api: Api) -> Employee:
    return enrolled_employee(api)


def test_check_in_then_second_arrival_then_check_out(employee: Employee) -> None:
    first = employee.check_in(selfie(GENUINE))
    assert first.status == 201, first.body
    assert first.body["status"] in ("accepted", "review")
    assert first.body["type"] == "in" and first.body["zone"]["name"] == "Sekolah"
    assert set(first.body) >= {"event_id", "attendance_time", "face", "late_minutes", "category", "warnings"}
    again = employee.check_in(selfie(GENUINE_2))
    assert again.status == 409 and again.body["error"]["code"] == "ALREADY_RECORDED"
    assert again.body["error"]["details"]["first_event"]["event_id"] == first.body["event_id"]
    out = employee.check_in(selfie(GENUINE_2), type="out")
    assert out.status == 201, out.body
    # Both stored (their keys order by attendance time to the second; here both fall in the same second)
    assert sorted(str(e.type) for e in stored_events(employee.nip)) == ["in", "out"]
    mine = employee.api.call("GET", "/v1/attendance/me", token=employee.token)
    assert mine.status == 200 and {i["event_id"] for i in mine.body["items"]} == {
        first.body["event_id"],
        out.body["event_id"],
    }


def test_retry_returns_the_first_answer_and_records_nothing_new(employee: Employee) -> None:
    body = employee.body(selfie(GENUINE))
    first = employee.api.call("POST", "/v1/attendance", body, token=employee.token)
    retry = employee.api.call("POST", "/v1/attendance", body, token=employee.token)
    assert first.status == retry.status == 201
    assert retry.body == first.body
    assert len(stored_events(employee.nip)) == 1
    reused = employee.body(selfie(GENUINE_2), client_request_id=body["client_request_id"])
    conflict = employee.api.call("POST", "/v1/attendance", reused, token=employee.token)
    assert conflict.status == 409 and conflict.body["error"]["code"] == "CONFLICT"
    # ... naming what the first body was answered (a phone resending a capture in another form learns it)
    first_outcome = {"status": first.body["status"], "event_id": first.body["event_id"]}
    assert conflict.body["error"]["details"] == {"client_request_id": "reused", "first": first_outcome}
    assert len(stored_events(employee.nip)) == 1


def test_a_resend_in_another_form_after_a_refusal_names_the_refusal(employee: Employee) -> None:
    body = employee.body(selfie(IMPOSTOR))
    first = employee.api.call("POST", "/v1/attendance", body, token=employee.token)
    assert first.status == 422
    reused = employee.body(selfie(GENUINE_2), client_request_id=body["client_request_id"])
    conflict = employee.api.call("POST", "/v1/attendance", reused, token=employee.token)
    first_outcome = {
        "status": "refused",
        "code": "FACE_MISMATCH",
        "message": first.body["error"]["message"],
        "event_id": first.body["event_id"],
    }
    assert (conflict.status, conflict.body["error"]["details"]["first"]) == (409, first_outcome)


def test_a_retried_refusal_gets_the_first_refusal_and_records_nothing_new(employee: Employee) -> None:
    body = employee.body(selfie(IMPOSTOR))
    first = employee.api.call("POST", "/v1/attendance", body, token=employee.token)
    retry = employee.api.call("POST", "/v1/attendance", body, token=employee.token)
    assert first.status == retry.status == 422 and first.body["error"]["code"] == "FACE_MISMATCH"
    assert retry.body == first.body and retry.body["event_id"]
    [refused] = stored_events(employee.nip)
    # the score is kept for the admins who review attempts, and not told to the phone: a caller stepping a
    # photo of a colleague towards the threshold would read from it how close each try came
    assert "score" not in first.body["error"]["details"]
    assert refused.face_score is not None and refused.face_score < refused.face_threshold


def test_attendance_time_is_the_challenge_issue_time(employee: Employee) -> None:
    issued = employee.issue()
    answer = employee.check_in(selfie(GENUINE), challenge_id=issued["challenge_id"])
    assert answer.body["attendance_time"] == issued["issued_at"]


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"latitude": OUTSIDE[0], "longitude": OUTSIDE[1]}, "OUTSIDE_ZONE"),
        ({"mock_location": True}, "MOCK_LOCATION"),
        ({"accuracy_m": 900.0}, "GPS_INACCURATE"),
    ],
)
def test_position_refusals_are_kept_for_audit(employee: Employee, changes: dict[str, Any], code: str) -> None:
    answer = employee.check_in(selfie(GENUINE), **changes)
    assert answer.status == 422 and answer.body["error"]["code"] == code
    assert answer.body["error"]["message"] == MESSAGES[code]  # the words the employee guide quotes
    events = stored_events(employee.nip)
    assert [(e.status, e.reasons) for e in events] == [("refused", [code])]
    # with the photo as evidence
    assert events[0].photo_key
    # a refusal never counts: the day's arrival is still open
    assert employee.check_in(selfie(GENUINE)).status == 201


def checkin_objects() -> list[str]:
    """The check-in photos in the bucket (moto's S3)."""
    from chalicelib.store.aws import s3_client

    s3 = s3_client(load_settings().region)
    found = s3.list_objects_v2(Bucket=load_settings().bucket, Prefix="photos/checkin/").get("Contents", [])
    return [str(o["Key"]) for o in found]


def test_refusals_sent_at_once_keep_at_most_the_day_s_cap_of_photos(employee: Employee) -> None:
    # GIVEN an insider with the employee's session, sending refused check-ins at once: junk bytes with a vague
    # position, and pictures that decode from outside the zone, each request with its own challenge
    junk = [employee.body(b"\x00junk" * 400 + bytes([i]), accuracy_m=900.0) for i in range(5)]
    away = {"latitude": OUTSIDE[0], "longitude": OUTSIDE[1]}
    pictures = [employee.body(picture(i), **away) for i in range(checkin.REFUSED_PHOTOS_PER_DAY + 4)]
    answers: list[Any] = []

    def send(body: dict[str, Any]) -> None:
        answers.append(employee.api.call("POST", "/v1/attendance", body, token=employee.token))

    threads = [threading.Thread(target=send, args=(b,)) for b in junk + pictures]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # THEN each is refused with its code and recorded
    codes = sorted(a.body["error"]["code"] for a in answers)
    assert codes == ["GPS_INACCURATE"] * len(junk) + ["OUTSIDE_ZONE"] * len(pictures)
    assert len(stored_events(employee.nip)) == len(junk) + len(pictures)
    # AND the bucket holds exactly the day's cap of their photos: none of the junk, no more pictures
    assert len(checkin_objects()) == checkin.REFUSED_PHOTOS_PER_DAY
    assert len([e for e in stored_events(employee.nip) if e.photo_key]) == checkin.REFUSED_PHOTOS_PER_DAY


def test_an_employee_whose_unit_has_no_zone_is_told_so(employee: Employee) -> None:
    # GIVEN the employee's unit without any zone (a unit not set up yet)
    cleared = employee.api.call("PUT", "/v1/admin/units/U1/zones", {"zone_ids": []}, token=employee.admin)
    assert cleared.status == 200, cleared.body
    # WHEN they check in at the school, THEN the refusal says there was no zone to be inside of
    answer = employee.check_in(selfie(GENUINE))
    assert answer.status == 422 and answer.body["error"]["code"] == "OUTSIDE_ZONE", answer.body
    assert answer.body["error"]["details"] == {"zones": 0}


def test_impossible_travel(employee: Employee) -> None:
    assert employee.check_in(selfie(GENUINE)).status == 201
    jakarta = employee.check_in(selfie(GENUINE_2), type="out", latitude=-6.2, longitude=106.8)
    assert jakarta.status == 422 and jakarta.body["error"]["code"] in ("IMPOSSIBLE_TRAVEL", "OUTSIDE_ZONE")


def test_face_refusals(employee: Employee) -> None:
    impostor = employee.check_in(selfie(IMPOSTOR))
    assert impostor.status == 422 and impostor.body["error"]["code"] == "FACE_MISMATCH"
    replay = employee.check_in(selfie("deepface/img1.jpg", long_side=500, quality=60))
    assert replay.status == 422 and replay.body["error"]["code"] == "REPLAYED_PHOTO"
    assert set(replay.body["error"]["details"]) == {"reason"}, replay.body  # not how near the copy came
    blank = io.BytesIO()
    gradient = np.tile(np.linspace(0, 255, 640, dtype=np.uint8), (480, 1))
    Image.fromarray(np.stack([gradient] * 3, axis=-1)).save(blank, "JPEG")
    no_face = employee.check_in(blank.getvalue())
    assert no_face.status == 422 and no_face.body["error"]["code"] == "NO_FACE"
    two = employee.check_in(selfie("fr/two_people.jpg", long_side=1024))
    assert two.status == 422 and two.body["error"]["code"] == "MULTIPLE_FACES"
    assert {e.status for e in stored_events(employee.nip)} == {"refused"}


def test_a_selfie_too_dark_to_find_a_face_says_to_find_light(employee: Employee) -> None:
    # GIVEN a genuine selfie taken in a room with 3 % of the light: the detector finds no face in it
    rgb = np.asarray(Image.open(io.BytesIO(selfie(GENUINE))).convert("RGB"), dtype=np.float64)
    dark = io.BytesIO()
    Image.fromarray((rgb * 0.03).astype(np.uint8)).save(dark, "JPEG")
    # WHEN it is sent as a check-in
    answer = employee.check_in(dark.getvalue())
    # THEN it is refused as NO_FACE in words that name the dark and what to do, and recorded so
    assert answer.status == 422 and answer.body["error"]["code"] == "NO_FACE", answer.body
    assert answer.body["error"]["details"]["reason"] == "too_dark"
    assert answer.body["error"]["message"].endswith(QUALITY_ADVICE["too_dark"])
    assert [(e.status, e.reasons) for e in stored_events(employee.nip)] == [("refused", ["NO_FACE"])]


def test_bad_input_is_400_and_records_nothing(employee: Employee) -> None:
    garbage = employee.check_in(b"not an image at all")
    assert garbage.status == 400 and garbage.body["error"]["code"] == "UNSUPPORTED_IMAGE"
    missing = employee.api.call("POST", "/v1/attendance", {"type": "in"}, token=employee.token)
    assert missing.status == 400 and missing.body["error"]["code"] == "VALIDATION_ERROR"
    bad_type = employee.check_in(selfie(GENUINE), type="sideways")
    assert bad_type.status == 400 and "type" in bad_type.body["error"]["details"]
    nan = employee.api.call("POST", "/v1/attendance", raw=b'{"type": "in", "latitude": NaN}', token=employee.token)
    assert nan.status == 400
    huge = employee.check_in(selfie(GENUINE), latitude=10**400)  # an int too large for a float
    assert huge.status == 400 and list(huge.body["error"]["details"]) == ["latitude"], huge.body
    abroad = employee.check_in(selfie(GENUINE), latitude=48.85, longitude=2.35)
    assert abroad.status == 400 and abroad.body["error"]["code"] == "VALIDATION_ERROR"
    assert stored_events(employee.nip) == []


def test_challenge_rules(employee: Employee) -> None:
    body = employee.body(selfie(GENUINE), challenge_id="does-not-exist")
    unknown = employee.api.call("POST", "/v1/attendance", body, token=employee.token)
    assert unknown.status == 422 and unknown.body["error"]["code"] == "CHALLENGE_INVALID"
    assert [(e.status, e.reasons) for e in stored_events(employee.nip)] == [("refused", ["CHALLENGE_INVALID"])]
    used = employee.body(selfie(GENUINE))
    assert employee.api.call("POST", "/v1/attendance", used, token=employee.token).status == 201
    reuse = employee.check_in(selfie(GENUINE_2), type="out", challenge_id=used["challenge_id"])
    assert reuse.status == 422 and reuse.body["error"]["code"] == "CHALLENGE_INVALID"


def test_a_small_face_from_a_low_resolution_upload_is_recorded_for_review(api: Api) -> None:
    # GIVEN an employee enrolled with a good photo
    employee = enrolled_employee(api, enrol="deepface/img58.jpg")
    # WHEN a check-in arrives shrunk to 320 px / JPEG q50, leaving a face under the enrolment floor
    answer = employee.check_in(selfie("deepface/img57.jpg", long_side=320, quality=50))
    # THEN it is recorded, not refused, and waits for an admin
    assert answer.status == 201, answer.body
    assert answer.body["status"] == "review" and "SMALL_FACE" in answer.body["warnings"]


def test_expired_foreign_or_forged_challenges_are_refused(employee: Employee) -> None:
    # GIVEN challenges that expired, were issued to another employee, or to this employee on another phone,
    # were signed with another deployment's secret, or were altered after issue
    device = str(PEOPLE.get_employee(employee.nip).device_id)  # type: ignore[union-attr]
    secret = load_settings().token_secret
    now = datetime.now(UTC)
    genuine = challenges.issue(employee.nip, device, now, 600, secret, action="turn_left").challenge_id
    employee.asked[genuine] = "turn_left"
    issued, ttl, action, nonce, mac = genuine.split(".")
    refused = {
        "expired": challenges.issue(employee.nip, device, now - timedelta(minutes=11), 600, secret).challenge_id,
        "foreign": challenges.issue("199001012020011001", device, now, 600, secret).challenge_id,
        "other phone": challenges.issue(employee.nip, "another-phone", now, 600, secret).challenge_id,
        "other secret": challenges.issue(employee.nip, device, now, 600, "another-secret").challenge_id,
        "longer life": f"{issued}.86400.{action}.{nonce}.{mac}",
        "earlier": f"{int(issued) - 3600}.{ttl}.{action}.{nonce}.{mac}",
        "other action": f"{issued}.{ttl}.r.{nonce}.{mac}",
        "no action": f"{issued}.{ttl}.x.{nonce}.{mac}",
        "malformed": "not-a-challenge",
    }
    for why, challenge_id in refused.items():
        # WHEN the employee checks in with one, THEN it is refused and nothing is reserved
        answer = employee.check_in(selfie(GENUINE), challenge_id=challenge_id)
        assert answer.status == 422 and answer.body["error"]["code"] == "CHALLENGE_INVALID", why
        assert ChallengeModel.count(challenge_id) == 0, why
    # AND the untouched one works
    assert employee.check_in(selfie(GENUINE), challenge_id=genuine).status == 201


def test_two_concurrent_uses_of_one_challenge_exactly_one_wins(employee: Employee) -> None:
    challenge = employee.challenge()
    bodies = [employee.body(selfie(p), type="out", challenge_id=challenge) for p in (GENUINE, GENUINE_2)]
    answers: list[Any] = []

    def send(body: dict[str, Any]) -> None:
        answers.append(employee.api.call("POST", "/v1/attendance", body, token=employee.token))

    threads = [threading.Thread(target=send, args=(b,)) for b in bodies]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(a.status for a in answers) == [201, 422]
    assert [a.body["error"]["code"] for a in answers if a.status == 422] == ["CHALLENGE_INVALID"]
    assert len([e for e in stored_events(employee.nip) if e.status != "refused"]) == 1
    # AND the loser is kept for audit, with its photo, under the event id its answer gave
    (loser,) = [a for a in answers if a.status == 422]
    (refused,) = [e for e in stored_events(employee.nip) if e.status == "refused"]
    assert refused.event_id == loser.body["event_id"] and refused.reasons == ["CHALLENGE_INVALID"]
    sent = {base64.b64decode(b["photo"]) for b in bodies}
    assert refused.photo_key and runtime.photos(load_settings()).get(refused.photo_key) in sent


def test_not_enrolled(api: Api) -> None:
    employee = enrolled_employee(api, enrol=None)
    answer = employee.check_in(selfie(GENUINE))
    assert answer.status == 422 and answer.body["error"]["code"] == "NOT_ENROLLED"


def test_photo_store_failure_gives_503_and_records_nothing(employee: Employee, aws: None) -> None:
    from chalicelib.settings import load_settings
    from chalicelib.store.aws import s3_client

    bucket = load_settings().bucket
    s3 = s3_client(load_settings().region)
    for item in s3.list_objects_v2(Bucket=bucket).get("Contents", []):
        s3.delete_object(Bucket=bucket, Key=item["Key"])
    s3.delete_bucket(Bucket=bucket)
    body = employee.body(selfie(GENUINE))
    failed = employee.api.call("POST", "/v1/attendance", body, token=employee.token)
    assert failed.status == 503 and failed.body["error"]["code"] == "UNAVAILABLE"
    assert failed.headers["Retry-After"]
    assert stored_events(employee.nip) == []
    s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": load_settings().region})
    retry = employee.api.call("POST", "/v1/attendance", body, token=employee.token)
    assert retry.status == 201, retry.body
    assert len(stored_events(employee.nip)) == 1


def test_database_failure_after_the_photo_gives_503_and_the_retry_succeeds(employee: Employee) -> None:
    client = shared_connection().client
    broken = {"on": True}

    def fail_transaction(**_: Any) -> None:
        if broken["on"]:
            raise EndpointConnectionError(endpoint_url="http://dynamodb.injected-failure")

    client.meta.events.register("before-call.dynamodb.TransactWriteItems", fail_transaction)
    try:
        body = employee.body(selfie(GENUINE))
        failed = employee.api.call("POST", "/v1/attendance", body, token=employee.token)
        assert failed.status == 503, failed.body
        assert stored_events(employee.nip) == []
        broken["on"] = False
        retry = employee.api.call("POST", "/v1/attendance", body, token=employee.token)
        assert retry.status == 201, retry.body
        assert len(stored_events(employee.nip)) == 1
    finally:
        client.meta.events.unregister("before-call.dynamodb.TransactWriteItems", fail_transaction)


def test_offline_capture_goes_to_review_and_an_admin_decides(employee: Employee) -> None:
    answer = employee.check_in_offline(selfie(GENUINE), hours_ago=3)
    assert answer.status == 201, answer.body
    assert answer.body["status"] == "review" and "OFFLINE_CAPTURE" in answer.body["warnings"]
    queue = employee.api.call("GET", "/v1/admin/reviews?status=pending&unor_id=U1", token=employee.admin)
    assert [i["event_id"] for i in queue.body["items"]] == [answer.body["event_id"]]
    decided = employee.api.call(
        "POST",
        f"/v1/admin/reviews/{answer.body['event_id']}",
        {"decision": "approve", "note": "sinyal hilang"},
        token=employee.admin,
    )
    assert decided.status == 200, decided.body
    twice = employee.api.call(
        "POST", f"/v1/admin/reviews/{answer.body['event_id']}", {"decision": "reject"}, token=employee.admin
    )
    assert twice.status == 409
    assert (
        employee.api.call("GET", "/v1/admin/reviews?status=pending&unor_id=U1", token=employee.admin).body["items"]
        == []
    )


@pytest.mark.parametrize(("hours_ago", "cause"), [(-0.5, "in the future"), (73, "too old")])
def test_an_offline_capture_out_of_time_is_refused_naming_why_and_records_nothing(
    employee: Employee, hours_ago: float, cause: str
) -> None:
    # a phone clock set half an hour ahead, or a capture kept longer than SMART_OFFLINE_MAX_AGE_H (72)
    answer = employee.check_in_offline(selfie(GENUINE), hours_ago=hours_ago)
    assert (answer.status, answer.body["error"]["details"]) == (400, {"captured_at": cause}), answer.body
    assert stored_events(employee.nip) == []


def test_the_reviewer_sees_how_far_the_app_moved_a_phone_clock(employee: Employee) -> None:
    # GIVEN an offline capture the app dated by SMART's clock, the phone's being 8 minutes slow
    captured = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    body = employee.body(selfie(GENUINE), offline=True, captured_at=captured, clock_correction_s=480)
    body.pop("challenge_id")
    sent = employee.api.call("POST", "/v1/attendance", body, token=employee.token)
    assert sent.status == 201, sent.body
    # THEN the review item says so beside the time; an online check-in carries no correction
    item = _review_item(employee, sent.body["event_id"])
    assert item["clock_correction_s"] == 480
    online = employee.check_in(selfie(GENUINE_2), type="out", clock_correction_s=60)
    mine = employee.api.call("GET", "/v1/attendance/me", token=employee.token).body["items"]
    assert [e["clock_correction_s"] for e in mine if e["event_id"] == online.body["event_id"]] == [None]


def _offline(employee: Employee, captured: datetime, kind: str = "in") -> Any:
    """An offline capture of `kind` at the office, stamped `captured` by the phone's clock, sent now."""
    body = employee.body(selfie(GENUINE_2), type=kind, offline=True, captured_at=captured.isoformat())
    body.pop("challenge_id")
    answer = employee.api.call("POST", "/v1/attendance", body, token=employee.token)
    assert answer.status == 201, answer.body
    return answer.body


def _review_item(employee: Employee, event_id: str) -> dict[str, Any]:
    queue = employee.api.call("GET", "/v1/admin/reviews?status=pending&unor_id=U1", token=employee.admin)
    assert queue.status == 200, queue.body
    return next(i for i in queue.body["items"] if i["event_id"] == event_id)


def test_an_offline_capture_after_a_refusal_that_day_reaches_the_reviewer_with_both_times(employee: Employee) -> None:
    # GIVEN an arrival refused from home (outside the zone)
    before = datetime.now(UTC).replace(microsecond=0)
    refused = employee.check_in(selfie(GENUINE), latitude=OUTSIDE[0], longitude=OUTSIDE[1])
    assert refused.status == 422 and refused.body["error"]["code"] == "OUTSIDE_ZONE"
    # WHEN the same arrival comes as an offline capture whose phone clock says it was taken before the refusal
    capture = _offline(employee, before)
    # THEN it is recorded for review, flagged as sent after a refusal of that day
    assert capture["status"] == "review"
    assert {"OFFLINE_CAPTURE", "OFFLINE_AFTER_REFUSAL"} <= set(capture["warnings"])
    # AND the review item carries when SMART received it beside the phone's time
    item = _review_item(employee, capture["event_id"])
    assert {"OFFLINE_CAPTURE", "OFFLINE_AFTER_REFUSAL"} <= set(item["warnings"])
    received = datetime.fromisoformat(item["received_at"])
    assert item["attendance_time"] == before.isoformat() and received >= before
    # AND so does the refusal among the day's attempts
    day = before.astimezone(ZoneInfo("Asia/Jakarta")).date().isoformat()
    attempts = employee.api.call("GET", f"/v1/admin/attempts?date={day}&unor_id=U1", token=employee.admin)
    [attempt] = [i for i in attempts.body["items"] if i["event_id"] == refused.body["event_id"]]
    assert attempt["code"] == "OUTSIDE_ZONE" and datetime.fromisoformat(attempt["received_at"]) >= before


@pytest.mark.parametrize("case", ["no-refusal", "refused-a-check-out", "captured-the-day-before"])
def test_an_offline_capture_without_a_refusal_of_its_day_and_type_is_not_flagged(employee: Employee, case: str) -> None:
    # GIVEN no refusal, a check-out refused today, or an arrival refused today
    now = datetime.now(UTC).replace(microsecond=0)
    if case != "no-refusal":
        kind = "out" if case == "refused-a-check-out" else "in"
        refused = employee.check_in(selfie(GENUINE), type=kind, latitude=OUTSIDE[0], longitude=OUTSIDE[1])
        assert refused.status == 422, refused.body
    # WHEN an arrival captured offline (now, or 25 hours ago: another local day) arrives
    captured = now - timedelta(hours=25) if case == "captured-the-day-before" else now
    capture = _offline(employee, captured)
    # THEN it is an ordinary offline capture in review
    assert capture["status"] == "review" and "OFFLINE_CAPTURE" in capture["warnings"]
    assert "OFFLINE_AFTER_REFUSAL" not in capture["warnings"]
    assert "OFFLINE_AFTER_REFUSAL" not in _review_item(employee, capture["event_id"])["warnings"]


def test_reviews_are_scoped_to_the_unit_admin(api: Api) -> None:
    employee = enrolled_employee(api)
    PEOPLE.upsert_unit("U2", "SDN U2")
    token = api.unit_admin_token(employee.admin, "U2")
    assert api.call("GET", "/v1/admin/reviews?unor_id=U1", token=token).status == 403
    assert api.call("GET", "/v1/admin/monitor?unor_id=U1", token=token).status == 403
    assert api.call("GET", "/v1/admin/employees/198501012010011001/faces", token=token).status == 403


def test_me_shows_profile_zones_and_today(employee: Employee) -> None:
    me = employee.api.call("GET", "/v1/me", token=employee.token)
    assert me.status == 200
    assert me.body["enrolled"] is True and me.body["unit"]["unor_id"] == "U1"
    assert [z["name"] for z in me.body["zones"]] == ["Sekolah"]
    assert "schedule" in me.body["today"]


def test_me_tells_the_app_the_stage_s_gps_accuracy_limit(employee: Employee, monkeypatch: pytest.MonkeyPatch) -> None:
    # The app waits for a fix within this limit before it lets the employee send (a rural stage may widen it)
    assert employee.api.call("GET", "/v1/me", token=employee.token).body["gps_max_accuracy_m"] == 100.0
    monkeypatch.setenv("SMART_GPS_MAX_ACCURACY_M", "250")
    load_settings.cache_clear()
    assert employee.api.call("GET", "/v1/me", token=employee.token).body["gps_max_accuracy_m"] == 250.0


def test_me_tells_the_app_how_long_smart_takes_an_offline_capture(
    employee: Employee, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The app names the regency's own limit when SMART refuses a capture kept on the phone too long
    assert employee.api.call("GET", "/v1/me", token=employee.token).body["offline_max_age_h"] == 72
    monkeypatch.setenv("SMART_OFFLINE_MAX_AGE_H", "24")
    load_settings.cache_clear()
    assert employee.api.call("GET", "/v1/me", token=employee.token).body["offline_max_age_h"] == 24


def test_missing_face_models_give_503_and_record_nothing(
    employee: Employee, monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    from chalicelib.settings import load_settings

    monkeypatch.setenv("SMART_MODEL_DIR", str(tmp_path))
    load_settings.cache_clear()
    body = employee.body(selfie(GENUINE))
    answer = employee.api.call("POST", "/v1/attendance", body, token=employee.token)
    assert answer.status == 503 and answer.body["error"]["code"] == "UNAVAILABLE"
    assert stored_events(employee.nip) == []


def test_a_face_model_failing_at_run_time_gives_503_and_records_nothing(
    employee: Employee, monkeypatch: pytest.MonkeyPatch
) -> None:
    import onnxruntime as ort
    from onnxruntime.capi.onnxruntime_pybind11_state import Fail

    # GIVEN the models loaded, then every run failing (onnxruntime out of memory in a crowded container)
    def failing(self: ort.InferenceSession, *args: Any, **kwargs: Any) -> Any:
        raise Fail("[ONNXRuntimeError] : 1 : FAIL : Non-zero status code returned while running Conv node")

    monkeypatch.setattr(ort.InferenceSession, "run", failing)
    # WHEN the employee checks in, THEN the answer is 503 to retry, not 500, and nothing is recorded
    answer = employee.api.call("POST", "/v1/attendance", employee.body(selfie(GENUINE)), token=employee.token)
    assert (answer.status, answer.body["error"]["code"]) == (503, "UNAVAILABLE"), answer.body
    assert answer.headers.get("Retry-After") and stored_events(employee.nip) == []
    # AND once the models run again, the same check-in goes through
    monkeypatch.undo()
    retried = employee.api.call("POST", "/v1/attendance", employee.body(selfie(GENUINE)), token=employee.token)
    assert retried.status == 201, retried.body


def test_a_check_in_whose_commit_answer_was_lost_is_not_refused(
    employee: Employee, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN storage that commits the check-in's transaction but whose answer is lost, so the SDK sends the
    # same transaction again (botocore retries a read timeout by itself; the app never sees the first try)
    from pynamodb.transactions import TransactWrite

    commit = TransactWrite._commit

    def commit_then_repeat(self: TransactWrite) -> Any:
        commit(self)
        return commit(self)

    monkeypatch.setattr(TransactWrite, "_commit", commit_then_repeat)
    # WHEN the employee checks in
    answer = employee.check_in(selfie(GENUINE))
    # THEN the answer is the recorded check-in, not CHALLENGE_INVALID, and it is stored once
    assert answer.status == 201, answer.body
    assert [e.event_id for e in stored_events(employee.nip)] == [answer.body["event_id"]]


@pytest.mark.parametrize("record", ["as SIMPEG import writes it", "from before the duty hint"])
def test_field_duty_reaches_the_check_in_whatever_the_employee_record_says(employee: Employee, record: str) -> None:
    # GIVEN an employee whose record says "never on field duty" (a check-in then skips reading duties), or
    # a record written before that hint existed (says nothing: duties are always read)
    if record == "as SIMPEG import writes it":
        EmployeeModel(employee.nip).update(actions=[EmployeeModel.duty_until.set(NO_FIELD_DUTY)])
    away = {"latitude": OUTSIDE[0], "longitude": OUTSIDE[1]}
    before = employee.check_in(selfie(GENUINE), **away)
    assert before.status == 422 and before.body["error"]["code"] == "OUTSIDE_ZONE"
    # WHEN an admin sends them on field duty there, from today
    today = datetime.now(load_settings().tz).date()
    duty = {
        "nips": [employee.nip],
        "circle": {"lat": OUTSIDE[0], "lon": OUTSIDE[1], "radius_m": 150},
        "start_date": today.isoformat(),
        "end_date": (today + timedelta(days=2)).isoformat(),
        "letter_no": "800/123/BKPSDM",
        "reason": "Bimtek",
    }
    created = employee.api.call("POST", "/v1/admin/assignments", duty, token=employee.admin)
    assert created.status == 201, created.body
    # THEN a check-in there is accepted in the duty's zone
    answer = employee.check_in(selfie(GENUINE_2), **away)
    assert answer.status == 201, answer.body
    assert answer.body["zone"]["zone_id"] == f"z-{created.body['assignment_id']}"
    # AND the hint moved to the duty's end, or stayed unknown on the older record
    hint = PEOPLE.get_employee(employee.nip).duty_until  # type: ignore[union-attr]
    assert hint == (duty["end_date"] if record == "as SIMPEG import writes it" else None)


def test_a_teacher_on_field_duty_without_an_area_still_checks_in_at_school(employee: Employee) -> None:
    # GIVEN a teacher on field duty today whose letter names no area (a DL approved without a map: the days count
    # as DL and the school's zone still admits them), on a DynamoDB that refuses an empty key as the real one does
    today = datetime.now(load_settings().tz).date()
    duty = {"nips": [employee.nip], "start_date": today.isoformat(), "end_date": today.isoformat(),
            "letter_no": "800/7/DISDIK", "reason": "Rapat MGMP"}  # fmt: skip
    created = employee.api.call("POST", "/v1/admin/assignments", duty, token=employee.admin)
    assert created.status == 201 and created.body["zone_id"] is None, created.body  # as the list has it
    # WHEN they check in at school
    with refusing_empty_keys():
        answer = employee.check_in(selfie(GENUINE))
    # THEN it is recorded in the school's zone, not a 503 asking DynamoDB for the letter's missing area
    assert answer.status == 201, answer.body
    assert answer.body["zone"]["name"] == "Sekolah"


@pytest.mark.parametrize("record", ["as SIMPEG import writes it", "from before the plan hint"])
def test_a_leave_recorded_today_reaches_the_employee_s_day_whatever_the_record_says(
    employee: Employee, record: str
) -> None:
    # GIVEN an employee whose record says "nothing of their own planned" (their plans then skip reading own
    # schedules, rosters and leaves), or a record written before that hint existed (they are always read)
    if record == "as SIMPEG import writes it":
        EmployeeModel(employee.nip).update(actions=[EmployeeModel.plan_until.set(NO_OWN_PLAN)])
    before = employee.api.call("GET", "/v1/me", token=employee.token)
    assert before.status == 200 and before.body["today"]["leave"] is None, before.body
    # WHEN an admin records a sick leave from today
    today = datetime.now(load_settings().tz).date()
    end = (today + timedelta(days=1)).isoformat()
    body = {"nip": employee.nip, "type": "SAKIT", "start_date": today.isoformat(), "end_date": end}
    created = employee.api.call("POST", "/v1/admin/leaves", body, token=employee.admin)
    assert created.status == 201, created.body
    # THEN the employee's day shows it at once: a working day becomes a day of leave, a day off (the test may
    # run on a weekend in Jakarta) stays off
    after = employee.api.call("GET", "/v1/me", token=employee.token)
    assert after.status == 200 and after.body["today"]["leave"] is not None, after.body
    assert after.body["today"]["state"] == ("off" if before.body["today"]["state"] == "off" else "leave")
    # AND the hint moved to the leave's end, or stayed unknown on the older record
    hint = PEOPLE.get_employee(employee.nip).plan_until  # type: ignore[union-attr]
    assert hint == (end if record == "as SIMPEG import writes it" else None)


def test_a_holiday_declared_today_reaches_the_home_screen_at_once(employee: Employee) -> None:
    # GIVEN the employee's home screen read once (the regency calendar it reads is kept a minute per process)
    before = employee.api.call("GET", "/v1/me", token=employee.token)
    assert before.status == 200 and before.body["today"]["holiday"] is None, before.body
    # WHEN the BKPSDM declares today a holiday, THEN the next read shows it; WHEN it is withdrawn, THEN not
    today = datetime.now(load_settings().tz).date().isoformat()
    path = f"/v1/admin/holidays/{today}"
    declared = employee.api.call("PUT", path, {"name": "Hari Jadi Kabupaten"}, token=employee.admin)
    assert declared.status == 200, declared.body
    after = employee.api.call("GET", "/v1/me", token=employee.token)
    assert after.body["today"]["holiday"] == "Hari Jadi Kabupaten", after.body
    assert employee.api.call("DELETE", path, token=employee.admin).status == 200
    assert employee.api.call("GET", "/v1/me", token=employee.token).body["today"]["holiday"] is None


def test_a_released_phone_gets_no_challenge_and_cannot_use_one_it_got_before(employee: Employee) -> None:
    # GIVEN a check-in made ready with a challenge the phone got, WHEN an admin then releases the phone (its
    # session ends)
    body = employee.body(selfie(GENUINE))
    # (another admin than the one who enrolled the face: four eyes, decision 173)
    enrolled_it = employee.api.call("POST", f"/v1/admin/employees/{employee.nip}/reset-device", token=employee.admin)
    assert (enrolled_it.status, enrolled_it.body["error"]["details"]["reason"]) == (403, "four_eyes")
    other_admin = employee.api.unit_admin_token(employee.admin, "U1")
    reset = employee.api.call("POST", f"/v1/admin/employees/{employee.nip}/reset-device", token=other_admin)
    assert reset.status == 200, reset.body
    # THEN the old phone gets no new challenge (its token is judged by the stored account, decision 159) ...
    again = employee.api.call("POST", "/v1/attendance/challenge", token=employee.token)
    assert again.status == 401 and again.body["error"]["code"] == "UNAUTHENTICATED"
    # ... and the check-in made with the earlier one is refused as unauthenticated, and nothing is recorded
    answer = employee.api.call("POST", "/v1/attendance", body, token=employee.token)
    assert answer.status == 401 and answer.body["error"]["code"] == "UNAUTHENTICATED"
    assert stored_events(employee.nip) == []
    # AND a forged or missing token gets no challenge at all
    for token in ("not-a-token", None):
        assert employee.api.call("POST", "/v1/attendance/challenge", token=token).status == 401
