"""Benchmark of the employee's own month (`GET /v1/me/recap`) and day (`GET /v1/me` with `today`) on moto.

Run on purpose (never part of the tests):
    .venv/bin/python bench/selfservice_bench.py [--employees 400] [--days 22] [--repeat 5]
Seeds one unit's month of stored daily statuses (the daily recap's rows) in DynamoDB as moto in-process serves
it, then times the use cases an employee's app calls. moto answers from memory in this process: the figures
measure SMART's code and the amount it reads (items, pages), not DynamoDB's network latency.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from chalicelib.domain.status import DayStatus


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--employees", type=int, default=400)
    parser.add_argument("--days", type=int, default=22)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    os.environ.update({"SMART_STAGE": "local", "SMART_TABLE_PREFIX": "b-", "SMART_BUCKET": "b-bucket"})
    from moto import mock_aws

    from tools import moto_scaling

    with moto_scaling.patched(), mock_aws():
        run(args.employees, args.days, args.repeat)


def judged(day: date, index: int) -> DayStatus:
    """Every ninth employee a little late, the others on time."""
    late = index % 9 == 0
    return DayStatus(day, "TL1" if late else "H", tl="TL1" if late else None, late_minutes=12 if late else 0)


def run(count: int, days: int, repeat: int) -> None:
    from chalicelib import runtime
    from chalicelib.domain.people import Employee, Member, Principal
    from chalicelib.settings import load_settings
    from chalicelib.store.schema import create_all
    from chalicelib.usecases import me
    from chalicelib.usecases.schemas.reports import MyRecapQuery

    settings = load_settings()
    create_all(settings)
    people, statuses = runtime.people(), runtime.statuses()
    people.upsert_unit("U1", "Unit besar")
    nips = [f"19850101201001{i:04d}" for i in range(count)]
    started = time.perf_counter()
    for nip in nips:
        people.put_employee(Employee(nip, f"Pegawai {nip[-4:]}", "U1"))
    workdays = [d for d in (date(2026, 10, 1) + timedelta(days=i) for i in range(31)) if d.weekday() < 5][:days]
    for day in workdays:
        rows = [(Member(nip, f"Pegawai {nip[-4:]}"), judged(day, i)) for i, nip in enumerate(nips)]
        statuses.save_day("U1", day, rows)
    print(f"seeded {count} employees x {len(workdays)} days: {time.perf_counter() - started:.1f} s")
    caller = Principal(subject=nips[7], role="employee")
    now = datetime(2026, 10, 29, 3, 0, tzinfo=UTC)
    for label, action in (
        ("GET /v1/me/recap (month of the unit)", lambda: me.my_recap(caller, MyRecapQuery(month="2026-10"), settings)),
        ("GET /v1/me (profile with today)", lambda: me.profile(caller, settings, now)),
    ):
        times = []
        for _ in range(repeat):
            begun = time.perf_counter()
            action()
            times.append(time.perf_counter() - begun)
        print(f"{label:<40} median {statistics.median(times) * 1000:8.1f} ms  max {max(times) * 1000:8.1f} ms")


if __name__ == "__main__":
    main()
