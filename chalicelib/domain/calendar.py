"""The regency's calendar and one employee's plan: holidays, Ramadan, leaves, field duty, schedule versions.

How they resolve into one day's hours is a rule and lives in `chalicelib.attendance.calendar`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

from chalicelib.domain.schedule import ScheduleVersion, WeekSchedule, WorkHours
from chalicelib.errors import ScheduleError

# API.md: a date or instant outside these days is a bad value (400), wherever it is sent (a line of a fingerprint
# machine's file too).
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2100, 12, 31)


class LeaveKind(StrEnum):
    """Leave types of the API (`POST /v1/admin/leaves`); the value is the daily status code."""

    CUTI = "C"
    IZIN = "I"
    SAKIT = "S"

    @classmethod
    def from_api(cls, name: str) -> LeaveKind:
        try:
            return cls[name]
        except KeyError as exc:
            raise ScheduleError("Jenis cuti/izin tidak dikenal", {"field": "type"}) from exc


class HolidayKind(StrEnum):
    """Where a holiday comes from (all of them make the day LIBUR)."""

    NATIONAL = "national"
    CUTI_BERSAMA = "cuti_bersama"
    LOCAL = "local"


@dataclass(frozen=True)
class Holiday:
    """A day off for the whole regency."""

    day: date
    name: str
    kind: HolidayKind = HolidayKind.NATIONAL


@dataclass(frozen=True)
class DateRange:
    """Inclusive range of local dates."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ScheduleError("Tanggal selesai sebelum tanggal mulai", {"field": "end_date"})

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end

    def days(self) -> list[date]:
        return [self.start + timedelta(days=i) for i in range((self.end - self.start).days + 1)]


@dataclass(frozen=True)
class Leave:
    """An approved leave (cuti), permit (izin) or sick leave (sakit) of one employee."""

    kind: LeaveKind
    period: DateRange


@dataclass(frozen=True)
class RamadanPeriod:
    """Ramadan dates; `week` overrides the rule table's Ramadan hours when given."""

    period: DateRange
    week: WeekSchedule | None = None


@dataclass(frozen=True)
class RegencyCalendar:
    """Calendar shared by every employee: holidays and Ramadan periods."""

    holidays: Mapping[date, Holiday] = field(default_factory=dict)
    ramadan: tuple[RamadanPeriod, ...] = ()

    @classmethod
    def of(cls, holidays: tuple[Holiday, ...] = (), ramadan: tuple[RamadanPeriod, ...] = ()) -> RegencyCalendar:
        return cls({holiday.day: holiday for holiday in holidays}, ramadan)

    def ramadan_on(self, day: date) -> RamadanPeriod | None:
        return next((period for period in self.ramadan if day in period.period), None)


@dataclass(frozen=True)
class EmployeePlan:
    """Everything scheduled for one employee: unit and own schedule versions, shifts, leaves, field duty."""

    unit_versions: tuple[ScheduleVersion, ...] = ()
    own_versions: tuple[ScheduleVersion, ...] = ()
    # Per-date shift roster; None means the roster gives that date off.
    shifts: Mapping[date, WorkHours | None] = field(default_factory=dict)
    leaves: tuple[Leave, ...] = ()
    field_duties: tuple[DateRange, ...] = ()


@dataclass(frozen=True)
class UnitPlans:
    """Plans of every employee of a unit for a date range, read with a few queries."""

    unit_versions: tuple[ScheduleVersion, ...]
    leaves: dict[str, list[Leave]]
    duties: dict[str, list[DateRange]]
    own: dict[str, list[ScheduleVersion]]
    shifts: dict[str, dict[date, WorkHours | None]]

    def plan_for(self, nip: str) -> EmployeePlan:
        return EmployeePlan(
            unit_versions=self.unit_versions,
            own_versions=tuple(self.own.get(nip, ())),
            shifts=self.shifts.get(nip, {}),
            leaves=tuple(self.leaves.get(nip, ())),
            field_duties=tuple(self.duties.get(nip, ())),
        )


# The longest leave recorded (days from its first to its last day; usecases.calendar refuses longer ones): a
# plan reads back this far for the leaves that may still cover its first day, not an employee's whole past.
MAX_LEAVE_DAYS = 366


def leaves_begun_from(start: date) -> date:
    """The earliest first day of a leave that can still cover `start`."""
    return start - timedelta(days=MAX_LEAVE_DAYS)


@dataclass(frozen=True)
class LeaveEntry:
    """A leave to record for one employee (`kind`: a LeaveKind value), at most MAX_LEAVE_DAYS long."""

    nip: str
    unor_id: str
    kind: str
    start: date
    end: date
    reason: str | None

    def __post_init__(self) -> None:
        if (self.end - self.start).days > MAX_LEAVE_DAYS:
            raise ValueError(f"a leave of more than {MAX_LEAVE_DAYS} days")


@dataclass(frozen=True)
class NewScheduleVersion:
    """A schedule version to add (`store.calendar.CalendarRepository.add_schedule_version`): the owner's week from
    `effective_from` on, saved by `actor`. One value rather than six parameters, so the repository and its twin
    cannot drift in what a version is. `personal_unit` (an own version's: the employee's unit) lists it in that
    unit's plans (decision 387); `version_id` is what a retry of the same save finds it by (decision 391; None:
    a new random one)."""

    owner: str  # `store.calendar.unit_owner` or `employee_owner`
    effective_from: date
    week: WeekSchedule
    actor: str
    personal_unit: str | None = None
    version_id: str | None = field(default=None, kw_only=True)


@dataclass(frozen=True)
class ScheduleEntry:
    """One stored schedule version as written, for the admin's history (`days`: the week as stored)."""

    effective_from: str  # YYYY-MM-DD
    created_at: str  # UTC ISO 8601
    created_by: str
    days: dict[str, Any]
    version_id: str = ""  # what a retry of its save finds it by (`store.calendar.new_version_id`)
    unor_id: str | None = None  # an employee's own version: the unit it was written for (decision 387)


@dataclass(frozen=True)
class StoredLeave:
    """A recorded leave as the admin lists it (`kind`: a LeaveKind value); a cancelled one no longer counts."""

    leave_id: str
    nip: str
    unor_id: str
    kind: str
    start_date: str  # YYYY-MM-DD, inclusive
    end_date: str  # YYYY-MM-DD, inclusive
    reason: str | None
    created_by: str
    created_at: str  # UTC ISO 8601
    cancelled_at: str | None = None
    cancelled_by: str | None = None

    def leave(self) -> Leave:
        period = DateRange(date.fromisoformat(self.start_date), date.fromisoformat(self.end_date))
        return Leave(LeaveKind(self.kind), period)
