"""In-memory twin of the calendar repository (`chalicelib.store.calendar.CalendarRepository`), for tests and
tools.

It keeps the same records in dicts and answers exactly as the DynamoDB repository does, as pinned by
`tests/unit/store/calendar_contract.py`, which both pass. It reads no cache: `cached_regency_calendar` is
`regency_calendar`.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from datetime import date

from chalicelib.domain.attendance import Duty
from chalicelib.domain.calendar import (
    DateRange,
    EmployeePlan,
    Holiday,
    HolidayKind,
    Leave,
    LeaveEntry,
    LeaveKind,
    RamadanPeriod,
    RegencyCalendar,
    ScheduleEntry,
    UnitPlans,
)
from chalicelib.domain.schedule import ScheduleVersion, WeekSchedule, WorkHours
from chalicelib.store.base import iso, parse_iso, utc_now
from chalicelib.store.calendar import (
    duty_ranges,
    employee_owner,
    new_leave_id,
    unit_duties,
    unit_owner,
    version_key,
)


def _version(entry: ScheduleEntry) -> ScheduleVersion:
    return ScheduleVersion(
        date.fromisoformat(entry.effective_from), parse_iso(entry.created_at), WeekSchedule.from_dict(entry.days)
    )


class InMemoryCalendarRepository:
    """Schedule versions by owner, rosters by NIP and date, holidays by date, Ramadan by year, leaves by NIP."""

    def __init__(self) -> None:
        # owner -> sort key -> (the unit whose plans list it: an employee's own version's unit, or None; version)
        self._versions: dict[str, dict[str, tuple[str | None, ScheduleEntry]]] = {}
        self._shifts: dict[str, dict[date, tuple[str, WorkHours | None]]] = {}
        self._holidays: dict[date, Holiday] = {}
        self._ramadan: dict[str, DateRange] = {}
        self._leaves: dict[tuple[str, str], tuple[str, Leave]] = {}
        self._lock = threading.Lock()

    # --- writes --------------------------------------------------------------------------------------

    def add_schedule_version(
        self, owner: str, effective_from: date, week: WeekSchedule, actor: str, personal_unit: str | None = None
    ) -> str:
        now = iso(utc_now())
        key = version_key(effective_from, now)
        entry = ScheduleEntry(effective_from.isoformat(), now, actor, week.to_dict())
        with self._lock:
            self._versions.setdefault(owner, {})[key] = (personal_unit, entry)
        return now

    def put_shifts(self, nip: str, unor_id: str, shifts: dict[date, WorkHours | None], actor: str) -> None:
        with self._lock:
            self._shifts.setdefault(nip, {}).update({day: (unor_id, hours) for day, hours in shifts.items()})

    def put_holiday(self, day: date, name: str, kind: str) -> None:
        with self._lock:
            self._holidays[day] = Holiday(day, name, HolidayKind(kind))

    def delete_holiday(self, day: date) -> bool:
        with self._lock:
            return self._holidays.pop(day, None) is not None

    def put_ramadan(self, year: int, period: DateRange, actor: str) -> None:
        with self._lock:
            self._ramadan[str(year)] = period

    def add_leave(self, entry: LeaveEntry, actor: str) -> str:
        leave_id = new_leave_id()
        leave = Leave(LeaveKind(entry.kind), DateRange(entry.start, entry.end))
        with self._lock:
            self._leaves[entry.nip, f"{entry.start.isoformat()}#{leave_id}"] = (entry.unor_id, leave)
        return leave_id

    # --- reads ---------------------------------------------------------------------------------------

    def _entries(self, owner: str) -> list[tuple[str | None, ScheduleEntry]]:
        with self._lock:
            found = self._versions.get(owner, {})
            return [found[key] for key in sorted(found)]

    def _own_versions(self, owner: str) -> tuple[ScheduleVersion, ...]:
        return tuple(_version(entry) for _, entry in self._entries(owner))

    def schedule_history(self, owner: str) -> list[ScheduleEntry]:
        return [entry for _, entry in self._entries(owner)]

    def holidays_of_year(self, year: int) -> list[Holiday]:
        with self._lock:
            return [self._holidays[day] for day in sorted(self._holidays) if day.year == year]

    def regency_calendar(self, years: Iterable[int]) -> RegencyCalendar:
        holidays = [holiday for year in sorted(set(years)) for holiday in self.holidays_of_year(year)]
        with self._lock:
            ramadan = [RamadanPeriod(self._ramadan[year]) for year in sorted(self._ramadan)]
        return RegencyCalendar.of(tuple(holidays), tuple(ramadan))

    def cached_regency_calendar(self, years: Iterable[int]) -> RegencyCalendar:
        return self.regency_calendar(years)

    def _roster(self, nip: str, start: date, end: date) -> dict[date, WorkHours | None]:
        with self._lock:
            days = self._shifts.get(nip, {})
            return {day: days[day][1] for day in sorted(days) if start <= day <= end}

    def employee_plan(self, nip: str, unor_id: str, start: date, end: date, duties: Sequence[Duty]) -> EmployeePlan:
        with self._lock:
            leaves = [self._leaves[key][1] for key in sorted(self._leaves) if key[0] == nip and key[1] <= f"{end}#~"]
        return EmployeePlan(
            unit_versions=self._own_versions(unit_owner(unor_id)),
            own_versions=self._own_versions(employee_owner(nip)),
            shifts=self._roster(nip, start, end),
            leaves=tuple(leaves),
            field_duties=tuple(duty_ranges(duties, start)),
        )

    def unit_plans(self, unor_id: str, start: date, end: date, duties: Sequence[Duty]) -> UnitPlans:
        return UnitPlans(
            self._own_versions(unit_owner(unor_id)),
            self._unit_leaves(unor_id, start, end),
            unit_duties(duties, start),
            self._unit_own_versions(unor_id),
            self._unit_rosters(unor_id, start, end),
        )

    def _unit_leaves(self, unor_id: str, start: date, end: date) -> dict[str, list[Leave]]:
        with self._lock:
            rows = sorted(self._leaves.items(), key=lambda item: (item[1][1].period.start, item[0]))
        by_nip: dict[str, list[Leave]] = {}
        for (nip, _), (unit, leave) in rows:
            if unit == unor_id and leave.period.start <= end and leave.period.end >= start:
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
