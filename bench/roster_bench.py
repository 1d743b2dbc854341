"""Benchmark: a unit's plans for a recap or monitor window with a long shift-roster and field-duty history.

Run on purpose (never part of the tests):
    .venv/bin/python -m bench.roster_bench [--staff 40] [--days 365] [--runs 5]
DynamoDB is moto in-process (with tools.moto_scaling, as the functional tests run it). One unit of `--staff`
employees gets a roster day for each of them on each of the `--days` days before the asked day (as a hospital
rosters its nurses: a night, a day off, ...), a few dates removed again, and a one-week field-duty letter for
eight of them each week of that history. Then the plans of the unit for the recap's window (the day before,
the day, the day after) are read as `recaps._unit_plans` reads them: the unit's duty rows, then its plans.
Printed per read: the median wall time of `--runs` reads and the items DynamoDB's Queries read (ScannedCount).
bench/roster_RESULTS.md records runs.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable
from datetime import date, timedelta
from typing import TypeVar

from moto import mock_aws

from chalicelib.domain.calendar import NewScheduleVersion
from chalicelib.domain.schedule import MAX_ROSTER_DAYS, WeekSchedule, WorkHours
from chalicelib.domain.zones import Assignment
from chalicelib.settings import load_settings
from chalicelib.store.aws import reset_clients
from chalicelib.store.calendar import DynamoCalendarRepository, unit_owner
from chalicelib.store.schema import create_all
from chalicelib.store.zones import DynamoZonesRepository
from tests.functional.dynamo_reads import queries_read
from tools import moto_scaling

T = TypeVar("T")
UNIT = "U-RS"
DAY = date(2026, 12, 6)
NIGHT, MORNING = WorkHours.parse("21:00", "07:00"), WorkHours.parse("07:00", "14:00")


def measured(label: str, read: Callable[[], T], runs: int) -> T:
    times: list[float] = []
    result: T | None = None
    for _ in range(runs):
        with queries_read() as read_by:
            began = time.perf_counter()
            result = read()
            times.append(time.perf_counter() - began)
        scanned = [items for _, items in read_by]
    print(f"{label:<44} median {statistics.median(times) * 1000:9.1f} ms   items read {sum(scanned):>7,}"
          f"   ({len(scanned)} Queries)", flush=True)  # fmt: skip
    assert result is not None
    return result


def seed(staff: list[str], days: int) -> None:
    calendar, zones = DynamoCalendarRepository(), DynamoZonesRepository()
    calendar.add_schedule_version(
        NewScheduleVersion(unit_owner(UNIT), DAY - timedelta(days=days + 30), WeekSchedule.of(MORNING), "b")
    )
    first = DAY - timedelta(days=days)
    for index, nip in enumerate(staff):
        shifts = {first + timedelta(days=d): (NIGHT, MORNING, None)[(d + index) % 3] for d in range(days + 2)}
        dates = sorted(shifts)
        for part in range(0, len(dates), MAX_ROSTER_DAYS):  # a roster change sets at most MAX_ROSTER_DAYS dates
            calendar.put_shifts(nip, UNIT, {day: shifts[day] for day in dates[part : part + MAX_ROSTER_DAYS]}, "bench")
        for d in range(index % 7, days, 45):  # a date removed now and then: its mark stays in the table
            calendar.remove_shift(nip, first + timedelta(days=d), "bench")
    for week in range(days // 7 + 1):  # the last one covers the asked day
        start = first + timedelta(days=7 * week)
        nips = frozenset(staff[(8 * week + k) % len(staff)] for k in range(8))
        letter = Assignment(f"a-{week:012x}", "", nips, start.isoformat(), (start + timedelta(days=6)).isoformat(),
                            f"ST/{week}", "bench")  # fmt: skip
        zones.save_assignment(letter, dict.fromkeys(nips, UNIT), "bench")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--staff", type=int, default=40)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    os.environ.update(
        {"AWS_DEFAULT_REGION": "ap-southeast-3", "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
         "SMART_STAGE": "local", "SMART_TABLE_PREFIX": "rb-", "SMART_BUCKET": "rb-data"}
    )  # fmt: skip
    staff = [f"19900101201501{n:04d}" for n in range(args.staff)]
    print(f"cpus={os.cpu_count()}  one unit of {args.staff} rostered staff, {args.days} days of roster and "
          f"weekly letters before {DAY}, {args.runs} reads each", flush=True)  # fmt: skip
    with moto_scaling.patched(), mock_aws():
        load_settings.cache_clear()
        reset_clients()
        create_all(load_settings())
        began = time.perf_counter()
        seed(staff, args.days)
        print(f"seeded in {time.perf_counter() - began:.1f} s", flush=True)
        calendar, zones = DynamoCalendarRepository(), DynamoZonesRepository()
        start, end = DAY - timedelta(days=1), DAY + timedelta(days=1)
        duties = measured("duties_of_unit (day-1..day+1)", lambda: zones.duties_of_unit(UNIT, start, end), args.runs)
        plans = measured("unit_plans (day-1..day+1)", lambda: calendar.unit_plans(UNIT, start, end, duties), args.runs)
        measured(
            "both, as recaps._unit_plans reads them",
            lambda: calendar.unit_plans(UNIT, start, end, zones.duties_of_unit(UNIT, start, end)),
            args.runs,
        )
        rostered = sum(len(days) for days in plans.shifts.values())
        print(f"answer: {rostered} roster days of {len(plans.shifts)} staff, {len(duties)} duty rows", flush=True)


if __name__ == "__main__":
    main()
