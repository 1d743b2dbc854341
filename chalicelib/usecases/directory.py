"""Admin views of employees and units, always inside the caller's unit scope."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from chalicelib import runtime
from chalicelib.domain.people import NIP_PATTERN, Employee, Principal, Unit, UnitCounts, validate_nip
from chalicelib.errors import NotFoundError, ValidationError
from chalicelib.usecases import access
from chalicelib.usecases.schemas.core import EmployeePage, EmployeesQuery, EmployeeView, UnitPage, UnitView
from chalicelib.usecases.schemas.requests import NamedItem

PER_UNIT_READS_UP_TO = 16  # units counted by a Query each; more (or every unit): one pass over all employees
NO_EMPLOYEES = UnitCounts(0, 0, 0)


NamedT = TypeVar("NamedT", bound=NamedItem)


def with_names(items: Sequence[NamedT]) -> list[NamedT]:
    """Admin list items named as SIMPEG names the employee, in one batch read: an admin knows people by name,
    not by 18 digits."""
    names = {e.nip: e.nama for e in runtime.people().get_employees({i.nip for i in items})}
    return [i.model_copy(update={"nama": names.get(i.nip)}) for i in items]


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


def unit_counts(ids: Sequence[str], *, every_unit: bool) -> dict[str, UnitCounts]:
    """Onboarding counts of the units `ids`: a caller who sees every unit, or more than
    PER_UNIT_READS_UP_TO of them, gets them from one pass over all employees; a few units are read one by
    one (a unit's Query reads only its employees, the pass reads the regency's; decision 85)."""
    people = runtime.people()
    if every_unit or len(ids) > PER_UNIT_READS_UP_TO:
        return people.counts_of_all_units()
    return {unor_id: people.unit_counts(unor_id) for unor_id in ids}


def list_units(principal: Principal) -> UnitPage:
    """The units the caller may see with their onboarding counts (`unit_counts`)."""
    units = access.visible_units(principal, None)
    ids = runtime.people().list_unit_ids() if units is None else units
    counted = unit_counts(ids, every_unit=units is None)
    items = []
    for u in runtime.people().get_units(ids):
        counts = counted.get(u.unor_id, NO_EMPLOYEES)
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


def employee_to_change(principal: Principal, nip: str) -> Employee:
    """An employee the admin may change: in their scope, and not the admin's own record (`require_not_own`)."""
    employee = employee_in_scope(principal, nip)
    access.require_not_own(principal, employee.nip)
    return employee
