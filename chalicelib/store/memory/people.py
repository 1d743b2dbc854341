"""In-memory twin of the people repository (`chalicelib.store.people.PeopleRepository`), for tests and tools.

It keeps the same records in dicts and answers exactly as the DynamoDB repository does, as pinned by
`tests/unit/store/people_contract.py`, which both pass. A failed condition raises the store's ConditionFailed.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import replace
from typing import Literal, TypeVar

from chalicelib.domain import people as domain
from chalicelib.store.audit import AuditBatch, AuditOf
from chalicelib.store.base import ConditionFailed, iso, utc_now

_H = TypeVar("_H", bound=domain.Employee | domain.AdminUser)


class InMemoryPeopleRepository:
    """Employees by NIP, phones by device id, units by id, admin users by name, credentials by account."""

    def __init__(self) -> None:
        self._employees: dict[str, domain.Employee] = {}
        self._devices: dict[str, str] = {}
        self._units: dict[str, domain.Unit] = {}
        self._frame_versions: dict[str, int] = {}
        self._admins: dict[str, domain.AdminUser] = {}
        self._credentials: dict[tuple[domain.AccountKind, str], domain.Credentials] = {}
        # Login limits by (scope, slot): an account slot's last use (epoch s), an address minute's count.
        self._slots: dict[tuple[str, str], int] = {}
        self._claims: dict[tuple[str, str], str] = {}  # the claim that last took each slot
        self._lock = threading.Lock()

    def _secrets(self, kind: domain.AccountKind, key: str) -> domain.Credentials:
        return self._credentials.get((kind, key)) or domain.Credentials(kind, key)

    # --- employees -----------------------------------------------------------------------------------

    def get_employee(self, nip: str) -> domain.Employee | None:
        with self._lock:
            return self._employees.get(nip)

    def get_employees(self, nips: Iterable[str]) -> list[domain.Employee]:
        with self._lock:
            return [self._employees[n] for n in sorted(set(nips)) if n in self._employees]

    def employee_account(self, nip: str) -> domain.EmployeeAccount | None:
        with self._lock:
            employee = self._employees.get(nip)
            return None if employee is None else domain.EmployeeAccount(employee, self._secrets("employee", nip))

    def _of_unit(self, unor_id: str) -> list[domain.Employee]:
        with self._lock:
            return sorted((e for e in self._employees.values() if e.unor_id == unor_id), key=lambda e: e.nip)

    def employees_of_unit(self, unor_id: str, cursor: str | None = None, limit: int = 100) -> domain.Page:
        """The cursor is the last NIP of the page before."""
        rest = [e for e in self._of_unit(unor_id) if cursor is None or e.nip > cursor]
        page = rest[:limit]
        return domain.Page(page, page[-1].nip if len(rest) > limit else None)

    def iter_employees_of_unit(self, unor_id: str) -> Iterator[domain.Employee]:
        yield from self._of_unit(unor_id)

    def members_of_unit(self, unor_id: str) -> list[domain.Member]:
        return [e.as_member() for e in self._of_unit(unor_id)]

    def count_employees(self, unor_id: str) -> int:
        return len(self._of_unit(unor_id))

    def unit_counts(self, unor_id: str, model_ids: Collection[str]) -> domain.UnitCounts:
        return self._tallies(self._of_unit(unor_id), model_ids).get(unor_id, domain.UnitCounts(0, 0, 0))

    def faces_to_forget(self, left_by: str) -> list[str]:
        with self._lock:
            employees = list(self._employees.values())
        return sorted(e.nip for e in employees if e.faces_due(left_by))

    def faces_forgotten(self, nip: str, at: str) -> None:
        with self._lock:
            if nip not in self._employees:
                raise ConditionFailed("dynamodb")
            self._employees[nip] = replace(self._employees[nip], faces_forgotten_at=at)

    def counts_of_all_units(self, model_ids: Collection[str]) -> dict[str, domain.UnitCounts]:
        with self._lock:
            employees = list(self._employees.values())
        return self._tallies(employees, model_ids)

    def _tallies(
        self, employees: Iterable[domain.Employee], model_ids: Collection[str]
    ) -> dict[str, domain.UnitCounts]:
        return domain.unit_tallies(e.onboarded(model_ids) for e in employees)

    def put_employee(self, employee: domain.Employee) -> None:
        with self._lock:
            now = iso(utc_now())
            known = self._employees.get(employee.nip)
            kept = known or domain.Employee(employee.nip, employee.nama, employee.unor_id)
            moved = {kept.unor_id, employee.unor_id}
            before = domain.Placement(known.unor_id, known.active) if known else None
            marks = domain.hr_marks(before, employee.unor_id, employee.active)
            self._employees[employee.nip] = replace(
                _bumped(kept) if marks.ends_sessions else kept,
                unit_since=marks.unit_since(kept.unit_since, now),
                deactivated_at=marks.deactivated_at(kept.deactivated_at, now),
                followed_since=marks.followed_since(kept.followed_since, now),
                nama=employee.nama,
                unor_id=employee.unor_id,
                active=employee.active,
                jabatan=employee.jabatan or None,
                gelar_depan=employee.gelar_depan or None,
                gelar_belakang=employee.gelar_belakang or None,
            )
        self.touch_units(moved)

    def set_activation(
        self, nip: str, code_hash: str, expires_epoch: int, issued_by: str, audit: AuditBatch | None = None
    ) -> None:
        self._set_codes([(nip, code_hash)], expires_epoch, issued_by, audit)

    def set_activations(self, codes: Sequence[tuple[str, str]], expires_epoch: int, issued_by: str) -> None:
        """All or nothing under the lock (DynamoDB's groups put back as they were when one fails)."""
        self._set_codes(codes, expires_epoch, issued_by)

    def _set_codes(
        self, codes: Sequence[tuple[str, str]], expires_epoch: int, issued_by: str, audit: AuditBatch | None = None
    ) -> None:
        with self._lock:
            if any(nip not in self._employees for nip, _ in codes):
                raise ConditionFailed("dynamodb")
            if audit is not None:
                audit.write()
            for nip, code_hash in codes:
                held = self._secrets("employee", nip)
                self._credentials["employee", nip] = replace(
                    held, activation_hash=code_hash, activation_expires=expires_epoch
                )
                self._employees[nip] = replace(self._employees[nip], code_issued_by=issued_by)

    def extend_hint(self, hint: Literal["duty_until", "plan_until"], nip: str, until: str) -> None:
        """The zones and calendar twins' write: move an existing date hint to `until` when that is later (an
        absent hint, or an unknown employee, stays as it is), as `chalicelib.store.people.extend_hint` does."""
        with self._lock:
            employee = self._employees.get(nip)
            current = getattr(employee, hint, None)
            if employee is None or current is None or current >= until:
                return
            if hint == "duty_until":
                self._employees[nip] = replace(employee, duty_until=until)
            else:
                self._employees[nip] = replace(employee, plan_until=until)

    # --- phones --------------------------------------------------------------------------------------

    def bind_device(self, nip: str, binding: domain.PhoneBinding, audit: AuditBatch | None = None) -> None:
        """Callers bind employees they have just read: an unknown NIP is refused here (DynamoDB would write
        a partial record, a case no caller reaches)."""
        device_id, seen = binding.device_id, binding.approvals_seen
        with self._lock:
            employee = self._employees.get(nip)
            if (
                employee is None
                or not self._phone_free_for(nip, binding)
                or employee.device_id not in (None, device_id)
            ):
                raise ConditionFailed("dynamodb")
            if seen is not None and employee.face_approvals != seen:
                raise ConditionFailed("dynamodb")
            if binding.code_hash is not None and self._secrets("employee", nip).activation_hash != binding.code_hash:
                raise ConditionFailed("dynamodb")
            if audit is not None:
                audit.write()  # its failure binds nothing, as a failed transaction does
            if binding.taken_from is not None:
                leaver = self._employees[binding.taken_from]
                self._employees[leaver.nip] = replace(_bumped(leaver), device_id=None, device_fingerprint=None)
            self._devices[device_id] = nip
            employee = replace(employee, device_id=device_id, device_fingerprint=binding.fingerprint or None)
            if binding.reset_by:
                employee = _reset_noted(employee, binding.reset_by)
            self._employees[nip] = _bumped(employee) if binding.revoke else employee
            if binding.password_hash is not None:
                secrets = self._secrets("employee", nip)
                self._credentials["employee", nip] = replace(
                    secrets, password_hash=binding.password_hash, activation_hash=None, activation_expires=None
                )

    def _phone_free_for(self, nip: str, binding: domain.PhoneBinding) -> bool:
        """Under the lock: the phone is unbound or `nip`'s, or (with `taken_from`) still bound to that leaver, who
        is still inactive, as `DynamoPeopleRepository.bind_device`'s conditions say."""
        owner = self._devices.get(binding.device_id)
        if binding.taken_from is None:
            return owner in (None, nip)
        leaver = self._employees.get(binding.taken_from)
        return binding.taken_from != nip and owner == binding.taken_from and leaver is not None and not leaver.active

    def release_device(
        self, nip: str, device_id: str | None, reset: domain.DeviceReset | None = None, audit: AuditBatch | None = None
    ) -> None:
        with self._lock:
            employee = self._employees.get(nip)
            if employee is None or (device_id and self._devices.get(device_id) != nip):
                raise ConditionFailed("dynamodb")
            if reset is not None and reset.approvals_seen not in (None, employee.face_approvals):
                raise ConditionFailed("dynamodb")
            if audit is not None:
                audit.write()  # its failure keeps the phone bound, as a failed transaction does
            employee = replace(_bumped(employee), device_id=None, device_fingerprint=None)
            if reset is not None:
                employee = _reset_noted(employee, reset.by)
            self._employees[nip] = employee
            if device_id:
                del self._devices[device_id]

    def device_owner(self, device_id: str) -> str | None:
        with self._lock:
            return self._devices.get(device_id)

    # --- units ---------------------------------------------------------------------------------------

    def get_unit(self, unor_id: str) -> domain.Unit | None:
        with self._lock:
            return self._units.get(unor_id)

    def get_units(self, unor_ids: Iterable[str], *, consistent: bool = False) -> list[domain.Unit]:
        with self._lock:
            return [self._units[k] for k in sorted(set(unor_ids)) if k in self._units]

    def list_unit_ids(self) -> list[str]:
        with self._lock:
            return sorted(self._units)

    def upsert_unit(self, unor_id: str, unor_nama: str) -> bool:
        with self._lock:
            existing = self._units.get(unor_id)
            if existing is not None and existing.unor_nama == unor_nama:
                return False
            self._units[unor_id] = (
                domain.Unit(unor_id, unor_nama) if existing is None else replace(existing, unor_nama=unor_nama)
            )
            return True

    def set_unit_zones(
        self, unor_id: str, zone_ids: set[str], audit: AuditOf[frozenset[str]] | None = None
    ) -> frozenset[str]:
        with self._lock:
            unit = self._units.get(unor_id)
            if unit is None:
                raise ConditionFailed("dynamodb")
            if audit is not None:
                audit(unit.zone_ids).write()  # its failure leaves the zones as they were, as a failed transaction does
            self._units[unor_id] = replace(unit, zone_ids=frozenset(zone_ids))
            return unit.zone_ids

    def touch_units(self, unor_ids: Iterable[str]) -> None:
        with self._lock:
            for unor_id in set(unor_ids) & self._units.keys():
                self._frame_versions[unor_id] = self._frame_versions.get(unor_id, 0) + 1

    def frame_stamps(self, unor_ids: Iterable[str]) -> dict[str, int]:
        with self._lock:
            return {k: self._frame_versions.get(k, 0) for k in sorted(set(unor_ids)) if k in self._units}

    # --- admin users and logins ----------------------------------------------------------------------

    def create_admin(
        self, admin: domain.AdminUser, password_hash: str, audit: AuditBatch | None = None
    ) -> domain.AdminUser:
        with self._lock:
            if admin.username in self._admins:
                raise ConditionFailed("dynamodb")
            if audit is not None:
                audit.write()  # its failure creates no admin, as a failed transaction does
            created = domain.AdminUser(admin.username, admin.role, admin.unit_ids, nip=admin.nip)
            self._admins[admin.username] = created
            self._credentials["admin", admin.username] = domain.Credentials("admin", admin.username, password_hash)
            return created

    def get_admin(self, username: str) -> domain.AdminUser | None:
        with self._lock:
            return self._admins.get(username)

    def admin_account(self, username: str) -> domain.AdminAccount | None:
        with self._lock:
            admin = self._admins.get(username)
            return None if admin is None else domain.AdminAccount(admin, self._secrets("admin", username))

    def list_admins(self) -> list[domain.AdminUser]:
        with self._lock:
            return sorted(self._admins.values(), key=lambda a: a.username)

    def update_admin(
        self,
        current: domain.AdminUser,
        change: domain.AdminChange,
        unchanged: Sequence[domain.AdminUser] = (),
        audit: AuditBatch | None = None,
    ) -> domain.AdminUser:
        with self._lock:
            for admin in (current, *unchanged):
                stored = self._admins.get(admin.username)
                if stored is None or stored.token_version != admin.token_version:
                    raise ConditionFailed("dynamodb")
            if audit is not None:
                audit.write()  # its failure leaves the admin as they were, as a failed transaction does
            stored = self._admins[current.username]
            updated = replace(
                _bumped(stored),
                active=stored.active if change.active is None else change.active,
                role=change.role or stored.role,
                unit_ids=stored.unit_ids if change.unit_ids is None else frozenset(change.unit_ids),
                mfa_enabled=stored.mfa_enabled and not change.mfa_off,
                nip=change.nip or (None if change.nip_off else stored.nip),
            )
            self._admins[current.username] = updated
            if change.password_hash is not None:
                self._change_secrets(current.username, password_hash=change.password_hash)
            if change.mfa_off:
                self._change_secrets(current.username, mfa_secret=None, mfa_pending=None)
            return updated

    def _change_secrets(self, username: str, **changes: object) -> None:
        """Change an existing admin's credentials (the caller holds the lock)."""
        secrets = self._secrets("admin", username)
        self._credentials["admin", username] = replace(secrets, **changes)  # type: ignore[arg-type]

    def start_admin_mfa(self, username: str, secret: str, audit: AuditBatch | None = None) -> None:
        with self._lock:
            if username not in self._admins:
                raise ConditionFailed("dynamodb")
            if audit is not None:
                audit.write()
            self._change_secrets(username, mfa_pending=secret)

    def enable_admin_mfa(self, username: str, secret: str, step: int, audit: AuditBatch | None = None) -> None:
        with self._lock:
            if username not in self._admins or self._secrets("admin", username).mfa_pending != secret:
                raise ConditionFailed("dynamodb")
            if audit is not None:
                audit.write()
            self._change_secrets(username, mfa_secret=secret, mfa_pending=None, mfa_last_step=step)
            self._admins[username] = replace(self._admins[username], mfa_enabled=True)

    def spend_admin_otp(self, username: str, step: int) -> None:
        with self._lock:
            if username not in self._admins or self._secrets("admin", username).mfa_last_step >= step:
                raise ConditionFailed("dynamodb")
            self._change_secrets(username, mfa_last_step=step)

    def record_admin_login(self, username: str, at: str) -> None:
        with self._lock:
            if username in self._admins:
                self._admins[username] = replace(self._admins[username], last_login_at=at)

    def set_password(
        self,
        kind: domain.AccountKind,
        key: str,
        password_hash: str,
        kept: str | None = None,
        audit: AuditBatch | None = None,
    ) -> int:
        with self._lock:
            self._holder(kind, key)  # ConditionFailed, writing nothing, when there is no such account
            if audit is not None:
                audit.write()  # its failure keeps the password and the sessions, as a failed transaction does
            version = self._bump_version(kind, key, kept)
            self._credentials[kind, key] = replace(self._secrets(kind, key), password_hash=password_hash)
            return version

    def revoke_tokens(self, kind: domain.AccountKind, key: str) -> int:
        with self._lock:
            return self._bump_version(kind, key)

    def end_session(self, kind: domain.AccountKind, key: str, ended: str, forget: frozenset[str] = frozenset()) -> None:
        with self._lock:
            holder = self._holder(kind, key)
            sessions = holder.sessions
            self._store_holder(replace(holder, sessions=replace(sessions, ended=(sessions.ended - forget) | {ended})))

    def _bump_version(self, kind: domain.AccountKind, key: str, kept: str | None = None) -> int:
        """Token version + 1 of an existing account (under the lock); ConditionFailed when there is none."""
        bumped = _bumped(self._holder(kind, key), kept)
        self._store_holder(bumped)
        return bumped.token_version

    def _holder(self, kind: domain.AccountKind, key: str) -> domain.Employee | domain.AdminUser:
        """An existing account's holder (under the lock); ConditionFailed when there is none."""
        holder = (self._employees if kind == "employee" else self._admins).get(key)
        if holder is None:
            raise ConditionFailed("dynamodb")
        return holder

    def _store_holder(self, holder: domain.Employee | domain.AdminUser) -> None:
        if isinstance(holder, domain.Employee):
            self._employees[holder.nip] = holder
        else:
            self._admins[holder.username] = holder

    # --- login limits --------------------------------------------------------------------------------

    def claim_login_attempt(self, scope: str, limit: int, window_s: int, now_epoch: int) -> domain.AttemptClaim:
        with self._lock:
            used = [self._slots.get((scope, str(i)), 0) for i in range(limit)]
            for i, used_at in enumerate(used):
                if used_at <= now_epoch - window_s:
                    claim = domain.AttemptClaim(str(i), claim_id=secrets.token_hex(8))
                    self._slots[scope, str(i)] = now_epoch
                    self._claims[scope, str(i)] = claim.claim_id
                    return claim
            return domain.AttemptClaim(None, max(1, min(used) + window_s - now_epoch))

    def release_login_attempt(self, scope: str, slot: str, claim_id: str) -> None:
        with self._lock:
            if self._claims.get((scope, slot)) == claim_id:
                self._slots[scope, slot] = 0

    def clear_login_attempts(self, scope: str, audit: AuditBatch | None = None) -> None:
        with self._lock:
            if audit is not None:
                audit.write()
            for key in [k for k in self._slots if k[0] == scope]:
                self._slots[key] = 0

    def claim_address_attempt(self, address: str, limit: int, now_epoch: int) -> domain.AttemptClaim:
        return self.claim_login_attempt(domain.address_scope(address), limit, domain.ADDRESS_WINDOW_S, now_epoch)

    def release_address_attempt(self, address: str, slot: str, claim_id: str) -> None:
        self.release_login_attempt(domain.address_scope(address), slot, claim_id)

    # --- face state ----------------------------------------------------------------------------------

    def update_face_state(
        self,
        nip: str,
        templates_added: int = 0,
        face_model: str | None = None,
        *,
        pending_added: int = 0,
        approved: bool = False,
        rejected: bool = False,
        unless_reset_since: str | None = None,
    ) -> None:
        """The faces twin's share of its writes: DynamoDB updates the employee's template counts (approved and
        pending), models and counts of approvals and rejections (`approved`, `rejected`: one more) in the faces
        repository's own transactions, on condition that the phone was not reset at or after `unless_reset_since`
        (ConditionFailed, nothing changed). An unknown NIP is left alone (no caller reaches it)."""
        with self._lock:
            employee = self._employees.get(nip)
            if employee is None:
                return
            reset_at = employee.device_reset_at
            if unless_reset_since is not None and reset_at is not None and reset_at >= unless_reset_since:
                raise ConditionFailed("dynamodb")
            self._employees[nip] = replace(
                employee,
                template_count=employee.template_count + templates_added,
                pending_faces=employee.pending_faces + pending_added,
                face_model=face_model or employee.face_model,
                face_approvals=employee.face_approvals + approved,
                face_rejections=employee.face_rejections + rejected,
            )


def _reset_noted(employee: domain.Employee, by: str) -> domain.Employee:
    """`employee` with a device reset by `by` noted now, as `DynamoPeopleRepository`'s `_reset_noted` writes it."""
    now = iso(utc_now())
    resets = employee.device_resets | {domain.reset_note(by, now)}
    return replace(employee, device_reset_by=by, device_reset_at=now, device_resets=resets)


def _bumped(holder: _H, kept: str | None = None) -> _H:
    """The holder at the next token version: every session ends but the one `kept` names."""
    return replace(holder, token_version=holder.token_version + 1, sessions=replace(holder.sessions, kept=kept))
