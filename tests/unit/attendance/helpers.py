"""Builders shared by the attendance rule tests: local clock times to UTC events, plans, rules."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from chalicelib.attendance.calendar import plan_day
from chalicelib.attendance.classify import AttendanceEvent, DayInputs, EventState, classify_day
from chalicelib.attendance.rules import RuleTable
from chalicelib.domain.calendar import EmployeePlan, RegencyCalendar
from chalicelib.domain.status import DayStatus, EventKind

RULES = RuleTable()
# A Perbup with three bands, the last 2.5 % (DOMAIN.md: "TL4 2-2.5 %, variants"), as SMART_RULES carries it.
_THREE_BANDS = [
    {"up_to_minutes": 30, "deduction_percent": "0.5"},
    {"up_to_minutes": 60, "deduction_percent": "1"},
    {"up_to_minutes": None, "deduction_percent": "2.5"},
]
THREE_BAND_PERBUP: dict[str, object] = {
    "late_bands": _THREE_BANDS,
    "early_bands": _THREE_BANDS,
    "missing_check_in_level": 3,
    "missing_check_out_level": 3,
}
JAKARTA = ZoneInfo("Asia/Jakarta")
MONDAY = date(2026, 11, 23)
FRIDAY = date(2026, 11, 27)
SATURDAY = date(2026, 11, 28)


def local(day: date, clock: str, tz: ZoneInfo = JAKARTA) -> datetime:
    """UTC instant of a local wall-clock time such as "07:30" or "07:30:59"."""
    return datetime.combine(day, time.fromisoformat(clock), tzinfo=tz).astimezone(ZoneInfo("UTC"))


def ev(kind: EventKind, day: date, clock: str, state: EventState = EventState.ACCEPTED) -> AttendanceEvent:
    return AttendanceEvent(kind, local(day, clock), state)


def punch(day: date, clock: str) -> AttendanceEvent:
    """A fingerprint-machine punch: neither a check-in nor a check-out until its working day types it."""
    return AttendanceEvent(None, local(day, clock))


def judge(
    day: date,
    *events: AttendanceEvent,
    employee: EmployeePlan | None = None,
    calendar: RegencyCalendar | None = None,
    rules: RuleTable = RULES,
) -> DayStatus:
    """Classify one day of one employee from the calendar, their plan and events."""
    plan = plan_day(day, calendar or RegencyCalendar(), employee or EmployeePlan(), rules)
    return classify_day(DayInputs(plan, events), rules)


def attend(day: date, in_clock: str, out_clock: str, **context: object) -> DayStatus:
    """Classify a day with one accepted check-in and one accepted check-out on that local date."""
    return judge(day, ev("in", day, in_clock), ev("out", day, out_clock), **context)  # type: ignore[arg-type]


def november_days(late_on: int | None = None) -> list[DayStatus]:
    """November 2026 as the daily recap stores it: weekends LIBUR, on time on working days, and on `late_on`
    (a day of the month) 95 minutes late and 5 minutes early (TL4 + PSW1)."""
    days = []
    for offset in range(30):
        day = date(2026, 11, 1) + timedelta(days=offset)
        if day.weekday() >= 5:
            days.append(DayStatus(day, "LIBUR"))
        elif day.day == late_on:
            days.append(DayStatus(day, "TL4+PSW1", tl="TL4", psw="PSW1", late_minutes=95, early_minutes=5))
        else:
            days.append(DayStatus(day, "H", late_minutes=0, early_minutes=0))
    return days
