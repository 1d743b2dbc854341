"""When the scheduled jobs run, written in the regency's local time.

Chalice only knows UTC ``Schedule`` events (EventBridge rules). A regency thinks in local time
(WIB, WITA or WIT), so the deployed template replaces each of them with an EventBridge Scheduler
schedule (SAM ``ScheduleV2``) whose expression is the local time below and whose
``ScheduleExpressionTimezone`` is the stack's ``Timezone`` parameter (default Asia/Jakarta).

app.py still has to give ``@app.schedule`` an expression. The build checks that it equals the UTC
translation of the local time in ``APP_ZONE`` (WIB), so the two can never silently disagree (and, in a WIB
stage, `chalice local`-style callers see the same instant). If they differ, the build names the expected
``Cron(...)`` to write in app.py. A WITA or WIT regency changes only its zone (the stage's
``SMART_TIMEZONE``, the stack's ``Timezone``), never app.py: the deployed schedules are local times.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from .errors import ScheduleError

# Days on which the offset is sampled: a zone with daylight saving time has two different answers.
_SAMPLE_DAYS = (datetime(2026, 1, 15, 12), datetime(2026, 7, 15, 12))  # naive: only the offset matters
_CRON = re.compile(r"^cron\((\S+) (\S+) (\S+) (\S+) (\S+) (\S+)\)$")
# The zone app.py's UTC `Cron(...)` expressions are written for, whatever zone a stage runs in.
APP_ZONE = "Asia/Jakarta"
# Local hours [start, end) of working days (Monday to Friday) when a regency checks in without pause: the arrivals
# (units start 07:00 to 07:30) and the departures (16:00 to 16:30). Whole hours: metric math's HOUR() has no zone.
# NoAcceptedCheckinsAlarm watches them (infra/alarms.py), and the day-off watch runs through them.
CHECKIN_WINDOWS = ((7, 9), (16, 17))
WEEKDAYS = "MON-FRI"


def runs(values: Iterable[int]) -> list[tuple[int, int]]:
    """Sorted values as runs of consecutive ones: 1 2 3 7 → (1, 3), (7, 7)."""
    found: list[tuple[int, int]] = []
    for value in sorted(set(values)):
        if found and value == found[-1][1] + 1:
            found[-1] = (found[-1][0], value)
        else:
            found.append((value, value))
    return found


def _hours_field(hours: Iterable[int]) -> str:
    """A cron hours field: 0 1 9 → `0-1,9`."""
    return ",".join(str(a) if a == b else f"{a}-{b}" for a, b in runs(hours))


@dataclass(frozen=True)
class LocalSchedule:
    """A daily job at hour:minute local time. `function` is the Chalice function name (``name=`` of
    ``@app.schedule``); `purpose` is shown as the schedule's description. `job` (a name of chalicelib.jobs.JOBS)
    is empty for the function's own schedule, the one app.py declares; otherwise the schedule is a second one of
    the same function, in the deployed template only, whose input names that job
    (chalicelib.runtime.scheduled_job_event).

    A watch through working hours (`through`) fires instead every `every_minutes` minutes of the local hours
    [start, end) of its `windows`, Monday to Friday only; hour:minute is then its first run of a day."""

    function: str
    hour: int
    minute: int
    purpose: str
    job: str = ""
    windows: tuple[tuple[int, int], ...] = ()
    every_minutes: int = 0

    @classmethod
    def through(
        cls, function: str, windows: tuple[tuple[int, int], ...], every_minutes: int, purpose: str
    ) -> LocalSchedule:
        if not windows or every_minutes <= 0 or 60 % every_minutes:
            raise ScheduleError(f"{function}: a watch needs windows and a step that divides the hour")
        return cls(function, windows[0][0], 0, purpose, windows=windows, every_minutes=every_minutes)

    @property
    def job_name(self) -> str:
        return self.job or self.function

    @property
    def extra(self) -> bool:
        """A second schedule of its function: not in app.py, its input names its job."""
        return bool(self.job)

    @property
    def hours(self) -> tuple[int, ...]:
        """The local hours it fires in."""
        if not self.windows:
            return (self.hour,)
        return tuple(sorted({hour for start, end in self.windows for hour in range(start, end)}))

    def local_times(self) -> tuple[time, ...]:
        """The local clock times it fires at on a day it runs, in order."""
        minutes = range(self.minute, 60, self.every_minutes) if self.windows else (self.minute,)
        return tuple(time(hour, minute) for hour in self.hours for minute in minutes)

    @property
    def when(self) -> str:
        """Its local time as the build's messages say it."""
        return self.local_expression() if self.windows else f"{self.hour:02d}:{self.minute:02d}"

    def runs_on(self, day: date) -> bool:
        """Whether it fires on `day` at all: every day, or Monday to Friday for a watch."""
        return not self.windows or day.isoweekday() <= 5

    def local_expression(self) -> str:
        return self.cron(self.hours)

    def cron(self, hours: Iterable[int]) -> str:
        """Its cron expression with these hours (the local ones, or the UTC ones of app.py)."""
        if not self.windows:
            return f"cron({self.minute} {_hours_field(hours)} * * ? *)"
        return f"cron({self.minute}/{self.every_minutes} {_hours_field(hours)} ? * {WEEKDAYS} *)"


# The regency's day closes at 23:30 WIB; the HR data is pulled at 01:00 WIB, when nobody checks in. At 10:30 WIB
# the day before is judged again: night shifts ending by 08:30 (the hospitals' 20:00-08:00 and 21:00-07:00) have
# their check-outs (their window closes 2 h after the end), so the pay path need not wait for the 23:30 run
# (decisions 133, 139).
SCHEDULES: tuple[LocalSchedule, ...] = (
    LocalSchedule("daily_recap", 23, 30, "Daily attendance recap (23:30 local time)"),
    LocalSchedule("simpeg_sync", 1, 0, "SIMPEG employee sync (01:00 local time)"),
    LocalSchedule("face_retention", 2, 0, "Faces of employees who left deleted (02:00 local time)"),
    LocalSchedule("daily_recap", 10, 30, "The day before recapped again (10:30 local time)", "day_before_recap"),
    # Every 5 minutes, not 15: NoAcceptedCheckinsAlarm judges 5-minute periods, and DayOff must land in each one it
    # watches (a run's metric reaches CloudWatch a minute or two later; the alarm needs 3 breaching periods in a
    # row, so one late or failed run does not sound it).
    LocalSchedule.through(
        "day_off_watch", CHECKIN_WINDOWS, 5, "Tells the no-check-in alarm about a day off (working windows, weekdays)"
    ),
)


def fixed_utc_offset(timezone: str) -> timedelta:
    """The zone's UTC offset, refusing zones whose offset changes during the year (UTC cron would drift)."""
    zone = ZoneInfo(timezone)
    offsets = {day.replace(tzinfo=zone).utcoffset() for day in _SAMPLE_DAYS}
    if len(offsets) != 1:
        raise ScheduleError(f"{timezone} observes daylight saving time; a UTC cron cannot follow it")
    offset = offsets.pop()
    assert offset is not None  # a ZoneInfo always answers
    return offset


def utc_expression(schedule: LocalSchedule, timezone: str) -> str:
    """The UTC cron expression that fires at the schedule's local time in a fixed-offset zone. A watch's weekdays
    stay those of its local hours only while no hour moves to another UTC day (so in WIB); elsewhere a UTC cron
    cannot say it, and this says so (app.py writes WIB only: a stage in another zone deploys the local one)."""
    offset = int(fixed_utc_offset(timezone).total_seconds()) // 60
    if not schedule.windows:
        utc_minutes = (schedule.hour * 60 + schedule.minute - offset) % (24 * 60)
        return f"cron({utc_minutes % 60} {utc_minutes // 60} * * ? *)"
    if offset % 60:
        raise ScheduleError(f"{schedule.function}: {timezone} is not a whole number of hours from UTC")
    hours = [hour - offset // 60 for hour in schedule.hours]
    if min(hours) < 0 or max(hours) > 23:
        raise ScheduleError(
            f"{schedule.function}: in {timezone} some of its hours fall on the UTC day before or after, which a "
            f"UTC cron of {WEEKDAYS} cannot name; app.py's expression is written for {APP_ZONE}"
        )
    return schedule.cron(hours)


def _normalise(expression: str) -> str:
    match = _CRON.match(expression.strip())
    if not match:
        return expression.strip()
    fields = list(match.groups())
    # Chalice writes day-of-month "*" and day-of-week "?"; EventBridge accepts either placement.
    if fields[2] in ("*", "?") and fields[4] in ("*", "?"):
        fields[2], fields[4] = "*", "?"
    return "cron(" + " ".join(fields) + ")"


def check_expression(schedule: LocalSchedule, chalice_expression: str, timezone: str = APP_ZONE) -> None:
    """Fail when app.py's UTC expression is not the local schedule translated for `timezone`."""
    expected = utc_expression(schedule, timezone)
    if _normalise(chalice_expression) != _normalise(expected):
        fields = expected.removeprefix("cron(").removesuffix(")").split(" ")
        cron = ", ".join(field if field.isdigit() else f'"{field}"' for field in fields)
        raise ScheduleError(
            f"{schedule.function}: app.py schedules {chalice_expression!r} but infra/schedules.py says "
            f"{schedule.when} {timezone} = {expected}; write "
            f'@app.schedule(Cron({cron}), name="{schedule.function}") or change SCHEDULES',
            {"function": schedule.function, "expected": expected, "found": chalice_expression},
        )


def by_function(schedules: tuple[LocalSchedule, ...] = SCHEDULES) -> dict[str, LocalSchedule]:
    """Each scheduled function's own schedule (the one app.py declares)."""
    return {schedule.function: schedule for schedule in schedules if not schedule.extra}


def by_job(schedules: tuple[LocalSchedule, ...] = SCHEDULES) -> dict[str, LocalSchedule]:
    """Every schedule, by the job it runs."""
    return {schedule.job_name: schedule for schedule in schedules}
