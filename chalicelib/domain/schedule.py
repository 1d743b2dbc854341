"""Working hours, week schedules and their versions: the values that schedules are made of.

Which version governs a day is a rule and lives in `chalicelib.attendance.schedule`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from chalicelib.errors import ScheduleError

WEEKDAY_KEYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


# "HH:MM" on a 24-hour clock: every clock time the API takes (schedules, rosters, a correction's time), whole.
HH_MM = re.compile(r"([01][0-9]|2[0-3]):[0-5][0-9]")


def parse_clock(text: object, field: str) -> time:
    """Parse "HH:MM" (24 h) into a time; anything else is a ScheduleError naming `field`.

    Matched whole before it is read: `time.fromisoformat` also takes other ISO forms of five characters, and
    read "07.30", as Indonesian text writes half past seven, as 07:00:00.3 (a school's week saved starting at
    07:00, every teacher coming at 07:25 late), and "T0730" as 07:30."""
    if not isinstance(text, str) or HH_MM.fullmatch(text) is None:
        raise ScheduleError(f"Format jam harus JJ:MM pada {field}", {"field": field})
    return time(int(text[:2]), int(text[3:]))


@dataclass(frozen=True)
class WorkHours:
    """One day's working hours in local clock time; `end` before `start` means the shift ends next day."""

    start: time
    end: time

    def __post_init__(self) -> None:
        if self.start == self.end:
            raise ScheduleError("Jam masuk dan jam pulang tidak boleh sama", {"start": str(self.start)})

    @classmethod
    def parse(cls, start: object, end: object, field: str = "hours") -> WorkHours:
        return cls(parse_clock(start, f"{field}.start"), parse_clock(end, f"{field}.end"))

    @property
    def crosses_midnight(self) -> bool:
        return self.end < self.start

    @property
    def minutes(self) -> int:
        start = self.start.hour * 60 + self.start.minute
        end = self.end.hour * 60 + self.end.minute
        return (end - start) % (24 * 60)

    def bounds(self, day: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
        """UTC start and end of the shift that starts on `day` (the day the attendance belongs to)."""
        start = datetime.combine(day, self.start, tzinfo=tz)
        end_day = day + timedelta(days=1) if self.crosses_midnight else day
        end = datetime.combine(end_day, self.end, tzinfo=tz)
        return start.astimezone(UTC), end.astimezone(UTC)

    def to_dict(self) -> dict[str, str]:
        return {"start": self.start.strftime("%H:%M"), "end": self.end.strftime("%H:%M")}


RosterDays = dict[date, WorkHours | None]  # an employee's roster dates: the hours of each, or None for a day off
MAX_ROSTER_DAYS = 62  # dates one roster change sets (about two months), kept in one transaction with its entry


def roster_text(days: Mapping[date, WorkHours | None]) -> dict[str, dict[str, str] | None]:
    """Roster dates as the API and the audit log write them: per date (YYYY-MM-DD) its hours, null a day off."""
    return {day.isoformat(): hours.to_dict() if hours else None for day, hours in sorted(days.items())}


@dataclass(frozen=True)
class WeekSchedule:
    """Working hours for each weekday, Monday first; None is a day off."""

    days: tuple[WorkHours | None, ...]

    def __post_init__(self) -> None:
        if len(self.days) != 7:
            raise ScheduleError("Jadwal mingguan harus berisi 7 hari", {"days": len(self.days)})

    @classmethod
    def of(cls, weekdays: WorkHours, friday: WorkHours | None = None) -> WeekSchedule:
        """Monday–Friday schedule with the same hours every day except (optionally) Friday."""
        return cls((weekdays, weekdays, weekdays, weekdays, friday or weekdays, None, None))

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> WeekSchedule:
        """Build from the API shape `{"mon": {"start": "07:30", "end": "16:00"}, ...}`; absent = off."""
        unknown = sorted(set(data) - set(WEEKDAY_KEYS))
        if unknown:
            raise ScheduleError("Nama hari tidak dikenal", {"fields": unknown})
        days: list[WorkHours | None] = []
        for key in WEEKDAY_KEYS:
            entry = data.get(key)
            if entry is None:
                days.append(None)
                continue
            if not isinstance(entry, Mapping):
                raise ScheduleError(f"Jam kerja {key} tidak valid", {"field": f"days.{key}"})
            days.append(WorkHours.parse(entry.get("start"), entry.get("end"), f"days.{key}"))
        return cls(tuple(days))

    def to_dict(self) -> dict[str, dict[str, str]]:
        return {key: hours.to_dict() for key, hours in zip(WEEKDAY_KEYS, self.days, strict=True) if hours}

    def hours_on(self, day: date) -> WorkHours | None:
        return self.days[day.weekday()]

    @property
    def weekly_minutes(self) -> int:
        return sum(hours.minutes for hours in self.days if hours)


@dataclass(frozen=True)
class ScheduleVersion:
    """A unit's (or an employee's) week schedule from `effective_from` on, saved at `created_at` (UTC)."""

    effective_from: date
    created_at: datetime
    week: WeekSchedule

    def __post_init__(self) -> None:
        if self.created_at.tzinfo is None:
            raise ScheduleError("created_at harus memiliki zona waktu", {"field": "created_at"})

    def first_day(self, tz: ZoneInfo) -> date:
        """First local date this version governs: never a day that had already begun when it was saved."""
        created_local = self.created_at.astimezone(tz)
        created_day = created_local.date()
        at_midnight = created_local.timetz().replace(tzinfo=None) == time(0, 0)
        first_untouched = created_day if at_midnight else created_day + timedelta(days=1)
        return max(self.effective_from, first_untouched)
