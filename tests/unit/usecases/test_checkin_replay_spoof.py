"""Check-ins against replayed selfies and with the passive anti-spoof score, on the in-memory twins with the
real face engine and real photos (../shared/faces).

A copy of an earlier selfie rotated 8-12°, mirrored, cropped or resized and re-encoded is refused as
REPLAYED_PHOTO (found through the face-hash index, `replay_candidates`); another genuine photo of the same
person is not. With SMART_ANTISPOOF on, a spoof score at or above SMART_ANTISPOOF_THRESHOLD sends the check-in to
review with SPOOF_SUSPECTED; it is never refused for it. In shadow mode the score is only stored with the event.
"""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from PIL import Image

from chalicelib import runtime
from chalicelib.domain.people import Principal
from chalicelib.settings import Settings
from chalicelib.store.base import iso
from chalicelib.store.repositories import Repositories
from chalicelib.usecases import checkin, faces
from tests.conftest import faces_dir
from tests.functional.checkin_setup import selfie

from .admin_fixtures import audited
from .test_checkin import (
    GENUINE,
    GENUINE_2,
    NOW,
    SETTINGS,
    employee,
    enrolled,
    recorded_events,
    rendered,
    request,
)

__all__ = ["audited", "employee", "enrolled"]  # fixtures of test_checkin this module uses

EXIF_IFD, DATETIME_ORIGINAL = 0x8769, 0x9003  # the EXIF sub-directory and its DateTimeOriginal tag


def _jpeg(image: Image.Image, quality: int) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality)
    return out.getvalue()


def _altered(data: bytes, kind: str) -> bytes:
    """The selfie `data` altered the way a replay alters it, re-encoded."""
    image = Image.open(io.BytesIO(data)).convert("RGB")
    w, h = image.size
    grey = (128, 128, 128)
    if kind.startswith("rotated"):
        angle = float(kind.split()[1])
        return _jpeg(image.rotate(angle, Image.Resampling.BICUBIC, expand=True, fillcolor=grey), 80)
    if kind == "mirrored":
        return _jpeg(image.transpose(Image.Transpose.FLIP_LEFT_RIGHT), 85)
    if kind == "cropped":
        return _jpeg(image.crop((w // 10, h // 10, w - w // 10, h - h // 10)), 85)
    assert kind == "resized"
    return _jpeg(image.resize((w * 3 // 5, h * 3 // 5), Image.Resampling.BILINEAR), 75)


def check_out_twice(employee: Principal, settings: Settings, second_photo: bytes) -> checkin.Answer:
    """A check-out recorded with the GENUINE selfie, then the answer to another check-out with `second_photo`."""
    first, first_raw = request(photo=selfie(GENUINE), type="out")
    assert checkin.check_in(employee, first, first_raw, settings, NOW).status_code == 201
    second, second_raw = request("r-2", photo=second_photo, type="out")
    return checkin.check_in(employee, second, second_raw, settings, NOW)


def check_in_with(employee: Principal, settings: Settings) -> dict[str, object]:
    """The answer to an arrival with the GENUINE selfie, as the client reads it."""
    body, raw = request(photo=selfie(GENUINE))
    answer = checkin.check_in(employee, body, raw, settings, NOW)
    assert answer.status_code == 201, rendered(answer)
    return rendered(answer)


@pytest.mark.parametrize("kind", ["rotated 8", "rotated -10", "rotated 12", "mirrored", "cropped", "resized"])
def test_an_altered_copy_of_an_earlier_selfie_is_refused_as_replayed(
    repos: Repositories, employee: Principal, enrolled: Settings, kind: str
) -> None:
    # GIVEN a check-out recorded with a selfie
    # WHEN that selfie is sent again rotated, mirrored, cropped or resized, and re-encoded
    answer = check_out_twice(employee, enrolled, _altered(selfie(GENUINE), kind))
    # THEN it is refused as a replay and kept for audit
    assert answer.status_code == 422, rendered(answer)
    assert rendered(answer)["error"]["code"] == "REPLAYED_PHOTO"
    assert rendered(answer)["error"]["details"]["reason"] in ("perceptual", "aligned_face", "embedding")


def test_a_new_genuine_photo_of_the_same_person_is_not_a_replay(
    repos: Repositories, employee: Principal, enrolled: Settings
) -> None:
    # GIVEN a check-out recorded with a selfie, WHEN another photo of the same person is sent
    answer = check_out_twice(employee, enrolled, selfie(GENUINE_2))
    # THEN it is recorded (nothing took it for a copy of the first, nor of the enrolment photo)
    assert answer.status_code == 201, rendered(answer)


def test_a_spoof_score_over_the_threshold_sends_the_check_in_to_review(
    repos: Repositories, employee: Principal, enrolled: Settings
) -> None:
    # GIVEN anti-spoofing on, with a threshold every photo reaches
    strict = replace(enrolled, antispoof="on", antispoof_threshold=0.0)
    # WHEN the employee checks in, THEN it is recorded for review with the reason and its score, not refused
    answer = check_in_with(employee, strict)
    assert answer["status"] == "review" and faces.SPOOF_SUSPECTED in str(answer["warnings"])
    [event] = recorded_events(repos)
    assert event.status == "review" and faces.SPOOF_SUSPECTED in (event.warnings or ())
    assert event.spoof_score is not None and 0.0 <= event.spoof_score <= 1.0


@pytest.mark.parametrize("mode", ["shadow", "off"])
def test_in_shadow_mode_the_score_is_stored_and_nothing_else_changes(
    repos: Repositories, employee: Principal, enrolled: Settings, mode: str
) -> None:
    # GIVEN anti-spoofing in shadow mode (or off), with a threshold every photo reaches
    answer = check_in_with(employee, replace(enrolled, antispoof=mode, antispoof_threshold=0.0))
    # THEN the check-in is judged as without it: accepted, no spoof warning
    assert answer["status"] == "accepted" and faces.SPOOF_SUSPECTED not in str(answer["warnings"])
    # AND in shadow mode its event keeps the score for calibration (tools/antispoof_report.py); off: none
    [event] = recorded_events(repos)
    assert (event.spoof_score is not None) == (mode == "shadow")


def test_a_genuine_selfie_under_the_threshold_gets_no_spoof_warning(
    repos: Repositories, employee: Principal, enrolled: Settings
) -> None:
    answer = check_in_with(employee, replace(enrolled, antispoof="on", antispoof_threshold=0.9))
    assert faces.SPOOF_SUSPECTED not in str(answer["warnings"])


@pytest.mark.parametrize(("sample", "flagged"), [("image_F2.jpg", True), ("image_T1.jpg", False)])
def test_spoof_samples_are_scored(enrolled: Settings, sample: str, flagged: bool) -> None:
    # GIVEN anti-spoofing on at the default threshold, and the upstream samples (F2 an attack, T1 real)
    on = replace(enrolled, antispoof="on")
    data = (faces_dir("spoof-samples") / sample).read_bytes()
    analysis = faces.analyse_selfie(data, on)
    # THEN the attack is flagged and the real face is not; with anti-spoofing off nothing is scored
    assert analysis.spoof_score is not None
    assert faces.spoof_warnings(analysis, on) == ([faces.SPOOF_SUSPECTED] if flagged else [])
    assert faces.analyse_selfie(data, enrolled).spoof_score is None
    assert runtime.engine_and_policy(on)[0] is not runtime.engine_and_policy(enrolled)[0]


def test_the_spoof_models_are_built(enrolled: Settings) -> None:
    for model_id in ("minifasnet_v2", "minifasnet_v1se"):
        assert (Path(enrolled.model_dir) / f"{model_id}.onnx").is_file()
        assert (Path(enrolled.model_dir) / f"{model_id}.LICENSE").read_text().count("Apache License") >= 1


def _taken_at(data: bytes, when: datetime) -> bytes:
    """The photo `data` as a camera app saves it, with its EXIF DateTimeOriginal (local wall-clock time)."""
    image = Image.open(io.BytesIO(data))
    exif = image.getexif()
    exif.get_ifd(EXIF_IFD)[DATETIME_ORIGINAL] = when.astimezone(SETTINGS.tz).strftime("%Y:%m:%d %H:%M:%S")
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90, exif=exif)
    return out.getvalue()


def test_a_gallery_photo_of_last_week_is_flagged_whatever_capture_time_the_client_claims(
    repos: Repositories, employee: Principal, enrolled: Settings
) -> None:
    # GIVEN a genuine photo of the employee taken a week ago by a camera app (EXIF time kept), never sent to SMART
    week_ago = NOW - timedelta(days=7)
    photo = _taken_at(selfie(GENUINE), week_ago)
    # WHEN a modified client sends it with a fresh challenge, claiming the photo's own time as `captured_at`
    body, raw = request(photo=photo, captured_at=iso(week_ago))
    answer = checkin.check_in(employee, body, raw, enrolled, NOW)
    # THEN the EXIF time is judged against the challenge's time, not the client's word: recorded for review
    assert answer.status_code == 201, rendered(answer)
    assert rendered(answer)["status"] == "review" and checkin.EXIF_TIME_MISMATCH in rendered(answer)["warnings"]


def test_a_photo_taken_within_the_challenge_s_minutes_is_not_flagged(
    repos: Repositories, employee: Principal, enrolled: Settings
) -> None:
    # GIVEN a photo whose EXIF time is the challenge's minute (a native camera with a right clock)
    body, raw = request(photo=_taken_at(selfie(GENUINE), NOW + timedelta(seconds=20)))
    # WHEN it is sent online, THEN no EXIF warning
    answer = checkin.check_in(employee, body, raw, enrolled, NOW + timedelta(seconds=30))
    assert answer.status_code == 201 and checkin.EXIF_TIME_MISMATCH not in rendered(answer)["warnings"]
