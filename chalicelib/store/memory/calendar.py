"""In-memory twin of the calendar repository (`chalicelib.store.calendar.CalendarRepository`), for tests and
tools.

It keeps the same records in dicts and answers exactly as the DynamoDB repository does, as pinned by
`tests/unit/store/calendar_contract.py`, which both pass. It reads no cache: `cached_regency_calendar` is
`regency_calendar`. Its writes move the employees' `plan_until` hints on the in-memory people repository it is
built with, as the DynamoDB repository does on the employees table.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import date
from typing import Any

from chalicelib.domain import calendar as cal
from chalicelib.domain.attendance import Duty
from chalicelib.domain.decisions import Decided
from chalicelib.domain.people import Employee
from chalicelib.domain.schedule import RosterDays, ScheduleVersion, WeekSchedule, WorkHours
from chalicelib.store.audit import AuditBatch, AuditOf
from chalicelib.store.base import ConditionFailed, iso, parse_iso, utc_now
from chalicelib.store.calendar import (
    duty_ranges,
    employee_owner,
    new_leave_id,
    new_version_id,
    no_own_plan_reaches,
    own_plan_nip,
    ramadan_key,
    replaced_period,
    too_many,
    unit_duties,
    unit_owner,
    version_key,
)
from chalicelib.store.memory.people import InMemoryPeopleRepository
from chalicelib.store.models import OWN_PLAN_FOREVER


def _version(entry: cal.ScheduleEntry) -> ScheduleVersion:
    return ScheduleVersion(
        date.fromisoformat(entry.effective_from), parse_iso(entry.created_at), WeekSchedule.from_dict(entry.days)
    )


class InMemoryCalendarRepository:
    """Schedule versions by owner, rosters by NIP and date, holidays by date, Ramadan by year, leaves by NIP."""

    def __init__(self, people: InMemoryPeopleRepository) -> None:
        self._people = people
        # owner -> sort key -> (the unit whose plans list it: an employee's own version's unit, or None; version)
        self._versions: dict[str, dict[str, tuple[str | None, cal.ScheduleEntry]]] = {}
        self._shifts: dict[str, dict[date, tuple[str, WorkHours | None]]] = {}
        self._holidays: dict[date, cal.Holiday] = {}
        self._ramadan: dict[str, tuple[cal.DateRange, cal.DateRange | None]] = {}  # slot -> (period, replaced)
        self._leaves: dict[tuple[str, str], cal.StoredLeave] = {}  # (nip, start date#leave id)
        self._lock = threading.Lock()

    # --- writes --------------------------------------------------------------------------------------

    def add_schedule_version(self, version: cal.NewScheduleVersion, audit: AuditBatch | None = None) -> str:
        now, unit = iso(utc_now()), version.personal_unit
        version_id = version.version_id or new_version_id()
        key = version_key(version.effective_from, version_id)
        days = version.week.to_dict()
        entry = cal.ScheduleEntry(version.effective_from.isoformat(), now, version.actor, days, version_id, unit)
        nip = own_plan_nip(version.owner)
        if nip is not None:
            self._people.extend_hint("plan_until", nip, OWN_PLAN_FOREVER)
        with self._lock:
            versions = self._versions.setdefault(version.owner, {})
            if key in versions:
                raise ConditionFailed("dynamodb")
            if audit is not None:
                audit.write()  # its failure stores no version, as a failed transaction does
            versions[key] = (unit, entry)
        return now

    def put_shifts(
        self, nip: str, unor_id: str, shifts: RosterDays, actor: str, audit: AuditOf[RosterDays] | None = None
    ) -> RosterDays:
        if not shifts:
            return {}
        too_many(shifts)
        self._people.extend_hint("plan_until", nip, max(shifts).isoformat())
        with self._lock:
            days = self._shifts.setdefault(nip, {})
            replaced = {day: days[day][1] for day in sorted(shifts) if day in days}
            if audit is not None:
                audit(replaced).write()  # its failure leaves the dates as they were, as a failed transaction does
            days.update({day: (unor_id, hours) for day, hours in shifts.items()})
        return replaced

    def remove_shift(self, nip: str, day: date, actor: str, audit: AuditBatch | None = None) -> bool:
        with self._lock:
            days = self._shifts.get(nip, {})
            if day not in days:
                return False
            if audit is not None:
                audit.write()  # its failure leaves the date rostered, as a failed transaction does
            del days[day]
            return True

    def put_holiday(
        self, day: date, name: str, kind: str, audit: AuditOf[cal.Holiday | None] | None = None
    ) -> cal.Holiday | None:
        holiday = cal.Holiday(day, name, cal.HolidayKind(kind))
        with self._lock:
            replaced = self._holidays.get(day)
            if audit is not None:
                audit(replaced).write()  # its failure leaves the day as it was, as a failed transaction does
            self._holidays[day] = holiday
            return replaced

    def delete_holiday(self, day: date, audit: AuditOf[cal.Holiday] | None = None) -> cal.Holiday | None:
        with self._lock:
            held = self._holidays.get(day)
            if held is not None and audit is not None:
                audit(held).write()  # its failure leaves the holiday, as a failed transaction does
            return self._holidays.pop(day, None)

    def put_ramadan(
        self, period: cal.DateRange, actor: str, audit: AuditOf[cal.DateRange | None] | None = None
    ) -> cal.DateRange | None:
        with self._lock:
            year = {key: kept[0] for key, kept in self._ramadan.items() if key.startswith(str(period.start.year))}
            slot = ramadan_key(period, year)
            stored, stored_replaced = self._ramadan.get(slot, (None, None))
            replaced = replaced_period(period, stored, stored_replaced)
            if stored != period:
                if audit is not None:
                    audit(replaced).write()  # its failure leaves the period as it was, as a failed transaction does
                self._ramadan[slot] = (period, replaced)
        return replaced

    def delete_ramadan(self, start: date, audit: AuditOf[cal.DateRange] | None = None) -> cal.DateRange | None:
        with self._lock:
            key = next((key for key, (period, _) in self._ramadan.items() if period.start == start), None)
            if key is None:
                return None
            if audit is not None:
                audit(self._ramadan[key][0]).write()  # its failure leaves the period, as a failed transaction does
            return self._ramadan.pop(key)[0]

    def add_leave(
        self, entry: cal.LeaveEntry, actor: str, leave_id: str | None = None, audit: AuditBatch | None = None
    ) -> str:
        leave_id = leave_id or new_leave_id()
        cal.DateRange(entry.start, entry.end)  # refused as DynamoDB's readers would refuse it
        stored = cal.StoredLeave(
            leave_id, entry.nip, entry.unor_id, entry.kind, entry.start.isoformat(), entry.end.isoformat(),
            entry.reason, actor, iso(utc_now()),
        )  # fmt: skip
        self._people.extend_hint("plan_until", entry.nip, entry.end.isoformat())
        with self._lock:
            key = entry.nip, f"{entry.start.isoformat()}#{leave_id}"
            if key in self._leaves:
                raise ConditionFailed("dynamodb")
            if audit is not None:
                audit.write()  # its failure leaves no leave, as a failed transaction does
            self._leaves[key] = stored
        return leave_id

    def cancel_leave(self, leave_id: str, by: Decided, audit: AuditBatch | None = None) -> cal.StoredLeave:
        with self._lock:
            key = next((k for k, v in self._leaves.items() if v.leave_id == leave_id), None)
            if key is None or self._leaves[key].cancelled_at is not None:
                raise ConditionFailed("dynamodb")
            if audit is not None:
                audit.write()  # its failure leaves the leave counting, as a failed transaction does
            stored = self._leaves[key]
            self._leaves[key] = replace(stored, cancelled_at=iso(by.at), cancelled_by=by.actor)
            return stored

    def get_leave(self, leave_id: str) -> cal.StoredLeave | None:
        with self._lock:
            return next((v for v in self._leaves.values() if v.leave_id == leave_id), None)

    def leaves_of_unit(
        self, unor_id: str, start: date, end: date, limit: int, cursor: dict[str, Any] | None
    ) -> tuple[list[cal.StoredLeave], dict[str, Any] | None]:
        """By start date, then (as DynamoDB's index orders equal start dates) by the item's keys."""
        with self._lock:
            rows = sorted(
                ((v.start_date, nip, key), v) for (nip, key), v in self._leaves.items() if v.unor_id == unor_id
            )
        after = (cursor["start_date"]["S"], cursor["nip"]["S"], cursor["key"]["S"]) if cursor else None
        wanted = [
            (position, v)
            for position, v in rows
            if (after is None or position > after) and v.start_date <= end.isoformat()
        ]
        page = wanted[:limit]
        kept = [v for _, v in page if v.end_date >= start.isoformat() and v.cancelled_at is None]
        if len(wanted) <= limit:
            return kept, None
        last_start, nip, key = page[-1][0]
        return kept, {"start_date": {"S": last_start}, "nip": {"S": nip}, "key": {"S": key}, "unor_id": {"S": unor_id}}

    # --- reads ---------------------------------------------------------------------------------------

    def _entries(self, owner: str) -> list[tuple[str | None, cal.ScheduleEntry]]:
        with self._lock:
            found = self._versions.get(owner, {})
            ordered = sorted(found, key=lambda key: (found[key][1].effective_from, found[key][1].created_at, key))
            return [found[key] for key in ordered]

    def _own_versions(self, owner: str) -> tuple[ScheduleVersion, ...]:
        return tuple(_version(entry) for _, entry in self._entries(owner))

    def schedule_history(self, owner: str) -> list[cal.ScheduleEntry]:
        return [entry for _, entry in self._entries(owner)]

    def holidays_of_year(self, year: int) -> list[cal.Holiday]:
        with self._lock:
            return [self._holidays[day] for day in sorted(self._holidays) if day.year == year]

    def regency_calendar(self, years: Iterable[int]) -> cal.RegencyCalendar:
        holidays = [holiday for year in sorted(set(years)) for holiday in self.holidays_of_year(year)]
        with self._lock:
            ramadan = [cal.RamadanPeriod(self._ramadan[slot][0]) for slot in sorted(self._ramadan)]
        return cal.RegencyCalendar.of(tuple(holidays), tuple(ramadan))

    def cached_regency_calendar(self, years: Iterable[int]) -> cal.RegencyCalendar:
        return self.regency_calendar(years)

    def roster(self, nip: str, start: date, end: date) -> dict[date, WorkHours | None]:
        with self._lock:
            days = self._shifts.get(nip, {})
            return {day: days[day][1] for day in sorted(days) if start <= day <= end}

    def employee_plan(self, employee: Employee, start: date, end: date, duties: Sequence[Duty]) -> cal.EmployeePlan:
        unit_versions = self._own_versions(unit_owner(employee.unor_id))
        plan = cal.EmployeePlan(unit_versions=unit_versions, field_duties=tuple(duty_ranges(duties, start)))
        if no_own_plan_reaches(employee, start):
            return plan
        return self._own_plan(employee.nip, employee.unor_id, (start, end), plan)

    def plan_as_written(
        self,
        nip: str,
        unor_id: str,
        start: date,
        end: date,
        *,
        duties: Sequence[Duty],
        unit_versions: tuple[ScheduleVersion, ...],
    ) -> cal.EmployeePlan:
        plan = cal.EmployeePlan(unit_versions=unit_versions, field_duties=tuple(duty_ranges(duties, start)))
        return self._own_plan(nip, unor_id, (start, end), plan)

    def _own_plan(self, nip: str, unit: str, period: tuple[date, date], plan: cal.EmployeePlan) -> cal.EmployeePlan:
        start, end = period
        own = tuple(_version(entry) for written, entry in self._entries(employee_owner(nip)) if written == unit)
        with self._lock:
            days = self._shifts.get(nip, {})
            shifts = {day: days[day][1] for day in sorted(days) if start <= day <= end and days[day][0] == unit}
        return replace(plan, own_versions=own, shifts=shifts, leaves=self._begun(nip, start, end))

    def _begun_stored(self, nip: str, start: date, end: date) -> list[cal.StoredLeave]:
        """The employee's leaves begun by `end` that may still cover `start` (as the DynamoDB key range)."""
        with self._lock:
            return [
                self._leaves[key]
                for key in sorted(self._leaves)
                if key[0] == nip
                and cal.leaves_begun_from(start).isoformat() <= key[1] <= f"{end}#~"
                and self._leaves[key].cancelled_at is None
            ]

    def _begun(self, nip: str, start: date, end: date) -> tuple[cal.Leave, ...]:
        return tuple(stored.leave() for stored in self._begun_stored(nip, start, end))

    def leaves_of(self, nip: str, start: date, end: date) -> tuple[cal.Leave, ...]:
        return tuple(leave for leave in self._begun(nip, start, end) if leave.period.end >= start)

    def stored_leaves_of(self, nip: str, start: date, end: date) -> list[cal.StoredLeave]:
        return [s for s in self._begun_stored(nip, start, end) if s.end_date >= start.isoformat()]

    def unit_plans(self, unor_id: str, start: date, end: date, duties: Sequence[Duty]) -> cal.UnitPlans:
        return cal.UnitPlans(
            self._own_versions(unit_owner(unor_id)),
            self._unit_leaves(unor_id, start, end),
            unit_duties(duties, start),
            self._unit_own_versions(unor_id),
            self._unit_rosters(unor_id, start, end),
        )

    def _unit_leaves(self, unor_id: str, start: date, end: date) -> dict[str, list[cal.Leave]]:
        with self._lock:
            rows = sorted(self._leaves.items(), key=lambda item: (item[1].start_date, item[0]))
        by_nip: dict[str, list[cal.Leave]] = {}
        for (nip, _), stored in rows:
            leave = stored.leave()
            counts = stored.unor_id == unor_id and stored.cancelled_at is None
            if counts and leave.period.start <= end and leave.period.end >= start:
                by_nip.setdefault(nip, []).append(leave)
        return by_nip

    def _unit_own_versions(self, unor_id: str) -> dict[str, list[ScheduleVersion]]:
        """Employees' own versions written with `personal_unit` = the unit, by NIP."""
        with self._lock:
            owners = sorted(o for o in self._versions if o.startswith(employee_owner("")))
        own: dict[str, list[ScheduleVersion]] = {}
        for owner in owners:
            listed = [_version(entry) for unit, entry in self._entries(owner) if unit == unor_id]
            if listed:
                own[owner.removeprefix(employee_owner(""))] = listed
        return own

    def _unit_rosters(self, unor_id: str, start: date, end: date) -> dict[str, dict[date, WorkHours | None]]:
        with self._lock:
            rows = {nip: dict(days) for nip, days in self._shifts.items()}
        rosters: dict[str, dict[date, WorkHours | None]] = {}
        for nip in sorted(rows):
            for day in sorted(rows[nip]):
                unit, hours = rows[nip][day]
                if unit == unor_id and start <= day <= end:
                    rosters.setdefault(nip, {})[day] = hours
        return rosters
