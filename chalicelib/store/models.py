"""Declarative pynamodb models: the only place that knows SMART's table layout.

Table names get their deployment prefix from ``configure()``; nothing here reads settings by itself.
The design (keys, indexes, access patterns) is written down in docs/data_model.md — keep both in step.
Personal data (embeddings, photo fingerprints) lives only in the face tables, never in the audit log.
"""

from __future__ import annotations

from typing import Any, ClassVar

from pynamodb.attributes import (
    Attribute,
    BinaryAttribute,
    BooleanAttribute,
    JSONAttribute,
    ListAttribute,
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
    UnicodeSetAttribute,
)
from pynamodb.connection import Connection
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex, KeysOnlyProjection, Projection
from pynamodb.models import Model

from chalicelib.settings import DEFAULT_REGION


class _Base(Model):
    """Common Meta: on-demand billing; name, region and prefix are set by configure()."""

    base_name: ClassVar[str] = ""

    class Meta:
        table_name = "unconfigured"
        region = DEFAULT_REGION
        billing_mode = "PAY_PER_REQUEST"
        # Fail fast when DynamoDB is unreachable: the client gets 503 and retries, nothing half-written.
        connect_timeout_seconds = 2
        read_timeout_seconds = 5
        max_retry_attempts = 2


def _index(
    index_name: str,
    hash_key: str,
    range_key: str,
    *,
    hash_type: type[Attribute[Any]] = UnicodeAttribute,
    projection: type[Projection] = AllProjection,
) -> GlobalSecondaryIndex[Any]:
    """A global secondary index on two attributes of its model (a string range key, every index has one)."""
    meta = type("Meta", (), {"index_name": index_name, "projection": projection()})
    keys = {hash_key: hash_type(hash_key=True), range_key: UnicodeAttribute(range_key=True)}
    index_class = type(f"Index_{index_name}", (GlobalSecondaryIndex,), {"Meta": meta, **keys})
    return index_class()  # type: ignore[no-any-return]


class _Lockout:
    """Token revocation: the same on the employee and the admin accounts (login limits: LoginGuardModel).
    The sessions' markers: `chalicelib.domain.people.Sessions`."""

    token_version = NumberAttribute(default=0)
    kept_session = UnicodeAttribute(null=True)  # "<version>:<session id>" a password change kept
    ended_sessions = UnicodeSetAttribute(null=True)  # "<expiry epoch>:<session id>" of sessions logged out


class _Authored:
    """Who wrote an item that is never edited afterwards, and when."""

    created_by = UnicodeAttribute()
    created_at = UnicodeAttribute()


class _Period:
    """Inclusive local dates (YYYY-MM-DD) of a leave or a field duty."""

    start_date = UnicodeAttribute()
    end_date = UnicodeAttribute()


class _PerEmployee:
    """Items of one employee in one partition, ordered by a composite range key."""

    nip = UnicodeAttribute(hash_key=True)
    key = UnicodeAttribute(range_key=True)


# --- people and places -------------------------------------------------------------------------------


NO_FIELD_DUTY = "0000-00-00"  # EmployeeModel.duty_until of an employee never sent on field duty (sorts first)
NO_OWN_PLAN = "0000-00-00"  # EmployeeModel.plan_until of an employee with no own schedule, roster day or leave
OWN_PLAN_FOREVER = "9999-12-31"  # EmployeeModel.plan_until once an own schedule version exists (it never ends)


class EmployeeModel(_Lockout, _Base):
    base_name = "employees"
    nip = UnicodeAttribute(hash_key=True)
    nama = UnicodeAttribute()
    gelar_depan = UnicodeAttribute(null=True)
    gelar_belakang = UnicodeAttribute(null=True)
    unor_id = UnicodeAttribute()
    unor_nama = UnicodeAttribute(null=True)
    jabatan = UnicodeAttribute(null=True)
    active = BooleanAttribute(default=True)
    changed_at = UnicodeAttribute(null=True)  # last change applied from SIMPEG
    deactivated_at = UnicodeAttribute(null=True)
    password_hash = UnicodeAttribute(null=True)
    device_id = UnicodeAttribute(null=True)
    device_fingerprint = UnicodeAttribute(null=True)
    activation_hash = UnicodeAttribute(null=True)
    activation_expires = NumberAttribute(null=True)
    template_count = NumberAttribute(default=0)
    face_model = UnicodeAttribute(null=True)
    updated_at = UnicodeAttribute(null=True)
    # Last end date of the employee's field duties (NO_FIELD_DUTY: none yet). Absent on records written
    # before it existed: their duties must be read. Lets a check-in skip the duties query (store.zones).
    duty_until = UnicodeAttribute(null=True)
    # Last date the employee's own schedule versions, roster days and leaves may cover (NO_OWN_PLAN: none yet).
    # Absent on records written before it existed: their rows must be read. Lets a check-in skip the three
    # calendar queries of its plan (store.calendar).
    plan_until = UnicodeAttribute(null=True)
    # Face templates awaiting an admin (self-enrolments, four-eyes): capped per employee (store.faces).
    pending_faces = NumberAttribute(null=True)
    # Faces an admin rejected, ever (a rejection adds one; nothing takes it back): with none approved and none
    # waiting, the employee must enrol again (the console's "Ditolak").
    face_rejections = NumberAttribute(null=True)
    # The last device reset: a face enrolled within days after it needs another admin's approval.
    device_reset_by = UnicodeAttribute(null=True)
    device_reset_at = UnicodeAttribute(null=True)
    # Every device reset as "<at> <admin>" (domain.people.Employee.device_resets), added to by each.
    device_resets = UnicodeSetAttribute(null=True)
    # Faces ever approved on the employee (domain.people.Employee.face_approvals): the reset's condition.
    face_approvals = NumberAttribute(null=True)
    # Who issued the last activation code (domain.people.Employee.code_issued_by).
    code_issued_by = UnicodeAttribute(null=True)
    # When the employee's move into the current unit was recorded (domain.people.Employee.unit_since).
    unit_since = UnicodeAttribute(null=True)
    # When SMART began to follow the employee: created or reactivated (domain.people.Employee.followed_since).
    followed_since = UnicodeAttribute(null=True)
    # When the face retention last cleared the employee's faces (domain.people.Employee.faces_forgotten_at).
    faces_forgotten_at = UnicodeAttribute(null=True)
    # Employees of one unit, by NIP (admin lists, recaps, sync snapshots per unit).
    by_unit = _index("by_unit", "unor_id", "nip")


class UnitModel(_Base):
    base_name = "units"
    unor_id = UnicodeAttribute(hash_key=True)
    unor_nama = UnicodeAttribute()
    zone_ids = UnicodeSetAttribute(null=True)
    all_units = UnicodeAttribute(default="UNIT")  # constant partition of the small units index
    updated_at = UnicodeAttribute(null=True)
    # Bumped by every write that changes what the unit's days are judged against (members, leave, field duty,
    # schedules, the regency calendar, the cut-over): the regency summary keeps a unit's frame while it holds.
    frame_version = NumberAttribute(null=True)
    # Every unit id under one constant key: the regency has ~60-100 units.
    all_units_index = _index("all_units", "all_units", "unor_id", projection=KeysOnlyProjection)


class AdminModel(_Lockout, _Base):
    base_name = "admins"
    username = UnicodeAttribute(hash_key=True)
    password_hash = UnicodeAttribute()
    role = UnicodeAttribute()
    unit_ids = UnicodeSetAttribute(null=True)
    created_at = UnicodeAttribute(null=True)
    active = BooleanAttribute(null=True)  # absent on admins created before it existed: active
    last_login_at = UnicodeAttribute(null=True)
    mfa_enabled = BooleanAttribute(null=True)
    mfa_secret = UnicodeAttribute(null=True)  # never answered nor logged once confirmed
    mfa_pending = UnicodeAttribute(null=True)  # a secret being set up, until its first OTP confirms it
    mfa_last_step = NumberAttribute(null=True)  # the last TOTP time step accepted (replay guard)
    nip = UnicodeAttribute(null=True)  # the admin's own NIP when they are also an employee


class DeviceModel(_Base):
    """device_id → the one employee bound to that phone (a phone checks in for one person only)."""

    base_name = "devices"
    device_id = UnicodeAttribute(hash_key=True)
    nip = UnicodeAttribute()
    bound_at = UnicodeAttribute()


# --- zones and field duty ----------------------------------------------------------------------------


class ZoneModel(_Base):
    base_name = "zones"
    zone_id = UnicodeAttribute(hash_key=True)
    name = UnicodeAttribute()
    kind = UnicodeAttribute()  # polygon | circle
    geometry = JSONAttribute()
    resolution = NumberAttribute()
    cells = ListAttribute(of=UnicodeAttribute)  # compacted H3 cells
    cell_count = NumberAttribute()
    version = NumberAttribute(default=1)
    purpose = UnicodeAttribute(default="unit")  # unit | assignment
    updated_at = UnicodeAttribute()
    all_zones = UnicodeAttribute(default="ZONE")
    # Every zone id under one constant key (a regency has ~1,500 zones; written rarely).
    all_zones_index = _index("all_zones", "all_zones", "zone_id", projection=KeysOnlyProjection)


class AssignmentModel(_Period, _Authored, _Base):
    """A field-duty letter (surat tugas): one zone, several employees, a date range."""

    base_name = "assignments"
    assignment_id = UnicodeAttribute(hash_key=True)
    zone_id = UnicodeAttribute()
    nips = UnicodeSetAttribute()
    letter_no = UnicodeAttribute()
    reason = UnicodeAttribute()
    cancelled_at = UnicodeAttribute(null=True)  # set when an admin cancels the letter (kept as evidence)
    cancelled_by = UnicodeAttribute(null=True)


class DutyModel(_PerEmployee, _Period, _Base):
    """One employee's share of a field-duty assignment; range key start_date#assignment_id sorts by start."""

    base_name = "duties"
    assignment_id = UnicodeAttribute()
    unor_id = UnicodeAttribute()
    zone_id = UnicodeAttribute()
    cancelled_at = UnicodeAttribute(null=True)  # the letter's cancellation: the row no longer counts
    by_unit = _index("by_unit", "unor_id", "start_date")


# --- faces -------------------------------------------------------------------------------------------


class FaceTemplateModel(_Authored, _Base):
    base_name = "face_templates"
    nip = UnicodeAttribute(hash_key=True)
    template_id = UnicodeAttribute(range_key=True)
    layout = JSONAttribute()  # [[model id, dimension], ...] in the order of `vectors`
    vectors = BinaryAttribute(legacy_encoding=False)  # float32 vectors of every model, see store.faces
    quality = JSONAttribute(null=True)
    photo_key = UnicodeAttribute()
    # Set on approved templates only: pending and rejected ones stay out of the cohort and duplicate index.
    shard = NumberAttribute(null=True)
    # approved (also when absent: templates written before review existed), pending or rejected.
    status = UnicodeAttribute(null=True)
    unor_id = UnicodeAttribute(null=True)  # the employee's unit when enrolled (the pending queue's scope)
    pending_unit = UnicodeAttribute(null=True)  # = unor_id while pending, removed by the decision
    reset_by = UnicodeAttribute(null=True)  # four eyes: the admin who reset the device may not approve it
    resetters = UnicodeSetAttribute(null=True)  # four eyes: every admin who reset it within the window (reset_by too)
    own_match = JSONAttribute(null=True)  # domain.faces.OwnMatch: the face against the approved ones when enrolled
    decided_by = UnicodeAttribute(null=True)
    decided_at = UnicodeAttribute(null=True)
    note = UnicodeAttribute(null=True)
    # Only on the one item (VERSION_KEY) that counts changes of the approved set (store.faces).
    version = NumberAttribute(null=True)
    # Only on the logs of recent approvals and changes (FaceApprovalModel, FaceChangeModel): DynamoDB removes
    # those after a day.
    expires = TTLAttribute(null=True)
    # Random shard → approved templates: draws a score-normalisation cohort (and loads the duplicate index)
    # without a Scan.
    by_shard = _index("by_shard", "shard", "template_id", hash_type=NumberAttribute)
    # Unit → its pending templates (a sparse index: only pending items carry pending_unit).
    by_pending = _index("by_pending", "pending_unit", "template_id")


class FacePairModel(_Base):
    """A suspected duplicate face: two approved templates of two employees at or above the policy's duplicate
    threshold, kept in the face_templates table (partition `~pairs`, range key `<policy>|<id a>|<id b>`; no
    shard, so in no index). Recorded by the enrolment's re-check and the backfill (store.faces)."""

    base_name = "face_templates"
    nip = UnicodeAttribute(hash_key=True)
    template_id = UnicodeAttribute(range_key=True)
    owners = ListAttribute(of=UnicodeAttribute)
    score = NumberAttribute()


class FaceApprovalModel(_Base):
    """One approval of a template, logged in the face_templates table (partition `~approved`, range key
    `<approved at>#<template id>`, no shard: in no index) in the approving transaction and read with a
    consistent Query, so a load of the approved set sees what the eventually consistent `by_shard` index
    may not show yet (store.faces `approved_templates`). Expires after a day (TTL)."""

    base_name = "face_templates"
    nip = UnicodeAttribute(hash_key=True)
    template_id = UnicodeAttribute(range_key=True)
    owner = UnicodeAttribute()
    expires = TTLAttribute()


class FaceChangeModel(_Base):
    """One change of the approved set, logged in the face_templates table (partition `~changes`, range key the
    change count it made, 12 digits, so "every change after n" is one Query; no shard: in no index) in the same
    transaction that moves the count (store.faces): a template approved or re-embedded (`layout` and `vectors`,
    as on the template) or removed (neither). A process brings its duplicate index up to date from these instead
    of loading every approved template again. Expires after a day (TTL)."""

    base_name = "face_templates"
    nip = UnicodeAttribute(hash_key=True)
    template_id = UnicodeAttribute(range_key=True)
    owner = UnicodeAttribute()
    changed = UnicodeAttribute()  # the template's id
    layout = JSONAttribute(null=True)
    vectors = BinaryAttribute(legacy_encoding=False, null=True)
    expires = TTLAttribute()


class FingerprintModel(_PerEmployee, _Base):
    """What replay detection must remember of every photo an employee ever sent (enrolment or check-in).

    Range key: created_at#ref (the history row: hashes, vectors, the aligned face). The replay lookup's index
    lives in the partition `<nip>#index`, one item per photo (range key: its history key, `face_hash`); older
    ones are one item per month (range key `YYYY-MM`) whose `entries` list the month's photos as
    `<history key>|<face hash>` (`store.events.add_fingerprint`, `replay_candidates`). Past months are folded
    into one item each in the partition `<nip>#months` (`folded`: the entries as one string, one a line; none
    for a month without photos), beside the fold mark (range key `#folded`, `folded`: the first month not folded).
    """

    base_name = "fingerprints"
    sha256 = UnicodeAttribute()
    phash = UnicodeAttribute()
    layout = JSONAttribute(null=True)
    vectors = BinaryAttribute(legacy_encoding=False, null=True)
    face = BinaryAttribute(legacy_encoding=False, null=True)
    face_hash = UnicodeAttribute(null=True)
    entries = ListAttribute(of=UnicodeAttribute, null=True)
    folded = UnicodeAttribute(null=True)  # a past month's summary (partition `<nip>#months`): entries, one a line
    expires = TTLAttribute(null=True)


# --- attendance --------------------------------------------------------------------------------------


class ChallengeModel(_Base):
    base_name = "challenges"
    challenge_id = UnicodeAttribute(hash_key=True)
    nip = UnicodeAttribute()
    device_id = UnicodeAttribute()
    issued_at = UnicodeAttribute()
    expires_epoch = NumberAttribute()
    used_by = UnicodeAttribute(null=True)
    expires = TTLAttribute()


class EventModel(_PerEmployee, _Base):
    """Attendance events and per-day marks of one employee, in one partition keyed by NIP.

    Range keys: ``E#<attendance time UTC>#<suffix>`` for events, ``M#<day>#in`` for the first-arrival mark
    that makes a second check-in answer ALREADY_RECORDED (the day: the arrival's `Event.arrival_day`).
    """

    base_name = "events"
    event_id = UnicodeAttribute(null=True)
    type = UnicodeAttribute(null=True)
    status = UnicodeAttribute(null=True)  # accepted | review | refused | rejected
    reasons = ListAttribute(of=UnicodeAttribute, null=True)
    warnings = ListAttribute(of=UnicodeAttribute, null=True)
    attendance_time = UnicodeAttribute(null=True)
    received_at = UnicodeAttribute(null=True)
    local_date = UnicodeAttribute(null=True)
    unor_id = UnicodeAttribute(null=True)
    unit_date = UnicodeAttribute(null=True)
    review_unit = UnicodeAttribute(null=True)
    latitude = NumberAttribute(null=True)
    longitude = NumberAttribute(null=True)
    accuracy_m = NumberAttribute(null=True)
    zone_id = UnicodeAttribute(null=True)
    zone_name = UnicodeAttribute(null=True)
    face_score = NumberAttribute(null=True)
    face_threshold = NumberAttribute(null=True)
    spoof_score = NumberAttribute(null=True)
    clock_correction_s = NumberAttribute(null=True)
    working_day = UnicodeAttribute(null=True)  # the day the recap counts it for (`Event.working_day`)
    photo_key = UnicodeAttribute(null=True)
    answer = JSONAttribute(null=True)
    decision = UnicodeAttribute(null=True)
    decided_by = UnicodeAttribute(null=True)
    decided_at = UnicodeAttribute(null=True)
    decision_note = UnicodeAttribute(null=True)
    first_event_id = UnicodeAttribute(null=True)
    source = UnicodeAttribute(null=True)  # "fingerprint" for imported machine punches; absent for the app
    # The digest of a unit's day (partition `D#<unor_id>`, range key `D#<local date>`): one token per recorded
    # event and one per review decision, ADDed by the writes that record them (store/events.py `day_token`).
    day_events = UnicodeSetAttribute(null=True)
    day_decisions = UnicodeSetAttribute(null=True)
    day_version = NumberAttribute(null=True)  # ADDed 1 with every change of the two sets
    # All events of one unit on one local date: recaps and the monitor, one partition per unit and day.
    by_unit_date = _index("by_unit_date", "unit_date", "key")
    # Sparse: only events awaiting a decision carry `review_unit`.
    by_review = _index("by_review", "review_unit", "key")


class MachinePinModel(_Base):
    """Fingerprint machines of a unit during the rollout: the PIN -> NIP map (``pin#<PIN>``) and the unit's
    cut-over date (``cutover``), in one partition per unit. PINs are per unit: two units' machines may both
    have a PIN 1."""

    base_name = "machine_pins"
    unor_id = UnicodeAttribute(hash_key=True)
    key = UnicodeAttribute(range_key=True)
    nip = UnicodeAttribute(null=True)
    date = UnicodeAttribute(null=True)  # the cut-over date (YYYY-MM-DD, local)
    # The days [rerun_from, rerun_to) a cut-over change has still to judge again: set with the date, removed once
    # its re-run is done, so a retry after a failed re-run finishes it (absent: nothing left).
    rerun_from = UnicodeAttribute(null=True)
    rerun_to = UnicodeAttribute(null=True)
    updated_by = UnicodeAttribute()
    updated_at = UnicodeAttribute()


class JobRunModel(_Base):
    """One run of a scheduled job (daily recap, SIMPEG sync, ...), newest last in the job's partition."""

    base_name = "job_runs"
    job = UnicodeAttribute(hash_key=True)
    key = UnicodeAttribute(range_key=True)  # <started_at UTC>#<run id>
    run_id = UnicodeAttribute()
    trigger = UnicodeAttribute()  # schedule | manual
    status = UnicodeAttribute()  # running | succeeded | failed
    started_at = UnicodeAttribute()
    finished_at = UnicodeAttribute(null=True)
    result = JSONAttribute(null=True)
    error = UnicodeAttribute(null=True)
    expires = TTLAttribute(null=True)


class IdempotencyModel(_Base):
    base_name = "idempotency"
    key = UnicodeAttribute(hash_key=True)  # nip#client_request_id
    state = UnicodeAttribute()  # in_progress | done
    status_code = NumberAttribute(null=True)
    body = JSONAttribute(null=True)
    fingerprint = UnicodeAttribute()
    started_epoch = NumberAttribute()
    expires = TTLAttribute()


class DailyStatusModel(_Base):
    """One employee's status on one date; partition = unit and month, so a recap day is a prefix query."""

    base_name = "daily_status"
    unit_month = UnicodeAttribute(hash_key=True)  # unor_id#YYYY-MM
    key = UnicodeAttribute(range_key=True)  # YYYY-MM-DD#nip
    nip = UnicodeAttribute()
    nama = UnicodeAttribute()
    date = UnicodeAttribute()
    status = UnicodeAttribute()
    data = JSONAttribute()
    computed_at = UnicodeAttribute()
    by_nip = _index("by_nip", "nip", "date")


# --- calendar ----------------------------------------------------------------------------------------


class ScheduleModel(_Authored, _Base):
    """Versioned schedules and rosters.

    owner ``UNIT#<unor_id>`` / ``EMP#<nip>``: week versions, range key effective_from#version_id
    (``store.calendar.version_key``; written before it: effective_from#created_at#random);
    ``SHIFT#<nip>``: one roster day per item, range key = date = effective_from (a date removed from the roster
    keeps a mark, definition ``{"removed": true}``, read as no entry); ``RAMADAN``: one period per Ramadan, keyed
    by its start year (``YYYY-2`` for a second one that year, ``store.calendar.ramadan_key``), keeping the one it
    replaced (``replaced``: a retried change still re-runs its days).
    """

    base_name = "schedules"
    owner = UnicodeAttribute(hash_key=True)
    key = UnicodeAttribute(range_key=True)
    effective_from = UnicodeAttribute()
    definition = JSONAttribute()
    unor_id = UnicodeAttribute(null=True)  # set on personal items only
    owner_key = UnicodeAttribute(null=True)  # owner#key, for the by_unit index
    # Sparse: personal schedules and shift rosters of a unit's employees; a unit's plans read its own versions here
    # (`EMP#` prefix of the range key), every one of them, as a version holds from its date on.
    by_unit = _index("by_unit", "unor_id", "owner_key")
    # The same sparse items by date: a unit's plans read the roster days of the dates asked here, not every day ever
    # rostered (a roster item's `effective_from` is its date, written with every item since the first one, so the
    # index needs no backfill; own versions ride along by the date they take effect, and the reader skips them).
    by_unit_day = _index("by_unit_day", "unor_id", "effective_from")


class HolidayModel(_Base):
    base_name = "holidays"
    year = UnicodeAttribute(hash_key=True)
    date = UnicodeAttribute(range_key=True)
    name = UnicodeAttribute()
    kind = UnicodeAttribute(default="local")


class LeaveModel(_PerEmployee, _Period, _Authored, _Base):
    """Leaves of one employee; range key start_date#leave_id."""

    base_name = "leaves"
    leave_id = UnicodeAttribute()
    unor_id = UnicodeAttribute()
    type = UnicodeAttribute()
    reason = UnicodeAttribute(null=True)
    cancelled_at = UnicodeAttribute(null=True)  # set when an admin cancels it (kept as evidence, no longer counts)
    cancelled_by = UnicodeAttribute(null=True)
    by_unit = _index("by_unit", "unor_id", "start_date")
    # A leave by its id (DELETE /v1/admin/leaves/{leave_id}); every leave item has always carried `leave_id`.
    by_id = _index("by_id", "leave_id", "key", projection=KeysOnlyProjection)


class RequestModel(_Base):
    """Employees' requests (chalicelib.domain.requests); the index keys are written with every change."""

    base_name = "requests"
    request_id = UnicodeAttribute(hash_key=True)
    nip = UnicodeAttribute()
    unor_id = UnicodeAttribute()
    type = UnicodeAttribute()
    start_date = UnicodeAttribute()
    end_date = UnicodeAttribute()
    reason = UnicodeAttribute()
    created_at = UnicodeAttribute()
    status = UnicodeAttribute()
    attachment_key = UnicodeAttribute(null=True)
    attachment_type = UnicodeAttribute(null=True)
    time = UnicodeAttribute(null=True)
    event_type = UnicodeAttribute(null=True)
    decided_by = UnicodeAttribute(null=True)
    decided_at = UnicodeAttribute(null=True)
    note = UnicodeAttribute(null=True)
    result_id = UnicodeAttribute(null=True)
    approved_by = UnicodeAttribute(null=True)  # a revoked request: who had approved it
    approved_at = UnicodeAttribute(null=True)
    write_id = UnicodeAttribute(null=True)  # the write that set the status: the SDK's repeat of it finds its own
    own_key = UnicodeAttribute()  # created_at#request_id
    unit_key = UnicodeAttribute()  # status#created_at#request_id
    # One employee's requests, newest first (scan backwards).
    by_nip = _index("by_nip", "nip", "own_key")
    # A unit's requests by status, newest first within a status.
    by_unit = _index("by_unit", "unor_id", "unit_key")


class RequestQuotaModel(_Base):
    """The approved requests that hold one quota (an employee's time corrections of one month), in the requests
    table under `quota#<key>` (no index key: in no index, and no request id matches it). Taken and released in
    the transaction that approves or reopens a request (store.requests `decide`, `reopen`)."""

    base_name = "requests"
    request_id = UnicodeAttribute(hash_key=True)
    approved = UnicodeSetAttribute(null=True)


# --- operations --------------------------------------------------------------------------------------


class SyncRunModel(_Base):
    """SIMPEG sync and import runs, with their counts and row errors (which name NIPs). Expire as the job runs
    do (`expires`, store.simpeg_repo SYNC_RUN_TTL); items written before the TTL carry none and stay."""

    base_name = "sync_runs"
    run_id = UnicodeAttribute(hash_key=True)
    kind = UnicodeAttribute(default="SIMPEG")
    sort_key = UnicodeAttribute()  # started_at#run_id
    status = UnicodeAttribute()
    data = JSONAttribute()
    expires = TTLAttribute(null=True)
    # Runs newest first: one small partition (a run a night) sorted by start time.
    by_kind = _index("by_kind", "kind", "sort_key")


class LoginGuardModel(_Base):
    """Login limits (docs/decision_log.md, "Login limits"). An account's evaluation slots: scope `employee#<nip>` or
    `admin#<username>`, slot `0`..`max-1`, `used_at` the epoch second it was last taken (0: given back),
    `claim_id` the claim that took it (a repeated request of that claim finds its own slot); a source
    address's failed logins the same way for 60 s: scope `ip#<address>`. The same slots limit other things:
    an admin's exports being built (`export#<username>`) and the photos kept of an employee's refused check-ins
    per day (`evidence#<nip>#<date>#<face|photo>`). Items expire by TTL once they no longer matter."""

    base_name = "login_guards"
    scope = UnicodeAttribute(hash_key=True)
    slot = UnicodeAttribute(range_key=True)
    used_at = NumberAttribute(null=True)
    claim_id = UnicodeAttribute(null=True)
    expires = TTLAttribute()


class AuditModel(_Base):
    """Who did what when: every admin write, and every link to an employee's personal files an admin was given.
    Partition per day keeps writes spread and reads by day cheap; the links have their own (`views#<date>`)."""

    base_name = "audit"
    day = UnicodeAttribute(hash_key=True)  # <date>, or views#<date> (chalicelib.store.audit.partition)
    key = UnicodeAttribute(range_key=True)  # at#audit_id
    actor = UnicodeAttribute()
    action = UnicodeAttribute()
    target = UnicodeAttribute()
    detail = JSONAttribute(null=True)
    role = UnicodeAttribute(null=True)  # the actor's role at the time (absent on entries written before)
    expires = TTLAttribute(null=True)  # links handed out (`views#`) only: the changes are kept for good


class SightingModel(_Base):
    """Where and when a check-in was made, by cell of the position grid (chalicelib.store.sightings): finds
    other employees' check-ins at the same spot and time with one Query per cell. Range key:
    ``<attendance time UTC>#<nip>#<event suffix>``; removed by TTL after a day."""

    base_name = "sightings"
    cell = UnicodeAttribute(hash_key=True)
    key = UnicodeAttribute(range_key=True)
    nip = UnicodeAttribute()
    event_id = UnicodeAttribute()
    latitude = NumberAttribute()
    longitude = NumberAttribute()
    expires = TTLAttribute()


ALL_MODELS: tuple[type[_Base], ...] = (
    EmployeeModel,
    UnitModel,
    AdminModel,
    DeviceModel,
    ZoneModel,
    AssignmentModel,
    DutyModel,
    FaceTemplateModel,
    FingerprintModel,
    ChallengeModel,
    EventModel,
    IdempotencyModel,
    DailyStatusModel,
    ScheduleModel,
    HolidayModel,
    LeaveModel,
    SyncRunModel,
    AuditModel,
    LoginGuardModel,
    RequestModel,
    SightingModel,
    MachinePinModel,
    JobRunModel,
)
# Models of items that live in a table of ALL_MODELS (configured with it, never created or declared apart).
SHARED_TABLE_MODELS: tuple[type[_Base], ...] = (FacePairModel, FaceApprovalModel, FaceChangeModel, RequestQuotaModel)


_SHARED: dict[str, Connection] = {}


def shared_connection() -> Connection:
    """One botocore client for every table: a client per model would cost ~0.4 s each at cold start."""
    return _SHARED["connection"]


def configure(prefix: str, region: str) -> None:
    """Point every model at the tables of one deployment (idempotent; resets cached connections)."""
    meta = _Base.Meta
    connection = Connection(
        region=region,
        connect_timeout_seconds=meta.connect_timeout_seconds,
        read_timeout_seconds=meta.read_timeout_seconds,
        max_retry_attempts=meta.max_retry_attempts,
    )
    _SHARED["connection"] = connection
    for model in ALL_MODELS + SHARED_TABLE_MODELS:
        # Each model needs its own Meta: the inherited one is shared by every subclass of _Base.
        model.Meta = type("Meta", (meta,), {"table_name": prefix + model.base_name, "region": region})  # type: ignore[misc,assignment]
        model._connection = None
        table = model._get_connection()
        if model not in SHARED_TABLE_MODELS:  # its table's schema is there already
            connection.add_meta_table(table.get_meta_table())
        table.connection = connection
