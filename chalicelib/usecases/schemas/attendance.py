"""Requests and results of the employee's day (challenge, check-in/out, own data) and of face enrolment."""

from __future__ import annotations

from typing import Annotated

from pydantic import BeforeValidator, ConfigDict, Field

from chalicelib.domain.faces import TemplateStatus
from chalicelib.usecases.schemas.common import (
    FINGERPRINT_FIELD,
    Day,
    DayText,
    DeviceFingerprint,
    Instant,
    InstantText,
    OnePageQuery,
    Page,
    Request,
    Result,
    Text64,
    absent_when_none,
    choice,
    documented_as_required,
    enum_schema,
    invalid,
    one_of,
)
from chalicelib.usecases.schemas.zones import Geometry

KINDS = ("in", "out")


def _photo(value: object) -> object:
    if not isinstance(value, str) or not value:
        raise invalid("required base64 JPEG/PNG", "Foto wajib dikirim (base64).")
    return value


# Base64 JPEG or PNG; decoded (and its size and format checked) by the use case.
Photo = Annotated[
    str,
    BeforeValidator(_photo, json_schema_input_type=str),
    Field(json_schema_extra={"contentEncoding": "base64"}, description="Base64 JPEG (PNG accepted)."),
]


PHOTO_REQUIRED = ConfigDict(**Request.model_config, json_schema_extra=documented_as_required("photo"))


LIVENESS_ACTIONS = ("turn_left", "turn_right", "nod", "blink")
MAX_FRAMES = 8
# A frame is a small JPEG (about 240 px, a few kB); base64 of at most 100 kB (decoding checks the bytes again).
MAX_FRAME_CHARS = 136_000


class LivenessAsked(Result):
    action: Annotated[str | None, Field(json_schema_extra={"enum": [*LIVENESS_ACTIONS, None]})] = Field(
        description="The head movement to make while the frames are taken; null when none is asked "
        "(SMART_LIVENESS=off). Directions are the person's own: turn_left = turn the head to one's left."
    )
    frames: int = Field(ge=0, description="How many frames to send (0 when no action is asked).")


class ChallengeIssued(Result):
    challenge_id: str = Field(max_length=64, description="Opaque; send it back unchanged with the check-in.")
    issued_at: InstantText
    expires_at: InstantText
    liveness: LivenessAsked


FrameText = Annotated[
    str, Field(min_length=1, max_length=MAX_FRAME_CHARS, json_schema_extra={"contentEncoding": "base64"})
]


MAX_CLOCK_CORRECTION_S = 3650 * 86400  # ten years: a wrong date set by hand, never a sound capture refused


class CheckinBody(Request):
    model_config = PHOTO_REQUIRED

    type: Annotated[str, one_of(KINDS), choice(KINDS), enum_schema(KINDS)]
    client_request_id: Text64 = Field(description="Idempotency key chosen by the app.")
    offline: bool = Field(default=False, description="Captured offline and sent later (always reviewed).")
    challenge_id: Text64 | None = Field(default=None, description="Required unless `offline` is true.")
    captured_at: Instant | None = Field(default=None, description="With offset; required when `offline` is true.")
    clock_correction_s: int | None = Field(
        default=None,
        ge=-MAX_CLOCK_CORRECTION_S,
        le=MAX_CLOCK_CORRECTION_S,
        description="Offline capture: how far the app moved `captured_at` from the phone's clock to SMART's, as it "
        "measured the difference on earlier answers (seconds; positive: the phone was slow). Shown to the reviewer "
        "beside the time; absent when the phone's own clock dated it. Any phone's error, up to ten years: a phone "
        "set a month wrong by hand dates its capture right by it, and a bound would refuse that capture for good.",
    )
    latitude: float = Field(ge=-90, le=90)
    longitude: float = Field(ge=-180, le=180)
    accuracy_m: float = Field(ge=0, le=100_000)
    mock_location: bool = False
    photo: Photo = Field(validate_default=True, default=None)
    device_fingerprint: DeviceFingerprint = FINGERPRINT_FIELD
    frames: Annotated[list[FrameText], Field(max_length=MAX_FRAMES)] | None = Field(
        default=None,
        description="The frames taken while the challenge's liveness action is made, in capture order: small "
        "JPEGs (about 240 px on the long side, at most 100 kB each), the camera's pixels as captured (not a "
        "mirrored preview). Required when the challenge asks an action.",
    )


class ZoneRef(Result):
    zone_id: str
    name: str


class FaceScore(Result):
    score: float
    threshold: float


class CheckinAnswer(Result):
    """Recorded (`accepted`, or `review` awaiting an admin decision)."""

    event_id: str
    status: Annotated[str, enum_schema(("accepted", "review"))] = Field(
        description="`review` = recorded, awaiting an admin decision (any warning)."
    )
    type: Annotated[str, enum_schema(KINDS)]
    attendance_time: InstantText
    zone: ZoneRef | None
    face: FaceScore | None
    late_minutes: int = Field(ge=0, description="Whole minutes late (check-in; 0 for out).")
    early_minutes: int = Field(ge=0, description="Whole minutes early (check-out; 0 for in).")
    category: str | None = Field(description="TL1-TL4 for a late in, PSW1-PSW4 for an early out, else null.")
    warnings: list[str] = Field(
        description="Why it went to review, e.g. `OFFLINE_CAPTURE`, `FACE_BORDERLINE`, `EXIF_TIME_MISMATCH`, "
        "`SMALL_FACE`, `STATIC_FIX`, `SAME_SPOT_OTHER_EMPLOYEE`, `DEVICE_FINGERPRINT_CHANGED`, "
        "`LIVENESS_BORDERLINE`, `LIVENESS_FAILED` / `LIVENESS_MISSING` "
        "(SMART_LIVENESS=review), or a position check the policy sends to review."
    )


class RefusalError(Result):
    code: str
    message: str
    details: dict[str, str | int | float | bool]


class CheckinRefusal(Result):
    """A refused check-in (422): the API's error body, plus the recorded attempt."""

    error: RefusalError
    event_id: str


SOURCES = ("app", "fingerprint")


class Event(Result):
    event_id: str
    type: Annotated[str, enum_schema(KINDS)]
    status: Annotated[str, enum_schema(("accepted", "review", "refused"))]
    attendance_time: InstantText
    received_at: InstantText | None = Field(
        description="When the server received it; null on a record stored without it."
    )
    zone: ZoneRef | None
    face: FaceScore | None = Field(
        description="The face score and its threshold; null on a refusal in the employee's own events (an admin's "
        "views show it)."
    )
    warnings: list[str]
    reasons: list[str] = Field(
        description="Refusal codes of a refused attempt; of a check-in in review, why it awaits a decision (its "
        "warnings: FACE_BORDERLINE, OFFLINE_CAPTURE, ...)."
    )
    decision: str | None = Field(
        description="An admin's review decision (approve/reject), `revoke` on a correction taken back, or null."
    )
    decision_note: str | None = Field(
        default=None,
        description="The deciding admin's note of a `reject` or `revoke` (why a check-in was rejected, a correction "
        "taken back): the employee reads it in their own events (`/v1/me`, `/v1/attendance/me`); null otherwise "
        "(an approval's note stays the admins').",
    )
    late_minutes: int | None
    early_minutes: int | None
    category: str | None
    source: Annotated[str, enum_schema(SOURCES)] = Field(
        default="app", description="`fingerprint`: a punch imported from a fingerprint machine (rollout)."
    )
    clock_correction_s: int | None = Field(
        default=None,
        description="An offline capture whose time the app moved from the phone's clock to SMART's: by how much "
        "(seconds; positive: the phone was slow). Null when the phone's own clock dated it.",
    )


class EventPage(Page[Event]):
    pass


class MyEventsQuery(OnePageQuery):
    from_: Day | None = Field(default=None, alias="from", description="Default: 6 days before `to`.")
    to: Day | None = Field(default=None, description="Default: today; at most 62 days after `from`.")


class WorkHours(Result):
    start: str = Field(pattern=r"^\d{2}:\d{2}$")
    end: str = Field(pattern=r"^\d{2}:\d{2}$", description="Before `start` when the shift crosses midnight.")


class UnitRef(Result):
    unor_id: str
    unor_nama: str | None


class ProfileZone(Result):
    zone_id: str
    name: str
    kind: Annotated[str, enum_schema(("polygon", "circle"))]
    geometry: Geometry


class Today(Result):
    date: DayText
    opens_at: InstantText = Field(
        description="From this instant a check-in or check-out counts for this day (the start of its window: the "
        "regency's opening time, or the shift's start less the rule table's margin when that is earlier, as for a "
        "night shift). One made before is kept but not counted."
    )
    closes_at: InstantText = Field(
        description="Until this instant a check-in or check-out counts for this day (the end of its window: for a "
        "night shift, the morning after). An app without signal keeps showing this day while it holds."
    )
    schedule: WorkHours | None
    holiday: str | None = Field(description="Holiday name.")
    leave: Annotated[str | None, Field(json_schema_extra={"enum": ["C", "I", "S", None]})]
    field_duty: bool
    checked_in: bool
    check_in: Event | None = Field(description="The day's first check-in (accepted or in review), or null.")
    check_out: Event | None = Field(description="The day's last check-out (accepted or in review), or null.")
    status: str = Field(
        description="The day so far as the daily recap judges it (H, TL1-TL4, TK, DL, C, I, S, LIBUR, or a PSW "
        "once the hours are over), or BELUM: no check-in counted yet (none, or one still in review) while the hours "
        "are not over."
    )
    state: str = Field(description="The live monitor's state: present, late, not_yet, absent, leave, field_duty, off.")


class FaceRejection(Result):
    note: str | None = Field(description='The deciding admin\'s note ("terlalu gelap", "kacamata"), if any.')
    rejected_at: str = Field(description="When the admin rejected the photo (ISO 8601 UTC).")


class OnboardingFaces(Result):
    approved: int = Field(
        ge=0,
        description="Approved faces a check-in compares with: made by the current face models. After a change of "
        "models, faces not yet recomputed from their photos do not count (a check-in answers NOT_ENROLLED).",
    )
    pending: int = Field(ge=0, description="Self-enrolments (or enrolments after a device reset) awaiting an admin.")
    last_rejection: FaceRejection | None = Field(
        default=None,
        description="The latest rejected face photo that no pending or approved face enrolled since replaces, so the "
        "app tells the employee why before they try again; null otherwise.",
    )


class Onboarding(Result):
    activated: bool = Field(description="The account is activated (a password set with an activation code).")
    faces: OnboardingFaces


class Profile(Result):
    nip: str
    nama: str
    jabatan: str | None
    active: bool
    unit: UnitRef
    zones: list[ProfileZone]
    today: Today
    enrolled: bool = Field(description="At least one approved face counts (`onboarding.faces.approved`).")
    device_bound: bool
    onboarding: Onboarding
    gps_max_accuracy_m: float = Field(
        description="The stage's SMART_GPS_MAX_ACCURACY_M: a fix less accurate than this is refused as GPS_INACCURATE "
        "(unless its whole circle lies inside a drawn zone), so the app waits for a better one."
    )
    offline_max_age_h: int = Field(
        description="The stage's SMART_OFFLINE_MAX_AGE_H: an offline capture kept on the phone longer than this many "
        'hours is refused (`captured_at` "too old"), so the app tells the employee the regency\'s own limit.'
    )
    timezone: str = Field(
        description="The regency's time zone (SMART_TIMEZONE, IANA: Asia/Jakarta, Asia/Makassar or Asia/Jayapura), in "
        "which `today.date` is judged: the app shows times and names today on its clock, whatever the phone's zone."
    )


class EnrolRequest(Request):
    model_config = PHOTO_REQUIRED

    photo: Photo = Field(validate_default=True, default=None)


class FaceQuality(Result):
    """Measures of an enrolment photo (a template stored without them shows none)."""

    face_width_px: float | None = absent_when_none()
    brightness: float | None = absent_when_none()
    sharpness: float | None = absent_when_none()
    yaw_ratio: float | None = absent_when_none()


class FaceEnrolled(Result):
    template_id: str
    quality: FaceQuality
    models: list[str]
    status: Annotated[str, enum_schema(("approved", "pending"))] = Field(
        description="`pending` when enrolled within 7 days after a device reset: another admin must approve it."
    )


class FaceTemplate(Result):
    template_id: str
    status: TemplateStatus = Field(description="Only `approved` templates verify check-ins.")
    models: list[str]
    quality: FaceQuality
    created_at: str | None
    created_by: str | None
    photo_url: str = Field(json_schema_extra={"format": "uri"}, description="Short-lived signed link.")


class FaceTemplatePage(Page[FaceTemplate]):
    pass


class FaceDeleted(Result):
    template_id: str
    deleted: bool


class FacesForgotten(Result):
    """The nightly deletion of the faces of employees who left (a job's result, not an endpoint)."""

    employees: int
    templates: int
    left_by: str  # deactivated at or before this instant (UTC)


class FacesRecomputed(Result):
    """The batch re-embedding after a model change (command line, not an endpoint)."""

    recomputed: int
    failed: int
