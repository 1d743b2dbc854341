"""Active liveness end to end: the challenge asks a random head movement, the check-in's frames must show it.

Real photos and the real ONNX models through the Chalice test client on moto. Genuine frames are several real
photos of the enrolled person ordered by measured pose (tests/liveness_frames.py); the attacks are made from
one still photo (copies, a flat picture tilted in front of the camera), from the opposite movement, and from
another person's movement.
"""

from __future__ import annotations

import base64
import io
import random
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pytest
from PIL import Image

from chalicelib.attendance import challenges
from chalicelib.settings import load_settings
from chalicelib.store.models import EventModel
from chalicelib.store.people import DynamoPeopleRepository
from evaluation.liveness import cached_identity_photos, still_copies, tilted
from tests.conftest import faces_dir
from tests.functional.checkin_setup import Employee, enrolled_employee, selfie
from tests.functional.conftest import Api
from tests.liveness_frames import frames_b64, turn_from_frontal_of

PEOPLE = DynamoPeopleRepository()
GENUINE = "deepface/img2.jpg"  # same person as the enrolment photo img1
OTHER_PERSON = "deepface/img13.jpg"


def stored_events(nip: str) -> list[EventModel]:
    return [e for e in EventModel.query(nip) if e.key.startswith("E#")]


def b64(frames: list[bytes]) -> list[str]:
    return [base64.b64encode(f).decode() for f in frames]


@pytest.fixture()
def employee(api: Api) -> Employee:
    return enrolled_employee(api)


def mode(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("SMART_LIVENESS", value)
    load_settings.cache_clear()


def challenge_for(employee: Employee, action: str | None) -> str:
    """A challenge asking `action`, signed as the route signs it (the route draws the action at random)."""
    device = str(PEOPLE.get_employee(employee.nip).device_id)  # type: ignore[union-attr]
    settings = load_settings()
    issued = challenges.issue(employee.nip, device, datetime.now(UTC), 600, settings.token_secret, action=action)
    employee.asked[issued.challenge_id] = action
    return issued.challenge_id


def still_frames(photo: str, kind: str) -> list[str]:
    """Attack frames made from one still photo of the enrolled person."""
    photos = cached_identity_photos(faces_dir("dev") / "labels.csv", load_settings().model_dir)
    posed = photos.measure(photo)
    assert posed is not None
    rng = random.Random(3)
    return b64(still_copies(posed, 5, rng) if kind == "copies" else tilted(posed, 5, "vertical", rng))


def test_the_challenge_asks_a_random_movement_and_genuine_frames_pass(
    employee: Employee, monkeypatch: pytest.MonkeyPatch
) -> None:
    # WHEN the employee asks for challenges
    asked = [employee.issue()["liveness"] for _ in range(30)]
    # THEN each names one movement the server can judge and 5 frames: a turn either way by default (never
    # blink; nod only when the deployment asks for it: see the decision log)
    assert {a["frames"] for a in asked} == {5}
    assert {a["action"] for a in asked} == {"turn_left", "turn_right"}
    # AND a check-in whose frames show the asked movement by the enrolled person is recorded
    answer = employee.check_in(selfie(GENUINE))
    assert answer.status == 201, answer.body
    assert not {w for w in answer.body["warnings"] if w.startswith("LIVENESS")}
    # AND a deployment may choose the movements
    monkeypatch.setenv("SMART_LIVENESS_ACTIONS", "nod,turn_left")
    load_settings.cache_clear()
    assert {employee.issue()["liveness"]["action"] for _ in range(30)} == {"nod", "turn_left"}


@pytest.mark.parametrize("action", ["turn_left", "turn_right", "nod"])
def test_each_movement_passes_with_genuine_frames(employee: Employee, action: str) -> None:
    answer = employee.check_in(selfie(GENUINE), challenge_id=challenge_for(employee, action))
    assert answer.status == 201, answer.body


def test_missing_frames_are_refused_and_kept_for_audit(employee: Employee) -> None:
    for frames in (None, []):
        answer = employee.check_in(selfie(GENUINE), frames=frames)
        assert answer.status == 422 and answer.body["error"]["code"] == "LIVENESS_REQUIRED", answer.body
    assert [(e.status, e.reasons) for e in stored_events(employee.nip)] == [("refused", ["LIVENESS_REQUIRED"])] * 2
    # a challenge issued while liveness was off asks nothing: it cannot stand for one that did
    bare = employee.check_in(selfie(GENUINE), challenge_id=challenge_for(employee, None))
    assert bare.status == 422 and bare.body["error"]["code"] == "LIVENESS_REQUIRED"


@pytest.mark.parametrize("kind", ["copies", "tilted"])
def test_frames_made_from_one_still_are_refused(employee: Employee, kind: str) -> None:
    # GIVEN frames made from one still photo of the employee: shifted/scaled/rotated/re-encoded copies, or the
    # printed photo turned in front of the camera
    frames = still_frames("deepface/img2.jpg", kind)
    answer = employee.check_in(selfie(GENUINE), challenge_id=challenge_for(employee, "turn_left"), frames=frames)
    assert answer.status == 422 and answer.body["error"]["code"] == "LIVENESS_FAILED", answer.body
    assert answer.body["error"]["details"]["reason"] in ("still_image", "no_movement", "wrong_direction")
    assert [e.status for e in stored_events(employee.nip)] == ["refused"]


def test_one_frame_sent_five_times_is_refused(employee: Employee) -> None:
    one = frames_b64("deepface/img1.jpg", "turn_left")[0]
    answer = employee.check_in(selfie(GENUINE), challenge_id=challenge_for(employee, "turn_left"), frames=[one] * 5)
    assert answer.status == 422 and answer.body["error"]["details"]["reason"] == "duplicate_frames"


def test_the_opposite_turn_is_refused(employee: Employee) -> None:
    frames = frames_b64("deepface/img1.jpg", "turn_right")
    answer = employee.check_in(selfie(GENUINE), challenge_id=challenge_for(employee, "turn_left"), frames=frames)
    assert answer.status == 422 and answer.body["error"]["code"] == "LIVENESS_FAILED"
    assert answer.body["error"]["details"]["reason"] == "wrong_direction"


def test_a_turn_played_backwards_is_refused_for_the_opposite_turn(api: Api) -> None:
    # GIVEN an employee who once recorded themselves turning left from frontal (real photos of them)
    employee = enrolled_employee(api, enrol="fr/obama2.jpg")
    recorded = list(turn_from_frontal_of("fr/obama.jpg", "turn_left"))
    # WHEN the clip is played backwards for a challenge asking a right turn
    answer = employee.check_in(
        selfie("fr/obama.jpg"), challenge_id=challenge_for(employee, "turn_right"), frames=b64(recorded[::-1])
    )
    # THEN it is refused (the head only came back to frontal) and kept for audit
    assert answer.status == 422 and answer.body["error"]["code"] == "LIVENESS_FAILED", answer.body
    assert answer.body["error"]["details"]["reason"] == "wrong_side"
    assert [e.status for e in stored_events(employee.nip)] == ["refused"]


def test_another_persons_movement_is_refused(employee: Employee) -> None:
    # GIVEN a genuine selfie of the employee, but frames of someone else making the movement
    frames = frames_b64(OTHER_PERSON, "turn_left")
    answer = employee.check_in(selfie(GENUINE), challenge_id=challenge_for(employee, "turn_left"), frames=frames)
    assert answer.status == 422 and answer.body["error"]["code"] == "LIVENESS_FAILED"
    # AND the phone is told why, not how near each measure came to its limit (a tilted print or a made-up clip
    # would be stepped by them)
    assert answer.body["error"]["details"] == {"reason": "different_face"}, answer.body
    # AND the admins' list of refused attempts keeps the measures
    day = datetime.now(load_settings().tz).date().isoformat()
    attempts = employee.api.call("GET", f"/v1/admin/attempts?date={day}&unor_id=U1", token=employee.admin)
    [attempt] = [i for i in attempts.body["items"] if i["event_id"] == answer.body["event_id"]]
    assert attempt["details"]["reason"] == "different_face" and "same_face" in attempt["details"], attempt


def test_review_mode_records_missing_or_failed_liveness_for_review(
    employee: Employee, monkeypatch: pytest.MonkeyPatch
) -> None:
    mode(monkeypatch, "review")
    missing = employee.check_in(selfie(GENUINE), frames=None)
    assert missing.status == 201 and missing.body["status"] == "review"
    assert "LIVENESS_MISSING" in missing.body["warnings"]
    out = employee.check_in(
        selfie("deepface/img4.jpg"),
        type="out",
        challenge_id=challenge_for(employee, "turn_left"),
        frames=frames_b64("deepface/img1.jpg", "turn_right"),
    )
    assert out.status == 201 and out.body["status"] == "review"
    assert "LIVENESS_FAILED" in out.body["warnings"]


def test_off_mode_asks_nothing_and_needs_no_frames(employee: Employee, monkeypatch: pytest.MonkeyPatch) -> None:
    mode(monkeypatch, "off")
    assert employee.issue()["liveness"] == {"action": None, "frames": 0}
    answer = employee.check_in(selfie(GENUINE))
    assert answer.status == 201, answer.body
    assert not {w for w in answer.body["warnings"] if w.startswith("LIVENESS")}


def test_offline_check_ins_need_no_frames_and_go_to_review(employee: Employee) -> None:
    captured = datetime.now(UTC).isoformat(timespec="seconds")
    answer = employee.check_in(selfie(GENUINE), challenge_id=None, offline=True, captured_at=captured)
    assert answer.status == 201 and answer.body["status"] == "review"
    assert answer.body["warnings"] == ["OFFLINE_CAPTURE"]


def _jpeg(width: int, height: int, noise: bool = False) -> bytes:
    rng = np.random.default_rng(1)
    shape = (height, width, 3)
    pixels = rng.integers(0, 256, shape, dtype=np.uint8) if noise else np.zeros(shape, np.uint8)
    out = io.BytesIO()
    Image.fromarray(pixels).save(out, "JPEG", quality=95)
    return out.getvalue()


@pytest.mark.parametrize(
    ("frames", "status", "code"),
    [
        (["frame"] * 9, 400, "VALIDATION_ERROR"),  # more frames than allowed
        (["not base64!"], 400, "VALIDATION_ERROR"),
        ("not-a-list", 400, "VALIDATION_ERROR"),
        ([base64.b64encode(_jpeg(2000, 2000)).decode()], 400, "UNSUPPORTED_IMAGE"),  # too many pixels
        # over 100 kB: refused by the schema (8 frames of at most 100 kB stay far under the 4 MB body limit)
        ([base64.b64encode(_jpeg(320, 240, noise=True) * 2).decode()], 400, "VALIDATION_ERROR"),
        ([base64.b64encode(b"GIF89a" + b"\0" * 100).decode()], 400, "UNSUPPORTED_IMAGE"),
    ],
)
def test_bad_frames_are_refused_as_bad_input_and_nothing_is_recorded(
    employee: Employee, frames: Any, status: int, code: str
) -> None:
    answer = employee.check_in(selfie(GENUINE), frames=frames)
    assert answer.status == status and answer.body["error"]["code"] == code, answer.body
    assert stored_events(employee.nip) == []


@pytest.mark.parametrize("photo", [GENUINE, "deepface/img13.jpg"], ids=["own face", "another person's face"])
def test_a_bad_frame_is_refused_before_the_face_is_judged(employee: Employee, photo: str) -> None:
    # GIVEN someone with the employee's session trying photos of them, each sent with one frame that is no image:
    # were the face judged first, a passing photo would answer 400 with nothing recorded and a failing one 422,
    # an oracle that leaves no trace of the photo that passes
    bad = base64.b64encode(b"GIF89a" + b"\0" * 100).decode()
    frames = [*frames_b64(GENUINE, "turn_left")[:4], bad]
    # WHEN either is sent
    answer = employee.check_in(selfie(photo), frames=frames)
    # THEN both answer the same bad input, naming the frame, and nothing is recorded
    assert answer.status == 400 and answer.body["error"]["code"] == "UNSUPPORTED_IMAGE", answer.body
    assert answer.body["error"]["details"]["frame"] == 4
    assert stored_events(employee.nip) == []
