"""Working hours and versioned unit schedules.

Schedules change over time, and a change must never re-judge a day that is over or already in progress
(DOMAIN.md: "a change made at 07:15 must not re-judge people who came at 07:10"). A version therefore
carries both the date it is meant to start (`effective_from`) and the instant it was saved (`created_at`);
it governs a day only if it existed before that day began in the regency's time zone.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from zoneinfo import ZoneInfo

from chalicelib.domain.schedule import ScheduleVersion


def schedule_in_force(versions: Iterable[ScheduleVersion], day: date, tz: ZoneInfo) -> ScheduleVersion | None:
    """The version governing `day`: the latest-starting one already in force; ties go to the newest save."""
    best: tuple[date, datetime] | None = None
    chosen: ScheduleVersion | None = None
    for version in versions:
        first = version.first_day(tz)
        if first > day:
            continue
        key = (first, version.created_at)
        if best is None or key > best:
            best, chosen = key, version
    return chosen
