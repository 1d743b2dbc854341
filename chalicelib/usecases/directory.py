"""Admin views of employees and units, always inside the caller's unit scope."""

from __future__ import annotations

from chalicelib import runtime
from chalicelib.domain.people import NIP_PATTERN, Employee, Principal, Unit, validate_nip
from chalicelib.errors import NotFoundError, ValidationError
from chalicelib.usecases import access
from chalicelib.usecases.schemas.core import EmployeePage, EmployeesQuery, EmployeeView, UnitPage, UnitView


def employee_view(e: Employee) -> EmployeeView:
    return EmployeeView.model_validate(e, from_attributes=True)


def list_employees(principal: Principal, query: EmployeesQuery) -> EmployeePage:
    """Employees of one unit, paged; a full NIP in `q` finds one person anywhere in the caller's scope."""
    unor_id, q, cursor = query.unor_id, query.q, query.next
    if q and NIP_PATTERN.match(q) and unor_id is None:
        found = runtime.people().get_employee(q)
        visible = found is not None and _in_scope(principal, found.unor_id)
        return EmployeePage(items=[employee_view(found)] if found and visible else [], next=None)
    units = access.visible_units(principal, unor_id)
    if units is None or len(units) != 1:
        raise ValidationError("Pilih unit (unor_id).", {"unor_id": "required"})
    page = runtime.people().employees_of_unit(units[0], cursor)
    items = [employee_view(e) for e in page.items if _matches(e, q)]
    return EmployeePage(items=items, next=page.next)


def _in_scope(principal: Principal, unor_id: str) -> bool:
    return principal.sees_all_units or unor_id in principal.unit_ids


def _matches(e: Employee, q: str | None) -> bool:
    if not q:
        return True
    needle = q.lower()
    return needle in e.nama.lower() or e.nip.startswith(needle)


def list_units(principal: Principal) -> UnitPage:
    """The units the caller may see with their onboarding counts: one pass over each unit's employees (the
    reads `count_employees` made before; bench/face_duplicates_RESULTS.md has the time for 63 units)."""
    units = access.visible_units(principal, None)
    ids = runtime.people().list_unit_ids() if units is None else units
    items = []
    for u in runtime.people().get_units(ids):
        counts = runtime.people().unit_counts(u.unor_id)
        items.append(
            UnitView(
                unor_id=u.unor_id,
                unor_nama=u.unor_nama,
                zone_ids=sorted(u.zone_ids),
                employee_count=counts.employees,
                activated_count=counts.activated,
                enrolled_count=counts.enrolled,
            )
        )
    return UnitPage(items=items, next=None)


def unit_in_scope(principal: Principal, unor_id: str) -> Unit:
    access.require_unit_scope(principal, unor_id)
    unit = runtime.people().get_unit(unor_id)
    if unit is None:
        raise NotFoundError("Unit tidak ditemukan.", {"unor_id": unor_id})
    return unit


def employee_in_scope(principal: Principal, nip: str) -> Employee:
    employee = runtime.people().get_employee(validate_nip(nip))
    if employee is None:
        raise NotFoundError("Pegawai tidak ditemukan.", {"nip": nip})
    access.require_unit_scope(principal, employee.unor_id)
    return employee
