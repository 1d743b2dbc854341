"""A generated regency month for the stack benchmark: units, employees, leaves, a holiday and events.

Events are written exactly as the check-in stores them (see tests/functional/test_recaps.py `seed_event`),
but with batch writes from a few threads so that loading a month of 7,000 employees stays in minutes.
Everything is drawn from one seeded random generator: the same arguments give the same month.
"""

from __future__ import annotations

import random
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from chalicelib.attendance.calendar import plan_day
from chalicelib.attendance.classify import AttendanceEvent, EventState, classify_period
from chalicelib.attendance.rules import RuleTable
from chalicelib.domain.calendar import DateRange, EmployeePlan, Holiday, HolidayKind, Leave, LeaveKind, RegencyCalendar
from chalicelib.domain.people import Member
from chalicelib.domain.status import DayStatus
from chalicelib.store import events as events_store
from chalicelib.store.base import iso, utc_now
from chalicelib.store.calendar import DynamoCalendarRepository
from chalicelib.store.models import EmployeeModel, EventModel, LeaveModel, UnitModel
from chalicelib.store.statuses import DynamoStatusesRepository

WIB = ZoneInfo("Asia/Jakarta")
# (kind, share of the units, employees per unit): a regency's dinas, puskesmas and schools.
UNIT_KINDS = (("DINAS", 18, (200, 400)), ("PUSKESMAS", 14, (30, 60)), ("SDN", 28, (15, 40)))
UNITS_PER_7000 = 60
LOADERS = 4  # parallel batch writers; moto's server is the bottleneck beyond that
ABSENT_SHARE = 0.03
LATE_SHARE = 0.2
NO_CHECKOUT_SHARE = 0.05
REVIEW_SHARE = 0.01
LEAVE_SHARE = 0.03


@dataclass(frozen=True)
class BenchUnit:
    unor_id: str
    name: str
    nips: tuple[str, ...]


@dataclass
class Month:
    """What was generated: the units with their employees, the working days, the holiday and leave days."""

    units: list[BenchUnit]
    working_days: list[date]  # every weekday of the month, the holiday included
    holiday: date
    leave_days: dict[str, set[date]] = field(default_factory=dict)

    @property
    def employees(self) -> int:
        return sum(len(u.nips) for u in self.units)

    def largest_unit(self) -> BenchUnit:
        return max(self.units, key=lambda u: len(u.nips))


def weekdays(month: str) -> list[date]:
    first = date.fromisoformat(f"{month}-01")
    days = [first + timedelta(days=i) for i in range(31)]
    return [d for d in days if d.month == first.month and d.weekday() < 5]


def _unit_sizes(total: int, rng: random.Random) -> list[tuple[str, int]]:
    """Sizes drawn from each kind's range, then scaled so that they add up to `total` exactly."""
    scale = max(total / 7000, 0.05)
    drawn = [
        (kind, rng.randint(low, high))
        for kind, count, (low, high) in UNIT_KINDS
        for _ in range(max(1, round(count * scale)))
    ]
    factor = total / sum(size for _, size in drawn)
    sizes = [(kind, max(1, int(size * factor))) for kind, size in drawn]
    kind, size = sizes[0]
    sizes[0] = (kind, size + total - sum(s for _, s in sizes))  # the rounding remainder goes to a dinas
    return sizes


def _nip(rng: random.Random, taken: set[str]) -> str:
    """An 18-digit NIP: birth date, appointment month, sex, sequence (unique within the run)."""
    while True:
        born = date(1965, 1, 1) + timedelta(days=rng.randint(0, 12000))
        appointed = f"{rng.randint(1990, 2024)}{rng.randint(1, 12):02d}"
        nip = f"{born:%Y%m%d}{appointed}{rng.randint(1, 2)}{rng.randint(1, 999):03d}"
        if nip not in taken:
            taken.add(nip)
            return nip


def generate(total: int, month: str, seed: int, day_limit: int | None = None) -> Month:
    """The regency; `day_limit` keeps only the first weekdays (moto's cost grows with the events stored)."""
    rng = random.Random(seed)
    taken: set[str] = set()
    units = [
        BenchUnit(f"BENCH{i:03d}", f"{kind} Bench {i}", tuple(_nip(rng, taken) for _ in range(size)))
        for i, (kind, size) in enumerate(_unit_sizes(total, rng))
    ]
    days = weekdays(month)
    result = Month(units, days[:day_limit], holiday=days[len(days) // 2])
    for unit in units:
        for nip in unit.nips:
            if rng.random() < LEAVE_SHARE:
                start = rng.randrange(max(1, len(result.working_days) - 3))
                result.leave_days[nip] = set(result.working_days[start : start + rng.randint(1, 3)])
    return result


# --- writes ------------------------------------------------------------------------------------------


def write_people(month: Month) -> None:
    now = iso(utc_now())
    with UnitModel.batch_write() as units:
        for unit in month.units:
            units.save(UnitModel(unit.unor_id, unor_nama=unit.name, updated_at=now))
    with EmployeeModel.batch_write() as employees:
        for unit in month.units:
            for n, nip in enumerate(unit.nips):
                employees.save(
                    EmployeeModel(nip, nama=f"Pegawai {unit.unor_id}-{n}", unor_id=unit.unor_id,
                                  unor_nama=unit.name, active=True, updated_at=now)
                )  # fmt: skip


def leave_kind(nip: str) -> str:
    """C (cuti), I (izin) or S (sakit), fixed per employee so that every writer agrees."""
    return "CSI"[int(nip[-1]) % 3]


def write_calendar(month: Month) -> None:
    """The holiday and every generated leave (sorted by start, each as one range)."""
    DynamoCalendarRepository().put_holiday(month.holiday, "Libur daerah (bench)", "local")
    unit_of = {nip: u.unor_id for u in month.units for nip in u.nips}
    now = iso(utc_now())
    with LeaveModel.batch_write() as batch:
        for i, (nip, leave) in enumerate(sorted(month.leave_days.items())):
            start, end = min(leave), max(leave)
            batch.save(
                LeaveModel(nip, f"{start.isoformat()}#l-bench{i:05d}", leave_id=f"l-bench{i:05d}",
                           unor_id=unit_of[nip], type=leave_kind(nip), start_date=start.isoformat(),
                           end_date=end.isoformat(), reason="bench", created_by="bench", created_at=now)
            )  # fmt: skip


@dataclass(frozen=True)
class Generated:
    """One generated event: what the check-in would have recorded (local time, WIB)."""

    kind: str
    local: datetime
    status: str


def _at(day: date, start: time, minutes: int, rng: random.Random) -> datetime:
    return datetime.combine(day, start) + timedelta(seconds=rng.randint(0, minutes * 60))


def employee_day(nip: str, day: date, month: Month, seed: int) -> list[Generated]:
    """Most arrive 07:00-07:30, some late until 08:30; most leave 15:30-17:00; a few forget or are absent.

    Seeded per employee and day, so the DynamoDB loader and the in-process classification see the same events.
    """
    if day == month.holiday or day not in month.working_days or day in month.leave_days.get(nip, ()):
        return []
    rng = random.Random(f"{seed}-{nip}-{day.isoformat()}")
    if rng.random() < ABSENT_SHARE:
        return []
    late = rng.random() < LATE_SHARE
    arrival = _at(day, time(7, 30) if late else time(7, 0), 60 if late else 30, rng)
    events = [Generated("in", arrival, "review" if rng.random() < REVIEW_SHARE else "accepted")]
    if rng.random() >= NO_CHECKOUT_SHARE:
        events.append(Generated("out", _at(day, time(15, 30), 90, rng), "accepted"))
    return events


def _event(nip: str, unit: str, event: Generated) -> EventModel:
    at = event.local.replace(tzinfo=WIB).astimezone(UTC)
    event_id = events_store.new_event_id(nip, at)
    _, key = events_store.event_keys(event_id)
    day = event.local.date().isoformat()
    return EventModel(nip, key, event_id=event_id, type=event.kind, status=event.status, attendance_time=iso(at),
                      local_date=day, unor_id=unit, unit_date=f"{unit}#{day}",
                      review_unit=unit if event.status == "review" else None,
                      latitude=-6.8468, longitude=107.4857, answer={})  # fmt: skip


def _unit_events(unit: BenchUnit, month: Month, seed: int) -> int:
    written = 0
    with EventModel.batch_write() as batch:
        for day in month.working_days:
            for nip in unit.nips:
                for event in employee_day(nip, day, month, seed):
                    batch.save(_event(nip, unit.unor_id, event))
                    written += 1
    return written


def write_events(month: Month, seed: int) -> int:
    """Every unit's month of events, units spread over a few threads; returns the number of events."""
    with ThreadPoolExecutor(max_workers=LOADERS) as pool:
        return sum(pool.map(lambda u: _unit_events(u, month, seed), month.units))


# --- statuses without reading events back (moto answers index queries by scanning the table) ----------


def _attendance(nip: str, day: date, month: Month, seed: int) -> list[AttendanceEvent]:
    state = {"accepted": EventState.ACCEPTED, "review": EventState.PENDING}
    return [
        AttendanceEvent("in" if g.kind == "in" else "out", g.local.replace(tzinfo=WIB).astimezone(UTC), state[g.status])
        for offset in (-1, 0, 1)
        for g in employee_day(nip, day + timedelta(days=offset), month, seed)
    ]


def classified_unit_day(unit: BenchUnit, day: date, month: Month, seed: int) -> list[tuple[Member, DayStatus]]:
    """The unit's statuses of `day` from the app's own rules (plan_day + classify_period), events from memory."""
    rules = RuleTable(timezone="Asia/Jakarta")
    calendar = RegencyCalendar.of((Holiday(month.holiday, "Libur daerah (bench)", HolidayKind.LOCAL),))
    rows = []
    for n, nip in enumerate(unit.nips):
        leave = month.leave_days.get(nip)
        plan = EmployeePlan(
            leaves=(Leave(LeaveKind(leave_kind(nip)), DateRange(min(leave), max(leave))),) if leave else ()
        )
        plans = [plan_day(day + timedelta(days=d), calendar, plan, rules) for d in (-1, 0, 1)]
        status = classify_period(plans, _attendance(nip, day, month, seed), rules)[1]
        rows.append((Member(nip, f"Pegawai {unit.unor_id}-{n}"), status))
    return rows


def write_statuses(month: Month, seed: int) -> int:
    """Every unit's statuses of every working day, stored with the recap's own writer (save_day)."""
    statuses = DynamoStatusesRepository()

    def unit_month(unit: BenchUnit) -> int:
        return sum(statuses.save_day(unit.unor_id, d, classified_unit_day(unit, d, month, seed))[0]
                   for d in month.working_days)  # fmt: skip

    with ThreadPoolExecutor(max_workers=LOADERS) as pool:
        return sum(pool.map(unit_month, month.units))
