"""The employee's daily action: challenge, then check-in/out with GPS and a live selfie.

Order of work in ``check_in``: validate → idempotency claim → employee and phone → challenge (signature and
lifetime; no read) → first arrival → position → face → photo to S3 → one transaction (event, challenge
consumed, first-arrival mark, photo fingerprint, idempotent answer). Refusals are recorded too but never count
(within a daily cap of attempts: `_attempt_kept`; with their photo when it is one, within a smaller one:
`_evidence_photo`); so is the loser of two requests with one challenge, as CHALLENGE_INVALID.
A dependency failure releases the idempotency claim and answers 503: nothing is half-recorded and the retry
with the same ``client_request_id`` simply runs again.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal, TypeVar

from chalicelib import runtime
from chalicelib.attendance import challenges
from chalicelib.domain.attendance import RECORDED, VOIDING, Duty, Event
from chalicelib.domain.people import Employee, Principal
from chalicelib.errors import (
    AccountInactiveError,
    AlreadyRecordedError,
    CheckinRefusedError,
    ConflictError,
    DeviceMismatchError,
    SmartError,
    UnavailableError,
    ValidationError,
)
from chalicelib.face import FaceAnalysis, FaceError, ReplayedPhotoError, exif_warning
from chalicelib.face.liveness import Action, LivenessLimits, check_frames
from chalicelib.geo import (
    GPS_INACCURATE,
    MOCK_LOCATION,
    Fix,
    GeoError,
    GeoPolicy,
    PastFix,
    ZoneConfig,
    assess_position,
    local_day,
    zones_for_day,
)
from chalicelib.geo import ZoneRef as Zone
from chalicelib.messages import REFUSAL_CODES, message_for
from chalicelib.observability import Metric, count_checkin, logger, timed
from chalicelib.settings import Settings
from chalicelib.store.base import iso, parse_iso
from chalicelib.store.events import (
    ChallengeTaken,
    CheckinWrite,
    MarkTaken,
    PhotoTaken,
    StoredAnswer,
    UsedChallenge,
    new_event_id,
)
from chalicelib.store.people import cached_unit
from chalicelib.store.photos import photo_key
from chalicelib.store.sightings import Sighting
from chalicelib.usecases import faces, recaps
from chalicelib.usecases.access import employee_of
from chalicelib.usecases.schemas.attendance import (
    ChallengeIssued,
    CheckinAnswer,
    CheckinBody,
    CheckinRefusal,
    FaceScore,
    LivenessAsked,
    RefusalError,
    ZoneRef,
)
from chalicelib.usecases.schemas.attendance import Event as EventView
from chalicelib.usecases.zones import field_duty_assignments, geo_policy, zone_config, zone_refs

Kind = Literal["in", "out"]
HISTORY_DAYS = 30
IN_FLIGHT_WAIT_S = 10.0
STALE_CLAIM_S = 35  # longer than the Lambda timeout (30 s): no attempt can still be running
OFFLINE_CAPTURE = "OFFLINE_CAPTURE"
CHALLENGE_INVALID = "CHALLENGE_INVALID"
# An offline capture sent after SMART refused the employee a check-in of its type that local day: with the
# phone's clock set back it looks like an honest capture otherwise (the fraud audit of offline captures).
OFFLINE_AFTER_REFUSAL = "OFFLINE_AFTER_REFUSAL"
EXIF_TIME_MISMATCH = "EXIF_TIME_MISMATCH"
SMALL_FACE = "SMALL_FACE"
FACE_BORDERLINE = "FACE_BORDERLINE"
LIVENESS_BORDERLINE = "LIVENESS_BORDERLINE"
LIVENESS_MISSING = "LIVENESS_MISSING"
# Buddy punching (decision log): another employee's check-in within SAME_SPOT_RADIUS_M and SAME_SPOT_WINDOW,
# or a phone reporting another fingerprint than the one bound with it.
SAME_SPOT_OTHER_EMPLOYEE = "SAME_SPOT_OTHER_EMPLOYEE"
DEVICE_FINGERPRINT_CHANGED = "DEVICE_FINGERPRINT_CHANGED"
SAME_SPOT_RADIUS_M = 1.0
SAME_SPOT_WINDOW = timedelta(seconds=90)
LIVENESS_LIMITS = LivenessLimits()
# At most this many photos of one employee's refusals are kept per local day (received), in three pools: photos
# in which a face was found and judged; attempts with a challenge SMART issued, refused before a face was judged
# (the position: OUTSIDE_ZONE, a mock location) or showing none; and the others (any challenge id, bytes that are
# no photo: free to send). Later refusals of the day are recorded without one, so no session can fill the locked
# bucket (nobody can delete an object there before its retention ends), and refusals spent on the cap cannot hide
# a face or a position refused later (a position refusal flags an offline capture sent after it, and is travel
# evidence). Far above what an honest day holds: a few tries in dim light, a fix that strays.
REFUSED_PHOTOS_PER_DAY = 20
# At most this many refused attempts of one employee are recorded per local day (received), in the same pools.
# Events are evidence nobody may delete, and every refusal is a row that the unit's day (monitor, recap, Percobaan
# Ditolak) and the employee's every check-in for HISTORY_DAYS read again: a session refused in a loop (any
# challenge id costs nothing to judge) would grow them without end. Later refusals of the day are answered alike
# but not recorded; at least REFUSED_PHOTOS_PER_DAY, so that every photo kept has its attempt.
REFUSED_ATTEMPTS_PER_DAY = 50
# How long a slot of that day stays taken: longer than any day, so it frees only by its TTL, days later.
EVIDENCE_SLOT_S = 2 * 86400
View = TypeVar("View", bound=EventView)
T = TypeVar("T")


# --- challenge ---------------------------------------------------------------------------------------


def _employee_on_bound_phone(principal: Principal) -> Employee:
    employee = employee_of(principal)
    if employee is None or not employee.active:
        raise AccountInactiveError()
    if employee.device_id is None or employee.device_id != principal.device_id:
        raise DeviceMismatchError()
    return employee


def issue_challenge(principal: Principal, settings: Settings, now: datetime) -> ChallengeIssued:
    """A challenge bound to the caller's employee and phone (the session already judged by the stored account:
    decision 159); the check-in that uses it checks account and phone again."""
    if principal.device_id is None:
        raise DeviceMismatchError()
    ttl_s, secret = settings.challenge_ttl_s, settings.token_secret
    # The movement is drawn at random and bound into the signed id: the check-in judges the one asked.
    action = None if settings.liveness == "off" else secrets.choice(settings.liveness_actions)
    challenge = challenges.issue(principal.subject, principal.device_id, now, ttl_s, secret, action=action)
    return ChallengeIssued(
        challenge_id=challenge.challenge_id,
        issued_at=iso(challenge.issued_at),
        expires_at=iso(challenge.expires_at),
        liveness=LivenessAsked(action=action, frames=LIVENESS_LIMITS.frames if action else 0),
    )


# --- request -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckinRequest:
    kind: Kind
    client_request_id: str
    challenge_id: str | None
    latitude: float
    longitude: float
    accuracy_m: float
    captured_at: datetime | None
    mock_location: bool
    offline: bool
    photo: bytes
    fingerprint: str
    frames: tuple[bytes, ...] = ()
    device_fingerprint: str | None = None
    clock_correction_s: int | None = None  # offline only: how far the app moved the phone's clock


def request_fingerprint(raw: bytes) -> str:
    """What tells a retry of a check-in from another request under the same client request id: the SHA-256 of the
    body's JSON in one canonical form (keys sorted, no spaces), so a client that serialises the same body again
    with its keys in another order or other white space retries rather than conflicts. `raw` is valid JSON (the
    body parsed from it)."""
    canonical = json.dumps(json.loads(raw), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def parse_request(body: CheckinBody, raw: bytes, settings: Settings) -> CheckinRequest:
    """The check-in as judged: the typed body, its decoded photo, and the fingerprint of the raw request."""
    if body.challenge_id is None and not body.offline:
        raise ValidationError("Kolom 'challenge_id' wajib diisi.", {"challenge_id": "required"})
    if body.captured_at is None and body.offline:
        raise ValidationError("Kolom 'captured_at' tidak valid.", {"captured_at": "required"})
    return CheckinRequest(
        kind="in" if body.type == "in" else "out",
        client_request_id=body.client_request_id,
        challenge_id=body.challenge_id,
        latitude=body.latitude,
        longitude=body.longitude,
        accuracy_m=body.accuracy_m,
        captured_at=body.captured_at,
        mock_location=body.mock_location,
        offline=body.offline,
        photo=faces.decode_photo(body.photo, settings),
        fingerprint=request_fingerprint(raw),
        frames=tuple(faces.decode_photo(f, settings, field=f"frames.{i}") for i, f in enumerate(body.frames or [])),
        device_fingerprint=body.device_fingerprint,
        clock_correction_s=body.clock_correction_s if body.offline else None,
    )


# --- the use case ------------------------------------------------------------------------------------


@dataclass
class Attempt:
    """What is learned while judging one check-in; becomes the stored event and the answer."""

    request: CheckinRequest
    employee: Employee
    attendance_time: datetime
    local_date: str
    event_id: str
    challenge: challenges.Challenge | None  # verified, consumed by the attempt's transaction
    claim_key: str
    now: datetime
    warnings: list[str] = field(default_factory=list)
    zone: ZoneRef | None = None
    face: FaceScore | None = None
    analysis: FaceAnalysis | None = None
    duties: list[Duty] | None = None  # read once (`_duties`): for the zones and for the answer's schedule
    counted: recaps.CountedAnswer | None = None  # judged once (`_counted`): the answer and its working day
    photo_key: str | None = None  # once stored
    kept: bool | None = None  # a refusal's slot of the day, claimed once (`_attempt_kept`)


@dataclass(frozen=True)
class Answer:
    """201 with the recorded check-in, or 422 with the recorded refusal."""

    status_code: int
    body: CheckinAnswer | CheckinRefusal


def check_in(principal: Principal, body: CheckinBody, raw: bytes, settings: Settings, now: datetime) -> Answer:
    request = parse_request(body, raw, settings)
    key = f"{principal.subject}#{request.client_request_id}"
    claimed = runtime.events().claim_request(key, request.fingerprint, now, STALE_CLAIM_S)
    if claimed == "in_progress":
        claimed = runtime.events().wait_for_answer(key, request.fingerprint, IN_FLIGHT_WAIT_S)
        if claimed is None:
            # Still in flight, or abandoned by a crash until the claim goes stale: the client retries later.
            raise UnavailableError("Permintaan yang sama masih diproses. Coba lagi sebentar.", {"in_flight": True})
    if isinstance(claimed, StoredAnswer):
        return _replayed_answer(claimed)
    try:
        return _judge_and_record(principal, request, key, settings, now)
    except Exception:
        # Nothing was recorded (the transaction is the last step): let the retry run again.
        _release(key)
        raise


def _replayed_answer(stored: StoredAnswer) -> Answer:
    if stored.body.get("conflict"):
        first = stored.body.get("first")
        details: dict[str, object] = {"client_request_id": "reused", **({"first": first} if first else {})}
        raise ConflictError("client_request_id sudah dipakai untuk permintaan lain.", details)
    recorded = CheckinAnswer if stored.status_code == 201 else CheckinRefusal
    return Answer(stored.status_code, recorded.model_validate(stored.body))


def _release(key: str) -> None:
    try:
        runtime.events().release_request(key)
    except Exception:
        logger.warning("could not release an idempotency claim")


def _judge_and_record(
    principal: Principal, request: CheckinRequest, key: str, settings: Settings, now: datetime
) -> Answer:
    employee = _employee_on_bound_phone(principal)
    try:
        attendance_time, challenge = _attendance_time(request, employee, settings, now)
    except CheckinRefusedError as refusal:  # CHALLENGE_INVALID: kept for audit, nothing consumed
        attempt = _attempt(request, employee, key, settings, at=now, challenge=None, now=now)
        return _record_refusal(attempt, refusal, settings)
    attempt = _attempt(request, employee, key, settings, at=attendance_time, challenge=challenge, now=now)
    _flag_buddy_punching(attempt)
    recent = _recent_events(employee.nip, attendance_time, now)
    _flag_offline_after_refusal(attempt, recent)
    if request.kind == "in":
        _refuse_second_arrival(recent, _counted(attempt, settings).day.isoformat())
    try:
        with timed(Metric.GEO_LATENCY):
            _check_position(attempt, settings, recent)
        with timed(Metric.FACE_LATENCY):
            action = _liveness_action(attempt, settings)
            _check_face(attempt, settings)
            if action is not None:
                _check_liveness(attempt, action, settings)
    except (GeoError, FaceError, CheckinRefusedError) as refusal:
        if getattr(refusal, "code", "") not in REFUSAL_CODES:
            raise  # bad input (400) or a dependency (503): nothing is recorded
        return _record_refusal(attempt, refusal, settings)
    return _record_success(attempt, settings)


def _attempt(
    request: CheckinRequest,
    employee: Employee,
    key: str,
    settings: Settings,
    *,
    at: datetime,
    challenge: challenges.Challenge | None,
    now: datetime,
) -> Attempt:
    local_date = at.astimezone(settings.tz).date().isoformat()
    event_id = new_event_id(employee.nip, now)
    attempt = Attempt(request, employee, at, local_date, event_id, challenge, key, now)
    if request.offline:
        attempt.warnings.append(OFFLINE_CAPTURE)
    return attempt


def _attendance_time(
    request: CheckinRequest, employee: Employee, settings: Settings, now: datetime
) -> tuple[datetime, challenges.Challenge | None]:
    """The challenge's issue time (online) or the accepted capture time (offline, reviewed later).

    Whether the challenge is still unused is decided by the check-in's transaction (`_write`), which
    consumes it: no storage call here.
    """
    if request.offline:
        assert request.captured_at is not None
        captured = request.captured_at
        ahead = captured > now + timedelta(minutes=5)
        if ahead or captured < now - timedelta(hours=settings.offline_max_age_h):
            # The cause named (a phone's clock set ahead, or a capture kept too long): the app tells the employee
            # which, whatever limit SMART_OFFLINE_MAX_AGE_H sets.
            cause = "in the future" if ahead else "too old"
            raise ValidationError("Waktu pengambilan foto luring tidak wajar.", {"captured_at": cause})
        return captured, None
    assert request.challenge_id is not None and employee.device_id is not None
    challenge = challenges.verify(request.challenge_id, employee.nip, employee.device_id, now, settings.token_secret)
    if challenge is None:
        raise CheckinRefusedError(CHALLENGE_INVALID)
    return challenge.issued_at, challenge


def _flag_buddy_punching(attempt: Attempt) -> None:
    """Warnings (-> review) for a phone that is not the one bound (another fingerprint, or none once one was
    bound) and for another employee's check-in from the same spot at the same time. The sighting is recorded
    before the others are read, so of two such check-ins made at once the later reader sees the earlier."""
    bound, reported = attempt.employee.device_fingerprint, attempt.request.device_fingerprint
    if bound is not None and reported != bound:
        attempt.warnings.append(DEVICE_FINGERPRINT_CHANGED)
    nip, request = attempt.employee.nip, attempt.request
    here = Sighting(nip, attempt.event_id, request.latitude, request.longitude, attempt.attendance_time)
    runtime.sightings().record(here)
    others = [s for s in runtime.sightings().near(here, SAME_SPOT_RADIUS_M, SAME_SPOT_WINDOW) if s.nip != here.nip]
    if others:
        attempt.warnings.append(SAME_SPOT_OTHER_EMPLOYEE)


def _recent_events(nip: str, at: datetime, now: datetime) -> list[Event]:
    """The employee's events of the last HISTORY_DAYS up to now, in one query: the day's arrival and GPS history.

    Keys are by time received, so the range ends after both the attendance time and now (an offline
    check-in is received up to days after it was captured).
    """
    return runtime.events().events_between(nip, at - timedelta(days=HISTORY_DAYS), max(at, now) + timedelta(days=1))


def _flag_offline_after_refusal(attempt: Attempt, recent: list[Event]) -> None:
    """OFFLINE_AFTER_REFUSAL (-> review with the capture's OFFLINE_CAPTURE) when the employee was refused a
    check-in of the capture's type on the capture's local day before it arrived (any refusal: outside the zone at
    home, a failed head turn, ...). Offline captures are never refused for it: the reviewer reads both. The
    refusals are among `recent` (every attempt received up to now), so this costs no read."""
    if not attempt.request.offline:
        return
    arrived = iso(attempt.now)
    if any(
        e.status == "refused"
        and e.type == attempt.request.kind
        and e.local_date == attempt.local_date
        and (e.received_at or "") <= arrived
        for e in recent
    ):
        attempt.warnings.append(OFFLINE_AFTER_REFUSAL)


def _counted(attempt: Attempt, settings: Settings) -> recaps.CountedAnswer:
    """The answer's judgement and the working day the attempt counts for, judged once: an arrival's day is
    needed before its second-arrival check, and the same judgement makes the answer."""
    if attempt.counted is None:
        kind, at = attempt.request.kind, attempt.attendance_time
        attempt.counted = recaps.counted_answer(attempt.employee, kind, at, settings, _duties(attempt, settings))
    return attempt.counted


def _duties(attempt: Attempt, settings: Settings) -> list[Duty]:
    """The employee's field-duty rows of the attempt's local date, read once for its zones and its answer."""
    if attempt.duties is None:
        day = local_day(attempt.attendance_time, settings.timezone)
        attempt.duties = runtime.zones().duties_of_employee(attempt.employee, day)
    return attempt.duties


def _refuse_second_arrival(recent: list[Event], day: str) -> None:
    """ALREADY_RECORDED with the working day's arrival when one is recorded (the transaction's mark stays the
    guard against a concurrent second arrival; it exists exactly when such an event does, under the same
    `arrival_day`: a voided one gives it back). By working day, not calendar date: a nurse's 23:45 arrival for
    a shift from midnight is not a second arrival of the date whose 00:05 shift she already began."""
    first = next((e for e in recent if e.holds_arrival and e.arrival_day == day), None)
    if first is not None:
        raise AlreadyRecordedError(details={"first_event": event_view(first).model_dump(mode="json")})


def _duty_zones(attempt: Attempt, settings: Settings, config: ZoneConfig) -> list[Zone]:
    """The field-duty zones of the attempt's local date and, when it counts for another working day (a night
    shift's check-out after midnight, a 23:45 arrival for a shift from midnight), of that day too: a letter for
    the 3rd covers the 19:00-07:00 shift of the 3rd, whose 07:00 check-out on the 4th was refused OUTSIDE_ZONE."""
    nip, day = attempt.employee.nip, local_day(attempt.attendance_time, settings.timezone)
    rows, counted = _duties(attempt, settings), _counted(attempt, settings).day
    if counted != day:
        rows = [*rows, *runtime.zones().duties_of_employee(attempt.employee, counted)]
    assignments = field_duty_assignments(nip, rows, config)
    found = zones_for_day(nip, [], assignments, day)
    return found + [z for z in zones_for_day(nip, [], assignments, counted) if z not in found]


def _check_position(attempt: Attempt, settings: Settings, recent: list[Event]) -> None:
    request, employee = attempt.request, attempt.employee
    config = zone_config(settings)
    unit = cached_unit(runtime.people(), employee.unor_id)
    unit_zones = zone_refs(sorted(unit.zone_ids) if unit else [], config)
    zones = [*unit_zones, *_duty_zones(attempt, settings, config)]
    fix = Fix(request.latitude, request.longitude, request.accuracy_m, request.mock_location, attempt.attendance_time)
    policy = geo_policy(settings)
    assessment = assess_position(fix, zones, _past_fixes(recent), policy, _refused_fixes(recent, policy))
    refusal = assessment.first_refusal()
    if refusal is not None:
        raise refusal
    attempt.warnings += list(assessment.warnings)
    if assessment.zone is not None:
        attempt.zone = ZoneRef(zone_id=assessment.zone.zone_id, name=assessment.zone.name)


def _past_fixes(recent: list[Event]) -> list[PastFix]:
    return _fixes(recent, lambda e: e.status in RECORDED)


# Refusals whose position says nothing of where the phone was: a fake one, one too vague to judge, and one sent
# with an invalid challenge. That one is refused before its position is looked at (mock flag, accuracy, service
# area all unjudged), and the loser of a challenge race is recorded under it whatever its position was refused for:
# a glitched or faked fix sent with a stale challenge must not send the employee's next check-in to review.
_UNBELIEVED = frozenset({MOCK_LOCATION, GPS_INACCURATE, CHALLENGE_INVALID})


def _refused_fixes(recent: list[Event], policy: GeoPolicy) -> list[PastFix]:
    """Where the employee's refused attempts were (a jump from one: TRAVEL_AFTER_REFUSAL, to review)."""
    return _fixes(recent, lambda e: e.status == "refused" and _believed(e, policy))


def _believed(refused: Event, policy: GeoPolicy) -> bool:
    """Whether a refused attempt's position says where the phone was: not refused for a reason that makes it
    unbelievable (`_UNBELIEVED`), nor vaguer than the policy judges. Only the first refusal is stored, and a jump
    outranks a vague fix (`geo.REFUSAL_PRIORITY`): a start-up fix 30 km off and vague to 5 km is kept as
    IMPOSSIBLE_TRAVEL, so its stored accuracy is read too."""
    vague = refused.accuracy_m is not None and float(refused.accuracy_m) > policy.max_accuracy_m
    return not vague and not _UNBELIEVED.intersection(refused.reasons or ())


def _fixes(recent: list[Event], keep: Callable[[Event], bool]) -> list[PastFix]:
    return [
        PastFix(float(e.latitude), float(e.longitude), parse_iso(str(e.attendance_time)))
        for e in recent
        if keep(e) and e.latitude is not None and e.longitude is not None
    ]


def _check_face(attempt: Attempt, settings: Settings) -> None:
    nip = attempt.employee.nip
    templates = runtime.faces().templates_of(nip)
    if not templates:
        raise CheckinRefusedError("NOT_ENROLLED")
    analysis = faces.analyse_selfie(attempt.request.photo, settings)
    attempt.analysis = analysis
    faces.check_not_replayed(nip, analysis, attempt.attendance_time, settings)
    verdict = faces.verify_selfie(nip, analysis, templates, settings)
    attempt.face = FaceScore(score=round(verdict.score, 4), threshold=verdict.accept_threshold)
    if verdict.decision == "reject":
        # No score in the answer (the attempt keeps it for the admins): a caller stepping a photo of a colleague
        # towards the threshold would learn from it how close each try came.
        raise CheckinRefusedError("FACE_MISMATCH")
    if verdict.decision == "review":
        attempt.warnings.append(FACE_BORDERLINE)
    attempt.warnings += faces.spoof_warnings(analysis, settings)
    engine, _ = runtime.engine_and_policy(settings)
    if analysis.quality.face_width_px < engine.config.quality.min_face_px_enrol:
        # Scored (a low-resolution upload is no reason to refuse), but look-alikes match more easily when the
        # face is this small (bench/face_RESULTS.md): an admin confirms.
        attempt.warnings.append(SMALL_FACE)
    # Against the attendance time (online: the challenge's issue; offline: the capture time judged acceptable),
    # never an online body's own `captured_at`: a client claiming an old photo's EXIF time would silence it.
    at = attempt.attendance_time.astimezone(settings.tz)
    if exif_warning(analysis.exif_datetime, at, engine.config.replay.exif_max_skew):
        attempt.warnings.append(EXIF_TIME_MISMATCH)


def _liveness_action(attempt: Attempt, settings: Settings) -> Action | None:
    """The movement to judge in the frames, or None. Frames missing while one was asked (or a challenge issued
    while liveness was off) -> LIVENESS_REQUIRED, or a warning in `review` mode. Checked before the selfie is
    analysed: no CPU is spent on a check-in that cannot pass. Offline check-ins have no challenge and are
    reviewed anyway."""
    if settings.liveness == "off" or attempt.request.offline:
        return None
    action = attempt.challenge.action if attempt.challenge else None
    if action is None or not attempt.request.frames:
        reason = "no_action" if action is None else "no_frames"
        _liveness_problem(attempt, settings, "LIVENESS_REQUIRED", {"reason": reason})
        return None
    check_frames(attempt.request.frames, LIVENESS_LIMITS)  # bad input answers alike whatever the face
    return action  # type: ignore[return-value]  # issued from settings.liveness_actions


def _check_liveness(attempt: Attempt, action: Action, settings: Settings) -> None:
    assert attempt.analysis is not None
    engine, _ = runtime.engine_and_policy(settings)
    result = engine.judge_liveness(action, list(attempt.request.frames), attempt.analysis, LIVENESS_LIMITS)
    if result.decision == "reject":
        _liveness_problem(attempt, settings, "LIVENESS_FAILED", {"reason": result.reasons[0], **result.measures})
    elif result.decision == "review":
        attempt.warnings.append(LIVENESS_BORDERLINE)


def _liveness_problem(attempt: Attempt, settings: Settings, code: str, details: dict[str, object]) -> None:
    """Refuse with `code`, or in `review` mode record the check-in for review with a warning
    (LIVENESS_FAILED, or LIVENESS_MISSING for absent frames)."""
    if settings.liveness != "review":
        raise CheckinRefusedError(code, details=details)
    attempt.warnings.append(LIVENESS_MISSING if code == "LIVENESS_REQUIRED" else code)


# --- recording ---------------------------------------------------------------------------------------


def _store_photo(attempt: Attempt, settings: Settings) -> str:
    if attempt.photo_key is None:
        key = photo_key("checkin", attempt.local_date, attempt.employee.nip, attempt.event_id.split(".", 1)[1])
        runtime.photos(settings).put(key, attempt.request.photo)
        attempt.photo_key = key
    return attempt.photo_key


def _evidence_photo(attempt: Attempt, settings: Settings) -> str | None:
    """The photo a refusal is recorded with (API.md: the attempt and its photo are kept for audit): the one stored
    already (a check-in that lost its challenge or its photo to a request sent at once), else the upload stored
    now if it is a photo (an image that decodes: bytes that are none are no evidence) within the employee's
    `REFUSED_PHOTOS_PER_DAY`. None: the refusal is recorded without a photo."""
    if attempt.photo_key is not None:
        return attempt.photo_key
    if attempt.analysis is None and not faces.is_photo(attempt.request.photo, settings):
        return None
    if not _evidence_slot(attempt, settings):
        return None
    return _store_photo(attempt, settings)


def _evidence_slot(attempt: Attempt, settings: Settings) -> bool:
    """Take one of the employee's `REFUSED_PHOTOS_PER_DAY` photo slots of the day the refusal is received."""
    return _daily_slot(attempt, settings, "evidence", REFUSED_PHOTOS_PER_DAY)


def _attempt_kept(attempt: Attempt, settings: Settings) -> bool:
    """Whether the refusal is recorded: always when its photo is stored already (a check-in that lost its
    challenge or its photo to a request sent at once: the photo keeps its attempt), else when one of the employee's
    `REFUSED_ATTEMPTS_PER_DAY` slots of the day is free. Claimed once per attempt (a refusal that loses its
    challenge is recorded again under CHALLENGE_INVALID)."""
    if attempt.photo_key is not None:
        return True
    if attempt.kept is None:
        attempt.kept = _daily_slot(attempt, settings, "attempt", REFUSED_ATTEMPTS_PER_DAY)
    return attempt.kept


def _daily_slot(attempt: Attempt, settings: Settings, what: str, limit: int) -> bool:
    """Take one of the employee's `limit` slots of `what` of the day the refusal is received, in the pool of judged
    faces, of issued challenges or of the others (the atomic claim of the login-guard table, as logins and exports
    use it: concurrent refusals cannot pass the cap; and refusals cheaper to send cannot spend a dearer one's slot:
    REFUSED_PHOTOS_PER_DAY)."""
    day = attempt.now.astimezone(settings.tz).date().isoformat()
    pool = "face" if attempt.analysis is not None else "checked" if attempt.challenge is not None else "photo"
    scope = f"{what}#{attempt.employee.nip}#{day}#{pool}"
    epoch = int(attempt.now.timestamp())
    return runtime.people().claim_login_attempt(scope, limit, EVIDENCE_SLOT_S, epoch).granted


def _event(
    attempt: Attempt,
    status: str,
    photo: str | None,
    answer: CheckinAnswer | CheckinRefusal,
    reasons: list[str] | None = None,
    *,
    working_day: str | None = None,
) -> Event:
    request, employee = attempt.request, attempt.employee
    return Event(
        event_id=attempt.event_id,
        nip=employee.nip,
        type=request.kind,
        status=status,
        reasons=None if reasons is None else tuple(reasons),
        warnings=tuple(attempt.warnings),
        attendance_time=iso(attempt.attendance_time),
        received_at=iso(attempt.now),
        local_date=attempt.local_date,
        unor_id=employee.unor_id,
        latitude=request.latitude,
        longitude=request.longitude,
        accuracy_m=request.accuracy_m,
        zone_id=attempt.zone.zone_id if attempt.zone else None,
        zone_name=attempt.zone.name if attempt.zone else None,
        face_score=attempt.face.score if attempt.face else None,
        face_threshold=attempt.face.threshold if attempt.face else None,
        spoof_score=attempt.analysis.spoof_score if attempt.analysis else None,
        clock_correction_s=request.clock_correction_s,
        photo_key=photo,
        answer=answer.model_dump(mode="json"),
        working_day=working_day,
    )


def _record_success(attempt: Attempt, settings: Settings) -> Answer:
    status = "review" if attempt.warnings else "accepted"
    counted = _counted(attempt, settings)
    judgement = counted.judgement
    body = CheckinAnswer(
        event_id=attempt.event_id,
        status=status,
        type=attempt.request.kind,
        attendance_time=iso(attempt.attendance_time),
        zone=attempt.zone,
        face=attempt.face,
        late_minutes=judgement.minutes if attempt.request.kind == "in" else 0,
        early_minutes=judgement.minutes if attempt.request.kind == "out" else 0,
        category=judgement.category,
        warnings=list(attempt.warnings),
    )
    answer = Answer(201, body)
    photo = _store_photo(attempt, settings)
    event = _event(attempt, status, photo, body, working_day=counted.day.isoformat())
    # An arrival before check-in opens is kept but does not take the day's arrival: a counted one may follow.
    first_arrival = attempt.request.kind == "in" and not event.outside_hours
    return _write_or_lose_challenge(attempt, event, first_arrival, answer, settings)


def _record_refusal(attempt: Attempt, refusal: Exception, settings: Settings) -> Answer:
    code = str(getattr(refusal, "code", "FACE_MISMATCH"))
    message = getattr(refusal, "message", None)  # None: the code's one text (chalicelib.messages)
    said = message_for(code, message if isinstance(message, str) else None)
    details = _details(refusal)
    body = CheckinRefusal(
        error=RefusalError(code=code, message=said, details=_answered(code, details)), event_id=attempt.event_id
    )
    answer = Answer(422, body)
    if not _attempt_kept(attempt, settings):
        return _answer_unrecorded(attempt, answer, code)
    photo = _evidence_photo(attempt, settings)
    kept = body.model_copy(update={"error": body.error.model_copy(update={"details": details})})
    event = _event(attempt, "refused", photo, kept, [code])
    return _write_or_lose_challenge(attempt, event, False, answer, settings)


# The details a refusal tells the phone, for the codes whose details measure how near the try came: a caller
# stepping an altered copy of an old photo, or a tilted print through the head-turn check, would learn how far each
# measure is from its limit (decision 349 keeps the face score from the answer for the same reason). The event
# keeps them all, for the admins' list of refused attempts.
_ANSWERED_DETAILS = {"REPLAYED_PHOTO": frozenset({"reason"}), "LIVENESS_FAILED": frozenset({"reason", "frame"})}


def _answered(code: str, details: dict[str, str | int | float | bool]) -> dict[str, str | int | float | bool]:
    told = _ANSWERED_DETAILS.get(code)
    return details if told is None else {k: v for k, v in details.items() if k in told}


def _answer_unrecorded(attempt: Attempt, answer: Answer, code: str) -> Answer:
    """A refusal beyond the employee's daily cap: answered as any refusal (its code, and its event id, which names
    no stored event), the answer kept for a retry, nothing else written (no event, no photo, the challenge not
    consumed). Still counted in the refusal metrics, so a flood shows on the refusal alarm."""
    stored = StoredAnswer(answer.status_code, answer.body.model_dump(mode="json"))
    with timed(Metric.STORAGE_LATENCY):
        runtime.events().answer_request(attempt.claim_key, attempt.request.fingerprint, attempt.now, stored)
    logger.warning("refusal beyond the daily cap of recorded attempts: not recorded", extra={"code": code})
    count_checkin("refused", [code])
    return answer


def _write_or_lose_challenge(
    attempt: Attempt, event: Event, first_arrival: bool, answer: Answer, settings: Settings
) -> Answer:
    """Record the attempt and return its answer; if another request used the challenge first (two at once,
    or a reused id), the attempt is kept instead as a CHALLENGE_INVALID refusal, with the same event id and
    photo, consuming nothing; if one recorded the same photo meanwhile, as a REPLAYED_PHOTO refusal, alike."""
    try:
        _write(attempt, event, first_arrival, answer)
    except ChallengeTaken:
        if attempt.challenge is None:
            raise
        attempt.challenge = None
        return _record_refusal(attempt, CheckinRefusedError(CHALLENGE_INVALID), settings)
    except PhotoTaken:  # the same photo recorded by a check-in sent at once: a replay, kept as the sequential one is
        attempt.challenge = None
        return _record_refusal(attempt, ReplayedPhotoError(details={"reason": "identical_bytes"}), settings)
    return answer


def _details(refusal: Exception) -> dict[str, str | int | float | bool]:
    details = getattr(refusal, "details", None)
    return (
        {k: v for k, v in details.items() if isinstance(v, str | int | float | bool)}
        if isinstance(details, dict)
        else {}
    )


def _write(attempt: Attempt, event: Event, first_arrival: bool, answer: Answer) -> None:
    challenge, analysis = attempt.challenge, attempt.analysis
    device_id = str(attempt.employee.device_id)
    write = CheckinWrite(
        event=event,
        claim_key=attempt.claim_key,
        request_fingerprint=attempt.request.fingerprint,
        answer=StoredAnswer(answer.status_code, answer.body.model_dump(mode="json")),
        now=attempt.now,
        challenge=(
            UsedChallenge(challenge.challenge_id, device_id, challenge.issued_at, challenge.expires_at)
            if challenge
            else None
        ),
        first_arrival=first_arrival,
        photo=analysis.fingerprint if analysis else None,
    )
    try:
        with timed(Metric.STORAGE_LATENCY):
            runtime.events().write_checkin(write)
    except MarkTaken as exc:
        # Another arrival of the day was recorded since `recent` was read (two sent at once): named, as a second
        # arrival sent later is, when the store already shows it.
        recent = _recent_events(attempt.employee.nip, attempt.attendance_time, attempt.now)
        _refuse_second_arrival(recent, str(event.arrival_day))
        raise AlreadyRecordedError() from exc
    count_checkin(str(event.status), event.reasons)


# --- views -------------------------------------------------------------------------------------------


def event_as(view: type[View], m: Event, **extra: object) -> View:
    """A stored event as `view` (an event, or a review item with `extra` fields); the late/early minutes
    and category are those of its answer."""
    answer = m.answer or {}
    return view(
        event_id=m.event_id,
        type=_written(m.type),
        status=_written(m.status),
        attendance_time=_written(m.attendance_time),
        received_at=m.received_at,
        zone=ZoneRef(zone_id=m.zone_id, name=_written(m.zone_name)) if m.zone_id else None,
        face=FaceScore(score=m.face_score, threshold=_written(m.face_threshold)) if m.face_score is not None else None,
        warnings=list(m.warnings or []),
        reasons=list(m.reasons or (m.warnings if m.status == "review" else None) or []),
        decision=m.decision,
        # Why a check-in was rejected or a correction taken back; an approval's note stays the admins' (written
        # on a screen that never said the employee would read it), and so does a correction's bookkeeping note
        decision_note=m.decision_note if m.decision in VOIDING else None,
        late_minutes=answer.get("late_minutes"),
        early_minutes=answer.get("early_minutes"),
        category=answer.get("category"),
        source=m.source or "app",
        clock_correction_s=m.clock_correction_s,
        **extra,
    )


def _written(value: T | None) -> T:
    """A field `_event` writes on every recorded event (with the zone's id, its name; with a score, its
    threshold): the domain record leaves it optional, the answer does not."""
    if value is None:
        raise ValueError("a recorded event lacks a field every event is written with")
    return value


def event_view(m: Event) -> EventView:
    """The employee's own event, with the note of the admin's decision on it (the employee reads why). A refusal's
    face score stays the admins' (decision 349): the list would otherwise tell a caller stepping a colleague's photo
    towards the threshold what the refusal did not."""
    view = event_as(EventView, m)
    return view.model_copy(update={"face": None}) if m.status == "refused" else view


__all__ = ["Answer", "SmartError", "check_in", "event_as", "event_view", "issue_challenge"]
