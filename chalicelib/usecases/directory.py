"""Admin views of employees and units, always inside the caller's unit scope."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, tzinfo
from typing import TypeVar

from chalicelib import runtime
from chalicelib.attendance.export import day_label
from chalicelib.domain.people import NIP_PATTERN, Employee, Principal, Unit, UnitCounts, recorded_day, validate_nip
from chalicelib.errors import AccountInactiveError, NotFoundError
from chalicelib.settings import Settings
from chalicelib.store.base import bad_cursor, encode_cursor
from chalicelib.usecases import access, paging
from chalicelib.usecases.schemas.core import EmployeePage, EmployeesQuery, EmployeeView, UnitPage, UnitView
from chalicelib.usecases.schemas.requests import NamedItem

PER_UNIT_READS_UP_TO = 16  # units counted by a Query each; more (or every unit): one pass over all employees
PAGE = paging.PAGE_SIZE  # employees listed per page
READ_BUDGET = 1_000  # employees read at most for one page listed across units
NO_EMPLOYEES = UnitCounts(0, 0, 0)


NamedT = TypeVar("NamedT", bound=NamedItem)


def with_names(items: Sequence[NamedT], employees: Mapping[str, Employee] | None = None) -> list[NamedT]:
    """Admin list items named as SIMPEG names the employee, in one batch read (none when the caller read them:
    `employees`, by NIP): an admin knows people by name, not by 18 digits."""
    found = employees if employees is not None else employees_of(items)
    return [i.model_copy(update={"nama": e.nama if (e := found.get(i.nip)) else None}) for i in items]


def employees_of(items: Sequence[NamedItem]) -> dict[str, Employee]:
    """The employees the items are about, by NIP, in one batch read (a NIP no longer stored is left out)."""
    return {e.nip: e for e in runtime.people().get_employees({i.nip for i in items})}


def policy_models(settings: Settings) -> tuple[str, ...]:
    """The models a check-in compares a selfie with (the scoring policy's). An approved face made by others counts
    in no admin view, as it does not in `/v1/me` (`faces.onboarding`): its check-in answers NOT_ENROLLED."""
    return runtime.engine_and_policy(settings)[1].model_ids


def employee_view(e: Employee, model_ids: Collection[str]) -> EmployeeView:
    """The employee as the admin lists show them: `enrolled` when a check-in can compare with one of their faces."""
    view = EmployeeView.model_validate(e, from_attributes=True)
    return view.model_copy(update={"enrolled": e.enrolled_for(model_ids)})


def list_employees(principal: Principal, query: EmployeesQuery, settings: Settings) -> EmployeePage:
    """Employees of one unit, or of every unit the caller sees unit by unit, paged; a full NIP in `q` finds one
    person anywhere in the caller's scope."""
    unor_id, q = query.unor_id, query.q
    models = policy_models(settings)
    if q and NIP_PATTERN.match(q) and unor_id is None:
        found = runtime.people().get_employee(q)
        visible = found is not None and _in_scope(principal, found.unor_id)
        return EmployeePage(items=[employee_view(found, models)] if found and visible else [], next=None)
    units = access.units_of(principal, unor_id)
    if len(units) == 1:
        page = runtime.people().employees_of_unit(units[0], query.next)
        return EmployeePage(items=[employee_view(e, models) for e in page.items if _matches(e, q)], next=page.next)
    return _across_units(units, q, query.next, models)


def _across_units(units: Sequence[str], q: str | None, cursor: str | None, models: Collection[str]) -> EmployeePage:
    """The employees of `units` in turn from the position `cursor` names (`{"unit": its id, "at": the unit's own
    cursor}`, signed, as `paging.unit_position` reads it): pages of each unit are read until a page of matches is
    full or READ_BUDGET employees were read (a name searched across the regency is not one round trip per unit)."""
    index, at = _unit_position(cursor, units)
    items: list[EmployeeView] = []
    read = 0
    while index < len(units) and len(items) < PAGE and read < READ_BUDGET:
        page = runtime.people().employees_of_unit(units[index], at, PAGE if q else PAGE - len(items))
        read += len(page.items)
        items += [employee_view(e, models) for e in page.items if _matches(e, q)]
        index, at = (index, page.next) if page.next else (index + 1, None)
    more = index < len(units)
    return EmployeePage(items=items, next=encode_cursor({"unit": units[index], "at": at}) if more else None)


def _unit_position(cursor: str | None, units: Sequence[str]) -> tuple[int, str | None]:
    """The unit to go on with and the people store's own cursor inside it."""
    index, position = paging.unit_position(cursor, units)
    at = position.get("at")
    if at is not None and not isinstance(at, str):
        raise bad_cursor()
    return index, at


def _in_scope(principal: Principal, unor_id: str) -> bool:
    return principal.sees_all_units or unor_id in principal.unit_ids


def _matches(e: Employee, q: str | None) -> bool:
    if not q:
        return True
    needle = q.lower()
    return needle in e.nama.lower() or e.nip.startswith(needle)


def unit_counts(ids: Sequence[str], settings: Settings, *, every_unit: bool) -> dict[str, UnitCounts]:
    """Onboarding counts of the units `ids` (`enrolled`: a face the check-in compares with, `policy_models`): a
    caller who sees every unit, or more than PER_UNIT_READS_UP_TO of them, gets them from one pass over all
    employees; a few units are read one by one (a unit's Query reads only its employees, the pass reads the
    regency's; decision 85)."""
    people, models = runtime.people(), policy_models(settings)
    if every_unit or len(ids) > PER_UNIT_READS_UP_TO:
        return people.counts_of_all_units(models)
    return {unor_id: people.unit_counts(unor_id, models) for unor_id in ids}


def list_units(principal: Principal, settings: Settings) -> UnitPage:
    """The units the caller may see with their onboarding counts (`unit_counts`)."""
    units = access.visible_units(principal, None)
    ids = runtime.people().list_unit_ids() if units is None else units
    counted = unit_counts(ids, settings, every_unit=units is None)
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


@dataclass(frozen=True)
class LeftWords:
    """What the admin reads when a record for days after an employee's deactivation is refused (`require_judged`):
    with the day they left (`{day}`; `{nama}` names them), and without one (a deactivation with no recorded date)."""

    dated: str
    undated: str


ENTRY_REFUSED = LeftWords(
    "{nama} tidak aktif menurut SIMPEG sejak {day}; cuti, izin atau dinas luar untuk hari sejak itu tidak dapat "
    "dicatat.",
    "{nama} tidak aktif menurut SIMPEG; cuti, izin atau dinas luar untuknya tidak dapat dicatat.",
)


def judges(employee: Employee, last_day: date, tz: tzinfo) -> bool:
    """Whether SMART judges every day of `employee` up to `last_day`: active, or deactivated by SIMPEG after it
    (a leaver's last days are judged like anyone's: `Member.followed_on`, decision 281). A deactivation with no
    recorded date ends every day."""
    left = recorded_day(employee.deactivated_at, tz)
    return employee.active or (left is not None and last_day < left)


def require_judged(employee: Employee, last_day: date, tz: tzinfo, words: LeftWords = ENTRY_REFUSED) -> None:
    """403 ACCOUNT_INACTIVE for a leave, field-duty letter or corrected event of `employee` reaching `last_day`
    when SMART no longer judges that day (`judges`): the record changes no recap and only writes for someone gone.
    One rule for an admin's own entry (`calendar.record_leave`, `zones.create_assignment`), a request's approval
    (`requests.decide`) and the admin queue's word on it (`requests.list_requests`); `details.deactivated_on`
    tells which days are refused."""
    if judges(employee, last_day, tz):
        return
    left = recorded_day(employee.deactivated_at, tz)
    nama = employee.nama or employee.nip
    message = words.dated.format(nama=nama, day=day_label(left)) if left else words.undated.format(nama=nama)
    raise AccountInactiveError(message, {"nip": employee.nip, "deactivated_on": left.isoformat() if left else None})
