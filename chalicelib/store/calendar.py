"""Schedules (versioned), shift rosters, holidays, Ramadan periods and leaves in DynamoDB.

Reads are shaped for the two callers: one employee's day (check-in answer) and one unit's day or month
(recaps, monitor), each a handful of queries whatever the unit's size.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from chalicelib.domain.attendance import Duty
from chalicelib.domain.calendar import (
    DateRange,
    EmployeePlan,
    Holiday,
    HolidayKind,
    Leave,
    LeaveKind,
    RamadanPeriod,
    RegencyCalendar,
)
from chalicelib.domain.schedule import ScheduleVersion, WeekSchedule, WorkHours
from chalicelib.store.base import iso, parse_iso, storage_call, utc_now
from chalicelib.store.cache import TtlCache
from chalicelib.store.models import HolidayModel, LeaveModel, ScheduleModel
from chalicelib.store.zones import duties_of, duties_of_unit

RAMADAN_OWNER = "RAMADAN"


def _own_owner(nip: str) -> str:
    return f"EMP#{nip}"


def _shift_owner(nip: str) -> str:
    return f"SHIFT#{nip}"


# --- writes ------------------------------------------------------------------------------------------


def _item(owner: str, key: str, definition: dict[str, Any], actor: str, personal_unit: str | None) -> ScheduleModel:
    return ScheduleModel(
        owner,
        key,
        effective_from=key.split("#", maxsplit=1)[0],
        created_at=iso(utc_now()),
        created_by=actor,
        definition=definition,
        unor_id=personal_unit,
        owner_key=f"{owner}#{key}" if personal_unit else None,
    )


def add_schedule_version(
    owner: str, effective_from: date, week: WeekSchedule, actor: str, personal_unit: str | None = None
) -> str:
    """Append a version (never rewrites older ones); `personal_unit` indexes an employee's own version."""
    now = iso(utc_now())
    key = f"{effective_from.isoformat()}#{now}#{secrets.token_hex(3)}"
    with storage_call("dynamodb"):
        _item(owner, key, week.to_dict(), actor, personal_unit).save()
    _UNIT_VERSIONS.forget(owner)
    return now


def unit_owner(unor_id: str) -> str:
    return f"UNIT#{unor_id}"


def employee_owner(nip: str) -> str:
    return _own_owner(nip)


def put_shifts(nip: str, unor_id: str, shifts: dict[date, WorkHours | None], actor: str) -> None:
    with storage_call("dynamodb"), ScheduleModel.batch_write() as batch:
        for day, hours in shifts.items():
            definition = hours.to_dict() if hours else {"off": True}
            batch.save(_item(_shift_owner(nip), day.isoformat(), definition, actor, unor_id))


def put_holiday(day: date, name: str, kind: str) -> None:
    with storage_call("dynamodb"):
        HolidayModel(str(day.year), day.isoformat(), name=name, kind=kind).save()
    _CALENDARS.forget()


def delete_holiday(day: date) -> bool:
    with storage_call("dynamodb"):
        try:
            HolidayModel.get(str(day.year), day.isoformat()).delete()
        except HolidayModel.DoesNotExist:
            return False
    _CALENDARS.forget()
    return True


def put_ramadan(year: int, period: DateRange, actor: str) -> None:
    definition = {"start": period.start.isoformat(), "end": period.end.isoformat()}
    with storage_call("dynamodb"):
        _item(RAMADAN_OWNER, str(year), definition, actor, None).save()
    _CALENDARS.forget()


@dataclass(frozen=True)
class LeaveEntry:
    nip: str
    unor_id: str
    kind: str
    start: date
    end: date
    reason: str | None


def add_leave(entry: LeaveEntry, actor: str) -> str:
    leave_id = f"l-{secrets.token_hex(5)}"
    with storage_call("dynamodb"):
        LeaveModel(
            entry.nip,
            f"{entry.start.isoformat()}#{leave_id}",
            leave_id=leave_id,
            unor_id=entry.unor_id,
            type=entry.kind,
            start_date=entry.start.isoformat(),
            end_date=entry.end.isoformat(),
            reason=entry.reason,
            created_by=actor,
            created_at=iso(utc_now()),
        ).save()
    return leave_id


# --- reads -------------------------------------------------------------------------------------------


def _version(r: ScheduleModel) -> ScheduleVersion:
    return ScheduleVersion(
        date.fromisoformat(r.effective_from), parse_iso(r.created_at), WeekSchedule.from_dict(r.definition)
    )


def _versions(owner: str) -> tuple[ScheduleVersion, ...]:
    with storage_call("dynamodb"):
        return tuple(_version(r) for r in ScheduleModel.query(owner))


def schedule_history(owner: str) -> list[dict[str, Any]]:
    with storage_call("dynamodb"):
        return [
            {"effective_from": r.effective_from, "created_at": r.created_at, "created_by": r.created_by,
             "days": r.definition}
            for r in ScheduleModel.query(owner)
        ]  # fmt: skip


def _roster_day(r: ScheduleModel) -> WorkHours | None:
    return None if r.definition.get("off") else WorkHours.parse(r.definition["start"], r.definition["end"])


def _shifts(nip: str, start: date, end: date) -> dict[date, WorkHours | None]:
    condition = ScheduleModel.key.between(start.isoformat(), end.isoformat())
    with storage_call("dynamodb"):
        return {date.fromisoformat(r.key): _roster_day(r) for r in ScheduleModel.query(_shift_owner(nip), condition)}


def _leave(row: LeaveModel) -> Leave:
    return Leave(LeaveKind(row.type), DateRange(date.fromisoformat(row.start_date), date.fromisoformat(row.end_date)))


def _leaves(nip: str, end: date) -> tuple[Leave, ...]:
    with storage_call("dynamodb"):
        rows = list(LeaveModel.query(nip, LeaveModel.key <= f"{end.isoformat()}#~"))
    return tuple(_leave(r) for r in rows)


def _duty_range(row: Duty) -> DateRange:
    return DateRange(date.fromisoformat(row.start_date), date.fromisoformat(row.end_date))


_CALENDARS: TtlCache[RegencyCalendar] = TtlCache(ttl_s=60)
_UNIT_VERSIONS: TtlCache[tuple[ScheduleVersion, ...]] = TtlCache(ttl_s=60)


def cached_regency_calendar(years: Iterable[int]) -> RegencyCalendar:
    """The calendar as read at most a minute ago (check-in answers; recaps read it fresh)."""
    key = tuple(sorted(set(years)))
    return _CALENDARS.get(key, lambda: regency_calendar(key))


def regency_calendar(years: Iterable[int]) -> RegencyCalendar:
    holidays: list[Holiday] = []
    with storage_call("dynamodb"):
        for year in sorted(set(years)):
            holidays += [
                Holiday(date.fromisoformat(h.date), h.name, HolidayKind(h.kind)) for h in HolidayModel.query(str(year))
            ]
        ramadan = [
            RamadanPeriod(DateRange(date.fromisoformat(r.definition["start"]), date.fromisoformat(r.definition["end"])))
            for r in ScheduleModel.query(RAMADAN_OWNER)
        ]
    return RegencyCalendar.of(tuple(holidays), tuple(ramadan))


def holidays_of_year(year: int) -> list[dict[str, str]]:
    with storage_call("dynamodb"):
        return [{"date": h.date, "name": h.name, "kind": h.kind} for h in HolidayModel.query(str(year))]


def employee_plan(nip: str, unor_id: str, start: date, end: date, duties: Sequence[Duty] | None = None) -> EmployeePlan:
    """Everything scheduled for one employee between two dates (inclusive).

    `duties`: the answer of `duties_of(nip, end)` when the caller has read them already (the check-in has).
    """
    duties = [r for r in (duties_of(nip, end) if duties is None else duties) if r.end_date >= start.isoformat()]
    owner = unit_owner(unor_id)
    return EmployeePlan(
        unit_versions=_UNIT_VERSIONS.get(owner, lambda: _versions(owner)),
        own_versions=_versions(_own_owner(nip)),
        shifts=_shifts(nip, start, end),
        leaves=_leaves(nip, end),
        field_duties=tuple(_duty_range(r) for r in duties),
    )


@dataclass(frozen=True)
class UnitPlans:
    """Plans of every employee of a unit for a date range, read with a few queries."""

    unit_versions: tuple[ScheduleVersion, ...]
    leaves: dict[str, list[Leave]]
    duties: dict[str, list[DateRange]]
    own: dict[str, list[ScheduleVersion]]
    shifts: dict[str, dict[date, WorkHours | None]]

    def plan_for(self, nip: str) -> EmployeePlan:
        return EmployeePlan(
            unit_versions=self.unit_versions,
            own_versions=tuple(self.own.get(nip, ())),
            shifts=self.shifts.get(nip, {}),
            leaves=tuple(self.leaves.get(nip, ())),
            field_duties=tuple(self.duties.get(nip, ())),
        )


def unit_plans(unor_id: str, start: date, end: date) -> UnitPlans:
    leaves: dict[str, list[Leave]] = {}
    duties: dict[str, list[DateRange]] = {}
    with storage_call("dynamodb"):
        for row in LeaveModel.by_unit.query(unor_id, LeaveModel.start_date <= end.isoformat()):
            if row.end_date >= start.isoformat():
                leaves.setdefault(row.nip, []).append(_leave(row))
    for duty in duties_of_unit(unor_id, end):
        if duty.end_date >= start.isoformat():
            duties.setdefault(duty.nip, []).append(_duty_range(duty))
    own: dict[str, list[ScheduleVersion]] = {}
    shifts: dict[str, dict[date, WorkHours | None]] = {}
    with storage_call("dynamodb"):
        for row in ScheduleModel.by_unit.query(unor_id):
            kind, nip = row.owner.split("#", 1)
            if kind == "EMP":
                own.setdefault(nip, []).append(_version(row))
            elif start.isoformat() <= row.key <= end.isoformat():
                shifts.setdefault(nip, {})[date.fromisoformat(row.key)] = _roster_day(row)
    return UnitPlans(_versions(unit_owner(unor_id)), leaves, duties, own, shifts)
