"""Which days the nightly recap makes up (`jobs.missed_days`, decision 146): those no recap run judged finished."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from chalicelib.jobs import DAILY_RECAP, DAY_BEFORE_RECAP, MAKE_UP_DAYS, missed_days
from chalicelib.store.job_runs import JobRun

WIB = ZoneInfo("Asia/Jakarta")
TODAY = date(2026, 12, 10)


def day(offset: int) -> date:
    return TODAY + timedelta(days=offset)


def nightly(offset: int, status: str = "succeeded", made_up: tuple[int, ...] = ()) -> JobRun:
    """The 23:30 run of `day(offset)`: that day, the day before again, and the days it made up."""
    result: dict[str, Any] = {
        "date": day(offset).isoformat(),
        "day_before": {"date": day(offset - 1).isoformat()},
        "made_up": [{"date": day(o).isoformat()} for o in made_up],
    }
    return _run(DAILY_RECAP, datetime.combine(day(offset), time(23, 30), WIB), status, result)


def morning(offset: int, status: str = "succeeded") -> JobRun:
    """The 10:30 run of `day(offset)`: the day before again."""
    return _run(DAY_BEFORE_RECAP, datetime.combine(day(offset), time(10, 30), WIB), status,
                {"date": day(offset - 1).isoformat()})  # fmt: skip


def _run(job: str, local: datetime, status: str, result: dict[str, Any]) -> JobRun:
    started = local.astimezone(UTC)
    failed = status == "failed"
    return JobRun(f"{job}-{started:%m%d%H}", job, "schedule", status, started, started + timedelta(minutes=1),
                  None if failed else result, "ClientError: throttled" if failed else None)  # fmt: skip


def test_a_week_of_runs_that_all_succeeded_leaves_nothing_to_make_up() -> None:
    runs = [run for offset in range(-9, 0) for run in (nightly(offset), morning(offset + 1))]
    assert missed_days(TODAY, runs, WIB) == []


def test_days_that_no_run_judged_finished_are_made_up_oldest_first() -> None:
    # GIVEN the runs of the 3rd judged it as it stood and the 2nd as finished; every run of the 4th and of the
    # morning of the 5th failed (a broken deploy); the night of the 6th judged the 5th; no run came since (the
    # scheduler stopped)
    runs = [nightly(-7), morning(-6, "failed"), nightly(-6, "failed"), morning(-5, "failed"), nightly(-5, "failed"),
            morning(-4, "failed"), nightly(-4)]  # fmt: skip
    # THEN tonight makes up the 3rd and the 4th, whose later runs failed, and the 6th (judged only as it stood at
    # 23:30), the 7th and the 8th; the 9th is tonight's day before
    assert missed_days(TODAY, runs, WIB) == [day(-7), day(-6), day(-4), day(-3), day(-2)]


def test_a_day_judged_finished_by_one_later_run_or_made_up_before_is_not_made_up_again() -> None:
    # the 6th (-4): the morning run of the 7th judged it, the night of the 7th failed
    by_morning = [nightly(-5), morning(-4), nightly(-4, "failed"), morning(-3), nightly(-3, "failed"), nightly(-2),
                  morning(-1), nightly(-1)]  # fmt: skip
    assert missed_days(TODAY, by_morning, WIB) == []
    # the 5th (-5): its later runs failed, and the night of the 7th made it up
    made_up = [nightly(-6), morning(-5), nightly(-5), morning(-4, "failed"), nightly(-4, "failed"),
               nightly(-3, made_up=(-5,)), morning(-2), nightly(-2), nightly(-1)]  # fmt: skip
    assert missed_days(TODAY, made_up, WIB) == []
    assert missed_days(TODAY, made_up[:-4], WIB) == [day(-5), day(-4), day(-3), day(-2)]


def test_no_day_before_the_first_run_listed_nor_beyond_the_limit() -> None:
    # a new stage whose first run was last night: nothing before it is judged
    assert missed_days(TODAY, [nightly(-1)], WIB) == []
    assert missed_days(TODAY, [], WIB) == []
    # a stage whose recaps have failed for three weeks: only the last MAKE_UP_DAYS days
    runs = [nightly(offset, "failed") for offset in range(-21, 0)]
    assert missed_days(TODAY, runs, WIB) == [day(-MAKE_UP_DAYS + i) for i in range(MAKE_UP_DAYS - 1)]
