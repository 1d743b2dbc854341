"""Requests and results of the calendar: schedules, shift rosters, holidays, Ramadan periods, leaves."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BeforeValidator, Field, WithJsonSchema

from chalicelib.domain.schedule import HH_MM, MAX_ROSTER_DAYS
from chalicelib.domain.text import is_digits
from chalicelib.usecases.schemas.attendance import WorkHours
from chalicelib.usecases.schemas.common import (
    Day,
    DayText,
    Missing,
    Nip,
    OnePageQuery,
    Page,
    Recapped,
    Rejudged,
    Request,
    Result,
    Text120,
    Text500,
    choice,
    enum_schema,
    invalid,
    one_of,
)

HOLIDAY_KINDS = ("national", "cuti_bersama", "local")
LEAVE_TYPES = ("CUTI", "IZIN", "SAKIT")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
CLOCK_SCHEMA = {"type": "string", "pattern": f"^{HH_MM.pattern}$"}  # what `domain.schedule.parse_clock` takes
HOURS_SCHEMA = {
    "type": "object",
    "required": ["start", "end"],
    "properties": {"start": CLOCK_SCHEMA, "end": CLOCK_SCHEMA},
}


DAYS_PROBLEM = Missing("object of weekday → {start, end}", "Jadwal harian wajib diisi.")
SHIFTS_PROBLEM = Missing(f"1-{MAX_ROSTER_DAYS} dates", "Daftar sif tidak valid.")


def _days(value: object) -> object:
    if not isinstance(value, dict):
        raise invalid(DAYS_PROBLEM.problem, DAYS_PROBLEM.message)
    return value


def _shifts(value: object) -> object:
    if not isinstance(value, dict) or not value or len(value) > MAX_ROSTER_DAYS:
        raise invalid(SHIFTS_PROBLEM.problem, SHIFTS_PROBLEM.message)
    return value


Week = Annotated[
    dict[str, Any],
    DAYS_PROBLEM,
    BeforeValidator(_days),
    WithJsonSchema(
        {
            "type": "object",
            "description": "Working hours per weekday (HH:MM, 24 h); an absent day is a day off.",
            "properties": dict.fromkeys(WEEKDAYS, HOURS_SCHEMA),
            "additionalProperties": False,
        }
    ),
]
Roster = Annotated[
    dict[str, Any],
    SHIFTS_PROBLEM,
    BeforeValidator(_shifts),
    WithJsonSchema(
        {
            "type": "object",
            "description": "Per date (YYYY-MM-DD) the hours, possibly crossing midnight, or null for a day off.",
            "minProperties": 1,
            "maxProperties": MAX_ROSTER_DAYS,
            "additionalProperties": {"oneOf": [HOURS_SCHEMA, {"type": "null"}]},
        }
    ),
]


class ScheduleRequest(Request):
    effective_from: Day = Field(description="Today or later (the regency's time zone): never retroactive.")
    days: Week


# Working hours per weekday (mon..sun); an absent day is a day off.
WeekHours = dict[str, WorkHours]


class ScheduleVersion(Result):
    effective_from: str
    created_at: str
    created_by: str
    days: WeekHours


class UnitScheduleSet(Result):
    unor_id: str
    effective_from: DayText
    created_at: str
    days: WeekHours
    versions: list[ScheduleVersion]


class UnitSchedule(Result):
    unor_id: str
    versions: list[ScheduleVersion]


class EmployeeSchedule(Result):
    nip: str
    versions: list[ScheduleVersion]


class ShiftsRequest(Request):
    shifts: Roster


class ShiftsSaved(Result):
    nip: str
    days: int
    recapped: Recapped


class ShiftRemoved(Result):
    nip: str
    date: DayText
    removed: bool
    recapped: Recapped


class ShiftRoster(Result):
    nip: str
    from_date: DayText
    to_date: DayText
    shifts: dict[str, WorkHours | None] = Field(
        description="The saved dates of the range (YYYY-MM-DD), in date order: the hours, or null for a day off. "
        "A date without an entry follows the employee's schedule."
    )


class HolidayRequest(Request):
    name: Text120
    kind: Annotated[
        str, choice(HOLIDAY_KINDS, "Jenis libur tidak dikenal.", list(HOLIDAY_KINDS)), enum_schema(HOLIDAY_KINDS)
    ] = "local"


class Holiday(Result):
    date: DayText
    name: str
    kind: Annotated[str, enum_schema(HOLIDAY_KINDS)]


class HolidaySaved(Holiday, Rejudged):
    pass


class HolidayDeleted(Rejudged):
    date: DayText
    deleted: bool


class HolidayPage(Page[Holiday]):
    pass


def _year(value: object) -> object:
    if isinstance(value, str) and (not is_digits(value) or not 2000 <= int(value) <= 2100):
        raise invalid("2000-2100", "Tahun tidak valid.")
    return int(value) if isinstance(value, str) else value


class HolidaysQuery(OnePageQuery):
    year: Annotated[int | None, BeforeValidator(_year)] = Field(
        default=None, description="2000-2100; the current year when absent."
    )


class RamadanRequest(Request):
    start_date: Day = Field(description="In the path's year.")
    end_date: Day = Field(description="After `start_date`, at most 31 days later.")


class Ramadan(Rejudged):
    year: int
    start_date: DayText
    end_date: DayText


class RamadanDates(Result):
    start_date: DayText
    end_date: DayText


class StoredRamadan(Result):
    """A year's Ramadan periods as stored; a year with none set is an ordinary state, not an error."""

    year: int
    start_date: DayText | None = Field(description="The year's first period; null while the year has none.")
    end_date: DayText | None = Field(description="The year's first period; null while the year has none.")
    periods: list[RamadanDates] = Field(
        description="Every period starting in the year, by date: one, or two in a year whose Ramadan starts in "
        "January and again in December (2030). A period replaces the year's period less than 320 days from it."
    )


class LeaveRequest(Request):
    nip: Nip
    type: Annotated[str, one_of(LEAVE_TYPES), choice(LEAVE_TYPES), enum_schema(LEAVE_TYPES)]
    start_date: Day
    end_date: Day = Field(description="On or after `start_date`, at most 366 days later.")
    reason: Text500 | None = None


class Leave(Result):
    leave_id: str
    nip: str
    type: Annotated[str, enum_schema(LEAVE_TYPES)]
    start_date: DayText
    end_date: DayText
    recapped: Recapped
