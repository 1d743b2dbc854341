"""The behaviour every implementation of `chalicelib.store.events.EventsRepository` must have.

Subclass `EventsRepositoryContract` as `Test...` and provide a `repo` fixture returning a fresh, empty
repository: the in-memory twin in tests/unit/store, the DynamoDB one (moto in-process) in
tests/functional/test_events_store.py. Nothing here depends on how the repository is built.
"""

from __future__ import annotations

import functools
import json
import threading
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from chalicelib.domain.attendance import Event
from chalicelib.domain.decisions import Decided
from chalicelib.errors import ValidationError
from chalicelib.face.config import ReplayLimits
from chalicelib.face.types import PhotoFingerprint
from chalicelib.store.audit import AuditBatch, AuditRepository
from chalicelib.store.base import ConditionFailed, iso, parse_iso
from chalicelib.store.events import (
    FINGERPRINT_DAYS,
    ChallengeTaken,
    CheckinWrite,
    DayEvent,
    EventsRepository,
    MarkTaken,
    PhotoTaken,
    StoredAnswer,
    UsedChallenge,
    new_event_id,
    punch_event_id,
)

from .audit_contract import START as AUDIT_START

NIP = "198501012010011001"
OTHER = "199002022015032002"
PHONE = "android-0001-aaaa"
AT = datetime(2026, 12, 3, 0, 30, 0, tzinfo=UTC)  # 07:30 in Jakarta
DAY = "2026-12-03"
STALE_S = 35
RACERS = 8


def event(nip: str = NIP, at: datetime = AT, **changes: object) -> Event:
    """An accepted arrival of U1 received at `at`, with every field set; keyword arguments override fields."""
    base = Event(
        event_id=new_event_id(nip, at),
        nip=nip,
        type="in",
        status="accepted",
        attendance_time=iso(at - timedelta(seconds=20)),
        received_at=iso(at),
        local_date=DAY,
        unor_id="U1",
        warnings=("EXIF_TIME_MISMATCH",),
        latitude=-6.9175,
        longitude=107.6191,
        accuracy_m=12.5,
        zone_id="Z1",
        zone_name="Kantor Bupati",
        face_score=0.8123,
        face_threshold=0.42,
        spoof_score=0.0731,
        photo_key=f"photos/checkin/{DAY}/{nip}/x.jpg",
        answer={"status": "accepted", "late_minutes": 0, "category": None, "warnings": ["EXIF_TIME_MISMATCH"]},
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def answered_conflict(e: Event) -> StoredAnswer:
    """Another body under the id of `e`'s accepted check-in: the conflict names how the first was answered."""
    return StoredAnswer(409, {"conflict": True, "first": {"status": "accepted", "event_id": e.event_id}})


def review(nip: str = NIP, at: datetime = AT, unor_id: str = "U1") -> Event:
    return event(nip, at, status="review", unor_id=unor_id)


def challenge(challenge_id: str = "c-1") -> UsedChallenge:
    return UsedChallenge(challenge_id, PHONE, AT - timedelta(seconds=20), AT + timedelta(minutes=2))


def write(
    e: Event,
    request: str = "r-1",
    *,
    used: UsedChallenge | None = None,
    first_arrival: bool = False,
    photo: PhotoFingerprint | None = None,
    now: datetime = AT,
) -> CheckinWrite:
    """The check-in write of `e` by the client request `request` of its employee."""
    return CheckinWrite(
        event=e,
        claim_key=f"{e.nip}#{request}",
        request_fingerprint=f"body-of-{request}",
        answer=StoredAnswer(201, {"event_id": e.event_id, "status": e.status}),
        now=now,
        challenge=used,
        first_arrival=first_arrival,
        photo=photo,
    )


def fingerprint(seed: int) -> PhotoFingerprint:
    vectors = np.random.default_rng(seed).standard_normal(8)
    embeddings = {"model_a": vectors[:5].astype(np.float64), "model_b": vectors[5:].astype(np.float32)}
    return PhotoFingerprint(f"{seed:064x}", 0xF0F0_0000_0000_0000 + seed, embeddings)


PROBE_HASH = 0x0123_4567_89AB_CDEF


def face_fingerprint(seed: int, flips: int) -> PhotoFingerprint:
    """A fingerprint with an aligned face whose hash differs from PROBE_HASH in its lowest `flips` bits."""
    chip = np.random.default_rng(seed).integers(0, 256, 32 * 32, dtype=np.uint8).tobytes()
    vectors = {"model_a": np.random.default_rng(seed).standard_normal(4).astype(np.float32)}
    return PhotoFingerprint(f"{seed:064x}", seed, vectors, face_chip=chip, face_hash=PROBE_HASH ^ ((1 << flips) - 1))


def race(attempts: list[Callable[[], None]]) -> list[BaseException | None]:
    """Run the attempts at once, one thread each, released together; each one's exception or None."""
    outcomes: list[BaseException | None] = [None] * len(attempts)
    start = threading.Barrier(len(attempts))

    def run(i: int) -> None:
        start.wait()
        try:
            attempts[i]()
        except Exception as exc:  # the outcome under test
            outcomes[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(attempts))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


class EventsRepositoryContract:
    """Subclass with a `repo` fixture returning an empty EventsRepository."""

    # --- reads of an empty repository ---------------------------------------------------------------

    def test_a_new_repository_has_no_events_marks_fingerprints_or_reviews(self, repo: EventsRepository) -> None:
        assert repo.get_event(new_event_id(NIP, AT)) is None
        assert repo.events_between(NIP, AT - timedelta(days=30), AT + timedelta(days=1)) == []
        assert repo.events_of_unit_day("U1", DAY) == []
        assert repo.has_arrival_mark(NIP, DAY) is False
        assert repo.fingerprints_of(NIP, AT) == []
        assert repo.pending_reviews("U1", 100, None) == ([], None)

    def test_a_malformed_event_id_is_bad_input(self, repo: EventsRepository) -> None:
        with pytest.raises(ValidationError):
            repo.get_event("not-an-event-id")
        with pytest.raises(ValidationError):
            repo.decide_review(f"{NIP}.20261203T003000Z.XYZ", "approve", Decided("budi", None, AT))
        for impossible in ("20261399T000000Z", "20260230T003000Z", "20261203T256100Z"):  # forged: no such time
            with pytest.raises(ValidationError):
                repo.decide_review(f"{NIP}.{impossible}.0a1b2c3d", "approve", Decided("budi", None, AT))
            with pytest.raises(ValidationError):
                repo.get_event(f"{NIP}.{impossible}.0a1b2c3d")

    # --- idempotency claims -------------------------------------------------------------------------

    def test_a_request_is_claimed_once_while_in_progress(self, repo: EventsRepository) -> None:
        # GIVEN a claimed request
        assert repo.claim_request(f"{NIP}#r-1", "body-1", AT, STALE_S) is None
        # WHEN it is claimed again, with the same body or another, THEN it is in progress (another body learns of
        # its conflict, and how the first was answered, once it is answered)
        assert repo.claim_request(f"{NIP}#r-1", "body-1", AT + timedelta(seconds=1), STALE_S) == "in_progress"
        assert repo.claim_request(f"{NIP}#r-1", "body-2", AT + timedelta(seconds=1), STALE_S) == "in_progress"
        # AND another request id is claimed independently
        assert repo.claim_request(f"{NIP}#r-2", "body-1", AT, STALE_S) is None

    def test_a_stale_claim_is_taken_over_only_after_the_stale_time(self, repo: EventsRepository) -> None:
        # GIVEN a claim that was never answered nor released (its attempt crashed)
        assert repo.claim_request(f"{NIP}#r-1", "body-1", AT, STALE_S) is None
        # WHEN claimed again exactly STALE_S later, THEN it is still in progress
        assert repo.claim_request(f"{NIP}#r-1", "body-1", AT + timedelta(seconds=STALE_S), STALE_S) == "in_progress"
        # WHEN claimed a second after that, THEN the new attempt takes it over, and holds it from then on
        later = AT + timedelta(seconds=STALE_S + 1)
        assert repo.claim_request(f"{NIP}#r-1", "body-1", later, STALE_S) is None
        assert repo.claim_request(f"{NIP}#r-1", "body-1", later + timedelta(seconds=STALE_S), STALE_S) == "in_progress"

    def test_an_answered_request_gives_its_answer_and_is_never_taken_over(self, repo: EventsRepository) -> None:
        # GIVEN a request claimed and answered by its check-in
        e = event()
        assert repo.claim_request(f"{NIP}#r-1", "body-of-r-1", AT, STALE_S) is None
        repo.write_checkin(write(e))
        answer = StoredAnswer(201, {"event_id": e.event_id, "status": "accepted"})
        # WHEN it is claimed again, even days later, THEN the stored answer comes back
        assert repo.claim_request(f"{NIP}#r-1", "body-of-r-1", AT + timedelta(days=2), STALE_S) == answer
        # AND another body under the same request id is a conflict, naming how the first body was answered
        assert repo.claim_request(f"{NIP}#r-1", "another body", AT + timedelta(days=2), STALE_S) == answered_conflict(e)
        # AND the answered request cannot be released
        with pytest.raises(ConditionFailed):
            repo.release_request(f"{NIP}#r-1")
        assert repo.claim_request(f"{NIP}#r-1", "body-of-r-1", AT, STALE_S) == answer

    def test_a_released_claim_lets_the_retry_start_anew(self, repo: EventsRepository) -> None:
        # GIVEN a claimed request whose attempt failed before recording anything
        assert repo.claim_request(f"{NIP}#r-1", "body-1", AT, STALE_S) is None
        # WHEN it is released, THEN the retry claims it at once
        repo.release_request(f"{NIP}#r-1")
        assert repo.claim_request(f"{NIP}#r-1", "body-1", AT + timedelta(seconds=1), STALE_S) is None

    def test_a_request_answered_without_an_event_gives_its_answer(self, repo: EventsRepository) -> None:
        # GIVEN a claimed request answered with a refusal that records no event (beyond the daily cap)
        assert repo.claim_request(f"{NIP}#r-1", "body-of-r-1", AT, STALE_S) is None
        answer = StoredAnswer(422, {"error": {"code": "CHALLENGE_INVALID", "message": "x"}, "event_id": "e-1"})
        repo.answer_request(f"{NIP}#r-1", "body-of-r-1", AT, answer)
        # WHEN it is claimed again, THEN the answer comes back, and another body is a conflict naming it
        assert repo.claim_request(f"{NIP}#r-1", "body-of-r-1", AT + timedelta(days=2), STALE_S) == answer
        conflict = repo.claim_request(f"{NIP}#r-1", "another body", AT + timedelta(days=2), STALE_S)
        assert isinstance(conflict, StoredAnswer) and conflict.status_code == 409
        assert conflict.body["first"]["code"] == "CHALLENGE_INVALID"
        # AND nothing else is recorded, and the answer cannot be released
        assert repo.events_between(NIP, AT - timedelta(days=1), AT + timedelta(days=1)) == []
        with pytest.raises(ConditionFailed):
            repo.release_request(f"{NIP}#r-1")

    def test_releasing_an_unknown_claim_fails(self, repo: EventsRepository) -> None:
        with pytest.raises(ConditionFailed):
            repo.release_request(f"{NIP}#never-claimed")

    def test_waiting_for_an_answer(self, repo: EventsRepository) -> None:
        # GIVEN no claim, WHEN waited for, THEN there is nothing to wait for
        assert repo.wait_for_answer(f"{NIP}#r-1", "body-of-r-1", 1.0) is None
        # GIVEN a claim in progress, WHEN waited for briefly, THEN the time is up without an answer
        assert repo.claim_request(f"{NIP}#r-1", "body-of-r-1", AT, STALE_S) is None
        assert repo.wait_for_answer(f"{NIP}#r-1", "body-of-r-1", 0.3) is None
        # WHEN the check-in records its answer while another attempt waits, THEN the waiter gets it
        e = event()
        answers: list[StoredAnswer | None] = []
        waiter = threading.Thread(target=lambda: answers.append(repo.wait_for_answer(f"{NIP}#r-1", "body-of-r-1", 5)))
        waiter.start()
        repo.write_checkin(write(e))
        waiter.join()
        assert answers == [StoredAnswer(201, {"event_id": e.event_id, "status": "accepted"})]
        # AND a waiter with another body learns of the conflict, and how the first body was answered
        assert repo.wait_for_answer(f"{NIP}#r-1", "another body", 1.0) == answered_conflict(e)

    # --- the check-in transaction -------------------------------------------------------------------

    def test_a_check_in_writes_its_event_mark_challenge_fingerprint_and_answer(self, repo: EventsRepository) -> None:
        # GIVEN a claimed request
        e = event()
        assert repo.claim_request(f"{NIP}#r-1", "body-of-r-1", AT, STALE_S) is None
        # WHEN its first arrival is written with its challenge and photo
        repo.write_checkin(write(e, used=challenge(), first_arrival=True, photo=fingerprint(1)))
        # THEN every record is there: the event as written, the day's mark, the photo, the answer
        assert repo.get_event(e.event_id) == e
        assert repo.events_between(NIP, AT, AT + timedelta(seconds=1)) == [e]
        assert repo.has_arrival_mark(NIP, DAY) and not repo.has_arrival_mark(NIP, "2026-12-04")
        assert not repo.has_arrival_mark(OTHER, DAY)
        assert [fp.sha256 for fp in repo.fingerprints_of(NIP, AT)] == [fingerprint(1).sha256]
        answer = repo.claim_request(f"{NIP}#r-1", "body-of-r-1", AT, STALE_S)
        assert answer == StoredAnswer(201, {"event_id": e.event_id, "status": "accepted"})
        # AND the challenge is used: another request cannot use it
        with pytest.raises(ChallengeTaken):
            repo.write_checkin(write(event(at=AT + timedelta(seconds=5)), "r-2", used=challenge()))

    def test_an_event_without_optional_fields_reads_back_as_written(self, repo: EventsRepository) -> None:
        # GIVEN a refusal recorded before anything was learned (no zone, no face, reasons, no warnings)
        e = Event(new_event_id(NIP, AT), NIP, "out", "refused", iso(AT), iso(AT), DAY, "U1", reasons=("FACE_MISMATCH",))
        # WHEN written without challenge, mark or photo, THEN it reads back the same
        repo.write_checkin(write(e))
        assert repo.get_event(e.event_id) == e
        assert not repo.has_arrival_mark(NIP, DAY) and repo.fingerprints_of(NIP, AT) == []

    def test_the_request_that_used_a_challenge_may_write_with_it_again(self, repo: EventsRepository) -> None:
        # GIVEN a request that used a challenge for one event
        repo.write_checkin(write(event(), "r-1", used=challenge()))
        # WHEN the same request writes another event with it, THEN it is allowed (the challenge is its own)
        second = event(at=AT + timedelta(seconds=3), status="refused", reasons=("CHALLENGE_INVALID",))
        repo.write_checkin(write(second, "r-1", used=challenge()))
        assert repo.get_event(second.event_id) == second

    def test_a_lost_challenge_writes_nothing(self, repo: EventsRepository) -> None:
        # GIVEN a challenge used by a first request
        repo.write_checkin(write(event(), "r-1", used=challenge()))
        assert repo.claim_request(f"{NIP}#r-2", "body-of-r-2", AT, STALE_S) is None
        # WHEN a second request's first arrival with a photo uses it too
        loser = event(at=AT + timedelta(seconds=1))
        with pytest.raises(ChallengeTaken):
            repo.write_checkin(write(loser, "r-2", used=challenge(), first_arrival=True, photo=fingerprint(2)))
        # THEN none of its records exists: event, mark, photo, answer (the claim is still in progress)
        assert repo.get_event(loser.event_id) is None
        assert not repo.has_arrival_mark(NIP, DAY) and repo.fingerprints_of(NIP, AT) == []
        assert repo.claim_request(f"{NIP}#r-2", "body-of-r-2", AT, STALE_S) == "in_progress"
        # AND the loser recorded without the challenge (its CHALLENGE_INVALID refusal) is written
        refusal = replace(loser, status="refused", reasons=("CHALLENGE_INVALID",))
        repo.write_checkin(write(refusal, "r-2", photo=fingerprint(2)))
        assert repo.get_event(loser.event_id) == refusal and len(repo.fingerprints_of(NIP, AT)) == 1

    def test_one_photo_is_recorded_once_by_check_ins_sent_at_once(self, repo: EventsRepository) -> None:
        # GIVEN an offline capture recorded for review with a photo
        repo.write_checkin(write(review(), "r-1", photo=fingerprint(3)))
        # WHEN a capture of another day, whose replay check read the history before that write, carries its bytes
        other_day = replace(review(at=AT + timedelta(seconds=1)), local_date="2026-12-02")
        with pytest.raises(PhotoTaken):
            repo.write_checkin(write(other_day, "r-2", photo=fingerprint(3)))
        # THEN none of it is written
        assert repo.get_event(other_day.event_id) is None and len(repo.fingerprints_of(NIP, AT)) == 1
        # AND its REPLAYED_PHOTO refusal is (a refusal keeps the fingerprint and claims nothing), as is another
        # employee's check-in with the same bytes
        refusal = replace(other_day, status="refused", reasons=("REPLAYED_PHOTO",))
        repo.write_checkin(write(refusal, "r-2", photo=fingerprint(3)))
        repo.write_checkin(write(review(OTHER), "r-1", photo=fingerprint(3)))
        assert repo.get_event(other_day.event_id) == refusal and len(repo.fingerprints_of(NIP, AT)) == 2
        assert len(repo.fingerprints_of(OTHER, AT)) == 1

    def test_a_second_first_arrival_of_the_day_writes_nothing(self, repo: EventsRepository) -> None:
        # GIVEN the day's first arrival, recorded with its challenge
        repo.write_checkin(write(event(), "r-1", used=challenge("c-1"), first_arrival=True))
        # WHEN another arrival of that day claims the mark, with a fresh challenge and a photo
        late = event(at=AT + timedelta(minutes=5))
        with pytest.raises(MarkTaken):
            repo.write_checkin(write(late, "r-2", used=challenge("c-2"), first_arrival=True, photo=fingerprint(3)))
        # THEN nothing of it is written, and its challenge is still unused (a third request may use it)
        assert repo.get_event(late.event_id) is None and repo.fingerprints_of(NIP, AT) == []
        third = event(at=AT + timedelta(minutes=6), type="out")
        repo.write_checkin(write(third, "r-3", used=challenge("c-2")))
        # AND another day's arrival, or another employee's, has a mark of its own
        tomorrow = event(at=AT + timedelta(days=1), local_date="2026-12-04")
        repo.write_checkin(write(tomorrow, "r-4", first_arrival=True))
        repo.write_checkin(write(event(OTHER), "r-1", first_arrival=True))
        assert repo.has_arrival_mark(NIP, "2026-12-04") and repo.has_arrival_mark(OTHER, DAY)

    def test_repeating_a_committed_write_succeeds_and_changes_nothing(self, repo: EventsRepository) -> None:
        # GIVEN a committed first arrival (the answer of its call was lost)
        e = event()
        w = write(e, used=challenge(), first_arrival=True, photo=fingerprint(4))
        repo.write_checkin(w)
        # WHEN the very same write is sent again, THEN it succeeds and the records are as before
        repo.write_checkin(w)
        assert repo.events_between(NIP, AT, AT + timedelta(seconds=1)) == [e]
        assert len(repo.fingerprints_of(NIP, AT)) == 1 and repo.has_arrival_mark(NIP, DAY)

    def test_of_concurrent_check_ins_with_one_challenge_exactly_one_wins(self, repo: EventsRepository) -> None:
        # GIVEN RACERS requests of one employee, each with its own event, all using the same challenge
        writes = [write(event(at=AT + timedelta(seconds=i)), f"r-{i}", used=challenge()) for i in range(RACERS)]
        # WHEN they are written at once
        outcomes = race([lambda w=w: repo.write_checkin(w) for w in writes])
        # THEN exactly one commits and every other one lost the challenge, writing nothing
        assert sum(o is None for o in outcomes) == 1
        assert all(isinstance(o, ChallengeTaken) for o in outcomes if o is not None)
        (winner,) = [w.event for w, o in zip(writes, outcomes, strict=True) if o is None]
        assert repo.events_between(NIP, AT, AT + timedelta(minutes=1)) == [winner]

    def test_of_concurrent_first_arrivals_of_a_day_exactly_one_wins(self, repo: EventsRepository) -> None:
        # GIVEN RACERS first arrivals of one employee and day, each with its own challenge and photo
        writes = [
            write(event(at=AT + timedelta(seconds=i)), f"r-{i}", used=challenge(f"c-{i}"), first_arrival=True,
                  photo=fingerprint(i))
            for i in range(RACERS)
        ]  # fmt: skip
        # WHEN they are written at once
        outcomes = race([lambda w=w: repo.write_checkin(w) for w in writes])
        # THEN exactly one commits, every other one finds the day's mark taken, and only the winner's photo is kept
        assert sum(o is None for o in outcomes) == 1
        assert all(isinstance(o, MarkTaken) for o in outcomes if o is not None)
        (winner,) = [w for w, o in zip(writes, outcomes, strict=True) if o is None]
        assert repo.events_between(NIP, AT, AT + timedelta(minutes=1)) == [winner.event]
        assert winner.photo is not None
        assert [fp.sha256 for fp in repo.fingerprints_of(NIP, AT)] == [winner.photo.sha256]

    # --- reading events -----------------------------------------------------------------------------

    def test_an_employees_events_are_read_by_time_in_a_half_open_window(self, repo: EventsRepository) -> None:
        # GIVEN events of one employee received at different times, written out of order, and another's
        times = [AT + timedelta(hours=h) for h in (5, 0, 2, 9)]
        for i, at in enumerate(times):
            repo.write_checkin(write(event(at=at, type="out"), f"r-{i}", first_arrival=False))
        repo.write_checkin(write(event(OTHER), "r-9", first_arrival=True))
        # WHEN the window [AT, AT + 5 h) is read
        found = repo.events_between(NIP, AT, AT + timedelta(hours=5))
        # THEN the events inside it come oldest first, the one at its end excluded, nobody else's
        assert [e.received_at for e in found] == [iso(AT), iso(AT + timedelta(hours=2))]
        assert len(repo.events_between(NIP, AT, AT + timedelta(hours=5, seconds=1))) == 3

    def test_a_units_day_is_read_with_what_judging_it_needs(self, repo: EventsRepository) -> None:
        # GIVEN events of U1 on DAY (two employees, one decided review), one of U1 on another day, one of U2
        arrival, leave = event(), event(at=AT + timedelta(hours=8), type="out", status="refused")
        decided = review(OTHER, AT + timedelta(minutes=1))
        for i, e in enumerate([arrival, leave, decided]):
            repo.write_checkin(write(e, f"r-{i}"))
        repo.decide_review(decided.event_id, "approve", Decided("budi", None, AT))
        repo.write_checkin(write(event(at=AT + timedelta(days=1), local_date="2026-12-04"), "r-8"))
        repo.write_checkin(write(event(at=AT + timedelta(seconds=1), unor_id="U2"), "r-9"))
        # WHEN U1's DAY is read, THEN exactly its three events come, by time, with their judged fields
        assert repo.events_of_unit_day("U1", DAY) == [
            DayEvent(NIP, "in", "accepted", None, AT - timedelta(seconds=20)),
            DayEvent(OTHER, "in", "review", "approve", AT + timedelta(minutes=1) - timedelta(seconds=20)),
            DayEvent(NIP, "out", "refused", None, AT + timedelta(hours=8) - timedelta(seconds=20)),
        ]
        assert [d.nip for d in repo.events_of_unit_day("U2", DAY)] == [NIP]
        # AND a current read (what a recap stores) comes the same
        assert repo.events_of_unit_day("U1", DAY, current=True) == repo.events_of_unit_day("U1", DAY)

    def test_photo_fingerprints_come_back_within_the_replay_window(self, repo: EventsRepository) -> None:
        # GIVEN photos of one employee sent over time (one beyond the replay window), and another's photo
        window = timedelta(days=FINGERPRINT_DAYS)
        sent = {1: AT - window - timedelta(seconds=1), 2: AT - window, 3: AT - timedelta(days=1), 4: AT}
        for seed, at in sent.items():
            repo.write_checkin(write(event(at=at), f"r-{seed}", photo=fingerprint(seed), now=at))
        repo.write_checkin(write(event(OTHER), "r-9", photo=fingerprint(9)))
        # WHEN they are read at AT
        found = repo.fingerprints_of(NIP, AT)
        # THEN those inside the window come, oldest first, with hashes and float32 vectors as sent
        assert [fp.sha256 for fp in found] == [fingerprint(s).sha256 for s in (2, 3, 4)]
        for seed, fp in zip((2, 3, 4), found, strict=True):
            expected = fingerprint(seed)
            assert fp.phash == expected.phash and sorted(fp.embeddings) == ["model_a", "model_b"]
            for model, vector in expected.embeddings.items():
                assert fp.embeddings[model].dtype == np.float32
                assert np.array_equal(fp.embeddings[model], np.asarray(vector, dtype=np.float32))

    # --- replay lookup (flat over the history) -------------------------------------------------------

    def test_replay_candidates_are_the_nearest_faces(self, repo: EventsRepository) -> None:
        # GIVEN photos whose face hashes are 3, 0, 8, 40 and 40 bits from a probe's (one of them with the
        # probe's bytes), one without a face hash, one beyond the window, and another employee's copy
        probe = face_fingerprint(0, flips=0)
        sent = {
            "near": face_fingerprint(1, flips=3),
            "nearer": face_fingerprint(2, flips=0),
            "further": face_fingerprint(3, flips=8),
            "far": face_fingerprint(4, flips=40),
            "same-bytes": replace(face_fingerprint(5, flips=40), sha256=probe.sha256),
            "no-face": replace(face_fingerprint(6, flips=0), face_chip=b"", face_hash=None),
        }
        for i, fp in enumerate(sent.values()):
            at = AT - timedelta(days=10 - i)
            repo.write_checkin(write(event(at=at), f"r-{i}", photo=fp, now=at))
        old = AT - timedelta(days=FINGERPRINT_DAYS, seconds=1)
        repo.write_checkin(write(event(at=old), "r-old", photo=face_fingerprint(7, flips=0), now=old))
        repo.write_checkin(write(event(OTHER), "r-other", photo=face_fingerprint(8, flips=0)))
        # WHEN the candidates of the probe are asked for, at most 3 by face and within 10 bits
        limits = ReplayLimits(candidates=3, max_face_hash_distance=10)
        found = repo.replay_candidates(NIP, probe, AT, limits)
        # THEN they are the three nearest faces, oldest first, with the aligned face
        expected = [sent[name] for name in ("near", "nearer", "further")]
        assert [fp.sha256 for fp in found] == [fp.sha256 for fp in expected]
        assert [(fp.face_chip, fp.face_hash) for fp in found] == [(fp.face_chip, fp.face_hash) for fp in expected]
        # AND with room for only one face, the nearest one comes
        nearest_only = repo.replay_candidates(NIP, probe, AT, replace(limits, candidates=1))
        assert [fp.sha256 for fp in nearest_only] == [sent["nearer"].sha256]

    def test_a_fingerprint_stored_without_face_hash_gets_one_and_is_then_found(self, repo: EventsRepository) -> None:
        # GIVEN a photo stored before the face hash existed (no aligned face), one with, another's without
        probe = face_fingerprint(0, flips=0)
        legacy = replace(face_fingerprint(1, flips=0), face_chip=b"", face_hash=None)
        earlier = AT - timedelta(days=30)
        repo.write_checkin(write(event(at=earlier), "r-old", photo=legacy, now=earlier))
        repo.write_checkin(write(event(), "r-new", photo=face_fingerprint(2, flips=30)))
        repo.write_checkin(write(event(OTHER), "r-other", photo=replace(legacy, sha256="f" * 64)))
        limits = ReplayLimits(candidates=4)
        assert repo.replay_candidates(NIP, probe, AT, limits) == []  # the rotation-proof lookup cannot see it
        # WHEN the stored photos without a face hash are asked for, and the one found is given its hash
        [key] = repo.unhashed_fingerprints(NIP, AT)
        assert key.startswith(iso(earlier))
        chip = face_fingerprint(1, flips=0).face_chip
        repo.add_face_hash(NIP, key, chip, PROBE_HASH)
        # THEN the lookup finds it, with its aligned face, and nothing is left without a hash
        [found] = repo.replay_candidates(NIP, probe, AT, limits)
        assert (found.sha256, found.face_chip, found.face_hash) == (legacy.sha256, chip, PROBE_HASH)
        assert repo.unhashed_fingerprints(NIP, AT) == [] and len(repo.unhashed_fingerprints(OTHER, AT)) == 1
        # AND a fingerprint that does not exist cannot be given one
        with pytest.raises(ConditionFailed):
            repo.add_face_hash(NIP, iso(AT) + "#nothing", chip, PROBE_HASH)

    def test_replay_candidates_of_an_unknown_employee_are_none(self, repo: EventsRepository) -> None:
        assert repo.replay_candidates(NIP, face_fingerprint(0, flips=0), AT, ReplayLimits()) == []

    def test_the_history_keeps_the_aligned_face(self, repo: EventsRepository) -> None:
        fp = face_fingerprint(1, flips=5)
        repo.write_checkin(write(event(), "r-1", photo=fp))
        [stored] = repo.fingerprints_of(NIP, AT)
        assert (stored.sha256, stored.face_chip, stored.face_hash) == (fp.sha256, fp.face_chip, fp.face_hash)

    # --- reviews ------------------------------------------------------------------------------------

    def test_pending_reviews_of_a_unit_come_by_time_in_pages(self, repo: EventsRepository) -> None:
        # GIVEN three reviews of U1 (two employees), written out of order, and events that are no reviews
        reviews = [review(OTHER, AT + timedelta(minutes=2)), review(NIP, AT), review(NIP, AT + timedelta(minutes=1))]
        others = [event(at=AT + timedelta(seconds=5)), review(at=AT + timedelta(seconds=7), unor_id="U2")]
        for i, e in enumerate(reviews + others):
            repo.write_checkin(write(e, f"r-{i}"))
        # WHEN U1's queue is read two at a time
        first, cursor = repo.pending_reviews("U1", 2, None)
        assert cursor is not None and json.loads(json.dumps(cursor)) == cursor
        rest, end = repo.pending_reviews("U1", 2, cursor)
        # THEN each review comes once, by time, and the last page has no cursor
        assert first + rest == [reviews[1], reviews[2], reviews[0]] and end is None
        assert repo.pending_reviews("U2", 100, None) == ([others[1]], None)

    def test_refused_attempts_of_a_unit_day_come_by_time_in_pages_and_by_code(self, repo: EventsRepository) -> None:
        # GIVEN three refusals of U1 on DAY (two codes), an accepted check-in, a refusal of U2, one of another day
        def refused(nip: str, minutes: int, code: str, **changes: object) -> Event:
            at = AT + timedelta(minutes=minutes)
            return event(nip, at, status="refused", reasons=(code,), warnings=(), **changes)

        refusals = [
            refused(OTHER, 3, "OUTSIDE_ZONE"),
            refused(NIP, 1, "FACE_MISMATCH"),
            refused(NIP, 2, "FACE_MISMATCH"),
        ]
        noise = [
            event(at=AT + timedelta(seconds=5)),
            refused(OTHER, 4, "FACE_MISMATCH", unor_id="U2"),
            refused(OTHER, 5, "FACE_MISMATCH", local_date="2026-12-04"),
        ]
        for i, e in enumerate(refusals + noise):
            repo.write_checkin(write(e, f"x-{i}"))
        # WHEN U1's day is read two at a time
        first, cursor = repo.refused_of_unit_day("U1", DAY, None, 2, None)
        assert cursor is not None and json.loads(json.dumps(cursor)) == cursor
        rest, end = repo.refused_of_unit_day("U1", DAY, None, 2, cursor)
        # THEN each refusal comes once, by time, with every stored field, and the last page has no cursor
        assert first + rest == [refusals[1], refusals[2], refusals[0]] and end is None
        # AND a code keeps only the refusals with that code
        assert repo.refused_of_unit_day("U1", DAY, "FACE_MISMATCH", 100, None) == ([refusals[1], refusals[2]], None)
        assert repo.refused_of_unit_day("U1", DAY, "MOCK_LOCATION", 100, None) == ([], None)
        assert repo.refused_of_unit_day("U2", DAY, None, 100, None) == ([noise[1]], None)

    def test_the_digest_of_a_unit_day_holds_its_recorded_events_and_decisions(self, repo: EventsRepository) -> None:
        # GIVEN an arrival and a departure, a review later rejected, a refusal, and an event of another day
        written = [
            event(at=AT),
            event(at=AT + timedelta(hours=8), type="out", warnings=()),
            review(OTHER, AT + timedelta(minutes=3)),
            event(OTHER, AT + timedelta(minutes=1), status="refused", reasons=("FACE_MISMATCH",)),
            event(at=AT + timedelta(days=1), local_date="2026-12-04"),
        ]
        for i, e in enumerate(written):
            repo.write_checkin(write(e, f"d-{i}"))
        repo.decide_review(written[2].event_id, "reject", Decided("budi", "bukan orangnya", AT + timedelta(hours=1)))
        # WHEN the digests of U1's two days, and of a day without events, are read at once
        digests = repo.digests_of_unit_days([("U1", DAY), ("U1", "2026-12-04"), ("U9", DAY)])
        # THEN each holds what the unit-day index holds of its recorded events (no refusal), decisions included
        for day in (DAY, "2026-12-04"):
            indexed = [e for e in repo.events_of_unit_day("U1", day) if e.status in ("accepted", "review")]
            assert digests[("U1", day)].events() == sorted(indexed, key=lambda e: (e.nip, e.attendance_time))
        assert [(e.nip, e.type, e.status, e.decision) for e in digests[("U1", DAY)].events()] == [
            (NIP, "in", "accepted", None),
            (NIP, "out", "accepted", None),
            (OTHER, "in", "review", "reject"),
        ]
        assert digests[("U9", DAY)].events() == [] and digests[("U9", DAY)].latest is None
        assert digests[("U1", DAY)].latest == parse_iso(str(written[1].attendance_time))
        # AND reading again gives an equal digest (a reader may keep what it judged from it)
        assert repo.digests_of_unit_days([("U1", DAY)])[("U1", DAY)] == digests[("U1", DAY)]

    def test_parallel_check_ins_of_one_unit_day_all_reach_its_digest(self, repo: EventsRepository) -> None:
        # GIVEN RACERS employees of U1 checking in at the same instant
        nips = [f"19850101201001{i:04d}" for i in range(RACERS)]
        attempts = [functools.partial(repo.write_checkin, write(event(nip), f"p-{nip}")) for nip in nips]
        # WHEN they are written in parallel
        assert race(attempts) == [None] * RACERS
        # THEN the day's digest holds every one of them
        assert sorted(e.nip for e in repo.digests_of_unit_days([("U1", DAY)])[("U1", DAY)].events()) == nips

    def test_a_review_is_decided_once(self, repo: EventsRepository) -> None:
        # GIVEN an event awaiting review
        e = review()
        repo.write_checkin(write(e))
        decided_at = AT + timedelta(hours=1)
        # WHEN it is approved with no note
        repo.decide_review(e.event_id, "approve", Decided("budi", None, decided_at))
        # THEN the decision is recorded (an empty note) and it leaves the queue
        decided = replace(e, decision="approve", decided_by="budi", decided_at=iso(decided_at), decision_note="")
        assert repo.get_event(e.event_id) == decided
        assert repo.pending_reviews("U1", 100, None) == ([], None)
        # WHEN it is decided again, THEN the second decision is refused and the first one stays
        with pytest.raises(ConditionFailed):
            repo.decide_review(e.event_id, "reject", Decided("siti", "no", decided_at))
        assert repo.get_event(e.event_id) == decided

    def test_a_decision_is_kept_with_its_audit_entry_and_a_second_one_writes_none(
        self, repo: EventsRepository, audit_log: AuditRepository
    ) -> None:
        # GIVEN an event awaiting review, WHEN it is approved with the entry naming the approval
        e = review()
        repo.write_checkin(write(e))

        def named(action: str) -> AuditBatch:
            return audit_log.stamped("budi", action, {e.event_id: {"nip": NIP}})

        repo.decide_review(e.event_id, "approve", Decided("budi", None, AT), audit=named("review.approve"))
        # WHEN another decision comes (a second admin, a repeat), THEN it is refused whole, its entry with it
        with pytest.raises(ConditionFailed):
            repo.decide_review(e.event_id, "reject", Decided("siti", None, AT), audit=named("review.reject"))
        logged = [(entry.action, entry.target) for entry in audit_log.entries_of_day(AUDIT_START.date())]
        assert logged == [("review.approve", e.event_id)]

    def test_a_note_is_kept_with_a_rejection(self, repo: EventsRepository) -> None:
        e = review()
        repo.write_checkin(write(e))
        repo.decide_review(e.event_id, "reject", Decided("budi", "foto buram", AT))
        found = repo.get_event(e.event_id)
        assert found is not None and (found.decision, found.decision_note) == ("reject", "foto buram")

    def test_only_an_existing_review_can_be_decided(self, repo: EventsRepository) -> None:
        # GIVEN an accepted event, WHEN decided, or an unknown event, THEN the decision is refused
        accepted = event()
        repo.write_checkin(write(accepted))
        with pytest.raises(ConditionFailed):
            repo.decide_review(accepted.event_id, "approve", Decided("budi", None, AT))
        with pytest.raises(ConditionFailed):
            repo.decide_review(new_event_id(NIP, AT), "approve", Decided("budi", None, AT))
        assert repo.get_event(accepted.event_id) == accepted

    def test_an_accepted_event_is_revoked_once_with_its_digest(self, repo: EventsRepository) -> None:
        # GIVEN an accepted event and one awaiting review
        accepted, waiting = event(), review(OTHER, AT + timedelta(minutes=1))
        repo.write_checkin(write(accepted, "a"))
        repo.write_checkin(write(waiting, "w"))
        before = repo.digests_of_unit_days([("U1", DAY)])[("U1", DAY)]
        # WHEN the accepted one is revoked, THEN it carries the decision and the day's digest changes with it
        repo.revoke_accepted(accepted.event_id, Decided("bkpsdm", "Koreksi tanpa bukti", AT + timedelta(days=2)))
        revoked = replace(accepted, decision="revoke", decided_by="bkpsdm", decided_at=iso(AT + timedelta(days=2)),
                          decision_note="Koreksi tanpa bukti")  # fmt: skip
        assert repo.get_event(accepted.event_id) == revoked
        after = repo.digests_of_unit_days([("U1", DAY)])[("U1", DAY)]
        assert after != before and (NIP, "revoke") in [(e.nip, e.decision) for e in after.events()]
        # AND it is not revoked twice; an event in review, or an unknown one, is not revoked
        for event_id in (accepted.event_id, waiting.event_id, new_event_id(NIP, AT + timedelta(hours=3))):
            with pytest.raises(ConditionFailed):
                repo.revoke_accepted(event_id, Decided("siti", "lagi", AT))
        assert repo.get_event(accepted.event_id) == revoked and repo.get_event(waiting.event_id) == waiting

    def test_a_voided_arrival_gives_the_day_s_mark_back(self, repo: EventsRepository) -> None:
        # GIVEN two employees' first arrivals of the day, one awaiting review, one accepted (a correction),
        # and the first one's departure, revoked: a departure holds no mark
        waiting, corrected = review(), event(OTHER)
        repo.write_checkin(write(waiting, "w", first_arrival=True))
        repo.write_checkin(write(corrected, "c", first_arrival=True))
        departure = event(at=AT + timedelta(hours=9), type="out")
        repo.write_checkin(write(departure, "d"))
        repo.revoke_accepted(departure.event_id, Decided("bkpsdm", "tanpa bukti", AT + timedelta(hours=1)))
        assert repo.has_arrival_mark(NIP, DAY)
        # WHEN the review is rejected and the correction revoked
        repo.decide_review(waiting.event_id, "reject", Decided("budi", "bukan wajahnya", AT + timedelta(hours=1)))
        repo.revoke_accepted(corrected.event_id, Decided("bkpsdm", "tanpa bukti", AT + timedelta(hours=1)))
        # THEN both days' marks are free: a new arrival of that day takes each
        assert not repo.has_arrival_mark(NIP, DAY) and not repo.has_arrival_mark(OTHER, DAY)
        again = event(at=AT + timedelta(hours=2))
        repo.write_checkin(write(again, "again", first_arrival=True))
        assert repo.has_arrival_mark(NIP, DAY)
        with pytest.raises(MarkTaken):  # taken again: the next arrival is a second one
            repo.write_checkin(write(event(at=AT + timedelta(hours=3)), "third", first_arrival=True))
        # AND an approved review keeps its mark
        tomorrow = review(at=AT + timedelta(days=1))
        repo.write_checkin(write(replace(tomorrow, local_date="2026-12-04"), "t", first_arrival=True))
        repo.decide_review(tomorrow.event_id, "approve", Decided("budi", None, AT + timedelta(days=1, hours=1)))
        assert repo.has_arrival_mark(NIP, "2026-12-04")

    def test_an_arrival_holds_the_mark_of_its_working_day(self, repo: EventsRepository) -> None:
        # GIVEN a 23:45 arrival on the 3rd for a shift of the 4th from midnight, kept with its working day
        night = event(at=AT + timedelta(hours=16, minutes=15), working_day="2026-12-04")
        repo.write_checkin(write(night, "n", first_arrival=True))
        # THEN it reads back with it, and holds the 4th's mark, not the 3rd's
        assert repo.get_event(night.event_id) == night
        assert repo.has_arrival_mark(NIP, "2026-12-04") and not repo.has_arrival_mark(NIP, DAY)
        # AND the 3rd's arrival, stored without a working day (as before it was kept), takes the 3rd's beside it
        repo.write_checkin(write(event(), "d", first_arrival=True))
        assert repo.has_arrival_mark(NIP, DAY)
        # AND another arrival for the 4th's shift is a second one
        with pytest.raises(MarkTaken):
            repo.write_checkin(
                write(event(at=AT + timedelta(days=1), local_date="2026-12-04"), "x", first_arrival=True)
            )
        # WHEN the night arrival is revoked, THEN it gives the 4th's mark back and the 3rd's stays
        repo.revoke_accepted(night.event_id, Decided("bkpsdm", "tanpa bukti", AT + timedelta(days=1)))
        assert not repo.has_arrival_mark(NIP, "2026-12-04") and repo.has_arrival_mark(NIP, DAY)

    # --- imported punches ----------------------------------------------------------------------------

    def test_punches_are_written_once_by_their_fixed_ids(self, repo: EventsRepository) -> None:
        # GIVEN 230 punches (more than one write chunk) of two employees, one of them already stored
        def punch_of(nip: str, minutes: int) -> Event:
            at = AT + timedelta(minutes=minutes)
            return Event(
                event_id=punch_event_id(nip, at),
                nip=nip,
                type="in",
                status="accepted",
                attendance_time=iso(at),
                received_at=iso(AT),
                local_date=DAY,
                unor_id="U1",
                warnings=(),
                reasons=(),
                source="fingerprint",
            )

        punches = [punch_of(NIP if i % 2 else OTHER, i) for i in range(230)]
        assert punch_event_id(NIP, AT) == punch_event_id(NIP, AT) != punch_event_id(OTHER, AT)
        assert repo.put_punches(punches[5:6]) == [True]
        # WHEN all are written, THEN every one but the stored one is written now, and reads back as given
        assert repo.put_punches(punches) == [i != 5 for i in range(230)]
        assert repo.get_event(punches[7].event_id) == punches[7]
        day = repo.events_of_unit_day("U1", DAY)
        assert len(day) == 230 and {e.source for e in day} == {"fingerprint"}
        # AND the unit-day's digest holds every punch, as a punch (the regency summary judges them by order)
        digest = repo.digests_of_unit_days([("U1", DAY)])[("U1", DAY)]
        assert digest.stored and digest.events() == sorted(day, key=lambda e: (e.nip, e.attendance_time))
        # WHEN the same punches are written again, at once by two writers, THEN none is written twice
        outcomes: list[list[bool]] = [[], []]

        def again(i: int) -> None:
            outcomes[i] = repo.put_punches(punches)

        race([lambda: again(0), lambda: again(1)])
        assert outcomes == [[False] * 230, [False] * 230]
        assert repo.put_punches([]) == []
        assert repo.digests_of_unit_days([("U1", DAY)])[("U1", DAY)] == digest

    def test_punches_of_many_unit_days_reach_each_digest_in_one_write(self, repo: EventsRepository) -> None:
        # GIVEN one punch a day of 60 units on two dates (120 digests: more than a transaction holds with them)
        at = AT - timedelta(days=1)
        punches = [
            replace(event(f"19850101201001{u:04d}", at + timedelta(days=d)), event_id=punch_event_id(
                f"19850101201001{u:04d}", at + timedelta(days=d)), unor_id=f"U{u}",
                local_date=(at + timedelta(days=d)).date().isoformat(), source="fingerprint", warnings=())
            for u in range(60) for d in range(2)
        ]  # fmt: skip
        # WHEN they are written
        assert repo.put_punches(punches) == [True] * 120
        # THEN every unit-day's digest holds its punch
        digests = repo.digests_of_unit_days([(str(p.unor_id), str(p.local_date)) for p in punches])
        assert all([e.source for e in digests[(str(p.unor_id), str(p.local_date))].events()] == ["fingerprint"]
                   for p in punches)  # fmt: skip

    def test_a_day_without_recorded_events_has_no_stored_digest_and_rebuilds_to_its_events(
        self, repo: EventsRepository
    ) -> None:
        # GIVEN a unit-day with only a refusal, and one with an approved review
        repo.write_checkin(write(event(status="refused", reasons=("FACE_MISMATCH",)), "r-1"))
        e = review(OTHER, AT, unor_id="U2")
        repo.write_checkin(write(e, "r-2"))
        repo.decide_review(e.event_id, "approve", Decided("budi", None, AT + timedelta(hours=1)))
        # WHEN their digests are read, and rebuilt from their events
        read = repo.digests_of_unit_days([("U1", DAY), ("U2", DAY)])
        rebuilt = repo.rebuild_digests([("U1", DAY), ("U2", DAY)])
        # THEN the refusal-only day has none (nothing to rebuild), and rebuilding the other changes nothing
        assert not read[("U1", DAY)].stored and read[("U1", DAY)].events() == [] and not rebuilt[("U1", DAY)].stored
        assert rebuilt[("U2", DAY)] == read[("U2", DAY)] == repo.digests_of_unit_days([("U2", DAY)])[("U2", DAY)]
        assert [(x.nip, x.decision) for x in read[("U2", DAY)].events()] == [(OTHER, "approve")]

    def test_a_rebuilt_digest_is_complete_and_a_day_without_events_can_be_kept_empty(
        self, repo: EventsRepository
    ) -> None:
        # GIVEN a unit-day with a recorded arrival, one with only a refusal, and one without any event
        repo.write_checkin(write(event(), "c-1"))
        repo.write_checkin(write(event(OTHER, unor_id="U2", status="refused", reasons=("FACE_MISMATCH",)), "c-2"))
        days = [("U1", DAY), ("U2", DAY), ("U3", DAY)]
        # WHEN the first two are rebuilt keeping empty days, and the third without
        kept = repo.rebuild_digests(days[:2], keep_empty=True)
        plain = repo.rebuild_digests(days[2:])
        # THEN both rebuilt days read back stored and complete (the refusal-only one empty), as rebuilt
        read = repo.digests_of_unit_days(days)
        assert all(read[day].stored and read[day].complete and read[day] == kept[day] for day in days[:2])
        assert [e.nip for e in read[("U1", DAY)].events()] == [NIP] and read[("U2", DAY)].events() == []
        # AND the day rebuilt without keeping stays without a digest
        assert not plain[("U3", DAY)].stored and not read[("U3", DAY)].stored
        # AND an arrival recorded later reaches the kept-empty day's digest, which stays complete
        repo.write_checkin(write(event(OTHER, unor_id="U2"), "c-3"))
        later = repo.digests_of_unit_days([("U2", DAY)])[("U2", DAY)]
        assert later.complete and [e.nip for e in later.events()] == [OTHER]
