"""Routes: schedules, shifts, holidays, Ramadan hours and leaves."""

from __future__ import annotations

from chalicelib.api import guards
from chalicelib.api.http import Call, Routes, endpoint
from chalicelib.usecases import calendar as cal
from chalicelib.usecases import requests
from chalicelib.usecases.schemas import calendar as cal_schema
from chalicelib.usecases.schemas import requests as req_schema

bp = Routes(__name__, tag="calendar")


@endpoint(bp, "PUT /v1/admin/units/{unor_id}/schedule", auth_as="admin", guard=guards.UNIT_IN_SCOPE)
def set_unit_schedule(call: Call, unor_id: str, body: cal_schema.ScheduleRequest) -> cal_schema.UnitScheduleSet:
    """Add a unit schedule version effective from a date.

    **Roles:** unit_admin (own units), super_admin. Versioned: applies from `effective_from` (today or later)
    and never rewrites past days. Weekdays absent from `days` are days off.
    """
    return cal.set_unit_schedule(call.principal, unor_id, body, call.settings, call.now)


@endpoint(bp, "GET /v1/admin/units/{unor_id}/schedule", auth_as="admin")
def get_unit_schedule(call: Call, unor_id: str) -> cal_schema.UnitSchedule:
    """A unit's schedule versions.

    **Roles:** unit_admin (own units), super_admin.
    """
    return cal.get_unit_schedule(call.principal, unor_id)


@endpoint(bp, "GET /v1/admin/employees/{nip}/schedule", auth_as="admin", guard=guards.EMPLOYEE_IN_SCOPE)
def get_employee_schedule(call: Call, nip: str) -> cal_schema.EmployeeSchedule:
    """An employee's own schedule versions; empty while the unit's schedule applies.

    After a move between units only the versions written for the new unit are listed: those written at the
    unit left no longer apply.

    **Roles:** unit_admin (own units), super_admin, auditor.
    """
    return cal.get_employee_schedule(call.principal, nip)


@endpoint(bp, "PUT /v1/admin/employees/{nip}/schedule", auth_as="admin", guard=guards.EMPLOYEE_IN_SCOPE)
def set_employee_schedule(call: Call, nip: str, body: cal_schema.ScheduleRequest) -> cal_schema.EmployeeSchedule:
    """Add a personal schedule version (overrides the unit's).

    **Roles:** unit_admin (own units), super_admin. Same body and rules as the unit schedule.
    """
    return cal.set_employee_schedule(call.principal, nip, body, call.settings, call.now)


@endpoint(
    bp, "PUT /v1/admin/employees/{nip}/shifts", auth_as="admin", guard=guards.EMPLOYEE_IN_SCOPE, errors=("CONFLICT",)
)
def set_shifts(call: Call, nip: str, body: cal_schema.ShiftsRequest) -> cal_schema.ShiftsSaved:
    """Set a shift roster (per date hours, possibly crossing midnight, or null for a day off).

    **Roles:** unit_admin (own units), super_admin. 1 to 62 dates per request. 409 `CONFLICT` when another change
    of one of the dates was stored at the same moment (the audit entry names what the dates had, so the write is
    made only over what was read): send it again.
    """
    return cal.set_shifts(call.principal, nip, body, call.settings, call.now)


@endpoint(
    bp, "DELETE /v1/admin/employees/{nip}/shifts/{date}", auth_as="admin", errors=("VALIDATION_ERROR", "NOT_FOUND")
)
def remove_shift(call: Call, nip: str, date: str) -> cal_schema.ShiftRemoved:
    """Remove one roster date (entered by mistake): the date follows the employee's schedule again.

    **Roles:** unit_admin (own units), super_admin. 404 `NOT_FOUND` when the date has no roster entry (or the
    employee is not in the admin's units); 403 `FORBIDDEN` on the admin's own record. A past day already
    recapped, and its neighbours, are judged again (`recapped`); a date with no entry is judged again before the
    404 all the same, so sending a removal again after a 503 finishes its re-run. Audited
    (`schedule.shift_removed`) in the removal's own write.
    """
    return cal.remove_shift(call.principal, nip, date, call.settings, call.now)


@endpoint(bp, "PUT /v1/admin/holidays/{date}", auth_as="super_admin", guard=guards.HOLIDAY_DATE, errors=("CONFLICT",))
def put_holiday(call: Call, date: str, body: cal_schema.HolidayRequest) -> cal_schema.HolidaySaved:
    """Declare (or rename) a holiday; a past date already recapped is judged again in every unit.

    **Roles:** super_admin. 409 `CONFLICT` when another change of the same date was stored at the same moment
    (the audit entry names the holiday replaced, so the write is made only over the one read): send it again.
    """
    return cal.put_holiday(call.principal, date, body, call.settings, call.now)


@endpoint(
    bp,
    "DELETE /v1/admin/holidays/{date}",
    auth_as="super_admin",
    errors=("VALIDATION_ERROR", "NOT_FOUND", "CONFLICT"),
)
def delete_holiday(call: Call, date: str) -> cal_schema.HolidayDeleted:
    """Remove a holiday; a past date already recapped is judged again in every unit.

    **Roles:** super_admin. 404 `NOT_FOUND` when the date has no holiday; its day is judged again before the 404
    all the same, so sending a deletion again after a 503 finishes its re-run. 409 `CONFLICT` when another change
    of the date was stored at the same moment: send it again. Audited (`holiday.delete`, with its name) in the
    deletion's own write.
    """
    return cal.delete_holiday(call.principal, date, call.settings, call.now)


@endpoint(bp, "GET /v1/admin/employees/{nip}/shifts", auth_as="admin", guard=guards.EMPLOYEE_IN_SCOPE)
def get_shifts(call: Call, nip: str, query: req_schema.DatesQuery) -> cal_schema.ShiftRoster:
    """The employee's saved shift roster dates of a range.

    **Roles:** unit_admin (own units), super_admin, auditor. `from`..`to` default to 30 days either side of today,
    at most 366 days.
    """
    return cal.get_shifts(call.principal, nip, query, call.settings, call.now)


@endpoint(bp, "GET /v1/admin/holidays", auth_as="admin")
def list_holidays(call: Call, query: cal_schema.HolidaysQuery) -> cal_schema.HolidayPage:
    """Holidays of a year.

    **Roles:** unit_admin, super_admin. `year` defaults to the current year (2000-2100).
    """
    return cal.list_holidays(call.principal, query, call.settings, call.now)


@endpoint(bp, "PUT /v1/admin/ramadan/{year}", auth_as="super_admin", guard=guards.RAMADAN_YEAR, errors=("CONFLICT",))
def put_ramadan(call: Call, year: str, body: cal_schema.RamadanRequest) -> cal_schema.Ramadan:
    """Set the Ramadan period of a year (shorter working hours).

    **Roles:** super_admin. At most 31 days, starting in `year`. Recapped past days of the period it replaces
    and of the new one are judged again in every unit; the same period sent again (after a 503) judges again the
    days of the one it replaced too. 409 `CONFLICT` when another super admin changed the year's period at the same
    moment. Audited (`ramadan.put`, naming the period replaced) in the change's own write.
    """
    return cal.put_ramadan(call.principal, year, body, call.settings, call.now)


@endpoint(
    bp,
    "DELETE /v1/admin/ramadan/{year}/{start_date}",
    auth_as="super_admin",
    guard=guards.RAMADAN_PERIOD,
    errors=("VALIDATION_ERROR", "NOT_FOUND", "CONFLICT"),
)
def delete_ramadan(call: Call, year: str, start_date: str) -> cal_schema.Ramadan:
    """Remove the year's Ramadan period starting on `start_date` (one saved by mistake: a year may hold two).

    **Roles:** super_admin. Its recapped past days are judged again in every unit. 404 `NOT_FOUND` when no period
    of the year starts then; the 31 days one could have held are judged again before the 404 all the same, so
    sending a removal again after a 503 finishes its re-run. 409 `CONFLICT` when another super admin changed the
    period at the same moment: send it again. Audited (`ramadan.delete`, with its dates) in the removal's own write.
    """
    return cal.delete_ramadan(call.principal, year, start_date, call.settings, call.now)


@endpoint(bp, "GET /v1/admin/ramadan/{year}", auth_as="admin", guard=guards.RAMADAN_YEAR)
def get_ramadan(call: Call, year: str) -> cal_schema.StoredRamadan:
    """The Ramadan period set for a year; its dates are null while none is set.

    **Roles:** unit_admin, super_admin, auditor.
    """
    return cal.get_ramadan(call.principal, year)


@endpoint(
    bp, "POST /v1/admin/leaves", auth_as="admin", status=201, errors=("NOT_FOUND", "CONFLICT", "ACCOUNT_INACTIVE")
)
def add_leave(call: Call, body: cal_schema.LeaveRequest) -> cal_schema.Leave:
    """Record a leave (cuti, izin, sakit).

    **Roles:** unit_admin (own units), super_admin. At most 366 days. A day holds one leave: one overlapping a
    leave of the employee not cancelled → 409 `CONFLICT` naming it (`details.leave_id`, `type`, `start_date`,
    `end_date`), nothing recorded, also when the two are recorded at the same moment (the employee's leaves are
    recorded one at a time; one whose turn stays taken for 3 s → 409 with `details.retry_after_s`); the same
    leave sent again (a retry) → 201 with the stored one. A leave reaching a day on or after the employee's
    SIMPEG deactivation → 403 `ACCOUNT_INACTIVE` (`details.nip`, `deactivated_on`), as its approval would be; a
    leaver's days before it are recorded as anyone's.
    """
    return cal.add_leave(call.principal, body, call.settings, call.now)


@endpoint(bp, "GET /v1/admin/leaves", auth_as="admin")
def list_leaves(call: Call, query: req_schema.PeriodQuery) -> req_schema.LeavePage:
    """Leaves (not cancelled) that overlap `from`..`to` (default: 30 days either side of today; at most 366 days).

    **Roles:** unit_admin (own units), super_admin (all units unless `unor_id`). 100 per page. A unit lists the
    leaves that cover its days: after a SIMPEG move, a leave's days from the move on are the new unit's (listed
    there, with its `unor_id`), the days before it stay the recording unit's.
    """
    return cal.list_leaves(call.principal, query, call.settings, call.now)


@endpoint(bp, "DELETE /v1/admin/leaves/{leave_id}", auth_as="admin", errors=("NOT_FOUND", "CONFLICT"))
def cancel_leave(call: Call, leave_id: str) -> req_schema.Cancelled:
    """Cancel a leave: its days no longer count; past days already recapped are re-run (`recapped`).

    **Roles:** unit_admin (own units; another unit's leave → 404; a leave whose days are partly another unit's,
    as one across its employee's move → 403), super_admin. The leave stays recorded as
    cancelled (evidence) and is no longer listed; cancelling it again → 409 `CONFLICT`, except by the admin who
    cancelled it (a retry after a 503): 200 as the first answer, named no second time. When an employee's request
    created it, that request becomes `revoked` with a note saying so. Audited in the cancellation's own write.
    """
    return requests.cancel_leave(call.principal, leave_id, call.settings, call.now)
