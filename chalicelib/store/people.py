"""Employees, units, admin users and bound phones: a repository that hands out plain records.

`PeopleRepository` is what the use cases may ask; `DynamoPeopleRepository` answers it from DynamoDB and
`chalicelib.store.memory.InMemoryPeopleRepository` from dicts, and `tests/unit/store/people_contract.py` is
the one test class both pass. Use cases reach it through `chalicelib.runtime.people()`; tools, benchmarks
and tests that talk to DynamoDB directly build a `DynamoPeopleRepository()`. The one-minute caches of the
check-in and monitor paths sit in front of a repository they are given.
"""

from __future__ import annotations

import secrets
from collections.abc import Collection, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any, Protocol

from pynamodb.attributes import UnicodeAttribute
from pynamodb.exceptions import DoesNotExist
from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action
from pynamodb.transactions import TransactWrite

from chalicelib import observability
from chalicelib.domain.audit import TRANSACTION_ITEMS
from chalicelib.domain.people import (
    ADDRESS_WINDOW_S,
    AccountKind,
    AdminAccount,
    AdminChange,
    AdminUser,
    AttemptClaim,
    Credentials,
    DeviceReset,
    Employee,
    EmployeeAccount,
    HrMarks,
    Member,
    Onboarded,
    Page,
    PhoneBinding,
    Placement,
    Sessions,
    Unit,
    UnitCounts,
    address_scope,
    face_counts,
    hr_marks,
    reset_note,
    unit_tallies,
)
from chalicelib.store.audit import AuditBatch, AuditOf, save_in
from chalicelib.store.base import (
    ConditionFailed,
    batch_records,
    decode_cursor,
    encode_cursor,
    iso,
    record_from,
    storage_call,
    transaction,
    utc_now,
)
from chalicelib.store.cache import TtlCache
from chalicelib.store.models import AdminModel, DeviceModel, EmployeeModel, LoginGuardModel, UnitModel

# What a unit's day reads of each member (a projected index query).
_MEMBER = ["nip", "nama", "active", "unit_since", "deactivated_at", "followed_since"]


def hr_actions(marks: HrMarks, now: str) -> list[Action]:
    """The writes of an HR change's dates (`domain.people.hr_marks`), stamped `now`."""
    actions: list[Action] = []
    if marks.moved:
        actions.append(EmployeeModel.unit_since.set(now))
    if marks.followed:
        actions.append(EmployeeModel.followed_since.set(now))
    if marks.deactivation == "stamp":
        actions.append(EmployeeModel.deactivated_at.set(now))
    elif marks.deactivation == "clear":
        actions.append(EmployeeModel.deactivated_at.remove())
    if marks.ends_sessions:
        actions += [EmployeeModel.token_version.add(1), EmployeeModel.kept_session.remove()]
    return actions


def _placement(old: dict[str, Any]) -> Placement | None:
    """Where an employee item stood before an update (its `ALL_OLD` attributes; empty: a new record)."""
    if "unor_id" not in old:
        return None
    return Placement(old["unor_id"]["S"], old.get("active", {}).get("BOOL") is not False)


def _employee(m: EmployeeModel) -> Employee:
    return record_from(
        Employee,
        m,
        active=bool(m.active),
        token_version=int(m.token_version or 0),
        sessions=_sessions(m),
        template_count=int(m.template_count or 0),
        pending_faces=int(m.pending_faces or 0),
        face_rejections=int(m.face_rejections or 0),
        face_approvals=int(m.face_approvals or 0),
        device_resets=frozenset(m.device_resets or ()),
    )


def _sessions(m: EmployeeModel | AdminModel) -> Sessions:
    return Sessions(kept=m.kept_session, ended=frozenset(m.ended_sessions or ()))


def _reset_noted(by: str, now: str) -> list[Action]:
    """A device reset by the admin `by` noted on the employee: the last one's admin and instant, and one more of
    every reset's (`Employee.device_resets`, added to: a reset racing it keeps its own)."""
    return [
        EmployeeModel.device_reset_by.set(by),
        EmployeeModel.device_reset_at.set(now),
        EmployeeModel.device_resets.add({reset_note(by, now)}),
    ]


def _approvals_still(seen: int) -> Condition:
    """The employee's count of approved faces is still `seen` (absent on items that never had one approved)."""
    same: Condition = EmployeeModel.face_approvals == seen
    return (EmployeeModel.face_approvals.does_not_exist() | same) if seen == 0 else same


def _unit(m: UnitModel) -> Unit:
    return Unit(unor_id=m.unor_id, unor_nama=m.unor_nama, zone_ids=frozenset(m.zone_ids or ()))


def get_model(model: Any, *keys: str) -> Any | None:
    """Fetch one item or None; storage failures become UnavailableError."""
    with storage_call("dynamodb"):
        try:
            return model.get(*keys, consistent_read=True)
        except DoesNotExist:
            return None


SCAN_SEGMENTS = 4  # parallel segments of the employees Scan (7,000 projected items: a few pages each)
# What onboarding counts read of an employee.
_COUNTED = ["unor_id", "active", "device_id", "template_count", "face_model"]


def _counted(m: EmployeeModel, model_ids: Collection[str]) -> Onboarded:
    """`Employee.onboarded` of an employee read with the `_COUNTED` projection (an item without `active` is
    active, as `_placement` reads it)."""
    enrolled = face_counts(int(m.template_count or 0), m.face_model, model_ids)
    return Onboarded(m.unor_id, m.active is not False, m.device_id is not None, enrolled)


def _counted_segment(segment: int, model_ids: Collection[str]) -> list[Onboarded]:
    with storage_call("dynamodb"):
        rows = EmployeeModel.scan(segment=segment, total_segments=SCAN_SEGMENTS, attributes_to_get=_COUNTED)
        return [_counted(m, model_ids) for m in rows]


class PeopleRepository(Protocol):
    """Employees, units, admin users and bound phones. A write whose condition fails raises ConditionFailed."""

    # --- employees ---

    def get_employee(self, nip: str) -> Employee | None: ...

    def get_employees(self, nips: Iterable[str]) -> list[Employee]:
        """The employees that exist among `nips`, each once, by NIP (batched reads)."""
        ...

    def employee_account(self, nip: str) -> EmployeeAccount | None:
        """The employee with their login credentials."""
        ...

    def employees_of_unit(self, unor_id: str, cursor: str | None = None, limit: int = 100) -> Page:
        """A page of the unit's employees by NIP; `Page.next` is the opaque cursor of the next one, or None."""
        ...

    def iter_employees_of_unit(self, unor_id: str) -> Iterator[Employee]:
        """Every employee of the unit, by NIP."""
        ...

    def members_of_unit(self, unor_id: str) -> list[Member]:
        """The unit's employees as a day's recap sees them, by NIP."""
        ...

    def count_employees(self, unor_id: str) -> int: ...

    def unit_counts(self, unor_id: str, model_ids: Collection[str]) -> UnitCounts:
        """The unit's active employees, how many of them have a bound phone, how many an approved face a check-in
        under a scoring policy of `model_ids` compares with (`domain.people.UnitCounts`, `face_counts`; one pass
        over the unit, like `count_employees`). Counted on every read, never stored: a deactivation, device reset
        or new binding shows at once."""
        ...

    def counts_of_all_units(self, model_ids: Collection[str]) -> dict[str, UnitCounts]:
        """`unit_counts` of every unit that has active employees, in ONE pass over all employees (not a read per
        unit): for a caller who sees the whole regency."""
        ...

    def faces_to_forget(self, left_by: str) -> list[str]:
        """The NIPs, in order, of the inactive employees deactivated at or before `left_by` (ISO 8601 UTC) whose
        faces the retention has not cleared since (`faces_forgotten`): whose biometric data, of any status, has
        outlived its purpose. One pass over all employees."""
        ...

    def faces_forgotten(self, nip: str, at: str) -> None:
        """Note that the retention cleared the employee's faces at `at` (ISO 8601 UTC)."""
        ...

    def put_employee(self, employee: Employee) -> None:
        """Create or overwrite the HR fields (name, unit, titles, position, active), keeping login, phone,
        face and field-duty state; empty titles or position are stored as absent. A move or a reactivation ends
        every session (token version + 1, no session kept: `HrMarks.ends_sessions`)."""
        ...

    def set_activation(
        self, nip: str, code_hash: str, expires_epoch: int, issued_by: str, audit: AuditBatch | None = None
    ) -> None:
        """Give an existing employee a new one-time activation code, noting who issued it
        (`Employee.code_issued_by`), with the `audit` entries naming it, all or none; ConditionFailed when there is
        no such employee."""
        ...

    def set_activations(self, codes: Sequence[tuple[str, str]], expires_epoch: int, issued_by: str) -> None:
        """`set_activation` for many (NIP, code hash) pairs, written TRANSACTION_ITEMS at a time, all or
        nothing: ConditionFailed when one of the employees does not exist, UnavailableError when storage fails,
        and either way no one's code changed (the groups written before are put back as they were), so the codes
        of the sheet printed before keep working until a new one is issued whole."""
        ...

    # --- phones ---

    def bind_device(self, nip: str, binding: PhoneBinding, audit: AuditBatch | None = None) -> None:
        """Bind the phone to the employee as `binding` says, with the `audit` entries naming it, all or none:
        ConditionFailed when the phone serves someone else (with `taken_from`: anyone but that leaver, or the
        leaver is active again), the employee has another phone, or (with `approvals_seen`) a face was approved on
        the employee since."""
        ...

    def release_device(
        self, nip: str, device_id: str | None, reset: DeviceReset | None = None, audit: AuditBatch | None = None
    ) -> None:
        """Forget the employee's phone and log it out (token version + 1), as an admin's `reset` (`DeviceReset`)
        when given, with the `audit` entries naming it, all or none; ConditionFailed when the employee does not
        exist, the phone is bound to someone else, or the reset's four-eyes read no longer holds."""
        ...

    def device_owner(self, device_id: str) -> str | None: ...

    # --- units ---

    def get_unit(self, unor_id: str) -> Unit | None: ...

    def get_units(self, unor_ids: Iterable[str], *, consistent: bool = False) -> list[Unit]:
        """The units that exist among `unor_ids`, each once, by id (`consistent`: as last written, for a check
        that must see a write just made)."""
        ...

    def list_unit_ids(self) -> list[str]:
        """Every unit id, sorted."""
        ...

    def upsert_unit(self, unor_id: str, unor_nama: str) -> bool:
        """Create the unit or rename it (keeping its zones); True when something changed."""
        ...

    def set_unit_zones(
        self, unor_id: str, zone_ids: set[str], audit: AuditOf[frozenset[str]] | None = None
    ) -> frozenset[str]:
        """Replace an existing unit's zones and answer the zones it had (ConditionFailed when there is no such
        unit). `audit` gives the entries naming the change from the zones it replaces, kept with it all or none
        (`AuditBatch`). ConditionFailed when the zones changed between their read and the write (a parallel
        change)."""
        ...

    def touch_units(self, unor_ids: Iterable[str]) -> None:
        """Bump the frame version of each existing unit among `unor_ids` (unknown ids are skipped): something its
        days are judged against changed. `put_employee` bumps the units it moves an employee between itself."""
        ...

    def frame_stamps(self, unor_ids: Iterable[str]) -> dict[str, int]:
        """Each existing unit's frame version (0 before any bump), in one batch read."""
        ...

    # --- admin users and logins ---

    def create_admin(self, admin: AdminUser, password_hash: str, audit: AuditBatch | None = None) -> AdminUser:
        """A new admin user as `admin` names it (user name, role, units, and their own NIP when they are also an
        employee; a new admin is active, without MFA), with the `audit` entries naming its creation, all or none
        (ConditionFailed when the name is taken: nothing written)."""
        ...

    def get_admin(self, username: str) -> AdminUser | None: ...

    def admin_account(self, username: str) -> AdminAccount | None:
        """The admin user with their login credentials."""
        ...

    def list_admins(self) -> list[AdminUser]:
        """Every admin user, by user name (a regency has tens of them)."""
        ...

    def update_admin(
        self,
        current: AdminUser,
        change: AdminChange,
        unchanged: Sequence[AdminUser] = (),
        audit: AuditBatch | None = None,
    ) -> AdminUser:
        """Apply the change to the admin as read (`current`) and bump their token version, in one transaction
        that also requires every admin of `unchanged` to be as read and writes the `audit` entries naming the
        change (`AuditBatch`: all or none). ConditionFailed when any of them changed meanwhile (or `current` no
        longer exists)."""
        ...

    def start_admin_mfa(self, username: str, secret: str, audit: AuditBatch | None = None) -> None:
        """Keep a TOTP secret being set up (replacing one not confirmed), with the `audit` entries naming it, all
        or none; ConditionFailed for an unknown admin."""
        ...

    def enable_admin_mfa(self, username: str, secret: str, step: int, audit: AuditBatch | None = None) -> None:
        """Turn MFA on with the pending `secret`, whose OTP of time step `step` confirmed it (that step is
        spent), with the `audit` entries naming it, all or none; ConditionFailed when the pending secret is no
        longer `secret`."""
        ...

    def spend_admin_otp(self, username: str, step: int) -> None:
        """Record that an OTP of time step `step` was accepted; ConditionFailed when that step or a later one
        already was (a replay, or two logins racing with one OTP)."""
        ...

    def record_admin_login(self, username: str, at: str) -> None:
        """Stamp a successful login (ISO 8601 instant)."""
        ...

    def set_password(
        self, kind: AccountKind, key: str, password_hash: str, kept: str | None = None, audit: AuditBatch | None = None
    ) -> int:
        """Replace an existing account's password and end its sessions (token version + 1, returned) but the one
        `kept` names (`kept_marker`: the caller's, None for none); ConditionFailed when there is no such account.
        With `audit`, the entries naming the change are kept with it, all or none, and the change is made over the
        token version as read (ConditionFailed when the sessions were ended meanwhile)."""
        ...

    def revoke_tokens(self, kind: AccountKind, key: str) -> int:
        """End every session of an existing account (token version + 1, returned); ConditionFailed when there
        is no such account."""
        ...

    def end_session(self, kind: AccountKind, key: str, ended: str, forget: frozenset[str] = frozenset()) -> None:
        """End one session of an existing account (`ended_marker`), and forget the ended sessions `forget`
        names (expired ones); ConditionFailed when there is no such account."""
        ...

    # --- login limits (LoginGuardModel) ---

    def claim_login_attempt(self, scope: str, limit: int, window_s: int, now_epoch: int) -> AttemptClaim:
        """Take one of the `limit` evaluation slots of `scope` (an account's: `login_scope(kind, key)`); a slot is free
        when it was last taken at least `window_s` ago or given back. Atomic: however many callers race, at most
        `limit` claims of a scope succeed in any `window_s` seconds. Refused: seconds until a slot frees."""
        ...

    def release_login_attempt(self, scope: str, slot: str, claim_id: str) -> None:
        """Give a claimed slot back (the secret was right, and successes do not count; a worker ended), if the
        claim `claim_id` still holds it: one whose window passed may have been taken by another claim since,
        which keeps it."""
        ...

    def clear_login_attempts(self, scope: str, audit: AuditBatch | None = None) -> None:
        """Free every slot of the scope (a super admin's unlock), with the `audit` entries naming it: a failed
        entry frees nothing (slots beyond one transaction, at limits near `TRANSACTION_ITEMS`, are freed after)."""
        ...

    def claim_address_attempt(self, address: str, limit: int, now_epoch: int) -> AttemptClaim:
        """Count one login attempt from a source address: a slot of its scope for `ADDRESS_WINDOW_S` seconds, as
        `claim_login_attempt` (so any 60 s hold at most `limit`); refused with the seconds until one frees."""
        ...

    def release_address_attempt(self, address: str, slot: str, claim_id: str) -> None:
        """Take a counted attempt back (the login succeeded), as `release_login_attempt`."""
        ...


def _employee_model(nip: str) -> EmployeeModel | None:
    found: EmployeeModel | None = get_model(EmployeeModel, nip)
    return found


def extend_hint(hint: UnicodeAttribute, nip: str, until: str) -> None:
    """Move one of the employee's date hints (`EmployeeModel.duty_until`, `.plan_until`) to `until` if that is
    later. An absent hint stays absent (the record predates it: the rows it would sum up are unknown, so readers
    keep reading them), and an unknown employee stays unknown. Writers call it before writing their rows: a
    reader that sees a row also sees its hint."""
    try:
        with storage_call("dynamodb"):
            EmployeeModel(nip).update(actions=[hint.set(until)], condition=hint.exists() & (hint < until))
    except ConditionFailed:
        pass  # already as late, or unknown


def _admin_model(username: str) -> AdminModel | None:
    found: AdminModel | None = get_model(AdminModel, username)
    return found


def _admin_user(m: AdminModel) -> AdminUser:
    return AdminUser(
        username=m.username,
        role=m.role,
        unit_ids=frozenset(m.unit_ids or ()),
        token_version=int(m.token_version or 0),
        sessions=_sessions(m),
        active=m.active is not False,
        mfa_enabled=bool(m.mfa_enabled),
        last_login_at=m.last_login_at,
        nip=m.nip,
    )


def _zones_as_read(zone_ids: frozenset[str]) -> Condition:
    """The unit exists with the zones it was read with (none: the attribute is absent; DynamoDB compares string
    sets regardless of order)."""
    held: Condition = UnitModel.zone_ids == set(zone_ids) if zone_ids else UnitModel.zone_ids.does_not_exist()
    as_read: Condition = UnitModel.unor_id.exists() & held
    return as_read


def _admin_as_read(admin: AdminUser) -> Condition:
    """The admin's item exists with the token version it was read with (0 may be absent on old items)."""
    same: Condition = AdminModel.token_version == admin.token_version
    if admin.token_version == 0:
        same = same | AdminModel.token_version.does_not_exist()
    as_read: Condition = AdminModel.username.exists() & same
    return as_read


def _admin_actions(admin: AdminUser, change: AdminChange) -> list[Action]:
    actions: list[Action] = [AdminModel.token_version.set(admin.token_version + 1), AdminModel.kept_session.remove()]
    if change.active is not None:
        actions.append(AdminModel.active.set(change.active))
    if change.role is not None:
        actions.append(AdminModel.role.set(change.role))
    if change.unit_ids is not None:
        actions.append(
            AdminModel.unit_ids.set(set(change.unit_ids)) if change.unit_ids else AdminModel.unit_ids.remove()
        )
    if change.password_hash is not None:
        actions.append(AdminModel.password_hash.set(change.password_hash))
    if change.mfa_off:
        actions += [AdminModel.mfa_enabled.set(False), AdminModel.mfa_secret.remove(), AdminModel.mfa_pending.remove()]
    if change.nip is not None:
        actions.append(AdminModel.nip.set(change.nip))
    elif change.nip_off:
        actions.append(AdminModel.nip.remove())
    return actions


def _credentials(
    kind: AccountKind,
    key: str,
    m: EmployeeModel | AdminModel,
    activation_hash: str | None = None,
    activation_expires: int | None = None,
) -> Credentials:
    """The login part of an employee's or an admin's item: both tables carry the same lockout attributes."""
    return Credentials(
        kind=kind,
        key=key,
        password_hash=m.password_hash,
        activation_hash=activation_hash,
        activation_expires=activation_expires,
    )


def _account_item(kind: AccountKind, key: str) -> tuple[EmployeeModel | AdminModel, Condition]:
    """The item of an account, as a key for an update, and the condition that it exists."""
    if kind == "employee":
        return EmployeeModel(key), EmployeeModel.nip.exists()
    return AdminModel(key), AdminModel.username.exists()


def _bumped(cls: type[EmployeeModel] | type[AdminModel], kept: str | None) -> list[Action]:
    """The update that ends an account's sessions (token version + 1) but the one `kept` names (or none)."""
    keep = cls.kept_session.set(kept) if kept is not None else cls.kept_session.remove()
    return [cls.token_version.add(1), keep]


def _updated_version(model: EmployeeModel | AdminModel, exists: Condition, actions: list[Action]) -> int:
    """Apply `actions` (with a token version bump, `_bumped`) to the account `model` while `exists` holds; its new
    token version, as the update answers it."""
    with storage_call("dynamodb"):
        model.update(actions=actions, condition=exists)
    return int(model.token_version or 0)


class DynamoPeopleRepository:
    """`PeopleRepository` on the employees, devices, units and admins tables (chalicelib.store.models)."""

    # --- employees -----------------------------------------------------------------------------------

    def get_employee(self, nip: str) -> Employee | None:
        model = _employee_model(nip)
        return _employee(model) if model else None

    def get_employees(self, nips: Iterable[str]) -> list[Employee]:
        return batch_records(EmployeeModel, nips, _employee)

    def employee_account(self, nip: str) -> EmployeeAccount | None:
        """The employee with their login credentials (the same single read as `get_employee`)."""
        m = _employee_model(nip)
        if m is None:
            return None
        expires = None if m.activation_expires is None else int(m.activation_expires)
        credentials = _credentials("employee", m.nip, m, m.activation_hash, expires)
        return EmployeeAccount(_employee(m), credentials)

    def employees_of_unit(self, unor_id: str, cursor: str | None = None, limit: int = 100) -> Page:
        with storage_call("dynamodb"):
            result = EmployeeModel.by_unit.query(unor_id, limit=limit, last_evaluated_key=decode_cursor(cursor))
            items = [_employee(m) for m in result]
            return Page(items, encode_cursor(result.last_evaluated_key))

    def iter_employees_of_unit(self, unor_id: str) -> Iterator[Employee]:
        with storage_call("dynamodb"):
            for m in EmployeeModel.by_unit.query(unor_id):
                yield _employee(m)

    def members_of_unit(self, unor_id: str) -> list[Member]:
        """The unit's employees, reading only what a day's recap or monitor needs (a projected index query)."""
        with storage_call("dynamodb"):
            rows = EmployeeModel.by_unit.query(unor_id, attributes_to_get=_MEMBER)
            return [
                Member(m.nip, m.nama, bool(m.active), m.unit_since, m.deactivated_at, m.followed_since) for m in rows
            ]

    def count_employees(self, unor_id: str) -> int:
        with storage_call("dynamodb"):
            return int(EmployeeModel.by_unit.count(unor_id))

    def unit_counts(self, unor_id: str, model_ids: Collection[str]) -> UnitCounts:
        with storage_call("dynamodb"):
            # The same reads as count_employees (a Query pays for whole items); only five attributes travel.
            rows = EmployeeModel.by_unit.query(unor_id, attributes_to_get=_COUNTED)
            return unit_tallies(_counted(m, model_ids) for m in rows).get(unor_id, UnitCounts(0, 0, 0))

    def faces_to_forget(self, left_by: str) -> list[str]:
        """The employees Scan of `counts_of_all_units`, filtered by DynamoDB, the NIP projected."""
        forgotten = EmployeeModel.faces_forgotten_at
        departed = (
            (EmployeeModel.active == False)  # noqa: E712 (a pynamodb condition, not a comparison)
            & (EmployeeModel.deactivated_at <= left_by)
            & (forgotten.does_not_exist() | (forgotten < EmployeeModel.deactivated_at))
        )

        def segment(n: int) -> list[str]:
            with storage_call("dynamodb"):
                rows = EmployeeModel.scan(departed, segment=n, total_segments=SCAN_SEGMENTS, attributes_to_get=["nip"])
                return [m.nip for m in rows]

        with ThreadPoolExecutor(max_workers=SCAN_SEGMENTS) as pool:
            return sorted(nip for part in pool.map(segment, range(SCAN_SEGMENTS)) for nip in part)

    def faces_forgotten(self, nip: str, at: str) -> None:
        with storage_call("dynamodb"):
            EmployeeModel(nip).update(
                actions=[EmployeeModel.faces_forgotten_at.set(at)], condition=EmployeeModel.nip.exists()
            )

    def counts_of_all_units(self, model_ids: Collection[str]) -> dict[str, UnitCounts]:
        """A Scan of the employees table in SCAN_SEGMENTS parallel segments, five attributes projected: the
        reads of a Query per unit (a Scan pays for whole items too) in a few round trips instead of one per
        unit (decision 85; the API role's only Scan grant)."""
        with ThreadPoolExecutor(max_workers=SCAN_SEGMENTS) as pool:
            parts = list(pool.map(lambda segment: _counted_segment(segment, model_ids), range(SCAN_SEGMENTS)))
        return unit_tallies(row for part in parts for row in part)

    def put_employee(self, employee: Employee) -> None:
        """Create or overwrite an employee's HR fields, keeping login, phone and face state; a move or a
        reactivation ends the employee's sessions (`HrMarks.ends_sessions`)."""
        now = iso(utc_now())
        actions: list[Action] = [
            EmployeeModel.nama.set(employee.nama),
            EmployeeModel.unor_id.set(employee.unor_id),
            EmployeeModel.active.set(employee.active),
            EmployeeModel.updated_at.set(now),
        ]
        for attr, value in (
            (EmployeeModel.jabatan, employee.jabatan),
            (EmployeeModel.gelar_depan, employee.gelar_depan),
            (EmployeeModel.gelar_belakang, employee.gelar_belakang),
        ):
            actions.append(attr.set(value) if value else attr.remove())
        with storage_call("dynamodb"):
            answer = EmployeeModel._get_connection().update_item(employee.nip, actions=actions, return_values="ALL_OLD")
        old = answer.get("Attributes", {})
        before = _placement(old)
        marks = hr_actions(hr_marks(before, employee.unor_id, employee.active), now)
        if marks:
            with storage_call("dynamodb"):
                EmployeeModel(employee.nip).update(actions=marks)
        self.touch_units({employee.unor_id, before.unor_id if before else employee.unor_id})

    def set_activation(
        self, nip: str, code_hash: str, expires_epoch: int, issued_by: str, audit: AuditBatch | None = None
    ) -> None:
        """Give an existing employee a new one-time activation code (hashed), replacing any earlier one."""
        _write_activations([(nip, code_hash)], expires_epoch, issued_by, audit)

    def set_activations(self, codes: Sequence[tuple[str, str]], expires_epoch: int, issued_by: str) -> None:
        """One transaction per group: a unit's sheet of 500 codes is 5 requests instead of 500. A group followed by
        another has its codes as they were read first (one batch read), so a later group's failure puts the
        written ones back; a single group (one code, a small unit) needs no read."""
        written: list[tuple[str, EmployeeModel]] = []  # (the code set, the employee's codes before it)
        for start in range(0, len(codes), TRANSACTION_ITEMS):
            group = codes[start : start + TRANSACTION_ITEMS]
            last = start + TRANSACTION_ITEMS >= len(codes)
            try:
                before = {} if last else _activations_of([nip for nip, _ in group])
                _write_activations(group, expires_epoch, issued_by)
            except Exception:
                _put_back(written)
                raise
            written += [(code_hash, before[nip]) for nip, code_hash in group if nip in before]

    # --- phones --------------------------------------------------------------------------------------

    def bind_device(self, nip: str, binding: PhoneBinding, audit: AuditBatch | None = None) -> None:
        """Bind a phone to an employee atomically: a phone serves one employee, an employee one phone."""
        now, device_id = iso(utc_now()), binding.device_id
        condition: Condition = EmployeeModel.device_id.does_not_exist() | (EmployeeModel.device_id == device_id)
        if binding.approvals_seen is not None:
            condition &= _approvals_still(binding.approvals_seen)
        if binding.code_hash is not None:
            condition &= EmployeeModel.activation_hash == binding.code_hash
        if binding.taken_from == nip:  # one item twice in a transaction is a ValidationException, not a refusal
            raise ConditionFailed("dynamodb")
        phone_free: Condition = DeviceModel.device_id.does_not_exist() | (DeviceModel.nip == nip)
        with storage_call("dynamodb"), transaction() as tx:
            if binding.taken_from is not None:
                phone_free = DeviceModel.nip == binding.taken_from
                _take_from_leaver(tx, binding.taken_from, device_id, now)
            tx.save(DeviceModel(device_id, nip=nip, bound_at=now), condition=phone_free)
            actions: list[Action] = [
                EmployeeModel.device_id.set(device_id),
                EmployeeModel.updated_at.set(now),
                EmployeeModel.device_fingerprint.set(binding.fingerprint)
                if binding.fingerprint
                else EmployeeModel.device_fingerprint.remove(),
            ]
            if binding.password_hash is not None:
                actions += [
                    EmployeeModel.password_hash.set(binding.password_hash),
                    EmployeeModel.activation_hash.remove(),
                    EmployeeModel.activation_expires.remove(),
                ]
            if binding.reset_by:
                actions += _reset_noted(binding.reset_by, now)
            if binding.revoke:
                actions += [EmployeeModel.token_version.add(1), EmployeeModel.kept_session.remove()]
            tx.update(EmployeeModel(nip), actions=actions, condition=condition)
            save_in(tx, audit)

    def release_device(
        self, nip: str, device_id: str | None, reset: DeviceReset | None = None, audit: AuditBatch | None = None
    ) -> None:
        """Forget the bound phone; bumping the token version logs the old phone out."""
        now = iso(utc_now())
        condition: Condition = EmployeeModel.nip.exists()
        if reset is not None and reset.approvals_seen is not None:
            condition &= _approvals_still(reset.approvals_seen)
        noted = _reset_noted(reset.by, now) if reset else []
        with storage_call("dynamodb"), transaction() as tx:
            tx.update(EmployeeModel(nip), actions=[*_unbound(now), *noted], condition=condition)
            if device_id:
                tx.delete(DeviceModel(device_id), condition=DeviceModel.nip == nip)
            save_in(tx, audit)

    def device_owner(self, device_id: str) -> str | None:
        found = get_model(DeviceModel, device_id)
        return found.nip if found else None

    # --- units ---------------------------------------------------------------------------------------

    def get_unit(self, unor_id: str) -> Unit | None:
        found = get_model(UnitModel, unor_id)
        return _unit(found) if found else None

    def list_unit_ids(self) -> list[str]:
        with storage_call("dynamodb"):
            return [m.unor_id for m in UnitModel.all_units_index.query("UNIT")]

    def get_units(self, unor_ids: Iterable[str], *, consistent: bool = False) -> list[Unit]:
        return batch_records(UnitModel, unor_ids, _unit, consistent=consistent)

    def upsert_unit(self, unor_id: str, unor_nama: str) -> bool:
        """Create the unit or rename it; True when something changed."""
        existing = get_model(UnitModel, unor_id)
        if existing is not None and existing.unor_nama == unor_nama:
            return False
        now = iso(utc_now())
        with storage_call("dynamodb"):
            if existing is None:
                UnitModel(unor_id, unor_nama=unor_nama, updated_at=now).save()
            else:
                existing.update(actions=[UnitModel.unor_nama.set(unor_nama), UnitModel.updated_at.set(now)])
        return True

    def set_unit_zones(
        self, unor_id: str, zone_ids: set[str], audit: AuditOf[frozenset[str]] | None = None
    ) -> frozenset[str]:
        # One consistent GetItem for the zones replaced, then the write, conditioned on the zones as read, and its
        # audit entries in one transaction: the entry's `before` is what the write replaced.
        found: UnitModel | None = get_model(UnitModel, unor_id)
        if found is None:
            raise ConditionFailed("dynamodb")
        replaced = _unit(found).zone_ids
        actions: list[Action] = [UnitModel.updated_at.set(iso(utc_now()))]
        actions.append(UnitModel.zone_ids.set(zone_ids) if zone_ids else UnitModel.zone_ids.remove())
        with storage_call("dynamodb"), transaction() as tx:
            tx.update(UnitModel(unor_id), actions=actions, condition=_zones_as_read(replaced))
            save_in(tx, audit(replaced) if audit is not None else None)
        _UNITS.forget(unor_id)
        return replaced

    def touch_units(self, unor_ids: Iterable[str]) -> None:
        for unor_id in sorted(set(unor_ids)):
            try:
                with storage_call("dynamodb"):
                    UnitModel(unor_id).update(
                        actions=[UnitModel.frame_version.add(1)], condition=UnitModel.unor_id.exists()
                    )
            except ConditionFailed:
                continue  # no such unit: nothing is judged against it

    def frame_stamps(self, unor_ids: Iterable[str]) -> dict[str, int]:
        """Projected on the version (the summary reads it on every poll)."""
        wanted = sorted(set(unor_ids))
        with storage_call("dynamodb"):
            found = UnitModel.batch_get(wanted, attributes_to_get=["unor_id", "frame_version"]) if wanted else []
            return {m.unor_id: int(m.frame_version or 0) for m in found}

    # --- admin users and logins ----------------------------------------------------------------------

    def create_admin(self, admin: AdminUser, password_hash: str, audit: AuditBatch | None = None) -> AdminUser:
        model = AdminModel(
            admin.username,
            password_hash=password_hash,
            role=admin.role,
            unit_ids=set(admin.unit_ids) or None,
            created_at=iso(utc_now()),
            nip=admin.nip,
        )
        with storage_call("dynamodb"), transaction() as tx:
            tx.save(model, condition=AdminModel.username.does_not_exist())
            save_in(tx, audit)
        return _admin_user(model)

    def get_admin(self, username: str) -> AdminUser | None:
        model = _admin_model(username)
        return _admin_user(model) if model else None

    def admin_account(self, username: str) -> AdminAccount | None:
        """The admin user with their login credentials (one read)."""
        m = _admin_model(username)
        if m is None:
            return None
        credentials = replace(
            _credentials("admin", m.username, m),
            mfa_secret=m.mfa_secret,
            mfa_pending=m.mfa_pending,
            mfa_last_step=int(m.mfa_last_step or 0),
        )
        return AdminAccount(_admin_user(m), credentials)

    def list_admins(self) -> list[AdminUser]:
        with storage_call("dynamodb"):
            return sorted((_admin_user(m) for m in AdminModel.scan(consistent_read=True)), key=lambda a: a.username)

    def update_admin(
        self,
        current: AdminUser,
        change: AdminChange,
        unchanged: Sequence[AdminUser] = (),
        audit: AuditBatch | None = None,
    ) -> AdminUser:
        with storage_call("dynamodb"), transaction() as tx:
            tx.update(
                AdminModel(current.username), actions=_admin_actions(current, change), condition=_admin_as_read(current)
            )
            for other in unchanged:
                tx.condition_check(AdminModel, other.username, condition=_admin_as_read(other))
            save_in(tx, audit)
        updated = self.get_admin(current.username)
        if updated is None:  # pragma: no cover - deleted right after the update; admins are never deleted
            raise ConditionFailed("dynamodb")
        return updated

    def start_admin_mfa(self, username: str, secret: str, audit: AuditBatch | None = None) -> None:
        with storage_call("dynamodb"), transaction() as tx:
            tx.update(
                AdminModel(username),
                actions=[AdminModel.mfa_pending.set(secret)],
                condition=AdminModel.username.exists(),
            )
            save_in(tx, audit)

    def enable_admin_mfa(self, username: str, secret: str, step: int, audit: AuditBatch | None = None) -> None:
        actions: list[Action] = [
            AdminModel.mfa_secret.set(secret),
            AdminModel.mfa_enabled.set(True),
            AdminModel.mfa_last_step.set(step),
            AdminModel.mfa_pending.remove(),
        ]
        with storage_call("dynamodb"), transaction() as tx:
            tx.update(AdminModel(username), actions=actions, condition=AdminModel.mfa_pending == secret)
            save_in(tx, audit)

    def spend_admin_otp(self, username: str, step: int) -> None:
        unspent = AdminModel.mfa_last_step.does_not_exist() | (AdminModel.mfa_last_step < step)
        with storage_call("dynamodb"):
            AdminModel(username).update(
                actions=[AdminModel.mfa_last_step.set(step)], condition=AdminModel.username.exists() & unspent
            )

    def record_admin_login(self, username: str, at: str) -> None:
        with storage_call("dynamodb"):
            AdminModel(username).update(actions=[AdminModel.last_login_at.set(at)])

    def set_password(
        self, kind: AccountKind, key: str, password_hash: str, kept: str | None = None, audit: AuditBatch | None = None
    ) -> int:
        model, exists = _account_item(kind, key)
        cls = type(model)
        change = [cls.password_hash.set(password_hash), *_bumped(cls, kept)]
        if audit is None:
            return _updated_version(model, exists, change)
        # A transaction answers no new values: the bump is made over the version as read, which it answers + 1.
        held = get_model(cls, key)
        if held is None:
            raise ConditionFailed("dynamodb")
        version = int(held.token_version or 0)
        as_read: Condition = cls.token_version == version
        if not version:  # an account whose sessions never ended may have no version stored (read as 0)
            as_read = as_read | cls.token_version.does_not_exist()
        with storage_call("dynamodb"), transaction() as tx:
            tx.update(model, actions=change, condition=exists & as_read)
            save_in(tx, audit)
        return version + 1

    def revoke_tokens(self, kind: AccountKind, key: str) -> int:
        model, exists = _account_item(kind, key)
        return _updated_version(model, exists, _bumped(type(model), None))

    def end_session(self, kind: AccountKind, key: str, ended: str, forget: frozenset[str] = frozenset()) -> None:
        model, exists = _account_item(kind, key)
        cls = type(model)
        with storage_call("dynamodb"):
            model.update(actions=[cls.ended_sessions.add({ended})], condition=exists)
            if forget - {ended}:  # one update cannot both add to and delete from the same set
                model.update(actions=[cls.ended_sessions.delete(set(forget - {ended}))])

    # --- login limits --------------------------------------------------------------------------------

    def claim_login_attempt(self, scope: str, limit: int, window_s: int, now_epoch: int) -> AttemptClaim:
        """One read of the scope's slots, then a conditional write on a slot that looked free (another one if a
        racing login took it first): the condition, not the read, decides. The write names this claim, so a
        write that took the slot but whose answer was lost (a timeout, retried by the SDK) finds the slot its
        own instead of taking a second one."""
        with storage_call("dynamodb"):
            used = {m.slot: int(m.used_at or 0) for m in LoginGuardModel.query(scope, consistent_read=True)}
        cutoff = now_epoch - window_s
        slots = [str(i) for i in range(limit)]
        free = [s for s in slots if used.get(s, 0) <= cutoff]
        _SHUFFLE.shuffle(free)  # racing logins mostly try different slots: few failed conditional writes
        for slot in free:
            item = LoginGuardModel(scope, slot)
            claim_id = secrets.token_hex(8)
            actions: list[Action] = [
                LoginGuardModel.used_at.set(now_epoch),
                LoginGuardModel.claim_id.set(claim_id),
                LoginGuardModel.expires.set(_epoch_time(now_epoch + window_s + 60)),
            ]
            free = (
                LoginGuardModel.used_at.does_not_exist()
                | (LoginGuardModel.used_at <= cutoff)
                | (LoginGuardModel.claim_id == claim_id)
            )
            try:
                with storage_call("dynamodb"):
                    item.update(actions=actions, condition=free)
            except ConditionFailed:
                continue
            return AttemptClaim(slot, claim_id=claim_id)
        return AttemptClaim(None, _retry_after([used.get(s, now_epoch) for s in slots], window_s, now_epoch))

    def release_login_attempt(self, scope: str, slot: str, claim_id: str) -> None:
        """A conditional write: the slot is freed only while it names this claim (a slot never taken, or taken
        by another claim since, is left as it is)."""
        try:
            with storage_call("dynamodb"):
                LoginGuardModel(scope, slot).update(
                    actions=[LoginGuardModel.used_at.set(0)], condition=LoginGuardModel.claim_id == claim_id
                )
        except ConditionFailed:
            return

    def clear_login_attempts(self, scope: str, audit: AuditBatch | None = None) -> None:
        freed: list[Action] = [LoginGuardModel.used_at.set(0)]
        with storage_call("dynamodb"):
            held = [m for m in LoginGuardModel.query(scope, consistent_read=True) if m.used_at]
        first = 0
        if audit is not None:  # the entries and the slots that fit beside them, all or none
            first = TRANSACTION_ITEMS - len(audit.rows)
            with storage_call("dynamodb"), transaction() as tx:
                for m in held[:first]:
                    tx.update(m, actions=freed)
                save_in(tx, audit)
        with storage_call("dynamodb"):
            for m in held[first:]:
                m.update(actions=freed)

    def claim_address_attempt(self, address: str, limit: int, now_epoch: int) -> AttemptClaim:
        return self.claim_login_attempt(address_scope(address), limit, ADDRESS_WINDOW_S, now_epoch)

    def release_address_attempt(self, address: str, slot: str, claim_id: str) -> None:
        self.release_login_attempt(address_scope(address), slot, claim_id)


_SHUFFLE = secrets.SystemRandom()


def _unbound(now: str) -> list[Action]:
    """The employee's phone binding ended: phone and its fingerprint forgotten, every token and kept session of it
    void (the token version moves)."""
    return [
        EmployeeModel.device_id.remove(),
        EmployeeModel.device_fingerprint.remove(),
        EmployeeModel.token_version.add(1),
        EmployeeModel.kept_session.remove(),
        EmployeeModel.updated_at.set(now),
    ]


def _take_from_leaver(tx: TransactWrite, leaver: str, device_id: str, now: str) -> None:
    """In a binding's transaction: end the binding of the leaver the phone is taken from (`PhoneBinding.taken_from`)
    and their sessions, on condition that SIMPEG still has them inactive and the phone is still theirs."""
    tx.update(
        EmployeeModel(leaver),
        actions=_unbound(now),
        condition=(EmployeeModel.active == False) & (EmployeeModel.device_id == device_id),  # noqa: E712
    )


def _epoch_time(epoch_s: int) -> datetime:
    return datetime.fromtimestamp(epoch_s, UTC)


def _retry_after(used_at: Iterable[int], window_s: int, now_epoch: int) -> int:
    """Seconds until the earliest of the slots frees (at least 1)."""
    return max(1, min(used_at, default=now_epoch) + window_s - now_epoch)


# --- caches of the check-in and monitor paths ----------------------------------------------------------

_MEMBERS: TtlCache[list[Member]] = TtlCache(ttl_s=60, max_entries=256)
_UNITS: TtlCache[Unit | None] = TtlCache(ttl_s=60)


def _activation_actions(code_hash: str, expires_epoch: int, issued_by: str) -> list[Action]:
    return [
        EmployeeModel.activation_hash.set(code_hash),
        EmployeeModel.activation_expires.set(expires_epoch),
        EmployeeModel.code_issued_by.set(issued_by),
    ]


def _write_activations(
    group: Sequence[tuple[str, str]], expires_epoch: int, issued_by: str, audit: AuditBatch | None = None
) -> None:
    """One transaction: each (NIP, code hash) of `group` on its existing employee, and the `audit` entries."""
    with storage_call("dynamodb"), transaction() as tx:
        for nip, code_hash in group:
            actions = _activation_actions(code_hash, expires_epoch, issued_by)
            tx.update(EmployeeModel(nip), actions=actions, condition=EmployeeModel.nip.exists())
        save_in(tx, audit)


_ACTIVATION_FIELDS = ["nip", "activation_hash", "activation_expires", "code_issued_by"]


def _activations_of(nips: Sequence[str]) -> dict[str, EmployeeModel]:
    """The employees' activation codes as stored now (an employee not stored: none), by NIP."""
    with storage_call("dynamodb"):
        found = {
            m.nip: m for m in EmployeeModel.batch_get(nips, consistent_read=True, attributes_to_get=_ACTIVATION_FIELDS)
        }
    return {nip: found.get(nip) or EmployeeModel(nip) for nip in nips}


def _put_back(written: Sequence[tuple[str, EmployeeModel]]) -> None:
    """Put the codes a failed batch wrote back as they were, a group at a time, where the batch's code is still
    there (a group in which one was set since, another admin's single code, stays). A put-back that fails too is
    logged: the batch's failure is answered (503 or 409) and the admin's retry sets every code of a new sheet."""
    for start in range(0, len(written), TRANSACTION_ITEMS):
        group = written[start : start + TRANSACTION_ITEMS]
        try:
            with storage_call("dynamodb"), transaction() as tx:
                for code_hash, before in group:
                    condition = EmployeeModel.activation_hash == code_hash
                    tx.update(EmployeeModel(before.nip), actions=_restoring(before), condition=condition)
        except Exception:
            observability.logger.exception(
                "activation codes of a failed batch not put back", extra={"codes": len(group)}
            )


def _restoring(before: EmployeeModel) -> list[Action]:
    """The actions that set an employee's activation code fields to `before`'s (removing those it lacks)."""
    fields = (EmployeeModel.activation_hash, EmployeeModel.activation_expires, EmployeeModel.code_issued_by)
    return [
        f.set(getattr(before, f.attr_name)) if getattr(before, f.attr_name) is not None else f.remove() for f in fields
    ]


def cached_members_of_unit(repo: PeopleRepository, unor_id: str) -> list[Member]:
    """The unit's members as read at most a minute ago: the live monitor is polled every 30 s per unit, and
    the members change with the nightly SIMPEG sync or an admin's edit."""
    return _MEMBERS.get(unor_id, lambda: repo.members_of_unit(unor_id))


def cached_unit(repo: PeopleRepository, unor_id: str) -> Unit | None:
    """The unit as read at most a minute ago: the check-in path reads it for every employee."""
    return _UNITS.get(unor_id, lambda: repo.get_unit(unor_id))


__all__ = [
    "AdminUser",
    "ConditionFailed",
    "DynamoPeopleRepository",
    "Employee",
    "Page",
    "PeopleRepository",
    "Unit",
]
