"""Who may do what: admin roles and unit scopes, checked first by every admin use case.

A unit admin acts only inside their units, a super admin everywhere, an employee never on admin data.
An auditor reads like a super admin (regency-wide, without units) or like a unit admin (with units) and
changes nothing: `require_may_change` is run for every state-changing route by `api/http.endpoint`.
"""

from __future__ import annotations

from chalicelib import runtime
from chalicelib.domain.people import Employee, Principal
from chalicelib.errors import ForbiddenError, ValidationError


def employee_of(principal: Principal) -> Employee | None:
    """The calling employee's record: the one `authenticate` read, else read now."""
    return principal.employee or runtime.people().get_employee(principal.subject)


def require_admin(principal: Principal) -> None:
    if not principal.is_admin:
        raise ForbiddenError()


def require_super_admin(principal: Principal) -> None:
    if not principal.is_super_admin:
        raise ForbiddenError()


def require_regency_reader(principal: Principal) -> None:
    """Reads of regency-wide data (admin users, SIMPEG runs, the audit log): a super admin or a regency-wide
    auditor."""
    if not principal.sees_all_units:
        raise ForbiddenError()


def require_may_change(principal: Principal) -> None:
    """An auditor never changes anything (403), whatever the route; own-account routes do not call this."""
    if principal.is_auditor:
        raise ForbiddenError("Auditor hanya dapat membaca data.", {"role": "auditor"})


def require_unit_scope(principal: Principal, unor_id: str) -> None:
    """A unit admin acts only inside their units; a super admin everywhere; an employee never here."""
    require_admin(principal)
    if not principal.sees_all_units and unor_id not in principal.unit_ids:
        raise ForbiddenError("Data ini milik unit lain: Anda hanya dapat mengelola unit Anda sendiri.")


def is_own(principal: Principal, nip: str) -> bool:
    """Whether `nip` is the admin's own, when the admin is also an employee (their admin record's `nip`)."""
    return principal.admin is not None and principal.admin.nip == nip


def require_not_own(principal: Principal, *nips: str) -> None:
    """An admin who is also an employee does not decide on that employee: check-in reviews, requests, leave,
    field duty, schedules, faces, phone, activation and fingerprint lines are left to another admin."""
    if any(is_own(principal, nip) for nip in nips):
        raise ForbiddenError("Data Anda sendiri harus diputuskan oleh admin lain.", {"nip": "own"})


def visible(principal: Principal, unor_id: str) -> bool:
    """Whether an admin may see the unit's data (a record of another unit is answered as not found): a super admin
    or a regency-wide auditor every unit, as `require_unit_scope` judges."""
    return principal.is_admin and (principal.sees_all_units or unor_id in principal.unit_ids)


def visible_units(principal: Principal, requested: str | None) -> list[str] | None:
    """Units an admin may read: None means all (super admin without a filter)."""
    require_admin(principal)
    if requested:
        require_unit_scope(principal, requested)
        return [requested]
    return None if principal.sees_all_units else sorted(principal.unit_ids)


def one_unit(principal: Principal, unor_id: str | None) -> str:
    units = visible_units(principal, unor_id)
    if units is None or len(units) != 1:
        raise ValidationError("Pilih unit (unor_id).", {"unor_id": "required"})
    return units[0]


def units_of(principal: Principal, unor_id: str | None) -> list[str]:
    units = visible_units(principal, unor_id)
    return runtime.people().list_unit_ids() if units is None else units
