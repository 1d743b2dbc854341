"""The local scheduler of `make run`: the same local times as the deployed schedules, in Asia/Jakarta."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from chalicelib.attendance.calendar import DayPlan
from chalicelib.domain.schedule import WorkHours
from chalicelib.runtime import rule_table
from chalicelib.settings import build_settings
from infra.schedules import SCHEDULES, LocalSchedule, by_function, by_job
from tools.devstack import StackConfig
from tools.devstack_jobs import JobScheduler, job_name, next_fire

WIB = ZoneInfo("Asia/Jakarta")
RECAP = by_function()["daily_recap"]
SYNC = by_function()["simpeg_sync"]
DAY_BEFORE = by_job()["day_before_recap"]
WATCH = by_job()["day_off_watch"]


def wib(day: int, hh: int, mm: int, ss: int = 0) -> datetime:
    return datetime(2026, 12, day, hh, mm, ss, tzinfo=WIB)


def test_the_recap_fires_at_2330_jakarta_that_is_1630_utc() -> None:
    assert next_fire(RECAP, wib(3, 10, 0), WIB) == datetime(2026, 12, 3, 16, 30, tzinfo=UTC)
    # Exactly at the fire time: the next one is tomorrow (a schedule fires once a minute it names).
    assert next_fire(RECAP, wib(3, 23, 30), WIB) == wib(4, 23, 30).astimezone(UTC)
    assert next_fire(RECAP, wib(3, 23, 29, 59), WIB) == wib(3, 23, 30).astimezone(UTC)


def test_the_sync_fires_at_0100_jakarta_the_evening_before_in_utc() -> None:
    # 23:00 UTC on the 3rd is 06:00 on the 4th in Jakarta: the next 01:00 WIB is the 5th (18:00 UTC on the 4th).
    assert next_fire(SYNC, datetime(2026, 12, 3, 23, 0, tzinfo=UTC), WIB) == datetime(2026, 12, 4, 18, 0, tzinfo=UTC)
    assert next_fire(SYNC, datetime(2026, 12, 3, 17, 59, tzinfo=UTC), WIB) == datetime(2026, 12, 3, 18, 0, tzinfo=UTC)


def test_the_day_before_is_recapped_again_at_1030_jakarta_by_the_recap_function() -> None:
    assert next_fire(DAY_BEFORE, wib(3, 8, 0), WIB) == datetime(2026, 12, 3, 3, 30, tzinfo=UTC)
    assert (DAY_BEFORE.function, DAY_BEFORE.extra, RECAP.extra) == ("daily_recap", True, False)
    assert by_function()["daily_recap"] == RECAP  # app.py's own schedule of the function, not the second one


def test_the_day_off_watch_fires_every_5_minutes_of_the_working_windows_monday_to_friday() -> None:
    # 2026-12-04 is a Friday
    assert next_fire(WATCH, wib(4, 6, 30), WIB) == wib(4, 7, 0).astimezone(UTC)
    assert next_fire(WATCH, wib(4, 7, 0), WIB) == wib(4, 7, 5).astimezone(UTC)
    assert next_fire(WATCH, wib(4, 8, 55), WIB) == wib(4, 16, 0).astimezone(UTC)  # 09:00-16:00 is not watched
    assert next_fire(WATCH, wib(4, 16, 50), WIB) == wib(4, 16, 55).astimezone(UTC)
    assert next_fire(WATCH, wib(4, 16, 55), WIB) == wib(7, 7, 0).astimezone(UTC)  # the weekend skipped: Monday
    # AND 36 runs a working day: 12 an hour in 07:00-09:00 and 16:00-17:00
    runs, at = 0, wib(7, 0, 0).astimezone(UTC)
    while (at := next_fire(WATCH, at, WIB)) < wib(8, 0, 0).astimezone(UTC):
        runs += 1
    assert runs == 36


def test_month_and_year_ends_roll_over() -> None:
    assert next_fire(RECAP, datetime(2026, 12, 31, 23, 45, tzinfo=WIB), WIB) == wib(1, 23, 30).replace(
        year=2027, month=1
    ).astimezone(UTC)


def test_the_local_schedules_are_the_deployed_ones_and_app_py_agrees() -> None:
    import app
    from chalicelib.jobs import JOBS

    handlers = {name: getattr(app, name) for name in ("daily_recap", "simpeg_sync", "face_retention", "day_off_watch")}
    assert {s.function for s in SCHEDULES} == set(handlers)
    assert {s.job_name for s in SCHEDULES} == set(JOBS)  # every schedule fires a job the local stack can run


def test_the_scheduler_fires_each_job_once_when_due_and_moves_it_on(tmp_path: Path) -> None:
    now = [wib(3, 23, 29, 50).astimezone(UTC)]
    scheduler = JobScheduler({}, tmp_path, tmp_path / "jobs.log", WIB, clock=lambda: now[0])
    assert scheduler.due() == []
    now[0] += timedelta(seconds=10)
    assert scheduler.due() == ["daily_recap"]
    assert scheduler.due() == []
    assert scheduler.next_at["daily_recap"] == wib(4, 23, 30).astimezone(UTC)
    assert scheduler.next_at["simpeg_sync"] == wib(4, 1, 0).astimezone(UTC)
    assert scheduler.next_at["face_retention"] == wib(4, 2, 0).astimezone(UTC)
    assert scheduler.next_at["day_before_recap"] == wib(4, 10, 30).astimezone(UTC)
    assert scheduler.next_at["day_off_watch"] == wib(4, 7, 0).astimezone(UTC)  # Friday morning's first


def test_job_names_take_either_spelling() -> None:
    assert job_name("daily-recap") == job_name("daily_recap") == "daily_recap"
    assert job_name("day-before-recap") == "day_before_recap"
    assert job_name("day-off-watch") == "day_off_watch"
    with pytest.raises(SystemExit, match="simpeg-sync"):
        job_name("housekeeping")


def test_a_schedule_of_another_time_is_computed_the_same_way() -> None:
    noon = LocalSchedule("x", 12, 0, "")
    assert next_fire(noon, wib(3, 11, 59), WIB) == datetime(2026, 12, 3, 5, 0, tzinfo=UTC)


def test_the_morning_recap_comes_once_night_shifts_ending_by_0830_can_no_longer_check_out() -> None:
    # The hospitals' night shifts (20:00-08:00, 21:00-07:00): once their window has closed nothing more can count
    # for the night, so the morning run judges it complete. A shift ending later waits for the 23:30 run.
    rules = rule_table(build_settings({}))
    run = datetime.combine(date(2026, 12, 4), time(DAY_BEFORE.hour, DAY_BEFORE.minute), tzinfo=WIB)

    def closes(start: time, end: time) -> datetime:
        return DayPlan(date(2026, 12, 3), WorkHours(start, end)).window(rules)[1]

    for start, end in ((time(20), time(8)), (time(21), time(7)), (time(22, 30), time(8, 30))):
        assert closes(start, end) <= run, (start, end)
    assert closes(time(21), time(9)) > run


def test_make_run_follows_the_zone_it_is_given() -> None:
    """`SMART_TIMEZONE=Asia/Jayapura make run` rehearses a WIT regency: the API and the job times use WIT."""
    config = StackConfig.from_env({"SMART_TIMEZONE": "Asia/Jayapura"})
    assert config.timezone == "Asia/Jayapura"
    assert config.app_env("http://127.0.0.1:1", None)["SMART_TIMEZONE"] == "Asia/Jayapura"
    assert StackConfig.from_env({}).timezone == "Asia/Jakarta"
