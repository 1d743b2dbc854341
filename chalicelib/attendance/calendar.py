"""What kind of day a date is for one employee: working hours, holiday, leave, field duty.

Resolution order for the hours of an employee on date D (the date a shift STARTS, so a night shift
21:00–07:00 belongs to the evening it began):
1. a per-date shift assignment (rosters of puskesmas/disaster staff) — it wins even on a holiday;
2. a holiday (national, cuti bersama, local) — no hours;
3. the employee's own schedule version in force, else the unit's, else the regency default week;
4. inside a Ramadan period, a working day that begins in the morning is cut to the Ramadan hours of that
   weekday (the regency's default week becomes the Ramadan week; a school's 07:00-13:00 becomes 08:00-13:00);
   an afternoon school, an evening or a night shift keeps its hours (`_within_ramadan`). Ramadan shortens
   working days but never lengthens, adds or removes one (a Saturday school keeps its Saturday), and never
   closes a day's attendance window before the one of its own hours (`DayPlan.usual`).
Leaves and field duty are carried alongside; the precedence between them lives in classify.py.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from chalicelib.attendance.rules import RuleTable
from chalicelib.attendance.schedule import schedule_in_force
from chalicelib.domain.calendar import (
    EmployeePlan,
    Holiday,
    Leave,
    LeaveKind,
    RegencyCalendar,
)
from chalicelib.domain.schedule import WeekSchedule, WorkHours


@dataclass(frozen=True)
class DayPlan:
    """One employee's resolved day: hours (None = day off) and the reasons that may excuse attendance."""

    day: date
    hours: WorkHours | None
    holiday: Holiday | None = None
    leave: LeaveKind | None = None
    field_duty: bool = False
    source: str = "default"
    # The day's own hours when Ramadan cut them (`hours` is then the cut): its window still holds them.
    usual: WorkHours | None = None

    def bounds(self, rules: RuleTable) -> tuple[datetime, datetime] | None:
        """UTC start and end of the working hours, None on a day off."""
        return _bounds(self.hours, self.day, rules.tz) if self.hours else None

    def at_clock(self, clock: time, rules: RuleTable) -> datetime:
        """The UTC instant a clock time of this day names (a time correction's): on the day's date, or on the
        next one, or the one before, when only that falls in the day's window (a night shift's 07:00 check-out;
        a shift from midnight's 23:45 arrival the evening before, decision 294)."""
        begin, end = self.window(rules)
        dates = (self.day, self.day + timedelta(days=1), self.day - timedelta(days=1))
        named = [datetime.combine(d, clock, tzinfo=rules.tz) for d in dates]
        return next((at for at in named if begin <= at < end), named[0]).astimezone(UTC)

    def window(self, rules: RuleTable) -> tuple[datetime, datetime]:
        """UTC instants [from, to) in which attendance events belong to this day.

        Margins around the hours come from the rule table; a same-day schedule is widened to the
        regency's opening/closing clock times; a day off takes the whole local date so attendance on it
        is still kept (and judged LIBUR). A Ramadan day's window also holds the window of its own hours: the
        one who keeps them (a 07:30-19:00 unit cut to 08:00-15:00, leaving at 19:00) has a check-out that counts.
        """
        clock = (rules.check_in_opens, rules.check_out_closes)
        margins = (rules.opens_minutes_before_start, rules.closes_minutes_after_end)
        begin, end = _window(self.day, self.hours, rules.tz, clock, margins)
        if self.usual is None:
            return begin, end
        usual_begin, usual_end = _window(self.day, self.usual, rules.tz, clock, margins)
        return min(begin, usual_begin), max(end, usual_end)


def plan_day(day: date, calendar: RegencyCalendar, employee: EmployeePlan, rules: RuleTable) -> DayPlan:
    """Resolve what `day` is for one employee (see the module docstring for the order)."""
    hours, source, usual = _hours(day, calendar, employee, rules)
    leave = _leave_on(day, employee.leaves)
    on_duty = any(day in period for period in employee.field_duties)
    return DayPlan(day, hours, calendar.holidays.get(day), leave, on_duty, source, usual)


def _leave_on(day: date, leaves: Iterable[Leave]) -> LeaveKind | None:
    """The kind of the leave covering `day`, whatever order the leaves were read in. A day holds one leave (a
    second is refused: `usecases.calendar.record_leave`), but two may cover it, stored before that refusal or by
    two approvals at once: the one begun last wins (the more recent, narrower letter: a sick note inside an
    annual leave), a tie by kind, S then I then C. Read first-found, the check-in's answer (leaves by start and
    id), the recap (by start, in the index's order) and a re-run could disagree: C one run, S the next."""
    covering = [item for item in leaves if day in item.period]
    return max(covering, key=lambda item: (item.period.start, item.kind.value)).kind if covering else None


# Every employee of a regency shares a handful of (day, hours) pairs: caching them keeps a month's recap of
# thousands of employees from redoing the same time-zone arithmetic.
@lru_cache(maxsize=8192)
def _bounds(hours: WorkHours, day: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    return hours.bounds(day, tz)


@lru_cache(maxsize=8192)
def _window(
    day: date, hours: WorkHours | None, tz: ZoneInfo, clock: tuple[time, time], margins: tuple[int, int]
) -> tuple[datetime, datetime]:
    if hours is None:
        start = datetime.combine(day, time(0, 0), tzinfo=tz)
        return start.astimezone(UTC), (start + timedelta(days=1)).astimezone(UTC)
    begin, end = _bounds(hours, day, tz)
    begin -= timedelta(minutes=margins[0])
    end += timedelta(minutes=margins[1])
    if hours.crosses_midnight:
        return begin, end
    opens = datetime.combine(day, clock[0], tzinfo=tz).astimezone(UTC)
    closes = datetime.combine(day, clock[1], tzinfo=tz).astimezone(UTC)
    return min(opens, begin), max(closes, end)


def _hours(
    day: date, calendar: RegencyCalendar, employee: EmployeePlan, rules: RuleTable
) -> tuple[WorkHours | None, str, WorkHours | None]:
    """The day's hours, where they come from, and the own hours Ramadan cut (None when it cut none)."""
    if day in employee.shifts:
        return employee.shifts[day], "shift", None
    if day in calendar.holidays:
        return None, "holiday", None
    week, source = _week(day, employee, rules)
    hours = week.hours_on(day)
    ramadan = calendar.ramadan_on(day)
    if hours is not None and ramadan is not None:
        shortened = _within_ramadan(hours, (ramadan.week or rules.ramadan_week).hours_on(day))
        if shortened is not None:
            return shortened, "ramadan", hours
    return hours, source, None


def _within_ramadan(hours: WorkHours, ramadan: WorkHours | None) -> WorkHours | None:
    """A working day's hours in Ramadan: the part of them inside the Ramadan hours of its weekday, for a day that
    begins in the morning, before the middle of the Ramadan hours (11:30 for 08:00-15:00). Ramadan starts later
    and ends sooner; it never lengthens a day, so the offices' 07:30-16:00 becomes 08:00-15:00, a school's
    07:00-13:00 becomes 08:00-13:00 (not 08:00-15:00), a 09:00-17:00 unit 09:00-15:00.

    None, the day's own hours standing, for a day that begins later (an afternoon school 12:30-17:30, a
    14:00-21:00 shift: the Ramadan hours are an office day's, and cutting these to them would leave a stub,
    14:00-15:00), for a shift across midnight, and for hours the Ramadan hours do not overlap. Whatever the cut,
    the day's attendance window still holds its own hours (`DayPlan.window`): leaving at the unit's own end
    is never a missing check-out."""
    if ramadan is None or hours.crosses_midnight or ramadan.crosses_midnight:
        return None
    middle = (datetime.combine(date.min, ramadan.start) + timedelta(minutes=ramadan.minutes) / 2).time()
    if hours.start >= middle:
        return None
    start, end = max(hours.start, ramadan.start), min(hours.end, ramadan.end)
    return WorkHours(start, end) if start < end else None


def _week(day: date, employee: EmployeePlan, rules: RuleTable) -> tuple[WeekSchedule, str]:
    for versions, source in ((employee.own_versions, "employee"), (employee.unit_versions, "unit")):
        version = schedule_in_force(versions, day, rules.tz)
        if version is not None:
            return version.week, source
    return rules.default_week, "default"
