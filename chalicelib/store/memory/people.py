"""In-memory twin of the people repository (`chalicelib.store.people.PeopleRepository`), for tests and tools.

It keeps the same records in dicts and answers exactly as the DynamoDB repository does, as pinned by
`tests/unit/store/people_contract.py`, which both pass. A failed condition raises the store's ConditionFailed.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from dataclasses import replace

from chalicelib.domain.people import (
    AccountKind,
    AdminAccount,
    AdminUser,
    Credentials,
    Employee,
    EmployeeAccount,
    Member,
    Page,
    Unit,
)
from chalicelib.store.base import ConditionFailed


class InMemoryPeopleRepository:
    """Employees by NIP, phones by device id, units by id, admin users by name, credentials by account."""

    def __init__(self) -> None:
        self._employees: dict[str, Employee] = {}
        self._devices: dict[str, str] = {}
        self._units: dict[str, Unit] = {}
        self._admins: dict[str, AdminUser] = {}
        self._credentials: dict[tuple[AccountKind, str], Credentials] = {}
        self._lock = threading.Lock()

    def _secrets(self, kind: AccountKind, key: str) -> Credentials:
        return self._credentials.get((kind, key)) or Credentials(kind, key)

    # --- employees -----------------------------------------------------------------------------------

    def get_employee(self, nip: str) -> Employee | None:
        with self._lock:
            return self._employees.get(nip)

    def employee_account(self, nip: str) -> EmployeeAccount | None:
        with self._lock:
            employee = self._employees.get(nip)
            return None if employee is None else EmployeeAccount(employee, self._secrets("employee", nip))

    def _of_unit(self, unor_id: str) -> list[Employee]:
        with self._lock:
            return sorted((e for e in self._employees.values() if e.unor_id == unor_id), key=lambda e: e.nip)

    def employees_of_unit(self, unor_id: str, cursor: str | None = None, limit: int = 100) -> Page:
        """The cursor is the last NIP of the page before."""
        rest = [e for e in self._of_unit(unor_id) if cursor is None or e.nip > cursor]
        page = rest[:limit]
        return Page(page, page[-1].nip if len(rest) > limit else None)

    def iter_employees_of_unit(self, unor_id: str) -> Iterator[Employee]:
        yield from self._of_unit(unor_id)

    def members_of_unit(self, unor_id: str) -> list[Member]:
        return [Member(e.nip, e.nama, e.active) for e in self._of_unit(unor_id)]

    def count_employees(self, unor_id: str) -> int:
        return len(self._of_unit(unor_id))

    def put_employee(self, employee: Employee) -> None:
        with self._lock:
            kept = self._employees.get(employee.nip) or Employee(employee.nip, employee.nama, employee.unor_id)
            self._employees[employee.nip] = replace(
                kept,
                nama=employee.nama,
                unor_id=employee.unor_id,
                active=employee.active,
                jabatan=employee.jabatan or None,
                gelar_depan=employee.gelar_depan or None,
                gelar_belakang=employee.gelar_belakang or None,
            )

    def set_activation(self, nip: str, code_hash: str, expires_epoch: int) -> None:
        with self._lock:
            if nip not in self._employees:
                raise ConditionFailed("dynamodb")
            secrets = self._secrets("employee", nip)
            self._credentials["employee", nip] = replace(
                secrets, activation_hash=code_hash, activation_expires=expires_epoch
            )

    def extend_duty_until(self, nip: str, end_date: str) -> None:
        """The zones twin's write: move an existing hint to `end_date` when that is later (an absent hint, or
        an unknown employee, stays as it is), as `DynamoZonesRepository.save_assignment` does."""
        with self._lock:
            employee = self._employees.get(nip)
            if employee is not None and employee.duty_until is not None and employee.duty_until < end_date:
                self._employees[nip] = replace(employee, duty_until=end_date)

    # --- phones --------------------------------------------------------------------------------------

    def bind_device(self, nip: str, device_id: str, password_hash: str | None) -> None:
        """Callers bind employees they have just read: an unknown NIP is refused here (DynamoDB would write
        a partial record, a case no caller reaches)."""
        with self._lock:
            employee = self._employees.get(nip)
            owner = self._devices.get(device_id)
            if employee is None or owner not in (None, nip) or employee.device_id not in (None, device_id):
                raise ConditionFailed("dynamodb")
            self._devices[device_id] = nip
            self._employees[nip] = replace(employee, device_id=device_id)
            if password_hash is not None:
                secrets = self._secrets("employee", nip)
                self._credentials["employee", nip] = replace(
                    secrets, password_hash=password_hash, activation_hash=None, activation_expires=None
                )

    def release_device(self, nip: str, device_id: str | None) -> None:
        with self._lock:
            employee = self._employees.get(nip)
            if employee is None or (device_id and self._devices.get(device_id) != nip):
                raise ConditionFailed("dynamodb")
            self._employees[nip] = replace(employee, device_id=None, token_version=employee.token_version + 1)
            if device_id:
                del self._devices[device_id]

    def device_owner(self, device_id: str) -> str | None:
        with self._lock:
            return self._devices.get(device_id)

    # --- units ---------------------------------------------------------------------------------------

    def get_unit(self, unor_id: str) -> Unit | None:
        with self._lock:
            return self._units.get(unor_id)

    def get_units(self, unor_ids: Iterable[str]) -> list[Unit]:
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
                Unit(unor_id, unor_nama) if existing is None else replace(existing, unor_nama=unor_nama)
            )
            return True

    def set_unit_zones(self, unor_id: str, zone_ids: set[str]) -> None:
        with self._lock:
            unit = self._units.get(unor_id)
            if unit is None:
                raise ConditionFailed("dynamodb")
            self._units[unor_id] = replace(unit, zone_ids=frozenset(zone_ids))

    # --- admin users and logins ----------------------------------------------------------------------

    def create_admin(self, username: str, password_hash: str, role: str, unit_ids: set[str]) -> AdminUser:
        with self._lock:
            if username in self._admins:
                raise ConditionFailed("dynamodb")
            admin = AdminUser(username, role, frozenset(unit_ids))
            self._admins[username] = admin
            self._credentials["admin", username] = Credentials("admin", username, password_hash)
            return admin

    def get_admin(self, username: str) -> AdminUser | None:
        with self._lock:
            return self._admins.get(username)

    def admin_account(self, username: str) -> AdminAccount | None:
        with self._lock:
            admin = self._admins.get(username)
            return None if admin is None else AdminAccount(admin, self._secrets("admin", username))

    def record_login_failure(self, credentials: Credentials, max_failures: int, lockout_s: int, now_epoch: int) -> None:
        failures = credentials.failed_logins + 1
        with self._lock:
            stored = self._secrets(credentials.kind, credentials.key)
            if failures >= max_failures:
                stored = replace(stored, failed_logins=0, locked_until=now_epoch + lockout_s)
            else:
                stored = replace(stored, failed_logins=failures)
            self._credentials[credentials.kind, credentials.key] = stored

    def clear_login_failures(self, credentials: Credentials) -> None:
        if not credentials.failed_logins and not credentials.locked_until:
            return
        with self._lock:
            stored = self._secrets(credentials.kind, credentials.key)
            self._credentials[credentials.kind, credentials.key] = replace(stored, failed_logins=0, locked_until=0)

    # --- face state ----------------------------------------------------------------------------------

    def update_face_state(self, nip: str, templates_added: int = 0, face_model: str | None = None) -> None:
        """The faces twin's share of its writes: DynamoDB updates the employee's template count and models in
        the faces repository's own transactions. An unknown NIP is left alone (no caller reaches it)."""
        with self._lock:
            employee = self._employees.get(nip)
            if employee is None:
                return
            count = employee.template_count + templates_added
            self._employees[nip] = replace(employee, template_count=count, face_model=face_model or employee.face_model)
