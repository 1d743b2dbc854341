"""The events repository: attendance events, day marks, used challenges, idempotency records and photo
fingerprints.

`EventsRepository` is what the use cases may ask; `DynamoEventsRepository` answers it from DynamoDB and
`chalicelib.store.memory.events.InMemoryEventsRepository` from dicts, and `tests/unit/store/events_contract.py`
is the one test class both pass.

An event id names its partition and range key (``<nip>.<UTC compact time>.<suffix>``) so a review decision
finds the event with one GetItem and no extra index. The check-in write is one transaction: event, challenge
consumption, first-arrival mark, photo fingerprint and the idempotency answer land together or not at all.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import re
import secrets
import time
from collections.abc import Callable, Collection, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any, Literal, Protocol, cast

from pynamodb.expressions.update import Action
from pynamodb.transactions import TransactWrite

from chalicelib import observability
from chalicelib.attendance.punches import FINGERPRINT
from chalicelib.domain.attendance import RECORDED, REVOKE, VOIDING, Event
from chalicelib.domain.audit import TRANSACTION_ITEMS
from chalicelib.domain.decisions import Decided
from chalicelib.errors import UnavailableError, ValidationError
from chalicelib.face.config import ReplayLimits
from chalicelib.face.replay import nearest
from chalicelib.face.types import PhotoFingerprint
from chalicelib.observability import Metric
from chalicelib.settings import OFFLINE_MAX_AGE_H_LIMIT
from chalicelib.store.audit import AuditBatch, save_in
from chalicelib.store.base import (
    ConditionFailed,
    RawItem,
    cancelled_items,
    derived_hex,
    iso,
    parse_iso,
    raw_query,
    raw_text,
    request_token,
    storage_call,
    transaction,
)
from chalicelib.store.models import ChallengeModel, EventModel, FingerprintModel, IdempotencyModel
from chalicelib.store.people import get_model
from chalicelib.store.vectors import pack, unpack

EVENT_ID = re.compile(r"^(?P<nip>[0-9]{18})\.(?P<at>[0-9]{8}T[0-9]{6}Z)\.(?P<suffix>[0-9a-f]{8})$")
# A retry returns the first answer for as long as the app may send it again: an offline capture is kept on the phone
# (and sent again under the same id) up to the regency's limit, at most OFFLINE_MAX_AGE_H_LIMIT, then a day's margin.
IDEMPOTENCY_TTL = timedelta(hours=OFFLINE_MAX_AGE_H_LIMIT + 24)
FINGERPRINT_DAYS = 400  # replay history kept per employee (and the TTL of a fingerprint)
ANSWER_POLL_S = 0.2
# A `current` read of a unit's day (`events_of_unit_day`) waits this long at most for the index to show what the
# day's digest holds, reading it again after pauses that double from the first: DynamoDB fills an index within a
# fraction of a second, usually.
INDEX_WAIT_S = 3.0
INDEX_FIRST_PAUSE_S = 0.05
PUNCH_WRITERS = 8
IN_PROGRESS: Literal["in_progress"] = "in_progress"


# --- ids and keys (pure) -----------------------------------------------------------------------------


def new_event_id(nip: str, at: datetime) -> str:
    return f"{nip}.{at.astimezone(UTC).strftime('%Y%m%dT%H%M%SZ')}.{secrets.token_hex(4)}"


def punch_event_id(nip: str, at: datetime) -> str:
    """The id of a fingerprint-machine punch: the same (NIP, punch time) always gives the same id, so that
    importing a file again writes nothing new."""
    return derived_event_id(nip, at, f"punch#{nip}#{iso(at)}")


def derived_event_id(nip: str, at: datetime, source: str) -> str:
    """An event id that is the same for the same (NIP, time, `source`): written again, it is found, not doubled."""
    return f"{nip}.{at.astimezone(UTC).strftime('%Y%m%dT%H%M%SZ')}.{derived_hex(source, 8)}"


def event_keys(event_id: str) -> tuple[str, str]:
    """(nip, range key) of an event id; a malformed id is NOT_FOUND-worthy bad input."""
    match = EVENT_ID.match(event_id)
    try:
        at = datetime.strptime(match["at"], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC) if match else None
    except ValueError:  # the right shape, an impossible time (a forged id: month 13, second 61)
        at = None
    if match is None or at is None:
        raise ValidationError("ID absen tidak valid.", {"event_id": "malformed"})
    return match["nip"], f"E#{iso(at)}#{match['suffix']}"


def event_range(start: datetime, end: datetime) -> tuple[str, str]:
    """The range keys bounding events with key time in [start, end) (second precision)."""
    return f"E#{iso(start)}", f"E#{iso(end)}"


# --- the digest of a unit's day ----------------------------------------------------------------------
#
# One item per unit and local date in the events table (partition `D#<unor_id>`, range key `D#<date>`: no NIP
# looks like that) holding a token per recorded event and per review decision, ADDed to two string sets by the
# transactions that record them (`write_checkin`, `decide_review`). Set ADD is atomic and idempotent, so
# parallel check-ins never lose a token and a repeated transaction adds nothing. A token costs ~57 bytes: an
# item holds the day of a unit of up to ~3,500 employees (two events each) within DynamoDB's 400 KB.
#
# A digest first written by one of those writes holds the events recorded since, and may lack older ones of the
# same day (recorded before digests were kept, or before a path kept them: punches imported before decision 83,
# app check-ins before decision 68, with old punches imported later). Only a rebuild from the day's events
# vouches for the whole day: it also adds REBUILT_MARK to the event tokens (no event token starts with "#"),
# read back as `DayDigest.complete`; every write after it adds its own token.

DIGEST_PREFIX = "D#"
REBUILT_MARK = "#rebuilt"
BATCH_GET_KEYS = 100  # DynamoDB's limit per BatchGetItem


def digest_keys(unor_id: str, local_date: str) -> tuple[str, str]:
    return f"{DIGEST_PREFIX}{unor_id}", f"{DIGEST_PREFIX}{local_date}"


def _digest_item(e: Event) -> EventModel:
    return EventModel(*digest_keys(str(e.unor_id), str(e.local_date)))


_SHORT = {"in": "i", "out": "o", "accepted": "a", "review": "r"}
_LONG = {"i": "in", "o": "out"}, {"a": "accepted", "r": "review"}
_PUNCH = "f"  # the fifth field of a fingerprint machine's punch (app events have four)
_SOURCES = {_PUNCH: FINGERPRINT}


def day_token(e: Event) -> str:
    """`<event id>|<i|o>|<a|r>|<attendance epoch>` (~57 bytes), and `|f` for a fingerprint punch: what judging
    a day reads; the event id starts with the NIP."""
    return _token(str(e.event_id), str(e.type), str(e.status), str(e.attendance_time), e.source)


def _token(event_id: str, kind: str, status: str, attendance_time: str, source: str | None) -> str:
    epoch = int(parse_iso(attendance_time).timestamp())
    token = f"{event_id}|{_SHORT[kind]}|{_SHORT[status]}|{epoch}"
    return f"{token}|{_PUNCH}" if source == FINGERPRINT else token


def decision_token(event_id: str, decision: str) -> str:
    return f"{event_id}|{decision}"


@dataclass(frozen=True)
class DayDigest:
    """A unit's day as its digest item holds it: the tokens of its recorded events and of review decisions.
    Equal digests mean the same events and decisions (a reader may keep what it judged from one)."""

    tokens: frozenset[str] = frozenset()
    decisions: frozenset[str] = frozenset()
    # False when no digest item exists: a day without recorded events, or one recorded before digests were kept
    # (or by a path that missed them), which `rebuild_digests` fills from the day's events.
    stored: bool = True
    # Changes whenever the tokens do (`digest_versions` reads it alone: a reader re-reads only changed digests).
    version: int = field(default=0, compare=False)
    # True when the digest holds every recorded event of its day: it was rebuilt from them once (REBUILT_MARK),
    # and each write since added its own token; or it was made from the events themselves (`digest_of`).
    complete: bool = field(default=False, compare=False)

    def events(self, nips: Collection[str] | None = None) -> list[DayEvent]:
        """The tokens back into a day's events (with their decisions), by NIP and attendance time; only those of
        `nips` when given."""
        decided = dict(token.rsplit("|", 1) for token in self.decisions)
        tokens = self.tokens if nips is None else [t for t in self.tokens if t.split(".", 1)[0] in nips]
        events = [_day_event_of(token, decided.get(token.split("|", 1)[0])) for token in tokens]
        return sorted(events, key=lambda e: (e.nip, e.attendance_time, e.type or ""))

    @functools.cached_property
    def latest(self) -> datetime | None:
        """The latest attendance time among the events, or None."""
        return max((_day_event_of(t, None).attendance_time for t in self.tokens), default=None)


MISSING_DIGEST = DayDigest(stored=False)


def digest_of(events: Sequence[Event]) -> DayDigest:
    """The digest that a unit-day's events make (its refusals left out; `complete`: made from all of them); not
    `stored` when none is recorded; its version is a hash of its tokens (a stored digest's is the count of
    changes made to it)."""
    recorded = [e for e in events if e.status in RECORDED]
    decided = frozenset(decision_token(str(e.event_id), str(e.decision)) for e in recorded if e.decision)
    tokens = frozenset(day_token(e) for e in recorded)
    return DayDigest(tokens, decided, stored=bool(recorded), version=hash((tokens, decided)), complete=True)


@functools.lru_cache(maxsize=65536)
def _day_event_of(token: str, decision: str | None) -> DayEvent:
    """A token as a day's event (memoised: the regency summary reads the same day's tokens on every poll)."""
    event_id, kind, status, epoch, *source = token.split("|")
    at = datetime.fromtimestamp(int(epoch), tz=UTC)
    origin = _SOURCES[source[0]] if source else None
    return DayEvent(event_id.split(".", 1)[0], _LONG[0][kind], _LONG[1][status], decision, at, origin)


def unit_day_key(unor_id: str | None, local_date: str | None) -> str:
    """The partition of a unit's day in the `by_unit_date` index."""
    return f"{unor_id}#{local_date}"


def mark_key(day: str) -> str:
    """The range key of the first-arrival mark of a working day (`Event.arrival_day`)."""
    return f"M#{day}#in"


def fingerprint_key(ref: str, now: datetime) -> str:
    return f"{iso(now)}#{ref}"


def replay_window_start(now: datetime) -> str:
    """The smallest fingerprint key still inside the replay window at `now`."""
    return iso(now - timedelta(days=FINGERPRINT_DAYS))


# The replay index: in its own partition per employee, one small item per photo (range key: the history key,
# attribute `face_hash`), so that a lookup reads only 8-byte hashes of the whole window (~75 bytes a photo: a
# year of 500 photos is ~37 KB, one Query page) and no two writes share an item (decision 87). Items written
# before that are one per month (range key `YYYY-MM`, `entries` "<history key>|<face hash hex>"): read alike.
INDEX_PARTITION = "#index"
# A past month's photos folded into one item per employee and month (`_fold`; none for a month without
# photos), so a lookup reads at most ~15 summaries and the photo items of the current month, whatever the
# history holds.
SUMMARY_PARTITION = "#months"


def index_partition(nip: str) -> str:
    return f"{nip}{INDEX_PARTITION}"


def summary_partition(nip: str) -> str:
    return f"{nip}{SUMMARY_PARTITION}"


# The item of the summary partition that says through which month (exclusive, YYYY-MM) the employee's past is
# folded: a month before it without a summary held no photo. Sorts before every month.
FOLDED_MARK = "#folded"


def unfolded_from(now: datetime) -> str:
    """The first month (YYYY-MM, UTC) whose photos are read from their own items: the current one, or the one
    before during a month's first day (a month is folded only once nothing can still be written into it: a
    photo's key is its server time)."""
    return (now.astimezone(UTC) - timedelta(days=1)).strftime("%Y-%m")


def months_between(first: str, before: str) -> list[str]:
    """The months (YYYY-MM) from `first` up to, not including, `before`."""
    year, month, found = int(first[:4]), int(first[5:7]), []
    while f"{year:04d}-{month:02d}" < before:
        found.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return found


def parse_index_entry(entry: str) -> tuple[str, int]:
    key, _, face_hash = entry.rpartition("|")
    return key, int(face_hash, 16)


# --- records -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class UsedChallenge:
    """A verified challenge that a check-in uses up (its signature binds it to the employee and `device_id`)."""

    challenge_id: str
    device_id: str
    issued_at: datetime
    expires_at: datetime


@dataclass(frozen=True)
class StoredAnswer:
    status_code: int
    body: dict[str, Any]


@dataclass(frozen=True)
class Claim:
    """An idempotency record: a request in progress since `started_epoch`, or done with its `answer`."""

    state: str  # in_progress | done
    fingerprint: str
    started_epoch: int
    answer: StoredAnswer | None = None


def conflict(existing: Claim) -> StoredAnswer:
    """The answer to an id used again for another body: a conflict, carrying what the first body was answered
    when it was (the ids are the caller's own: a phone that resends a capture in its offline form after the live
    send arrived learns whether that send was recorded or refused)."""
    first = existing.answer if existing.state == "done" else None
    return StoredAnswer(409, {"conflict": True} if first is None else {"conflict": True, "first": first_outcome(first)})


def first_outcome(answer: StoredAnswer) -> dict[str, Any]:
    """What an answered check-in was: recorded (`accepted`, `review`) with its event, or the refusal's code and
    words."""
    body = answer.body
    if answer.status_code == 201:
        return {"status": body.get("status"), "event_id": body.get("event_id")}
    error = body.get("error") or {}
    return {
        "status": "refused",
        "code": error.get("code"),
        "message": error.get("message"),
        "event_id": body.get("event_id"),
    }


def claim_outcome(existing: Claim | None, fingerprint: str) -> StoredAnswer | Literal["in_progress"]:
    """What a claim that lost its condition answers: the stored answer, a conflict naming it, or "in progress"
    (also for another body while the first is still judged: the caller waits, then learns how it was answered)."""
    if existing is None:
        return IN_PROGRESS
    if existing.fingerprint != fingerprint and existing.state == "done":
        return conflict(existing)
    if existing.state == "done" and existing.answer is not None:
        return existing.answer
    return IN_PROGRESS


def poll_answer(read: Callable[[], Claim | None], fingerprint: str, timeout_s: float) -> StoredAnswer | None:
    """Read an in-flight request's record every ANSWER_POLL_S until it is answered (or the time is up)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        time.sleep(ANSWER_POLL_S)
        existing = read()
        if existing is None:
            return None
        if existing.state == "done":
            return conflict(existing) if existing.fingerprint != fingerprint else existing.answer
    return None


@dataclass(frozen=True)
class CheckinWrite:
    """Everything one check-in writes, in one transaction; `write_checkin` builds the items.

    `claim_key` is the request's idempotency key (``<nip>#<client_request_id>``), which also names the request
    that used the challenge; `request_fingerprint` the hash of its body; `answer` what the phone is told.
    """

    event: Event
    claim_key: str
    request_fingerprint: str
    answer: StoredAnswer
    now: datetime
    challenge: UsedChallenge | None = None  # consumed here unless another request used it
    first_arrival: bool = False  # the mark of the event's `arrival_day` goes with it (an `in` that counts)
    photo: PhotoFingerprint | None = None  # remembered for replay checks


class ChallengeTaken(Exception):
    """The challenge was consumed by a concurrent check-in."""


class MarkTaken(Exception):
    """The day's arrival was recorded by a concurrent check-in."""


class PhotoTaken(Exception):
    """The very photo (its bytes) was recorded by a concurrent check-in or enrolment of the employee (a check-in's:
    REPLAYED_PHOTO; an enrolment's: its first try's face, `usecases.faces`): the replay check reads the history
    before the write, so two sent at once would both pass it."""


def photo_claim_key(nip: str) -> str:
    """The partition of an employee's recorded photos by their sha256 (one item each, `add_photo_claim`): the
    write's guard against one photo recorded twice by check-ins or enrolments sent at once."""
    return f"{nip}#photos"


@dataclass(frozen=True)
class DayEvent:
    """What judging a day reads of a stored event."""

    nip: str
    type: str | None
    status: str | None
    decision: str | None
    attendance_time: datetime
    source: str | None = None


# --- the repository ----------------------------------------------------------------------------------


class EventsRepository(Protocol):
    """Attendance events and what a check-in writes with them. A write whose condition fails raises
    ConditionFailed (or, in `write_checkin`, the race it lost)."""

    # --- idempotency ---

    def claim_request(
        self, key: str, fingerprint: str, now: datetime, stale_after_s: int
    ) -> StoredAnswer | Literal["in_progress"] | None:
        """Claim a client request id. Returns None when claimed, a StoredAnswer when already answered (409
        `{"conflict": true, "first": ...}` when the id was answered for another body), or "in_progress" when
        another attempt holds it (whatever its body). A claim in progress for longer than `stale_after_s` is
        taken over."""
        ...

    def release_request(self, key: str) -> None:
        """Forget an unfinished claim so that the retry starts anew (ConditionFailed when none is in progress)."""
        ...

    def wait_for_answer(self, key: str, fingerprint: str, timeout_s: float) -> StoredAnswer | None:
        """Poll an in-flight request's record until it is answered; None when the time is up or it is gone."""
        ...

    def answer_request(self, key: str, fingerprint: str, now: datetime, answer: StoredAnswer) -> None:
        """Answer a claimed request without recording anything else (a refusal beyond the employee's daily cap of
        kept attempts): a retry gets `answer` again, as it would a check-in's."""
        ...

    # --- check-ins ---

    def write_checkin(self, w: CheckinWrite) -> None:
        """Write a check-in all or nothing; raises ChallengeTaken, MarkTaken or PhotoTaken when a condition lost.
        A repeat of a write that committed (same event id) is success and changes nothing."""
        ...

    def put_punches(self, punches: Sequence[Event]) -> list[bool]:
        """Write imported punches, each only if no event with its id exists; per punch, whether it was written
        now (False: it was there already, from an earlier import or a parallel one)."""
        ...

    def has_arrival_mark(self, nip: str, day: str) -> bool:
        """Whether the employee's first arrival of that working day is recorded (the mark a check-in writes
        under its `Event.arrival_day`: for a day schedule, the local date)."""
        ...

    def get_event(self, event_id: str) -> Event | None:
        """The event, or None; ValidationError when the id is malformed."""
        ...

    def events_between(self, nip: str, start: datetime, end: datetime) -> list[Event]:
        """An employee's events (any status) received in [start, end), by event id time."""
        ...

    def events_of_unit_day(self, unor_id: str, local_date: str, *, current: bool = False) -> list[DayEvent]:
        """A unit's events of one local date, with only what a day's judgement reads, by event id time.
        `current`: with every event and review decision recorded by then, as the day's digest (read strongly
        consistent) holds them, waiting up to INDEX_WAIT_S for the index that is read to show them (a re-run of
        the day right after a decision, an imported punch or an approved correction judges with it)."""
        ...

    def digests_of_unit_days(self, days: Sequence[tuple[str, str]]) -> dict[tuple[str, str], DayDigest]:
        """For each (unor_id, local date): the day's digest, whose `events()` are the recorded (accepted or
        review) events of that unit's day, by NIP and attendance time: what `events_of_unit_day` answers
        without the refusals, in a single read for many units (the regency monitor summary, the adoption report).
        A day of which nothing is recorded yet, or whose digest was never kept, is not `stored`; a digest that
        may lack events recorded before it was first written is not `complete` (until `rebuild_digests`)."""
        ...

    def digest_versions(self, days: Sequence[tuple[str, str]]) -> dict[tuple[str, str], int | None]:
        """Each day's digest `version` alone (None: no digest stored), a small read: a reader that kept a
        digest of the same version has it already."""
        ...

    def rebuild_digests(
        self, days: Sequence[tuple[str, str]], *, keep_empty: bool = False
    ) -> dict[tuple[str, str], DayDigest]:
        """Rebuild each day's digest from its events (days recorded before digests were kept, or by a path that
        missed them), mark it `complete`, and answer it; idempotent, and safe beside check-ins writing the same
        days. A day without recorded events is left without a digest, or with `keep_empty` given an empty
        complete one (`stored`), so that later readers need not read its events again."""
        ...

    def fingerprints_of(self, nip: str, now: datetime) -> list[PhotoFingerprint]:
        """Every photo fingerprint of the employee (enrolment or check-in) within the replay window, oldest
        first."""
        ...

    def replay_candidates(
        self, nip: str, probe: PhotoFingerprint, now: datetime, limits: ReplayLimits
    ) -> list[PhotoFingerprint]:
        """The employee's fingerprints within the replay window worth comparing with `probe`, oldest first:
        those with the same sha256, and the `limits.candidates` whose face hash is nearest the probe's
        (`face.replay.nearest`). Only 8-byte hashes are read for the whole history, full fingerprints for
        the candidates alone."""
        ...

    def unhashed_fingerprints(self, nip: str, now: datetime) -> list[str]:
        """History keys (`fingerprint_key`) of the employee's fingerprints within the replay window stored
        without a face hash (before the aligned-face replay check existed), oldest first."""
        ...

    def add_face_hash(self, nip: str, key: str, face_chip: bytes, face_hash: int) -> None:
        """Give a fingerprint stored without one its aligned face and hash, and its replay index entry
        (ConditionFailed when there is no such fingerprint)."""
        ...

    # --- reviews ---

    def pending_reviews(
        self, unor_id: str, limit: int, cursor: dict[str, Any] | None
    ) -> tuple[list[Event], dict[str, Any] | None]:
        """Up to `limit` of the unit's events awaiting a decision, by event id time, and the JSON-able
        cursor of the rest (None when there is none)."""
        ...

    def decide_review(self, event_id: str, decision: str, by: Decided, *, audit: AuditBatch | None = None) -> None:
        """Record an admin decision once, with the `audit` entries naming it, all or none: ConditionFailed when the
        event does not await one."""
        ...

    def revoke_accepted(self, event_id: str, by: Decided) -> None:
        """Record once that an accepted event no longer counts (decision REVOKE; an approved time correction
        taken back), its day's digest with it: ConditionFailed when the event is not accepted or has a
        decision already."""
        ...

    # --- refused attempts ---

    def refused_of_unit_day(
        self, unor_id: str, local_date: str, code: str | None, limit: int, cursor: dict[str, Any] | None
    ) -> tuple[list[Event], dict[str, Any] | None]:
        """Up to `limit` of the unit's refused check-ins of one local date (with refusal `code` only, when
        given), by event id time, and the JSON-able cursor of the rest (None when there is none)."""
        ...


def add_fingerprint(tx: TransactWrite, nip: str, ref: str, fp: PhotoFingerprint, now: datetime) -> None:
    """Put a photo's fingerprint into the caller's transaction (a check-in here, an enrolment in
    `store.faces`): its history row, and its entry in the month's index item when the face was hashed."""
    data, layout = pack(fp.embeddings)
    key, expires = fingerprint_key(ref, now), now + timedelta(days=FINGERPRINT_DAYS)
    history = FingerprintModel(
        nip,
        key,
        sha256=fp.sha256,
        phash=f"{fp.phash:016x}",
        layout=layout,
        vectors=data,
        face=fp.face_chip or None,
        face_hash=None if fp.face_hash is None else f"{fp.face_hash:016x}",
        expires=expires,
    )
    tx.save(history)
    if fp.face_hash is not None:
        add_index_item(tx, nip, key, fp.face_hash, expires)


def add_photo_claim(tx: TransactWrite, nip: str, sha256: str, now: datetime) -> None:
    """Put the claim of a photo's bytes (`photo_claim_key`, kept as long as its fingerprint) into the caller's
    transaction (a recorded check-in here, an enrolment in `store.faces`): its condition fails when a check-in or an
    enrolment of the employee claimed these bytes first, which the caller raises as PhotoTaken."""
    claim = FingerprintModel(
        photo_claim_key(nip), sha256, sha256=sha256, phash="", expires=now + timedelta(days=FINGERPRINT_DAYS)
    )
    tx.save(claim, condition=FingerprintModel.key.does_not_exist())


def forget_vectors(tx: TransactWrite, nip: str, ref: str, created_at: str) -> None:
    """Put into the caller's transaction (a face refused or deleted, `store.faces`): the fingerprint row of the
    enrolment photo written with it (`add_fingerprint`, at `created_at`) keeps its hashes and aligned face, which
    replay detection reads, but no longer the face's vectors: a refused or deleted face keeps no biometric
    vectors (decision 405). Nothing when the row is gone (its 400 days are over) or holds none."""
    row = get_model(FingerprintModel, nip, fingerprint_key(ref, parse_iso(created_at)))
    if row is not None and row.vectors:
        gone: list[Action] = [FingerprintModel.vectors.remove(), FingerprintModel.layout.remove()]
        tx.update(row, actions=gone, condition=FingerprintModel.sha256.exists())


def add_index_item(tx: TransactWrite, nip: str, key: str, face_hash: int, expires: datetime) -> None:
    """The replay index's item of one photo (`key`: its history row's range key): an item of its own, never
    one another check-in writes too (an update: the history row's required hashes are not repeated here)."""
    item = FingerprintModel(index_partition(nip), key)
    tx.update(
        item, actions=[FingerprintModel.face_hash.set(f"{face_hash:016x}"), FingerprintModel.expires.set(expires)]
    )


def _fingerprint(row: FingerprintModel) -> PhotoFingerprint:
    return PhotoFingerprint(
        row.sha256,
        int(row.phash, 16),
        unpack(row.vectors, row.layout) if row.vectors else {},
        face_chip=row.face or b"",
        face_hash=int(row.face_hash, 16) if row.face_hash else None,
    )


class EventDecisions:
    """An admin's decisions on a recorded event, each taken once by the store's `_decide` (a conditional write
    that fails with ConditionFailed when the event is not of `status` or has a decision already)."""

    def decide_review(self, event_id: str, decision: str, by: Decided, *, audit: AuditBatch | None = None) -> None:
        self._decide(event_id, decision, by, status="review", audit=audit)

    def revoke_accepted(self, event_id: str, by: Decided) -> None:
        self._decide(event_id, REVOKE, by, status="accepted")

    def _decide(
        self, event_id: str, decision: str, by: Decided, *, status: str, audit: AuditBatch | None = None
    ) -> None:
        raise NotImplementedError


class DynamoEventsRepository(EventDecisions):
    """The events repository on DynamoDB (tables events, challenges, idempotency, fingerprints)."""

    # --- idempotency ---------------------------------------------------------------------------------

    def claim_request(
        self, key: str, fingerprint: str, now: datetime, stale_after_s: int
    ) -> StoredAnswer | Literal["in_progress"] | None:
        epoch = int(now.timestamp())
        model = IdempotencyModel(
            key, state=IN_PROGRESS, fingerprint=fingerprint, started_epoch=epoch, expires=now + IDEMPOTENCY_TTL
        )
        condition = IdempotencyModel.key.does_not_exist() | (
            (IdempotencyModel.state == IN_PROGRESS) & (IdempotencyModel.started_epoch < epoch - stale_after_s)
        )
        try:
            with storage_call("dynamodb"):
                model.save(condition=condition)
            return None
        except ConditionFailed:
            return claim_outcome(_claim(key), fingerprint)

    def release_request(self, key: str) -> None:
        with storage_call("dynamodb"):
            IdempotencyModel(key).delete(condition=IdempotencyModel.state == IN_PROGRESS)

    def wait_for_answer(self, key: str, fingerprint: str, timeout_s: float) -> StoredAnswer | None:
        return poll_answer(lambda: _claim(key), fingerprint, timeout_s)

    def answer_request(self, key: str, fingerprint: str, now: datetime, answer: StoredAnswer) -> None:
        with storage_call("dynamodb"):
            _answer_item(key, fingerprint, now, answer).save()

    # --- check-ins -----------------------------------------------------------------------------------

    def write_checkin(self, w: CheckinWrite) -> None:
        """The challenge row is written with the condition "absent, or used by this same request": of two
        requests with one challenge exactly one commits. The SDK repeats a request whose answer was lost (a
        read timeout while storage is slow). If the first try had committed, the repeat finds its own event
        already there: that is success, not a lost race. (Real DynamoDB answers such a repeat from its
        ClientRequestToken.)
        """
        # One token per distinct write: a refusal recorded after losing a race reuses the event id.
        distinct = f"{w.event.event_id}#{w.challenge is not None}#{w.event.status}"
        token = hashlib.sha256(distinct.encode()).hexdigest()[:36]
        event = _event_item(w.event)
        nip = event.nip
        try:
            with storage_call("dynamodb"), transaction(token) as tx:
                tx.save(event, condition=EventModel.key.does_not_exist())
                if w.challenge is not None:
                    unused = ChallengeModel.challenge_id.does_not_exist()
                    challenge = _challenge_item(w.challenge, w.claim_key, nip)
                    tx.save(challenge, condition=unused | (ChallengeModel.used_by == w.claim_key))
                if w.first_arrival:
                    mark = EventModel(nip, mark_key(str(w.event.arrival_day)), first_event_id=w.event.event_id)
                    free = EventModel.key.does_not_exist() | EventModel.first_event_id.does_not_exist()  # or released
                    tx.save(mark, condition=free)
                if claims_photo(w):
                    assert w.photo is not None
                    add_photo_claim(tx, nip, w.photo.sha256, w.now)
                if w.photo is not None:
                    add_fingerprint(tx, nip, w.event.event_id, w.photo, w.now)
                tx.save(_answer_item(w.claim_key, w.request_fingerprint, w.now, w.answer))
        except ConditionFailed as exc:
            lost = _which_condition(exc, w)
            if lost is not None:
                raise lost from exc
        if w.event.status in RECORDED:
            _note_in_digest(w.event)

    def put_punches(self, punches: Sequence[Event]) -> list[bool]:
        """Chunks of TRANSACTION_ITEMS in one conditional transaction each (the common case: all new), with the tokens
        of their unit-days' digests; a chunk that meets an existing punch is written again one punch (and its
        token) at a time. Chunks run in parallel. No BatchWriteItem: events are evidence (infra/access.py)."""
        chunks = _punch_chunks(punches)
        if not chunks:
            return []
        with ThreadPoolExecutor(max_workers=PUNCH_WRITERS) as pool:
            return [written for chunk in pool.map(_put_chunk, chunks) for written in chunk]

    def has_arrival_mark(self, nip: str, day: str) -> bool:
        mark = get_model(EventModel, nip, mark_key(day))
        return mark is not None and mark.first_event_id is not None

    def get_event(self, event_id: str) -> Event | None:
        nip, key = event_keys(event_id)
        found: EventModel | None = get_model(EventModel, nip, key)
        return _event(found) if found else None

    def events_between(self, nip: str, start: datetime, end: datetime) -> list[Event]:
        low, high = event_range(start, end)
        with storage_call("dynamodb"):
            return [_event(m) for m in EventModel.query(nip, EventModel.key.between(low, high))]

    def events_of_unit_day(self, unor_id: str, local_date: str, *, current: bool = False) -> list[DayEvent]:
        """Read page by page from the table connection and turned into small records directly: the live
        monitor reads a large unit's whole day on every poll, and building full models cost more than the
        query. The by_unit_date index is eventually consistent: a `current` read first reads the day's digest
        strongly consistent (one BatchGetItem, written with the events and decisions, or just after a check-in)
        and reads the index again, after a growing pause, until it holds every token of the digest."""
        if not current:
            return [_day_event(item) for item in _unit_day_items(unor_id, local_date, _JUDGED)]
        found = _digest_items([(unor_id, local_date)], ["day_events", "day_decisions"], consistent=True)
        item = found.get((unor_id, local_date), {})
        recorded = frozenset(item.get("day_events", {}).get("SS", [])) - {REBUILT_MARK}
        decided = frozenset(item.get("day_decisions", {}).get("SS", []))
        deadline, pause = time.monotonic() + INDEX_WAIT_S, INDEX_FIRST_PAUSE_S
        while True:
            items = _unit_day_items(unor_id, local_date, [*_JUDGED, "event_id"])
            tokens, decisions = _tokens_of(items)
            if (recorded <= tokens and decided <= decisions) or time.monotonic() + pause > deadline:
                break
            time.sleep(pause)
            pause *= 2
        if not (recorded <= tokens and decided <= decisions):
            observability.logger.warning(
                "a unit's day judged before its index showed every event", extra={"unor_id": unor_id, "day": local_date}
            )
        return [_day_event(item) for item in items]

    def digests_of_unit_days(self, days: Sequence[tuple[str, str]]) -> dict[tuple[str, str], DayDigest]:
        """BatchGetItem of the digest items (100 keys a request, unprocessed keys asked again), projected on the
        two token sets and read from the table connection directly, like `events_of_unit_day`."""
        found = dict.fromkeys(sorted(set(days)), MISSING_DIGEST)
        for day, item in _digest_items(days, ["day_events", "day_decisions", "day_version"]).items():
            tokens = frozenset(item.get("day_events", {}).get("SS", []))
            decisions = frozenset(item.get("day_decisions", {}).get("SS", []))
            complete = REBUILT_MARK in tokens
            found[day] = DayDigest(tokens - {REBUILT_MARK}, decisions, version=_version(item), complete=complete)
        return found

    def digest_versions(self, days: Sequence[tuple[str, str]]) -> dict[tuple[str, str], int | None]:
        found: dict[tuple[str, str], int | None] = dict.fromkeys(sorted(set(days)))
        found.update({day: _version(item) for day, item in _digest_items(days, ["day_version"]).items()})
        return found

    def rebuild_digests(
        self, days: Sequence[tuple[str, str]], *, keep_empty: bool = False
    ) -> dict[tuple[str, str], DayDigest]:
        """Each day's digest as its events make it, ADDed to its item with REBUILT_MARK (tokens that check-ins
        add meanwhile stay: set ADD is a union); a day without recorded events writes nothing, or with
        `keep_empty` the mark alone. Every day is read before any is written (the same for DynamoDB; moto
        re-indexes the whole table after each write, so interleaved, each query paid for that)."""
        made = {}
        for unor_id, local_date in sorted(set(days)):
            with storage_call("dynamodb"):
                rows = [_event(m) for m in EventModel.by_unit_date.query(unit_day_key(unor_id, local_date))]
            made[(unor_id, local_date)] = digest_of(rows)
        rebuilt = dict(made)
        for (unor_id, local_date), digest in made.items():
            if digest.stored or keep_empty:
                item = EventModel(*digest_keys(unor_id, local_date))
                with storage_call("dynamodb"):
                    item.update(actions=_digest_add({*digest.tokens, REBUILT_MARK}, set(digest.decisions)))
                rebuilt[(unor_id, local_date)] = replace(digest, stored=True, version=int(item.day_version or 0))
        return rebuilt

    def fingerprints_of(self, nip: str, now: datetime) -> list[PhotoFingerprint]:
        """moto never expires TTL items, and DynamoDB only eventually: the window is filtered here."""
        with storage_call("dynamodb"):
            rows = list(FingerprintModel.query(nip, FingerprintModel.key >= replay_window_start(now)))
        return [_fingerprint(r) for r in rows]

    def replay_candidates(
        self, nip: str, probe: PhotoFingerprint, now: datetime, limits: ReplayLimits
    ) -> list[PhotoFingerprint]:
        """One Query of the monthly index items (at most 15), then one BatchGet of the candidates' rows."""
        keys = candidate_keys(_index_entries(nip, now), probe, limits)
        if not keys:
            return []
        with storage_call("dynamodb"):
            rows = {r.key: _fingerprint(r) for r in FingerprintModel.batch_get([(nip, k) for k in keys])}
        return [rows[k] for k in sorted(rows)]

    def unhashed_fingerprints(self, nip: str, now: datetime) -> list[str]:
        with storage_call("dynamodb"):
            rows = FingerprintModel.query(
                nip, FingerprintModel.key >= replay_window_start(now), attributes_to_get=["nip", "key", "face_hash"]
            )
            return [r.key for r in rows if not r.face_hash]

    def add_face_hash(self, nip: str, key: str, face_chip: bytes, face_hash: int) -> None:
        expires = parse_iso(key.split("#", 1)[0]) + timedelta(days=FINGERPRINT_DAYS)
        actions: list[Action] = [
            FingerprintModel.face.set(face_chip),
            FingerprintModel.face_hash.set(f"{face_hash:016x}"),
        ]
        with storage_call("dynamodb"), transaction() as tx:
            tx.update(FingerprintModel(nip, key), actions=actions, condition=FingerprintModel.key.exists())
            add_index_item(tx, nip, key, face_hash, expires)
        _refold_if_folded(nip, key[:7])

    # --- reviews -------------------------------------------------------------------------------------

    def pending_reviews(
        self, unor_id: str, limit: int, cursor: dict[str, Any] | None
    ) -> tuple[list[Event], dict[str, Any] | None]:
        with storage_call("dynamodb"):
            result = EventModel.by_review.query(unor_id, limit=limit, last_evaluated_key=cursor)
            return [_event(m) for m in result], result.last_evaluated_key

    def refused_of_unit_day(
        self, unor_id: str, local_date: str, code: str | None, limit: int, cursor: dict[str, Any] | None
    ) -> tuple[list[Event], dict[str, Any] | None]:
        """The unit's day on the `by_unit_date` index, filtered to refusals: a day's partition holds every
        check-in of the unit (a few hundred at most), so the filter reads a bounded range."""
        condition = EventModel.status == "refused"
        if code is not None:
            condition &= EventModel.reasons.contains(code)
        with storage_call("dynamodb"):
            result = EventModel.by_unit_date.query(
                unit_day_key(unor_id, local_date), filter_condition=condition, limit=limit, last_evaluated_key=cursor
            )
            events = [_event(m) for m in result]
            return events, result.last_evaluated_key

    def _decide(
        self, event_id: str, decision: str, by: Decided, *, status: str, audit: AuditBatch | None = None
    ) -> None:
        """The event, its day's digest and the audit entries naming the decision change in one transaction; a
        voided arrival gives back the day's first-arrival mark it holds in the same one (a mark is only ever
        released so: it cannot change between this read and the write)."""
        nip, key = event_keys(event_id)
        event = self.get_event(event_id)
        if event is None:
            raise ConditionFailed("dynamodb")
        day_mark = mark_key(str(event.arrival_day))
        mark = get_model(EventModel, nip, day_mark) if event.holds_arrival else None
        # The SDK's repeat of this transaction (its answer lost) is answered by DynamoDB from the token.
        with storage_call("dynamodb"), transaction(request_token()) as tx:
            if decision in VOIDING and mark is not None and mark.first_event_id == event_id:
                # Released, not deleted (the events table is evidence: no DeleteItem, infra/access.py).
                tx.update(
                    EventModel(nip, day_mark),
                    actions=[EventModel.first_event_id.remove()],
                    condition=EventModel.first_event_id == event_id,
                )
            tx.update(
                EventModel(nip, key),
                actions=[
                    EventModel.decision.set(decision),
                    EventModel.decided_by.set(by.actor),
                    EventModel.decided_at.set(iso(by.at)),
                    EventModel.decision_note.set(by.note or ""),
                    EventModel.review_unit.remove(),
                ],
                condition=EventModel.decision.does_not_exist() & (EventModel.status == status),
            )
            tx.update(_digest_item(event), actions=_digest_add(set(), {decision_token(str(event.event_id), decision)}))
            save_in(tx, audit)


# --- replay index -------------------------------------------------------------------------------------


def candidate_keys(index: list[tuple[str, int]], probe: PhotoFingerprint, limits: ReplayLimits) -> list[str]:
    """History keys worth comparing with `probe`, from (history key, face hash) index entries: those whose
    face hashes are `nearest` the probe's, oldest first."""
    if probe.face_hash is None:
        return []
    near = nearest([h for _, h in index], probe.face_hash, limits.candidates, limits.max_face_hash_distance)
    return sorted(index[i][0] for i in near)


def _index_entries(nip: str, now: datetime) -> list[tuple[str, int]]:
    """The (history key, face hash) of every photo in the window: the summaries of the past months (each
    folded once, `_fold`), and the photo items of the current month (`unfolded_from`). Two Queries of at most
    ~17 and ~70 items (2 photos a working day) however long the history; when months are still to fold, the
    second Query starts at the first of them (their photos and the current month's together)."""
    since, recent = replay_window_start(now), unfolded_from(now)
    with storage_call("dynamodb"):
        rows = list(FingerprintModel.query(summary_partition(nip), FingerprintModel.key.between(FOLDED_MARK, recent)))
        mark = next((str(r.folded) for r in rows if r.key == FOLDED_MARK), "")
        folded = {r.key: (r.folded or "").split() for r in rows if since[:7] <= r.key < recent}
        # Months before the mark are folded: into their summary, or into none when they held no photo.
        missing = [m for m in months_between(max(mark, since[:7]), recent) if m not in folded]
        items = list(FingerprintModel.query(index_partition(nip), FingerprintModel.key >= min([*missing, recent])))
    if missing:
        folded.update(_fold(nip, {month: [i for i in items if i.key[:7] == month] for month in missing}, recent))
    current = _entries_of(i for i in items if i.key >= recent)
    entries = [parse_index_entry(e) for month in folded.values() for e in month] + current
    return [(key, face_hash) for key, face_hash in entries if key >= since]


def _entries_of(items: Iterable[FingerprintModel]) -> list[tuple[str, int]]:
    """The entries of index items: photo items, and month items written before decision 87."""
    rows = list(items)
    entries = [parse_index_entry(str(e)) for item in rows for e in item.entries or []]
    return entries + [(item.key, int(item.face_hash, 16)) for item in rows if item.face_hash]


def _fold(
    nip: str, months: dict[str, list[FingerprintModel]], through: str | None = None, *, strict: bool = False
) -> dict[str, list[str]]:
    """Write the summary item of each past month that holds photos, then (with `through`) move the employee's
    fold mark to `through`: every month before it is folded. Answers each month's entries (sorted
    "<history key>|<face hash hex>" lines). Written by whichever lookup first needs them, never by a check-in's
    transaction: lookups folding the same months at once write the same content, and a mark is only moved
    after the summaries it vouches for are written. An empty month leaves no item (an employee's first lookup
    writes the mark alone, not one item per month of the window). Not `strict`, a failed write is logged and
    the entries still answered: the lookup is right without them, and a later one folds again."""
    folded = {month: sorted({f"{k}|{h:016x}" for k, h in _entries_of(items)}) for month, items in months.items()}
    try:
        with storage_call("dynamodb"):
            for month, entries in folded.items():
                if entries:
                    # One string, not a list: read back as one attribute, whatever the month holds (~60 B a photo).
                    _summary_update(nip, month, "\n".join(entries), month)
            if through is not None:
                _summary_update(nip, FOLDED_MARK, through, through)
    except UnavailableError:
        if strict:
            raise
        observability.logger.warning("replay index months not folded", extra={"months": len(folded)})
    return folded


def _summary_update(nip: str, key: str, folded: str, month: str) -> None:
    """An item of the summary partition (a month's summary, or the fold mark), expiring with `month`'s photos."""
    expires = parse_iso(f"{month}-01T00:00:00+00:00") + timedelta(days=FINGERPRINT_DAYS + 62)
    item = FingerprintModel(summary_partition(nip), key)
    item.update(actions=[FingerprintModel.folded.set(folded), FingerprintModel.expires.set(expires)])


def _refold_if_folded(nip: str, month: str) -> None:
    """Fold a past month again (its index got an item: a face hash given to an old photo) if it was folded,
    into its summary or, empty then, under the mark; otherwise the first lookup after its end will. The month's
    items are read strongly consistent: a plain read may miss the item just written, and the summary, folded
    without it, is never read again."""
    with storage_call("dynamodb"):
        summary = get_model(FingerprintModel, summary_partition(nip), month)
        mark = get_model(FingerprintModel, summary_partition(nip), FOLDED_MARK)
        if summary is None and (mark is None or str(mark.folded) <= month):
            return
        month_items = FingerprintModel.key.startswith(month)
        items = list(FingerprintModel.query(index_partition(nip), month_items, consistent_read=True))
    _fold(nip, {month: items}, strict=True)


# --- DynamoDB items ----------------------------------------------------------------------------------


def _note_in_digest(e: Event) -> None:
    """Add a recorded check-in's token to its unit-day digest, AFTER the check-in's transaction, not in it.

    The digest is the one item that every check-in of a unit's day updates. Inside the transaction, two
    employees of one unit checking in at the same moment would cancel each other (DynamoDB's
    TransactionConflict: a 503 and a retry at 07:00); single updates of one item are simply applied one after
    the other. The token is a set member, so a repeat adds nothing. Should this write fail, the check-in
    stands (its answer is already stored for retries): the live view misses it until the day's digest is
    rebuilt (`tools.backfill_digests`), so the failure is logged and counted, not raised; and the digest no
    longer vouches for its whole day (REBUILT_MARK taken back, best effort), so the adoption report rebuilds it
    from the events instead of undercounting it for good (decision 212)."""
    try:
        with storage_call("dynamodb"):
            _digest_item(e).update(actions=_digest_add({day_token(e)}))
    except UnavailableError:
        observability.logger.warning("day digest not updated", extra={"unor_id": e.unor_id, "day": e.local_date})
        observability.add(Metric.DIGEST_WRITE_FAILED)
        vouched = EventModel.day_events.contains(REBUILT_MARK)  # never creates a digest the monitor would trust
        with contextlib.suppress(UnavailableError, ConditionFailed), storage_call("dynamodb"):
            _digest_item(e).update(actions=[EventModel.day_events.delete({REBUILT_MARK})], condition=vouched)


def _digest_add(tokens: set[str], decisions: set[str] | None = None) -> list[Action]:
    """The update of a digest item that adds event tokens and decision tokens, and bumps its version."""
    actions: list[Action] = [EventModel.day_version.add(1)]
    if tokens:
        actions.append(EventModel.day_events.add(tokens))
    if decisions:
        actions.append(EventModel.day_decisions.add(decisions))
    return actions


def _digest_items(
    days: Sequence[tuple[str, str]], attributes: list[str], *, consistent: bool = False
) -> dict[tuple[str, str], dict[str, Any]]:
    """BatchGetItem of the digest items of these (unor_id, local date) that exist (100 keys a request,
    unprocessed keys asked again), projected on `attributes`, read from the table connection directly like
    `events_of_unit_day` (`consistent`: strongly consistent)."""
    connection = EventModel._get_connection()
    projection = ["nip", "key", *attributes]
    pending = [dict(zip(("nip", "key"), digest_keys(*day), strict=True)) for day in sorted(set(days))]
    found = {}
    with storage_call("dynamodb"):
        while pending:
            page, pending = pending[:BATCH_GET_KEYS], pending[BATCH_GET_KEYS:]
            answer = connection.batch_get_item(  # typed too narrowly
                cast(Any, page), consistent_read=consistent, attributes_to_get=projection
            )
            for item in answer.get("Responses", {}).get(EventModel.Meta.table_name, []):
                found[(item["nip"]["S"][len(DIGEST_PREFIX) :], item["key"]["S"][len(DIGEST_PREFIX) :])] = item
            unprocessed = answer.get("UnprocessedKeys", {}).get(EventModel.Meta.table_name, {}).get("Keys", [])
            pending += [{name: value["S"] for name, value in key.items()} for key in unprocessed]
    return found


def _version(item: dict[str, Any]) -> int:
    return int(item.get("day_version", {}).get("N", 0))


def _punch_chunks(punches: Sequence[Event]) -> list[list[Event]]:
    """Consecutive punches, as many as fit one transaction with one digest update per unit-day among them."""
    chunks: list[list[Event]] = []
    chunk: list[Event] = []
    days: set[tuple[str, str]] = set()
    for e in punches:
        day = (str(e.unor_id), str(e.local_date))
        if len(chunk) + 1 + len(days | {day}) > TRANSACTION_ITEMS:
            chunks.append(chunk)
            chunk, days = [], set()
        chunk.append(e)
        days.add(day)
    return [*chunks, chunk] if chunk else chunks


def _write_punches(chunk: Sequence[Event], token: str | None = None) -> None:
    """The punches and their tokens in their unit-days' digests, in one conditional transaction."""
    per_day: dict[tuple[str, str], set[str]] = {}
    for e in chunk:
        per_day.setdefault((str(e.unor_id), str(e.local_date)), set()).add(day_token(e))
    with storage_call("dynamodb"), transaction(token) as tx:
        for e in chunk:
            tx.save(_event_item(e), condition=EventModel.key.does_not_exist())
        for day, tokens in sorted(per_day.items()):
            tx.update(EventModel(*digest_keys(*day)), actions=_digest_add(tokens))


def _put_chunk(chunk: list[Event]) -> list[bool]:
    try:
        _write_punches(chunk, hashlib.sha256("|".join(e.event_id for e in chunk).encode()).hexdigest()[:36])
        return [True] * len(chunk)
    except ConditionFailed:
        return [_put_one(e) for e in chunk]


def _put_one(e: Event) -> bool:
    try:
        _write_punches([e])
        return True
    except ConditionFailed:
        return False


def _claim(key: str) -> Claim | None:
    found: IdempotencyModel | None = get_model(IdempotencyModel, key)
    if found is None:
        return None
    answer = None if found.status_code is None else StoredAnswer(int(found.status_code), dict(found.body or {}))
    return Claim(found.state, found.fingerprint, int(found.started_epoch), answer)


def _answer_item(key: str, fingerprint: str, now: datetime, answer: StoredAnswer) -> IdempotencyModel:
    return IdempotencyModel(
        key,
        state="done",
        fingerprint=fingerprint,
        started_epoch=int(now.timestamp()),
        status_code=answer.status_code,
        body=answer.body,
        expires=now + IDEMPOTENCY_TTL,
    )


def _challenge_item(challenge: UsedChallenge, owner: str, nip: str) -> ChallengeModel:
    """The row that marks a verified challenge used by one client request, for the check-in's transaction."""
    return ChallengeModel(
        challenge.challenge_id,
        nip=nip,
        device_id=challenge.device_id,
        issued_at=iso(challenge.issued_at),
        expires_epoch=int(challenge.expires_at.timestamp()),
        used_by=owner,
        expires=challenge.expires_at + timedelta(days=1),
    )


def _event(m: EventModel) -> Event:
    """The one place a stored event becomes a record.

    Reads the model's value dict, not its attribute descriptors: the check-in turns a month of events into
    records on every request, and the descriptors cost ~35 µs an event against ~4 µs this way.
    """
    value = m.attribute_values.get
    reasons, warnings = value("reasons"), value("warnings")
    return Event(
        event_id=value("event_id") or "",
        nip=m.attribute_values["nip"],
        type=value("type"),
        status=value("status"),
        attendance_time=value("attendance_time"),
        received_at=value("received_at"),
        local_date=value("local_date"),
        unor_id=value("unor_id"),
        reasons=None if reasons is None else tuple(reasons),
        warnings=None if warnings is None else tuple(warnings),
        latitude=value("latitude"),
        longitude=value("longitude"),
        accuracy_m=value("accuracy_m"),
        zone_id=value("zone_id"),
        zone_name=value("zone_name"),
        face_score=value("face_score"),
        face_threshold=value("face_threshold"),
        spoof_score=value("spoof_score"),
        clock_correction_s=value("clock_correction_s"),
        photo_key=value("photo_key"),
        answer=value("answer"),
        decision=value("decision"),
        decided_by=value("decided_by"),
        decided_at=value("decided_at"),
        decision_note=value("decision_note"),
        source=value("source"),
        working_day=value("working_day"),
    )


def _event_item(e: Event) -> EventModel:
    """The stored row of an event, with the index keys its record implies: `unit_date` for the unit's day,
    and `review_unit` only while it awaits a decision (the sparse review queue)."""
    nip, range_key = event_keys(e.event_id)
    return EventModel(
        nip,
        range_key,
        event_id=e.event_id,
        type=e.type,
        status=e.status,
        reasons=None if e.reasons is None else list(e.reasons),
        warnings=None if e.warnings is None else list(e.warnings),
        attendance_time=e.attendance_time,
        received_at=e.received_at,
        local_date=e.local_date,
        unor_id=e.unor_id,
        unit_date=unit_day_key(e.unor_id, e.local_date),
        review_unit=e.unor_id if awaits_decision(e) else None,
        latitude=e.latitude,
        longitude=e.longitude,
        accuracy_m=e.accuracy_m,
        zone_id=e.zone_id,
        zone_name=e.zone_name,
        face_score=e.face_score,
        face_threshold=e.face_threshold,
        spoof_score=e.spoof_score,
        clock_correction_s=e.clock_correction_s,
        photo_key=e.photo_key,
        answer=e.answer,
        decision=e.decision,
        decided_by=e.decided_by,
        decided_at=e.decided_at,
        decision_note=e.decision_note,
        source=e.source,
        working_day=e.working_day,
    )


def awaits_decision(e: Event) -> bool:
    """Whether the event is in its unit's review queue."""
    return e.status == "review" and e.decision is None


def claims_photo(w: CheckinWrite) -> bool:
    """Whether the write claims its photo's bytes: a recorded check-in does (a refusal keeps its fingerprint for
    the history, and may be the loser of that very claim)."""
    return w.photo is not None and w.event.status in RECORDED


def _which_condition(exc: ConditionFailed, w: CheckinWrite) -> Exception | None:
    """The race this transaction lost, or None when it had been committed by an earlier try of itself."""
    failed = cancelled_items(exc)
    # Items in the order they were added: event, [challenge], [mark], [photo claim], ...
    challenge_index = 1 if w.challenge is not None else None
    mark_index = (2 if w.challenge is not None else 1) if w.first_arrival else None
    photo_index = 1 + (w.challenge is not None) + w.first_arrival if claims_photo(w) else None
    if 0 in failed:
        # The event id is new for every attempt: only this transaction, tried before, can have written it.
        return None
    if challenge_index in failed:
        return ChallengeTaken()
    if mark_index in failed:
        return MarkTaken()
    if photo_index in failed:
        return PhotoTaken()
    return ChallengeTaken()


_JUDGED = ["nip", "type", "status", "decision", "attendance_time", "source"]


def _unit_day_items(unor_id: str, local_date: str, attributes: list[str]) -> list[RawItem]:
    """A unit's events of one local date from the by_unit_date index, projected on `attributes`."""
    key = unit_day_key(unor_id, local_date)
    with storage_call("dynamodb"):
        return list(raw_query(EventModel, key, attributes, index=EventModel.by_unit_date.Meta.index_name))


def _tokens_of(items: Iterable[RawItem]) -> tuple[frozenset[str], frozenset[str]]:
    """The digest tokens (`day_token`, `decision_token`) of a unit-day's recorded events, as the index shows them."""
    tokens, decisions = set(), set()
    for item in items:
        event_id, status, decision = raw_text(item, "event_id"), raw_text(item, "status"), raw_text(item, "decision")
        if event_id is None or status not in RECORDED:
            continue
        kind, at = str(raw_text(item, "type")), str(raw_text(item, "attendance_time"))
        tokens.add(_token(event_id, kind, str(status), at, raw_text(item, "source")))
        if decision:
            decisions.add(decision_token(event_id, decision))
    return frozenset(tokens), frozenset(decisions)


def _day_event(item: RawItem) -> DayEvent:
    return DayEvent(
        nip=str(raw_text(item, "nip")),
        type=raw_text(item, "type"),
        status=raw_text(item, "status"),
        decision=raw_text(item, "decision"),
        attendance_time=parse_iso(str(raw_text(item, "attendance_time"))),
        source=raw_text(item, "source"),
    )
