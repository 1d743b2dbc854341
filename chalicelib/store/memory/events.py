"""In-memory twin of the events repository (`chalicelib.store.events.EventsRepository`), for tests and tools.

It keeps the same records in dicts and answers exactly as the DynamoDB repository does, as pinned by
`tests/unit/store/events_contract.py`, which both pass. One lock makes the check-in write all or nothing:
its conditions are checked and its records written without another write in between.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime
from typing import Any, Literal

from chalicelib.domain.attendance import RECORDED, Event
from chalicelib.domain.decisions import Decided
from chalicelib.face.config import ReplayLimits
from chalicelib.face.types import PhotoFingerprint
from chalicelib.store.audit import AuditBatch
from chalicelib.store.base import ConditionFailed, iso, parse_iso
from chalicelib.store.events import (
    IN_PROGRESS,
    ChallengeTaken,
    CheckinWrite,
    Claim,
    DayDigest,
    DayEvent,
    EventDecisions,
    MarkTaken,
    PhotoTaken,
    StoredAnswer,
    awaits_decision,
    candidate_keys,
    claim_outcome,
    claims_photo,
    digest_of,
    event_keys,
    event_range,
    fingerprint_key,
    poll_answer,
    replay_window_start,
    unit_day_key,
)
from chalicelib.store.vectors import pack, unpack

_Queued = tuple[str, str, Event]  # (range key, nip, event): the order of an index of events


def _recorded_on(unit_day: str) -> Callable[[Event], bool]:
    """Selects the recorded (accepted or review) events of one unit's day."""
    return lambda e: e.status in RECORDED and unit_day_key(e.unor_id, e.local_date) == unit_day


def _page(
    queue: list[_Queued], limit: int, cursor: dict[str, Any] | None, index_key: tuple[str, str]
) -> tuple[list[Event], dict[str, Any] | None]:
    """A page of an index's queue after `cursor`, and the cursor of the rest in DynamoDB's shape (the table's
    keys and the index's hash key `index_key`), or None."""
    after = (cursor["key"]["S"], cursor["nip"]["S"]) if cursor else None
    rest = [q for q in queue if after is None or (q[0], q[1]) > after]
    page = rest[:limit]
    if len(rest) <= limit:
        return [e for _, _, e in page], None
    key, nip, _ = page[-1]
    name, value = index_key
    return [e for _, _, e in page], {"key": {"S": key}, "nip": {"S": nip}, name: {"S": value}}


class InMemoryEventsRepository(EventDecisions):
    """Events by NIP and range key, arrival marks, used challenges, claims and fingerprints."""

    def __init__(self) -> None:
        self._events: dict[str, dict[str, Event]] = {}
        self._marks: dict[tuple[str, str], str] = {}  # (nip, arrival day) -> first event id
        self._challenges: dict[str, str] = {}  # challenge id -> claim key of the request that used it
        self._claims: dict[str, Claim] = {}
        self._fingerprints: dict[str, dict[str, PhotoFingerprint]] = {}
        self._kept_empty: set[tuple[str, str]] = set()  # unit-days given an empty digest (`keep_empty`)
        self._photos: set[tuple[str, str]] = set()  # (nip, sha256) of the recorded check-ins' and enrolments' photos
        self._lock = threading.Lock()

    # --- idempotency ---------------------------------------------------------------------------------

    def claim_request(
        self, key: str, fingerprint: str, now: datetime, stale_after_s: int
    ) -> StoredAnswer | Literal["in_progress"] | None:
        epoch = int(now.timestamp())
        with self._lock:
            existing = self._claims.get(key)
            if existing is None or (existing.state == IN_PROGRESS and existing.started_epoch < epoch - stale_after_s):
                self._claims[key] = Claim(IN_PROGRESS, fingerprint, epoch)
                return None
            return claim_outcome(existing, fingerprint)

    def release_request(self, key: str) -> None:
        with self._lock:
            existing = self._claims.get(key)
            if existing is None or existing.state != IN_PROGRESS:
                raise ConditionFailed("dynamodb")
            del self._claims[key]

    def wait_for_answer(self, key: str, fingerprint: str, timeout_s: float) -> StoredAnswer | None:
        return poll_answer(lambda: self._claim(key), fingerprint, timeout_s)

    def answer_request(self, key: str, fingerprint: str, now: datetime, answer: StoredAnswer) -> None:
        with self._lock:
            self._claims[key] = Claim("done", fingerprint, int(now.timestamp()), answer)

    def _claim(self, key: str) -> Claim | None:
        with self._lock:
            return self._claims.get(key)

    # --- check-ins -----------------------------------------------------------------------------------

    def write_checkin(self, w: CheckinWrite) -> None:
        nip, range_key = event_keys(w.event.event_id)
        mark = (nip, str(w.event.arrival_day))
        with self._lock:
            if range_key in self._events.get(nip, {}):
                return  # this very write, repeated: DynamoDB treats it as committed
            if w.challenge is not None and self._challenges.get(w.challenge.challenge_id, w.claim_key) != w.claim_key:
                raise ChallengeTaken()
            if w.first_arrival and mark in self._marks:
                raise MarkTaken()
            photo = (nip, w.photo.sha256) if w.photo is not None and claims_photo(w) else None
            if photo in self._photos:
                raise PhotoTaken()
            self._events.setdefault(nip, {})[range_key] = replace(w.event, nip=nip)
            if w.challenge is not None:
                self._challenges[w.challenge.challenge_id] = w.claim_key
            if w.first_arrival:
                self._marks[mark] = w.event.event_id
            if photo is not None:
                self._photos.add(photo)
            if w.photo is not None:
                self._remember(nip, w.event.event_id, w.photo, w.now)
            self._claims[w.claim_key] = Claim("done", w.request_fingerprint, int(w.now.timestamp()), w.answer)

    def put_punches(self, punches: Sequence[Event]) -> list[bool]:
        written = []
        with self._lock:
            for e in punches:
                nip, key = event_keys(e.event_id)
                stored = self._events.setdefault(nip, {})
                written.append(key not in stored)
                stored.setdefault(key, e)
        return written

    def has_arrival_mark(self, nip: str, day: str) -> bool:
        with self._lock:
            return (nip, day) in self._marks

    def get_event(self, event_id: str) -> Event | None:
        nip, key = event_keys(event_id)
        with self._lock:
            return self._events.get(nip, {}).get(key)

    def events_between(self, nip: str, start: datetime, end: datetime) -> list[Event]:
        low, high = event_range(start, end)
        with self._lock:
            return [e for key, e in sorted(self._events.get(nip, {}).items()) if low <= key <= high]

    def events_of_unit_day(self, unor_id: str, local_date: str, *, current: bool = False) -> list[DayEvent]:
        """Every read is current here: the twin keeps no index apart from its items."""
        day = unit_day_key(unor_id, local_date)
        return [
            DayEvent(e.nip, e.type, e.status, e.decision, parse_iso(str(e.attendance_time)), e.source)
            for _, _, e in self._indexed(lambda e: unit_day_key(e.unor_id, e.local_date) == day)
        ]

    def digests_of_unit_days(self, days: Sequence[tuple[str, str]]) -> dict[tuple[str, str], DayDigest]:
        """Derived from the events themselves (DynamoDB keeps a digest item, written with them): always
        `complete`; `stored` when an event is recorded or the day was given an empty digest."""
        found = {}
        for unor_id, local_date in sorted(set(days)):
            digest = digest_of([e for _, _, e in self._indexed(_recorded_on(unit_day_key(unor_id, local_date)))])
            with self._lock:
                kept_empty = (unor_id, local_date) in self._kept_empty
            found[(unor_id, local_date)] = replace(digest, stored=True) if kept_empty else digest
        return found

    def digest_versions(self, days: Sequence[tuple[str, str]]) -> dict[tuple[str, str], int | None]:
        return {day: d.version if d.stored else None for day, d in self.digests_of_unit_days(days).items()}

    def rebuild_digests(
        self, days: Sequence[tuple[str, str]], *, keep_empty: bool = False
    ) -> dict[tuple[str, str], DayDigest]:
        """Nothing to rebuild: the twin's digests are always derived from its events (a day without any is
        remembered as given an empty digest with `keep_empty`)."""
        if keep_empty:
            with self._lock:
                self._kept_empty.update(days)
        return self.digests_of_unit_days(days)

    def fingerprints_of(self, nip: str, now: datetime) -> list[PhotoFingerprint]:
        since = replay_window_start(now)
        with self._lock:
            return [fp for key, fp in sorted(self._fingerprints.get(nip, {}).items()) if key >= since]

    def replay_candidates(
        self, nip: str, probe: PhotoFingerprint, now: datetime, limits: ReplayLimits
    ) -> list[PhotoFingerprint]:
        since = replay_window_start(now)
        with self._lock:
            history = {k: fp for k, fp in self._fingerprints.get(nip, {}).items() if k >= since}
        index = [(k, fp.face_hash) for k, fp in history.items() if fp.face_hash is not None]
        return [history[k] for k in candidate_keys(index, probe, limits)]

    def unhashed_fingerprints(self, nip: str, now: datetime) -> list[str]:
        since = replay_window_start(now)
        with self._lock:
            history = sorted(self._fingerprints.get(nip, {}).items())
        return [key for key, fp in history if key >= since and fp.face_hash is None]

    def add_face_hash(self, nip: str, key: str, face_chip: bytes, face_hash: int) -> None:
        with self._lock:
            found = self._fingerprints.get(nip, {}).get(key)
            if found is None:
                raise ConditionFailed("dynamodb")
            self._fingerprints[nip][key] = replace(found, face_chip=face_chip, face_hash=face_hash)

    def remember_fingerprint(self, nip: str, ref: str, fp: PhotoFingerprint, now: datetime) -> None:
        """Twin only: what DynamoDB's enrolment transaction (`store.faces`) writes with a new template."""
        with self._lock:
            self._remember(nip, ref, fp, now)

    @contextmanager
    def photo_claim(self, nip: str, sha256: str) -> Iterator[None]:
        """Twin only: the claim of a photo's bytes that DynamoDB's enrolment transaction (`store.faces`) writes
        with a new template (`store.events.add_photo_claim`), the one a recorded check-in writes: PhotoTaken when
        either claimed these bytes first, and dropped again when the write it is held for fails, as a failed
        transaction writes nothing."""
        photo = (nip, sha256)
        with self._lock:
            if photo in self._photos:
                raise PhotoTaken()
            self._photos.add(photo)
        try:
            yield
        except BaseException:
            with self._lock:
                self._photos.discard(photo)
            raise

    def forget_vectors(self, nip: str, ref: str, created_at: str) -> None:
        """Twin only: what DynamoDB's transaction refusing or deleting a face (`store.events.forget_vectors`)
        writes to its enrolment photo's fingerprint."""
        key = fingerprint_key(ref, parse_iso(created_at))
        with self._lock:
            found = self._fingerprints.get(nip, {}).get(key)
            if found is not None:
                self._fingerprints[nip][key] = replace(found, embeddings={})

    def _remember(self, nip: str, ref: str, fp: PhotoFingerprint, now: datetime) -> None:
        """Kept as DynamoDB gives it back: vectors packed to float32 and read again."""
        stored = replace(fp, embeddings=unpack(*pack(fp.embeddings)))
        self._fingerprints.setdefault(nip, {})[fingerprint_key(ref, now)] = stored

    # --- reviews -------------------------------------------------------------------------------------

    def pending_reviews(
        self, unor_id: str, limit: int, cursor: dict[str, Any] | None
    ) -> tuple[list[Event], dict[str, Any] | None]:
        """The cursor has the shape of DynamoDB's last evaluated key of the review index."""
        queue = self._indexed(lambda e: awaits_decision(e) and e.unor_id == unor_id)
        return _page(queue, limit, cursor, ("review_unit", unor_id))

    def refused_of_unit_day(
        self, unor_id: str, local_date: str, code: str | None, limit: int, cursor: dict[str, Any] | None
    ) -> tuple[list[Event], dict[str, Any] | None]:
        """The cursor has the shape of DynamoDB's last evaluated key of the unit-day index."""
        day = unit_day_key(unor_id, local_date)

        def keep(e: Event) -> bool:
            refused = e.status == "refused" and unit_day_key(e.unor_id, e.local_date) == day
            return refused and (code is None or code in (e.reasons or ()))

        return _page(self._indexed(keep), limit, cursor, ("unit_date", day))

    def _decide(
        self, event_id: str, decision: str, by: Decided, *, status: str, audit: AuditBatch | None = None
    ) -> None:
        nip, key = event_keys(event_id)
        with self._lock:
            event = self._events.get(nip, {}).get(key)
            if event is None or event.decision is not None or event.status != status:
                raise ConditionFailed("dynamodb")
            if audit is not None:
                audit.write()  # its failure leaves the event undecided, as a failed transaction does
            note = by.note or ""
            decided = replace(event, decision=decision, decided_by=by.actor, decided_at=iso(by.at), decision_note=note)
            self._events[nip][key] = decided
            mark = (nip, str(event.arrival_day))
            if decided.voided and event.holds_arrival and self._marks.get(mark) == event_id:
                del self._marks[mark]

    def _indexed(self, keep: Callable[[Event], bool]) -> list[_Queued]:
        """The events `keep` selects, in the order of an index on the events' range key."""
        with self._lock:
            selected = [(key, nip, e) for nip, events in self._events.items() for key, e in events.items() if keep(e)]
        return sorted(selected, key=lambda q: (q[0], q[1]))
