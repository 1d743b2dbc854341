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
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from .errors import ScheduleError

# Days on which the offset is sampled: a zone with daylight saving time has two different answers.
_SAMPLE_DAYS = (datetime(2026, 1, 15, 12), datetime(2026, 7, 15, 12))  # naive: only the offset matters
_CRON = re.compile(r"^cron\((\S+) (\S+) (\S+) (\S+) (\S+) (\S+)\)$")
# The zone app.py's UTC `Cron(...)` expressions are written for, whatever zone a stage runs in.
APP_ZONE = "Asia/Jakarta"


@dataclass(frozen=True)
class LocalSchedule:
    """A daily job at hour:minute local time. `function` is the Chalice function name (``name=`` of
    ``@app.schedule``); `purpose` is shown as the schedule's description. `job` (a name of chalicelib.jobs.JOBS)
    is empty for the function's own schedule, the one app.py declares; otherwise the schedule is a second one of
    the same function, in the deployed template only, whose input names that job
    (chalicelib.runtime.scheduled_job_event)."""

    function: str
    hour: int
    minute: int
    purpose: str
    job: str = ""

    @property
    def job_name(self) -> str:
        return self.job or self.function

    @property
    def extra(self) -> bool:
        """A second schedule of its function: not in app.py, its input names its job."""
        return bool(self.job)

    def local_expression(self) -> str:
        return f"cron({self.minute} {self.hour} * * ? *)"


# The regency's day closes at 23:30 WIB; the HR data is pulled at 01:00 WIB, when nobody checks in. At 10:30 WIB
# the day before is judged again: night shifts ending by 08:30 (the hospitals' 20:00-08:00 and 21:00-07:00) have
# their check-outs (their window closes 2 h after the end), so the pay path need not wait for the 23:30 run
# (decisions 133, 139).
SCHEDULES: tuple[LocalSchedule, ...] = (
    LocalSchedule("daily_recap", 23, 30, "Daily attendance recap (23:30 local time)"),
    LocalSchedule("simpeg_sync", 1, 0, "SIMPEG employee sync (01:00 local time)"),
    LocalSchedule("face_retention", 2, 0, "Faces of employees who left deleted (02:00 local time)"),
    LocalSchedule("daily_recap", 10, 30, "The day before recapped again (10:30 local time)", "day_before_recap"),
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
    """The UTC cron expression that fires at the schedule's local time in a fixed-offset zone."""
    local_minutes = schedule.hour * 60 + schedule.minute
    utc_minutes = (local_minutes - int(fixed_utc_offset(timezone).total_seconds()) // 60) % (24 * 60)
    return f"cron({utc_minutes % 60} {utc_minutes // 60} * * ? *)"


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
        minute, hour = expected[5:].split(" ")[:2]
        raise ScheduleError(
            f"{schedule.function}: app.py schedules {chalice_expression!r} but infra/schedules.py says "
            f"{schedule.hour:02d}:{schedule.minute:02d} {timezone} = {expected}; write "
            f'@app.schedule(Cron({minute}, {hour}, "*", "*", "?", "*"), name="{schedule.function}") '
            "or change SCHEDULES",
            {"function": schedule.function, "expected": expected, "found": chalice_expression},
        )


def by_function(schedules: tuple[LocalSchedule, ...] = SCHEDULES) -> dict[str, LocalSchedule]:
    """Each scheduled function's own schedule (the one app.py declares)."""
    return {schedule.function: schedule for schedule in schedules if not schedule.extra}


def by_job(schedules: tuple[LocalSchedule, ...] = SCHEDULES) -> dict[str, LocalSchedule]:
    """Every schedule, by the job it runs."""
    return {schedule.job_name: schedule for schedule in schedules}
