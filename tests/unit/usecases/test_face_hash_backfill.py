"""Fingerprints stored before the aligned-face hash existed (decision 88): the check-in's rotation-proof lookup
cannot see them until the one-off backfill gives them their hash from the photo kept in the bucket. Real
photos (../shared/faces/dev), the real face engine, the in-memory twins."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from PIL import Image

from chalicelib import runtime
from chalicelib.face import ReplayedPhotoError
from chalicelib.settings import Settings
from chalicelib.store.base import iso
from chalicelib.store.events import new_event_id
from chalicelib.store.faces import new_template_id
from chalicelib.store.photos import photo_key
from chalicelib.store.repositories import Repositories
from chalicelib.usecases import faces
from tests.functional.checkin_setup import selfie
from tests.unit.store.events_contract import event, write
from tests.unit.usecases.test_faces import settings

__all__ = ["settings"]
NIP = "198501012010011001"
NOW = datetime(2026, 12, 3, 0, 30, tzinfo=UTC)
# 07:10 in Jakarta on 2 September, 23:50 UTC the day before: the photo's local date is not the UTC one.
SENT = datetime(2026, 9, 1, 23, 50, tzinfo=UTC)


def rotated(data: bytes, degrees: float) -> bytes:
    """The photo turned and re-encoded, as a replay of an old selfie would be."""
    with Image.open(io.BytesIO(data)) as image:
        out = io.BytesIO()
        image.rotate(degrees, resample=Image.Resampling.BICUBIC).save(out, "JPEG", quality=80)
        return out.getvalue()


def store_legacy_check_in(
    data: bytes, settings: Settings, *, keep_photo: bool = True, captured: datetime = SENT
) -> None:
    """A check-in as stored before the face hash: the photo in the bucket (under the local date of its capture,
    as the check-in keeps it), its fingerprint without one; received at SENT."""
    event_id = new_event_id(NIP, SENT)
    key = photo_key("checkin", captured.astimezone(settings.tz).date().isoformat(), NIP, event_id.split(".", 1)[1])
    if keep_photo:
        runtime.photos(settings).put(key, data)
    analysis = runtime.engine_and_policy(settings)[0].analyse(data, purpose="verify")
    legacy = replace(analysis.fingerprint, face_chip=b"", face_hash=None)
    stored = replace(event(at=SENT), event_id=event_id, attendance_time=iso(captured), photo_key=key)
    runtime.events().write_checkin(write(stored, "r-legacy", photo=legacy, now=SENT))


def replayed(data: bytes, settings: Settings) -> bool:
    analysis = faces.analyse_selfie(data, settings)
    try:
        faces.check_not_replayed(NIP, analysis, NOW, settings)
    except ReplayedPhotoError:
        return True
    return False


def test_an_old_check_in_selfie_turned_is_refused_once_its_fingerprint_is_backfilled(
    settings: Settings, repos: Repositories
) -> None:
    # GIVEN a check-in selfie stored before the face hash, and an enrolment photo likewise
    photo = selfie("deepface/img1.jpg")
    store_legacy_check_in(photo, settings)
    template_id = new_template_id(NIP)
    enrolment = selfie("deepface/img2.jpg")
    runtime.photos(settings).put(photo_key("enrol", "2026-09-02", NIP, template_id), enrolment)
    legacy = replace(faces.analyse_selfie(enrolment, settings).fingerprint, face_chip=b"", face_hash=None)
    repos.events.remember_fingerprint(NIP, template_id, legacy, SENT + timedelta(minutes=1))  # type: ignore[attr-defined]
    # AND the old selfie turned 10° is not seen as a replay by the check-in's lookup
    copy = rotated(photo, 10)
    assert not replayed(copy, settings)
    # WHEN the backfill runs for the employee
    counts = faces.backfill_face_hashes(settings, [NIP], NOW)
    # THEN both got their hash from the kept photos, and the turned copy is refused REPLAYED_PHOTO
    assert counts == {"hashed": 2, "photo_gone": 0, "failed": 0}
    assert replayed(copy, settings)
    assert runtime.events().unhashed_fingerprints(NIP, NOW) == []
    # AND a second run finds nothing left to do
    assert faces.backfill_face_hashes(settings, [NIP], NOW) == {"hashed": 0, "photo_gone": 0, "failed": 0}


def test_an_offline_check_out_s_photo_is_found_under_the_day_it_was_taken(
    settings: Settings, repos: Repositories
) -> None:
    # GIVEN an offline check-out taken at 16:05 on 1 September and sent at 07:10 the next morning (its photo kept
    # under 1 September, its event id of 2 September's morning), stored before the face hash
    store_legacy_check_in(selfie("deepface/img1.jpg"), settings, captured=datetime(2026, 9, 1, 9, 5, tzinfo=UTC))
    # WHEN the backfill runs, THEN it finds the photo where the event says and gives the fingerprint its hash
    assert faces.backfill_face_hashes(settings, [NIP], NOW) == {"hashed": 1, "photo_gone": 0, "failed": 0}


def test_a_fingerprint_whose_photo_is_gone_is_left_to_age_out(settings: Settings, repos: Repositories) -> None:
    store_legacy_check_in(selfie("deepface/img1.jpg"), settings, keep_photo=False)
    assert faces.backfill_face_hashes(settings, [NIP], NOW) == {"hashed": 0, "photo_gone": 1, "failed": 0}
    assert len(runtime.events().unhashed_fingerprints(NIP, NOW)) == 1


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        (f"2026-09-01T23:50:00+00:00#{NIP}.20260901T235000Z.0a1b2c3d", "photos/checkin/2026-09-02"),
        ("2026-09-01T23:50:00+00:00#t-0123456789ab-" + NIP, "photos/enrol/2026-09-02"),
        ("2026-09-01T23:50:00+00:00#199002022015032002.20260901T235000Z.0a1b2c3d", None),  # another's
        ("2026-09-01T23:50:00+00:00#anything", None),
    ],
)
def test_the_photo_of_a_fingerprint_is_found_by_its_key(
    settings: Settings, repos: Repositories, key: str, expected: str | None
) -> None:
    found = faces.fingerprint_photo(NIP, key, settings)
    assert (found[0].rsplit("/", 2)[0] if found else None) == expected
