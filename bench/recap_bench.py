"""Benchmark of the pure recap path: plan + classify a month for a regency, summarise, export XLSX/CSV/PDF.

Run on purpose (never part of the tests):
    .venv/bin/python bench/recap_bench.py [--employees 7000] [--units 200] [--month 2026-10]
Prints wall time per phase and the process's peak resident memory. Synthetic, seeded data: most people
on time, some late or leaving early, a few missing check-outs, absences, leaves, field duty and reviews.
"""

from __future__ import annotations

import argparse
import random
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.timing import timed
from chalicelib.attendance.calendar import plan_day
from chalicelib.attendance.classify import AttendanceEvent, EventState, classify_period
from chalicelib.attendance.export import export_csv, export_xlsx
from chalicelib.attendance.monthly import EmployeeMonth, monthly_report
from chalicelib.attendance.recap_pdf import export_pdf
from chalicelib.attendance.rules import RuleTable
from chalicelib.domain.calendar import DateRange, EmployeePlan, Leave, LeaveKind, RegencyCalendar
from chalicelib.domain.status import DayStatus


def month_days(month: str) -> list[date]:
    first = date.fromisoformat(f"{month}-01")
    days = [first + timedelta(days=offset) for offset in range(31)]
    return [day for day in days if day.month == first.month]


def synthetic_events(plan_days: list[date], rules: RuleTable, rng: random.Random) -> list[AttendanceEvent]:
    """A month of events for one employee on the default week."""
    events: list[AttendanceEvent] = []
    for day in plan_days:
        hours = rules.default_week.hours_on(day)
        if hours is None:
            continue
        start, end = hours.bounds(day, rules.tz)
        roll = rng.random()
        if roll < 0.03:
            continue  # absent
        late = timedelta(minutes=rng.choice((0, 0, 0, 5, 25, 45, 75, 120))) if roll < 0.25 else timedelta()
        state = EventState.PENDING if roll > 0.99 else EventState.ACCEPTED
        events.append(AttendanceEvent("in", start - timedelta(minutes=10) + late, state))
        if roll < 0.08:
            continue  # forgot to check out
        early = timedelta(minutes=rng.choice((0, 15, 50))) if roll > 0.9 else timedelta()
        events.append(AttendanceEvent("out", end + timedelta(minutes=5) - early))
    return events


def employees(count: int, units: int, days: list[date], rng: random.Random) -> list[tuple[str, EmployeePlan]]:
    people = []
    for index in range(count):
        nip = f"19{rng.randrange(60, 99)}0101{rng.randrange(2000, 2024)}01{index % 2 + 1}{index:03d}"[:18]
        leaves: tuple[Leave, ...] = ()
        duties: tuple[DateRange, ...] = ()
        if index % 25 == 0:
            leaves = (Leave(LeaveKind.CUTI, DateRange(days[5], days[8])),)
        if index % 40 == 0:
            duties = (DateRange(days[12], days[13]),)
        people.append((f"{nip:0<18}", EmployeePlan(leaves=leaves, field_duties=duties)))
    return people


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--employees", type=int, default=7000)
    parser.add_argument("--units", type=int, default=200)
    parser.add_argument("--month", default="2026-10")
    args = parser.parse_args()
    rules = RuleTable()
    rng = random.Random(20261127)
    days = month_days(args.month)
    calendar = RegencyCalendar()
    working = sum(1 for day in days if rules.default_week.hours_on(day) and day not in calendar.holidays)
    print(f"{args.employees} employees, {args.units} units, {args.month}: {working} working days")

    staff = employees(args.employees, args.units, days, rng)
    people = timed(
        "generate synthetic events", lambda: [(nip, plan, synthetic_events(days, rules, rng)) for nip, plan in staff]
    )
    plans = timed(
        "plan days (calendar)",
        lambda: [[plan_day(day, calendar, plan, rules) for day in days] for _, plan, _ in people],
    )

    def classify_all() -> list[list[DayStatus]]:
        pairs = zip(plans, people, strict=True)
        return [classify_period(day_plans, events, rules) for day_plans, (_, _, events) in pairs]

    judged = timed("classify (assign + judge)", classify_all)
    judged_days = sum(1 for month in judged for day in month if day.status != "LIBUR")
    months = [
        EmployeeMonth(nip, f"Pegawai {index}", f"U{index % args.units:03d}", f"Unit {index % args.units:03d}", days_)
        for index, ((nip, _, _), days_) in enumerate(zip(people, judged, strict=True))
    ]
    report = timed("monthly report", lambda: monthly_report(args.month, months, rules))
    xlsx = timed("export XLSX", lambda: export_xlsx(report))
    csv_bytes = timed("export CSV", lambda: export_csv(report))
    printed = datetime.now(UTC).astimezone(ZoneInfo("Asia/Jakarta"))
    pdf = timed("export PDF (signing sheet)", lambda: export_pdf(report, printed))
    sizes = f"XLSX {len(xlsx) / 1e6:.2f} MB; CSV {len(csv_bytes) / 1e6:.2f} MB; PDF {len(pdf) / 1e6:.2f} MB"
    print(f"judged working days: {judged_days}; {sizes}")


if __name__ == "__main__":
    main()
