"""Benchmark: the regency monitor summary (63 units, 7,000 employees) and a unit's activation sheet, on the
local stack (moto server).

Run on purpose (never part of the tests):
    .venv/bin/python -m bench.admin_views_bench [--employees 7000] [--units 63] [--slices 60] [--calls 60]
        [--sheet 500] [--sheet-only | --units-only] [--one-by-one]
Quick run of the summary alone (a few minutes on an idle 2-core machine):
    .venv/bin/python -m bench.admin_views_bench --sheet 0
moto's server runs as a child process on 127.0.0.1 and a free port and is stopped at the end.

Summary: one working day: units and employees (batch writes, bench/stack_seed.py), 3 % on leave, and the
day's check-ins in time order, in `--slices` parts, written 99 events a transaction with their unit-days'
digest tokens (the events repository's `put_punches` write, which stores any immutable event with the same
digest token a check-in adds; `--one-by-one`: through `write_checkin` itself, from 4 threads, as in the runs
before 2026-12-03 14:00). `admin_views.monitor_summary` is called as a super admin:
- cold: after the first part, every unit frame (members, plans) built;
- rush: after each further part, at its last check-in's time (new check-ins in nearly every unit);
- rush with a frame change: the same, with one unit's frame version bumped before each poll (a leave added);
- polling: `--calls` calls at 17:30 WIB on the whole day (nothing changed between polls).
Target (issue 19): p95 <= 300 ms.
Sheet: a unit of `--sheet` not-yet-activated employees gets its codes and its PDF (`activation_sheet.issue`):
wall time, PDF size and pages. Target: well under API Gateway's 29 s.
Units (`--units-only`): `GET /v1/admin/units`'s onboarding counts of every unit, read with a Query per unit and
with one Scan in parallel segments, three times each, on the regency's employees (60 % activated).
Figures are printed; bench/admin_views_RESULTS.md records measured runs.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta

from bench import stack_seed
from bench.stack_env import moto_server, prepare
from chalicelib.domain.attendance import Event
from chalicelib.domain.people import Principal, UnitCounts
from chalicelib.settings import Settings
from chalicelib.store.base import iso
from chalicelib.store.events import CheckinWrite, DynamoEventsRepository, StoredAnswer, new_event_id
from chalicelib.store.models import EmployeeModel
from chalicelib.usecases import activation_sheet, admin_views, directory, recaps
from chalicelib.usecases.schemas.admin_views import ActivationSheetRequest, SummaryQuery

SUPER_ADMIN = Principal("bench", "super_admin")
DAY = date(2026, 10, 15)  # a Thursday
KINDS = (("DINAS", 17, (150, 300)), ("PUSKESMAS", 16, (40, 80)), ("SDN", 30, (15, 40)))
BASE_URL = "https://smart.example.go.id"  # the cards' QR codes hold links as long as a deployment's


def regency(employees: int, units: int, seed: int) -> stack_seed.Month:
    """`units` units of the three kinds, sizes drawn per kind and scaled to add up to `employees`."""
    rng = random.Random(seed)
    kinds = [kind for kind, count, _ in KINDS for _ in range(count)][:units]
    drawn = [rng.randint(*next(r for k, _, r in KINDS if k == kind)) for kind in kinds]
    sizes = [max(1, int(size * employees / sum(drawn))) for size in drawn]
    sizes[0] += employees - sum(sizes)
    taken: set[str] = set()
    made = [
        stack_seed.BenchUnit(f"BENCH{i:03d}", f"{kind} Bench {i}", tuple(stack_seed._nip(rng, taken) for _ in range(n)))
        for i, (kind, n) in enumerate(zip(kinds, sizes, strict=True))
    ]
    month = stack_seed.Month(made, [DAY], holiday=DAY + timedelta(days=7))
    for unit in made:
        for nip in unit.nips:
            if rng.random() < stack_seed.LEAVE_SHARE:
                month.leave_days[nip] = {DAY}
    return month


def day_events(month: stack_seed.Month, seed: int) -> list[tuple[datetime, str, Event]]:
    """Every check-in of DAY (the generator of bench/stack_seed.py), by attendance time, with its unit."""
    rows = []
    for unit in month.units:
        for nip in unit.nips:
            for g in stack_seed.employee_day(nip, DAY, month, seed):
                at = g.local.replace(tzinfo=stack_seed.WIB).astimezone(UTC)
                event = Event(new_event_id(nip, at), nip, g.kind, g.status, iso(at), iso(at), DAY.isoformat(),
                              unit.unor_id, warnings=())  # fmt: skip
                rows.append((at, unit.unor_id, event))
    return sorted(rows, key=lambda row: row[0])


def write_events(events: list[tuple[datetime, str, Event]], *, one_by_one: bool = False) -> None:
    """In transactions of 99 events with their digest tokens, or (`one_by_one`) through `write_checkin` (event,
    idempotent answer, unit-day digest) from a few threads."""
    repo = DynamoEventsRepository()
    if not one_by_one:
        repo.put_punches([event for _, _, event in events])
        return

    def write(row: tuple[datetime, str, Event]) -> None:
        at, _, event = row
        repo.write_checkin(CheckinWrite(event, f"{event.event_id}#bench", "bench", StoredAnswer(201, {}), at))

    with ThreadPoolExecutor(max_workers=stack_seed.LOADERS) as pool:
        list(pool.map(write, events))


def timed_ms(work: object) -> tuple[float, object]:
    began = time.perf_counter()
    result = work()  # type: ignore[operator]
    return (time.perf_counter() - began) * 1000, result


def summary(settings: Settings, now: datetime) -> tuple[float, dict[str, int]]:
    elapsed, answer = timed_ms(lambda: admin_views.monitor_summary(SUPER_ADMIN, SummaryQuery(date=DAY), settings, now))
    return elapsed, answer.totals  # type: ignore[attr-defined]


def cuts(samples: list[float]) -> str:
    q = statistics.quantiles(samples, n=100, method="inclusive") if len(samples) > 1 else samples * 99
    return f"p50 {q[49]:.0f} ms, p95 {q[94]:.0f} ms, max {max(samples):.0f} ms"


def summary_phase(settings: Settings, month: stack_seed.Month, args: argparse.Namespace) -> None:
    """The day arrives in `slices` parts, each followed by a poll at its last event's time (nearly every unit's
    digest changed: the morning rush; every other part, one unit's frame changed too); then `calls` polls at
    17:30 WIB on the whole day (nothing changed)."""
    rng = random.Random(args.seed)
    units = [u.unor_id for u in month.units]
    events = day_events(month, args.seed)
    began, writing = time.perf_counter(), 0.0
    rush: list[float] = []
    touched: list[float] = []
    size = -(-len(events) // args.slices)
    for start in range(0, len(events), size):
        part = events[start : start + size]
        wrote = time.perf_counter()
        write_events(part, one_by_one=args.one_by_one)
        writing += time.perf_counter() - wrote
        if start == 0:
            cold, _ = summary(settings, part[-1][0])
            print(f"summary cold (every frame built): {cold:.0f} ms  load {load()}")
            continue
        changed = (start // size) % 2 == 0
        if changed:
            recaps.frames_changed([rng.choice(units)])
        elapsed, totals = summary(settings, part[-1][0])
        (touched if changed else rush).append(elapsed)
    print(f"wrote {len(events)} check-ins in {writing:.0f} s ({time.perf_counter() - began:.0f} s with the polls)")
    print(f"summary during the arrival, {len(rush)} polls (new check-ins in nearly every unit): {cuts(rush)}  "
          f"load {load()}")  # fmt: skip
    print(f"  the same with one unit's frame changed before the poll, {len(touched)} polls: {cuts(touched)}")
    print(f"  totals at {events[-1][0]:%H:%M} UTC: {totals}")
    end_of_day = datetime.combine(DAY, datetime.min.time()).replace(hour=17, minute=30, tzinfo=stack_seed.WIB)
    steady = [summary(settings, end_of_day)[0] for _ in range(args.calls)]
    print(f"summary polling at 17:30 WIB ({len(units)} units, {month.employees} employees, {args.calls} polls, "
          f"nothing changed in between): {cuts(steady)}  load {load()}")  # fmt: skip
    answer = admin_views.monitor_summary(SUPER_ADMIN, SummaryQuery(date=DAY), settings, end_of_day)
    full = {u: recaps.monitor(u, DAY, end_of_day, settings).counts for u in units}
    print(f"  equal to each unit's monitor read afresh: {all(r.counts == full[r.unor_id] for r in answer.units)}")


def sheet_phase(settings: Settings, size: int, seed: int) -> None:
    rng = random.Random(seed + 1)
    taken: set[str] = set()
    unit = stack_seed.BenchUnit(
        "SHEET01", "SDN Lembar Aktivasi", tuple(stack_seed._nip(rng, taken) for _ in range(size))
    )
    stack_seed.write_people(stack_seed.Month([unit], [DAY], holiday=DAY))
    body = ActivationSheetRequest(only_not_activated=True)
    now = datetime.now(UTC)
    elapsed, answer = timed_ms(
        lambda: activation_sheet.issue(SUPER_ADMIN, unit.unor_id, body, settings, now=now, base_url=BASE_URL)
    )
    print(f"activation sheet, {size} employees: {elapsed / 1000:.1f} s, count {answer.count}  load {load()}")  # type: ignore[attr-defined]
    cards = [
        activation_sheet.Card(
            f"Pegawai {i}", nip, code, "01-01-2027 07:00", activation_sheet.activation_link(BASE_URL, nip, code)
        )
        for i, nip in enumerate(unit.nips)
        for code in [f"{i:08d}"]
    ]
    began = time.perf_counter()
    pdf = activation_sheet.render_sheet(unit.name, cards, activation_sheet.app_address(BASE_URL))
    pages = -(-size // (activation_sheet.COLUMNS * activation_sheet.ROWS))
    print(f"  of which the PDF alone: {time.perf_counter() - began:.1f} s, {len(pdf) / 1024:.0f} KiB, {pages} pages")


def units_phase(settings: Settings, month: stack_seed.Month, seed: int) -> None:
    """`GET /v1/admin/units` counts for the super admin: a Query per unit (before) and one Scan in parallel
    segments (`counts_of_all_units`, now), on the same employees, some activated and enrolled."""
    rng = random.Random(seed + 2)
    made_by = ",".join(directory.policy_models(settings))  # so that an enrolled face counts (`Employee.enrolled_for`)
    with EmployeeModel.batch_write() as batch:
        for unit in month.units:
            for n, nip in enumerate(unit.nips):
                activated = rng.random() < 0.6
                batch.save(
                    EmployeeModel(nip, nama=f"Pegawai {unit.unor_id}-{n}", unor_id=unit.unor_id, unor_nama=unit.name,
                                  active=True, password_hash="scrypt$bench" if activated else None,
                                  device_id=f"android-{nip}" if activated else None,
                                  template_count=int(activated and rng.random() < 0.7), face_model=made_by)
                )  # fmt: skip
    ids = [u.unor_id for u in month.units]

    def counted(every_unit: bool) -> tuple[float, dict[str, UnitCounts]]:
        began = time.perf_counter()
        counts = directory.unit_counts(ids, settings, every_unit=every_unit)
        return (time.perf_counter() - began) * 1000, counts

    answers = {}
    for label, every_unit in (("a Query per unit (before)", False), ("one Scan, 4 segments (now)", True)):
        runs = [counted(every_unit) for _ in range(3)]
        answers[every_unit] = runs[-1][1]
        totals = [sum(getattr(c, f) for c in runs[-1][1].values()) for f in ("employees", "activated", "enrolled")]
        print(f"unit counts, {len(ids)} units / {month.employees} employees, {label}: "
              f"{', '.join(f'{ms:.0f} ms' for ms, _ in runs)}; totals {totals}  load {load()}")  # fmt: skip
    print(f"  both give the same counts per unit: {answers[False] == answers[True]}")
    page_ms, page = timed_ms(lambda: directory.list_units(SUPER_ADMIN, settings))
    print(f"GET /v1/admin/units use case (super admin): {page_ms:.0f} ms, {len(page.items)} units")  # type: ignore[attr-defined]


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    quick = "quick run of the summary alone (a few minutes on an idle 2-core machine): --sheet 0"
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], epilog=quick)
    parser.add_argument("--employees", type=int, default=7000)
    parser.add_argument("--units", type=int, default=63)
    parser.add_argument("--calls", type=int, default=60)
    parser.add_argument("--slices", type=int, default=60, help="parts the day's check-ins arrive in")
    parser.add_argument("--sheet", type=int, default=500)
    parser.add_argument("--seed", type=int, default=19)
    parser.add_argument("--sheet-only", action="store_true", help="only the activation sheet phase")
    parser.add_argument("--units-only", action="store_true", help="only the unit counts of GET /v1/admin/units")
    parser.add_argument("--one-by-one", action="store_true", help="check-ins through write_checkin (slow seeding)")
    args = parser.parse_args()
    print(f"{datetime.now(UTC):%Y-%m-%d %H:%M:%S} UTC  cpus={os.cpu_count()}  load {load()}  {vars(args)}")
    with moto_server() as (endpoint, pid):
        print(f"moto server pid {pid} at {endpoint}")
        settings = prepare(endpoint)
        if args.sheet_only:
            sheet_phase(settings, args.sheet, args.seed)
            return
        month = regency(args.employees, args.units, args.seed)
        if args.units_only:
            stack_seed.write_people(month)
            units_phase(settings, month, args.seed)
            return
        stack_seed.write_people(month)
        stack_seed.write_calendar(month)
        print(f"seeded {len(month.units)} units, {month.employees} employees, {len(month.leave_days)} on leave")
        summary_phase(settings, month, args)
        if args.sheet:
            sheet_phase(settings, args.sheet, args.seed)
    print(f"moto server stopped; load {load()}")


if __name__ == "__main__":
    main()
