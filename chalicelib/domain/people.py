"""Who SMART knows: employees, units, admin users, and the authenticated caller of a request.

Plain frozen records shared by every layer: repositories hand them out, rules and use cases take them.
Identifier rules (the 18-digit NIP, device ids) live here too, so that every layer checks them alike.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo
from typing import Any, Generic, Literal, TypeVar

from chalicelib.domain.faces import made_by_policy, noted_models
from chalicelib.domain.text import matches_whole
from chalicelib.errors import ValidationError

NIP_PATTERN = re.compile(r"^[0-9]{18}$")
DEVICE_PATTERN = re.compile(r"^[A-Za-z0-9_.:-]{8,128}$")
ADMIN_ROLES = ("unit_admin", "super_admin", "auditor")
ROLES = ("employee", *ADMIN_ROLES)


@dataclass(frozen=True)
class Sessions:
    """Which tokens of an account work besides those of its current token version (decision 79).

    A token names its session (`sid`). Logout ends that one session: its id joins `ended` until the token
    would have expired anyway. A password change ends every other session: the token version goes up, and the
    caller's session is `kept` at the version its token carries. Any other version change (device reset, an
    admin's change, logout of a token without a session id) ends them all and keeps none.
    """

    kept: str | None = None  # "<token version>:<session id>" of the session a password change kept
    ended: frozenset[str] = frozenset()  # "<expiry epoch>:<session id>" of sessions logged out

    def admits(self, session_id: str | None, version: int, current: int) -> bool:
        """Whether a token of this version and session still works when the account is at `current`."""
        if session_id is not None and session_id in {marker.partition(":")[2] for marker in self.ended}:
            return False
        return version == current or (session_id is not None and self.kept == kept_marker(version, session_id))

    def expired(self, now_epoch: int) -> frozenset[str]:
        """The ended sessions whose tokens have expired by now: no need to remember them any longer."""
        return frozenset(m for m in self.ended if int(m.partition(":")[0]) <= now_epoch)


def kept_marker(version: int, session_id: str) -> str:
    return f"{version}:{session_id}"


def ended_marker(expires_epoch: int, session_id: str) -> str:
    return f"{expires_epoch}:{session_id}"


@dataclass(frozen=True)
class Employee:
    nip: str
    nama: str
    unor_id: str
    jabatan: str | None = None
    active: bool = True
    gelar_depan: str | None = None
    gelar_belakang: str | None = None
    device_id: str | None = None
    # What the app reported about the phone when it was bound (optional; a check-in reporting another is reviewed).
    device_fingerprint: str | None = None
    token_version: int = 0
    sessions: Sessions = Sessions()
    template_count: int = 0  # approved face templates (pending and rejected ones are not counted)
    pending_faces: int = 0  # face templates waiting for an admin's decision (at most PENDING_PER_EMPLOYEE)
    face_rejections: int = 0  # faces an admin rejected, ever (see EmployeeModel.face_rejections)
    # The models that made the approved faces (`domain.faces.note_models`: each face's set, as of the last change
    # of them); after the last face is deleted, those it had (the employee had faces: `usecases.faces.own_match`).
    face_model: str | None = None
    duty_until: str | None = None  # see EmployeeModel.duty_until
    plan_until: str | None = None  # see EmployeeModel.plan_until
    device_reset_by: str | None = None  # the admin of the last device reset (four eyes on faces after it)
    device_reset_at: str | None = None  # ISO 8601 UTC
    # Every device reset (a binding with a code included) as "<ISO 8601 UTC> <admin>" (`reset_note`): four eyes bar
    # each admin of the window, not the last alone (`resets_since`). Absent on records written before it.
    device_resets: frozenset[str] = frozenset()
    # How many faces were ever approved on the employee (an approved enrolment or an approval; a deletion does not
    # count down): a device reset is written only while it is what its four-eyes check read (decision 173).
    face_approvals: int = 0
    # The admin who issued the employee's last activation code (when: the audit log's `employee.activation_code`):
    # an account activated again with it is noted as a device reset by that admin (four eyes on faces after it).
    code_issued_by: str | None = None
    # When SMART recorded the move into the current unit (ISO 8601 UTC; absent: no move recorded). Days before
    # it belong to the unit the employee left: a re-run of this unit's earlier days leaves them out.
    unit_since: str | None = None
    # When SMART recorded the employee's deactivation (ISO 8601 UTC; absent while active, or when not recorded).
    deactivated_at: str | None = None
    # When SMART began to follow the employee: their record's creation or their reactivation (ISO 8601 UTC;
    # absent on records older than the field). A re-run of a day their unit judged before it, without them,
    # leaves them out (decision 122).
    followed_since: str | None = None
    # When the face retention last cleared the employee's faces (ISO 8601 UTC; absent: never). Deactivated after
    # it, they are due again (usecases.faces.forget_departed, decision 213).
    faces_forgotten_at: str | None = None

    def resets_since(self, since: datetime) -> frozenset[str]:
        """The admins who reset the employee's phone, or issued the code it was bound with again, at or after
        `since`: every one of them, not only the last (`device_reset_by`, read too: records written before
        `device_resets` name the last alone)."""
        notes = [note.partition(" ") for note in self.device_resets]
        if self.device_reset_by and self.device_reset_at:
            notes.append((self.device_reset_at, " ", self.device_reset_by))
        return frozenset(by for at, _, by in notes if by and datetime.fromisoformat(at) >= since)

    @property
    def enrolled(self) -> bool:
        """Whether the employee has at least one approved face template (made by any models)."""
        return self.template_count > 0

    def enrolled_for(self, model_ids: Collection[str]) -> bool:
        """Whether a check-in can compare a selfie with an approved face of the employee under a scoring policy
        of these models (`face_counts`): what the admin views count, as `/v1/me` does."""
        return face_counts(self.template_count, self.face_model, model_ids)

    @property
    def face_pending(self) -> bool:
        """Whether a face of the employee waits for an admin's decision."""
        return self.pending_faces > 0

    @property
    def face_rejected(self) -> bool:
        """Whether the employee must enrol again: a face of theirs was rejected, and none is approved or waits."""
        return self.face_rejections > 0 and not self.enrolled and not self.face_pending

    @property
    def device_bound(self) -> bool:
        """Whether a phone is bound to the employee (activation done, no reset since)."""
        return self.device_id is not None

    def onboarded(self, model_ids: Collection[str]) -> Onboarded:
        """The employee as a unit's onboarding counts see them (`unit_tallies`) under a policy of these models."""
        return Onboarded(self.unor_id, self.active, self.device_bound, self.enrolled_for(model_ids))

    def faces_due(self, left_by: str) -> bool:
        """Whether the face retention is to clear the employee's faces: deactivated by `left_by` (ISO 8601 UTC)
        and not cleared since (decision 213). What `PeopleRepository.faces_to_forget` lists, and what the job
        checks again on the record read now (a reactivation since the listing keeps the faces)."""
        left, forgotten = self.deactivated_at, self.faces_forgotten_at
        return not self.active and left is not None and left <= left_by and (forgotten is None or forgotten < left)

    def as_member(self) -> Member:
        """The employee as a unit's day sees them."""
        return Member(self.nip, self.nama, self.active, self.unit_since, self.deactivated_at, self.followed_since)


def face_counts(template_count: int, face_model: str | None, model_ids: Collection[str]) -> bool:
    """Whether an employee record with `template_count` approved faces, made by the models `face_model` notes
    (`noted_models`), has a face a check-in under a policy of `model_ids` compares with (`made_by_policy`). After
    a model change their old faces answer NOT_ENROLLED until the recompute or a new face; the admin views must
    not show them ready (decision 381)."""
    return template_count > 0 and any(made_by_policy(models, model_ids) for models in noted_models(face_model))


def recorded_day(recorded: str | None, tz: tzinfo) -> date | None:
    """The local date of a recorded instant (`Employee.unit_since`, `Employee.deactivated_at`), or None."""
    return None if recorded is None else datetime.fromisoformat(recorded).astimezone(tz).date()


def reset_note(by: str, at: str) -> str:
    """How `Employee.device_resets` keeps one reset: its instant (ISO 8601 UTC) and its admin (a user name has no
    space)."""
    return f"{at} {by}"


@dataclass(frozen=True)
class DeviceReset:
    """An admin's release of an employee's phone (`PeopleRepository.release_device`): `by` is noted on the
    employee (`Employee.device_reset_by/_at`: four eyes after it); with `approvals_seen` (`Employee.face_approvals`
    as the admin's four-eyes check read it), the release is refused when a face was approved on the employee since:
    the check must be made again."""

    by: str
    approvals_seen: int | None = None


@dataclass(frozen=True)
class PhoneBinding:
    """A phone to bind to an employee (`PeopleRepository.bind_device`), and what the binding also does.

    With `password_hash`, the password is set and the activation code spent. The phone's `fingerprint` (as the
    app reported it, or None) replaces any earlier one. With `reset_by` (an admin's name), the binding is noted as
    a device reset by that admin (`Employee.device_reset_by/_at`: four eyes after it). With `revoke`, every earlier
    session ends in the same write (token version + 1, as `revoke_tokens`). With `approvals_seen`
    (`Employee.face_approvals` as the caller's four-eyes check read it), the binding is refused when a face was
    approved on the employee since, as `release_device` is. With `taken_from` (the NIP of a leaver: an employee
    SIMPEG deactivated, to whom the phone is still bound), the phone is taken from them in the same write: their
    binding ends and their sessions with it, refused unless they are still inactive and still bound to it (a
    leaver reactivated meanwhile keeps it; of two colleagues taking it at once, one gets it). With `code_hash`
    (the activation code's hash the caller verified), the binding is refused unless that code is still the
    employee's: a code replaced while its activation ran (a lost card, printed again) activates nothing."""

    device_id: str
    password_hash: str | None = None
    fingerprint: str | None = None
    reset_by: str = ""
    revoke: bool = False
    approvals_seen: int | None = None
    taken_from: str | None = None
    code_hash: str | None = field(default=None, repr=False)


@dataclass(frozen=True)
class Placement:
    """Where an employee stood before an HR change: their unit, and whether SMART followed them."""

    unor_id: str
    active: bool


@dataclass(frozen=True)
class HrMarks:
    """Which of an employee's HR dates a change stamps with its instant, the one rule every store follows
    (the people store's `put_employee`, its in-memory twin, the SIMPEG sync and import): a move stamps
    `unit_since` (the days before stay the old unit's), a creation or a reactivation stamps `followed_since`
    (decision 122), a deactivation stamps `deactivated_at` and a reactivation clears it.

    A move or a reactivation also ends every session of the employee (`ends_sessions`: token version + 1, the
    session a password change kept dropped): a token of their old unit, or of before they left, must not work again
    once they are moved back or reactivated. A deactivation alone leaves the version: its tokens answer 403
    `ACCOUNT_INACTIVE` while it lasts, and end at the reactivation that takes it back."""

    moved: bool = False
    followed: bool = False
    deactivation: Literal["stamp", "clear", "keep"] = "keep"
    ends_sessions: bool = False

    def unit_since(self, before: str | None, now: str) -> str | None:
        """`Employee.unit_since` after the change, given its value before and the change's instant."""
        return now if self.moved else before

    def followed_since(self, before: str | None, now: str) -> str | None:
        """`Employee.followed_since` after the change."""
        return now if self.followed else before

    def deactivated_at(self, before: str | None, now: str) -> str | None:
        """`Employee.deactivated_at` after the change: a first deactivation's date is kept on later changes."""
        return {"stamp": now, "clear": None, "keep": before}[self.deactivation]


def hr_marks(before: Placement | None, unor_id: str, active: bool) -> HrMarks:
    """What a change of an employee from `before` (None: a new record) to `unor_id`/`active` stamps.

    A record created inactive has no deactivation date: SMART never followed them, so no day of theirs is
    judged. A change that keeps an inactive employee inactive keeps their first deactivation date."""
    if before is None:
        return HrMarks(followed=True)
    reactivated = active and not before.active
    deactivation: Literal["stamp", "clear", "keep"] = (
        "stamp" if before.active and not active else "clear" if reactivated else "keep"
    )
    moved = before.unor_id != unor_id
    return HrMarks(moved=moved, followed=reactivated, deactivation=deactivation, ends_sessions=moved or reactivated)


@dataclass(frozen=True)
class Member:
    """An employee as a unit's day sees them (recap, monitor): who, and whether SMART still follows them."""

    nip: str
    nama: str
    active: bool = True
    unit_since: str | None = None  # see Employee.unit_since (a former member of a unit: their move out of it)
    deactivated_at: str | None = None  # see Employee.deactivated_at
    followed_since: str | None = None  # see Employee.followed_since

    def moved_on(self, tz: tzinfo) -> date | None:
        """The local date of the move into this unit (of a former member: out of it), when one was recorded."""
        return recorded_day(self.unit_since, tz)

    def joined_after(self, day: date, tz: tzinfo) -> bool:
        """Whether the employee moved into this unit after `day` (a local date): that day was another unit's."""
        moved = self.moved_on(tz)
        return moved is not None and moved > day

    def followed_on(self, day: date, tz: tzinfo) -> bool:
        """Whether SMART judges the employee's `day` in this unit: active then (still, or deactivated after it:
        a retiree's last days are re-judged like anyone's) and a member by then."""
        left = recorded_day(self.deactivated_at, tz)
        return (self.active or (left is not None and left > day)) and not self.joined_after(day, tz)

    def deactivated_by(self, day: date, tz: tzinfo) -> bool:
        """Whether a deactivation recorded on `day` or before ended SMART's following of the employee (a status
        of `day` stored earlier that day is void; a deactivation without a date voids nothing)."""
        left = recorded_day(self.deactivated_at, tz)
        return not self.active and left is not None and left <= day

    def judged_again_on(self, day: date, tz: tzinfo, known: frozenset[str] | None) -> bool:
        """Whether a run of `day` judges the employee, given `known`: the NIPs the unit's earlier run of the day
        judged, and those with a check-in or punch of the day; None for an admin's first run of the day, which
        judges every member followed that day (decision 122). Judged: followed that day (`followed_on`), and
        either known, or followed by SMART since that day or earlier. A re-run (or a scheduled run, decision 134)
        never adds someone SMART did not follow yet by the day and who left no trace of it: a new appointee (CPNS,
        PPPK) or a reactivated employee gets no TK for days before; a machine punch of such a day counts."""
        if not self.followed_on(day, tz):
            return False
        began = recorded_day(self.followed_since, tz)
        return known is None or self.nip in known or began is None or began <= day


@dataclass(frozen=True)
class Unit:
    """An `unor` (unit organisasi). SIMPEG sync creates and renames units from the employees' unor_id and
    unor_nama; the zones its employees check in at are set by an admin (SIMPEG knows nothing of them)."""

    unor_id: str
    unor_nama: str
    zone_ids: frozenset[str] = frozenset()


@dataclass(frozen=True)
class UnitCounts:
    """A unit's onboarding progress, of its ACTIVE employees only (one SIMPEG deactivated is no longer to be
    onboarded): how many there are, how many activated (a phone bound: `Employee.device_bound`, as the adoption
    report and the code sheet's "only not activated" say it), how many have an approved face template."""

    employees: int
    activated: int
    enrolled: int


@dataclass(frozen=True)
class Onboarded:
    """What a unit's onboarding counts read of one employee (`Employee.onboarded`, or a store's projection)."""

    unor_id: str
    active: bool
    device_bound: bool
    enrolled: bool


def unit_tallies(rows: Iterable[Onboarded]) -> dict[str, UnitCounts]:
    """`UnitCounts` per unit of one row per employee; the inactive ones are left out, so a unit whose employees
    all left is not listed."""
    tallies: dict[str, list[int]] = {}
    for row in rows:
        if not row.active:
            continue
        tally = tallies.setdefault(row.unor_id, [0, 0, 0])
        tally[0] += 1
        tally[1] += row.device_bound
        tally[2] += row.enrolled
    return {unor_id: UnitCounts(*tally) for unor_id, tally in tallies.items()}


@dataclass(frozen=True)
class AdminUser:
    username: str
    role: str
    unit_ids: frozenset[str] = field(default_factory=frozenset)
    token_version: int = 0
    sessions: Sessions = Sessions()
    active: bool = True  # a deactivated admin can neither log in nor use an old token
    mfa_enabled: bool = False  # TOTP confirmed: a login needs the password and a fresh one-time password
    last_login_at: str | None = None  # ISO 8601 instant of the last successful login
    # The admin's own NIP when they are also an employee (a school's operator): decisions on that employee's
    # attendance, leave, face and phone are left to another admin (usecases.access.require_not_own).
    nip: str | None = None

    def acts_in(self, unor_id: str) -> bool:
        """Whether the admin may change the unit's data now, as `usecases.access` judges a caller: active, and a
        super admin or an admin of that unit (an auditor changes nothing)."""
        return self.active and (self.role == "super_admin" or (self.role == "unit_admin" and unor_id in self.unit_ids))


@dataclass(frozen=True)
class AdminChange:
    """A super admin's change of another admin user (PATCH /v1/admin/users/{username}); None keeps a field.

    Every change bumps the admin's token version, so tokens issued before it stop working at once."""

    active: bool | None = None
    role: str | None = None
    unit_ids: frozenset[str] | None = None
    password_hash: str | None = field(default=None, repr=False)
    mfa_off: bool = False  # forget the second factor (a lost phone): the admin sets it up again
    nip: str | None = None  # the admin's own NIP from now on
    nip_off: bool = False  # the admin is not (or no longer) an employee


AccountKind = Literal["employee", "admin"]


@dataclass(frozen=True)
class Credentials:
    """What a login checks of one account, an employee's or an admin's: its secrets (its login limits are kept
    apart, under `login_scope(kind, key)`: see `AttemptClaim`).

    Read by the authentication use cases only; never answered, never logged (hashes stay out of `repr`).
    `key` names the account within its kind: an employee's NIP, an admin's user name.
    """

    kind: AccountKind
    key: str
    password_hash: str | None = field(default=None, repr=False)
    activation_hash: str | None = field(default=None, repr=False)  # an employee's one-time code, hashed
    activation_expires: int | None = None  # epoch seconds
    # An admin's TOTP (RFC 6238): the confirmed secret, the one being set up, and the last time step accepted
    # (an OTP of that step or an earlier one is never accepted again).
    mfa_secret: str | None = field(default=None, repr=False)
    mfa_pending: str | None = field(default=None, repr=False)
    mfa_last_step: int = 0


def login_scope(kind: AccountKind, key: str) -> str:
    """The name under which an account's login attempts are limited (it exists for unknown accounts too)."""
    return f"{kind}#{key}"


@dataclass(frozen=True)
class AttemptClaim:
    """The answer to a login's request to evaluate one secret: the slot it took, or how long to wait. A granted
    claim names itself (`claim_id`): only it gives its slot back, so a holder that outlived its window cannot free
    the slot of the claim that took it since."""

    slot: str | None
    retry_after_s: int = 0
    claim_id: str = ""

    @property
    def granted(self) -> bool:
        return self.slot is not None


# Failed logins of one source address are limited like an account's: slots taken for this many seconds, so any
# 60 seconds hold at most the limit, whatever the clock's second.
ADDRESS_WINDOW_S = 60


# An IPv6 host is given a whole /64 (a phone on a mobile network, a home line, any rented server): its failed
# logins are counted by that prefix, or a new address each request would give it a new budget each time.
IPV6_HOST_PREFIX = 64
# A site is given a /48 (what tunnel brokers and many ISPs delegate; a /56 line lies inside one): a /64 each request
# would give one holder 65,536 hosts' budgets, so the /48's failed logins are counted too, against this many hosts'
# worth (300 a minute by default). A mobile carrier puts many phones' /64s in one /48, but only failures count: were
# all 7,000 employees to sign in again by 07:30 and one in five mistype once, that is about 50 a minute in all.
IPV6_SITE_PREFIX = 48
IPV6_SITE_HOSTS = 10


def address_scope(address: str) -> str:
    """The name under which a source address's failed logins are limited: an IPv4 address as it is, an IPv6 one
    by its /64 (`IPV6_HOST_PREFIX`), an IPv4-mapped IPv6 one as its IPv4 address; anything else as written."""
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return f"ip#{address}"
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return f"ip#{ip.ipv4_mapped}"
        return f"ip#{ipaddress.IPv6Network((ip, IPV6_HOST_PREFIX), strict=False)}"
    return f"ip#{ip}"


def site_scope(address: str) -> str | None:
    """The name under which the failed logins of an IPv6 address's whole /48 (`IPV6_SITE_PREFIX`) are limited
    besides its host's (`address_scope`); None for an IPv4 address (an IPv4-mapped one too) or anything else,
    limited by the host's alone."""
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return None
    if not isinstance(ip, ipaddress.IPv6Address) or ip.ipv4_mapped is not None:
        return None
    return f"ip#{ipaddress.IPv6Network((ip, IPV6_SITE_PREFIX), strict=False)}"


Holder = TypeVar("Holder", Employee, AdminUser)


@dataclass(frozen=True)
class Account(Generic[Holder]):
    """An employee or an admin user as a login sees them: who holds the account, and the credentials that
    admit them."""

    holder: Holder
    credentials: Credentials


EmployeeAccount = Account[Employee]
AdminAccount = Account[AdminUser]


@dataclass(frozen=True)
class Page:
    items: list[Any]
    next: str | None


@dataclass(frozen=True)
class Principal:
    """The authenticated caller of a request."""

    subject: str  # NIP of an employee, user name of an admin
    role: str
    unit_ids: frozenset[str] = frozenset()
    device_id: str | None = None
    version: int = 0
    session_id: str | None = None  # the token's session (logout ends it alone); None on older tokens
    # The employee record read to check the token version, so the request need not read it again.
    employee: Employee | None = field(default=None, compare=False, repr=False)
    # Likewise the admin user's stored record (role, units, active, MFA), read once per request.
    admin: AdminUser | None = field(default=None, compare=False, repr=False)

    @property
    def is_admin(self) -> bool:
        """An admin of any role: unit admin, super admin, or auditor (who reads only)."""
        return self.role in ADMIN_ROLES

    @property
    def is_super_admin(self) -> bool:
        return self.role == "super_admin"

    @property
    def is_auditor(self) -> bool:
        """An auditor reads what admins read and changes nothing (enforced per route, see api/http.py)."""
        return self.role == "auditor"

    @property
    def sees_all_units(self) -> bool:
        """A super admin, or an auditor without units (regency-wide): every unit is in scope for reading."""
        return self.is_super_admin or (self.is_auditor and not self.unit_ids)


def validate_nip(nip: object, field: str = "nip") -> str:
    if not isinstance(nip, str) or not matches_whole(NIP_PATTERN, nip):
        raise ValidationError("NIP harus 18 digit angka.", {field: "must be 18 digits"})
    return nip


def validate_device(device_id: object) -> str:
    if not isinstance(device_id, str) or not matches_whole(DEVICE_PATTERN, device_id):
        raise ValidationError("ID perangkat tidak valid.", {"device_id": "8 to 128 characters [A-Za-z0-9_.:-]"})
    return device_id
